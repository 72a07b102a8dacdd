"""`--account-owner`, `--segment`, `--status` and `--health` on `health`, `due`, `stats` and `digest`:
values of one option OR-ed, different options AND-ed, through the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.test_revenue import FILES

TODAY = ("--today", "2026-11-20")
OWNERS = {"a": "dana", "b": "marco", "c": "dana", "d": "marco", "e": "dana", "f": "marco", "g": "dana"}
OWNERS |= {"h": "marco", "i": "marco"}
SEGMENTS = {"a": "growth", "b": "standard", "c": "growth", "d": "growth", "e": "standard", "f": "standard"}
SEGMENTS |= {"g": "growth", "h": "standard", "i": "standard"}


@pytest.fixture
def root(make_repo: Callable[..., Path]) -> Path:
    return make_repo(FILES)


def _clients(run: Run) -> list[str]:
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, list)
    return sorted(h["client"] for h in data)


def test_values_of_one_option_are_ored_and_options_anded(root: Path, cli: Callable[..., Run]) -> None:
    def health(*options: str) -> list[str]:
        return _clients(cli(*TODAY, "health", "--format", "json", *options, root=root))

    assert health() == sorted(OWNERS)
    assert health("--account-owner", "marco") == ["b", "d", "f", "h", "i"]
    assert health("--segment", "growth") == ["a", "c", "d", "g"]
    assert health("--segment", "growth", "--segment", "standard") == sorted(OWNERS)
    assert health("--segment", "growth", "--account-owner", "marco") == ["d"]
    assert health("--status", "former") == ["c", "f"]
    assert health("--status", "former", "--status", "active", "--account-owner", "dana") == ["a", "c", "e", "g"]
    everyone = cli(*TODAY, "health", "--format", "json", root=root).json()
    assert isinstance(everyone, list)
    red = sorted(h["client"] for h in everyone if h["health"] == "red")
    assert red and health("--health", "red") == red  # a former client, without health, never matches
    amber_or_green = sorted(h["client"] for h in everyone if h["health"] in ("amber", "green"))
    assert health("--health", "amber", "--health", "green") == amber_or_green


def test_due_keeps_owner_as_who_acts_and_account_owner_as_whose_clients(root: Path, cli: Callable[..., Run]) -> None:
    every = cli(*TODAY, "due", "--format", "json", root=root).json()
    assert isinstance(every, list) and every
    marco = cli(*TODAY, "due", "--format", "json", "--account-owner", "marco", root=root).json()
    assert marco == [e for e in every if OWNERS[e["client"]] == "marco"]
    both = cli(*TODAY, "due", "--format", "json", "--account-owner", "marco", "--owner", "dana", root=root).json()
    assert both == [e for e in every if OWNERS[e["client"]] == "marco" and e["owner"] == "dana"]
    growth = cli(*TODAY, "due", "--format", "json", "--segment", "growth", root=root).json()
    assert growth == [e for e in every if SEGMENTS[e["client"]] == "growth"]


def test_stats_are_the_filtered_clients_own(root: Path, cli: Callable[..., Run]) -> None:
    run = cli(*TODAY, "stats", "--format", "json", "--account-owner", "marco", root=root)
    assert run.exit_code == 0, run.stderr
    data: dict[str, Any] = run.json()  # type: ignore[assignment]
    assert sum(data["by_status"].values()) == 5
    assert set(data["by_owner"]) == {"marco"}
    # marco's recurring clients on 2025-11-20: b (30,000 EUR) and d (10,000 USD)
    trailing = data["revenue_retention"]["grr"]["trailing"]
    assert [(r["currency"], r["base"], r["rate"]) for r in trailing] == [("EUR", 30000, 80.0), ("USD", 10000, 100.0)]
    text = cli(*TODAY, "stats", "--account-owner", "marco", "--segment", "standard", root=root).stdout
    assert text.splitlines()[0] == "Portfolio on 2026-11-20: 4 clients (account owner marco, segment standard)"


def test_digest_takes_the_filters(root: Path, cli: Callable[..., Run]) -> None:
    run = cli(*TODAY, "digest", "--format", "json", "--owner", "dana", "--account-owner", "marco", root=root)
    assert run.exit_code == 0, run.stderr
    digest: dict[str, Any] = run.json()  # type: ignore[assignment]
    assert digest["owner"] == "dana"
    clients = {entry["client"] for key in ("due", "raised", "cleared", "renewals") for entry in digest[key] or []}
    assert clients <= {"b", "d", "f", "h", "i"}
    whole = cli(*TODAY, "digest", "--format", "json", "--owner", "dana", root=root).json()
    assert isinstance(whole, dict)
    assert {e["client"] for e in whole["renewals"]} == {"a"}  # dana's own renewals within 90 days (not e)


@pytest.mark.parametrize(
    ("options", "hint"),
    [
        (("--account-owner", "marko"), "'marko' is not a team handle"),
        (("--segment", "grwth"), "'grwth' is not a segment of kb.yaml"),
        (("--status", "gone"), "--status"),
        (("--health", "blue"), "--health"),
    ],
)
def test_a_wrong_filter_value_is_refused_with_a_hint(
    root: Path, cli: Callable[..., Run], options: tuple[str, ...], hint: str
) -> None:
    for command in ("health", "due", "stats", "digest"):
        run = cli(*TODAY, command, *options, root=root)
        assert run.exit_code == 2 and hint in run.stderr and not run.stdout
