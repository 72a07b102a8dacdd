"""Loyalty tiers at their boundaries, computed by hand and read from `health --format json`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLIENT_YAML, KB_YAML, Run

TIERS = """\
loyalty:
  tiers:
    - name: Gold
      criteria: {tenure: 36m, yearly_value: {EUR: 100000}, latest_nps: 9, referrals: 1}
      perks: [Strategy sessions]
    - name: Silver
      criteria: {tenure: 12m, yearly_value: {EUR: 20000, GBP: 17000}}
"""
GOLD = (
    "contract: {value: 100000, currency: EUR, period: year}\n"
    "nps:\n  - {date: 2026-06-01, score: 9}\nadvocacy: {referrals: [beta]}\n"
)
BETA = CLIENT_YAML.replace("Acme Corp", "Beta Bakery")


def _tier(cli: Callable[..., Run], root: Path) -> dict[str, Any]:
    run = cli("--today", "2026-11-20", "health", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, list)
    return data[0]["tier"]


@pytest.mark.parametrize(
    ("since", "extra", "name", "reason"),
    [
        ("2023-11-20", GOLD, "Gold", "a client for 3 y 0 m, 100,000 EUR a year, latest NPS 9, 1 referral given"),
        ("2023-11-21", GOLD, "Silver", "a client for 2 y 11 m, 100,000 EUR a year"),  # a day short of 36 months
        ("2023-11-20", GOLD.replace("score: 9", "score: 8"), "Silver", "a client for 3 y 0 m, 100,000 EUR a year"),
        (
            "2023-11-20",
            GOLD.replace("referrals: [beta]", "referrals: []"),
            "Silver",
            "a client for 3 y 0 m, 100,000 EUR a year",
        ),
        (
            "2023-11-20",
            GOLD.replace("value: 100000", "value: 99999"),
            "Silver",
            "a client for 3 y 0 m, 99,999 EUR a year",
        ),
        (
            "2025-11-20",
            "contract: {value: 1700, currency: GBP, period: month}\n",
            "Silver",
            "a client for 1 y 0 m, 20,400 GBP a year",
        ),
        (
            "2025-11-20",
            "contract: {value: 1700, currency: USD, period: month}\n",
            None,
            "not yet Silver: needs the yearly value",
        ),
        (
            "2025-11-21",
            "contract: {value: 30000, currency: EUR, period: year}\n",
            None,
            "not yet Silver: needs a client for 12 months",
        ),
    ],
)
def test_the_first_tier_whose_criteria_are_met(
    make_repo: Callable[..., Path], cli: Callable[..., Run], since: str, extra: str, name: str | None, reason: str
) -> None:
    record = CLIENT_YAML.replace("since: 2025-01-01", f"since: {since}") + extra
    root = make_repo({"kb.yaml": KB_YAML + TIERS, "clients/acme/client.yaml": record, "clients/beta/client.yaml": BETA})
    assert _tier(cli, root) == {"name": name, "reason": reason}


def test_no_tiers_no_tier_and_former_clients_have_none(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    assert _tier(cli, make_repo()) == {"name": None, "reason": ""}
    former = CLIENT_YAML.replace("status: active", "status: former") + "until: 2026-10-01\n" + GOLD
    root = make_repo({"kb.yaml": KB_YAML + TIERS, "clients/acme/client.yaml": former, "clients/beta/client.yaml": BETA})
    assert _tier(cli, root) == {"name": None, "reason": ""}


def test_the_client_page_shows_the_tier_and_its_perks(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    record = CLIENT_YAML.replace("since: 2025-01-01", "since: 2020-01-01") + GOLD
    root = make_repo({"kb.yaml": KB_YAML + TIERS, "clients/acme/client.yaml": record, "clients/beta/client.yaml": BETA})
    out = root / "site"
    assert cli("--today", "2026-11-20", "build", "--out", str(out), root=root).exit_code == 0
    page = (out / "clients/acme/index.html").read_text(encoding="utf-8")
    assert '<span class="badge tier"' in page and "Perks: Strategy sessions." in page
