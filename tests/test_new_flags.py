"""The flags issue 17 adds (audit-overdue, onboarding-stalled, from Git history where it shows the
status change) and undated action items in `due`, at their boundaries, through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLIENT_YAML, KB_YAML, Run
from tests.test_diff import commit, git

AUDITED = KB_YAML.replace("review_every: 3m}", "review_every: 3m, audit_every: 12m}")


def _flags(cli: Callable[..., Run], root: Path, today: str) -> dict[str, dict[str, Any]]:
    run = cli("--today", today, "health", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    (client,) = run.json()  # type: ignore[misc]
    return {flag["code"]: flag for flag in client["flags"]}


@pytest.mark.parametrize(
    ("today", "fires"),
    [("2026-03-10", False), ("2026-03-11", True)],
)
def test_audit_overdue_counts_from_the_latest_audit_held(
    make_repo: Callable[..., Path], cli: Callable[..., Run], today: str, fires: bool
) -> None:
    audits = (
        "audits:\n"
        "  - {date: 2025-03-10, decision: deepen, note: More work}\n"
        "  - {date: 2024-01-05, decision: adjust}\n"
        "  - {date: 2026-12-01, decision: end}\n"  # planned: not held yet on either day
    )
    root = make_repo({"kb.yaml": AUDITED, "clients/acme/client.yaml": CLIENT_YAML + audits})
    flags = _flags(cli, root, today)
    assert ("audit-overdue" in flags) is fires
    if fires:
        flag = flags["audit-overdue"]
        assert flag["raised"] == "2026-03-10" and flag["severity"] == "warn"
        assert flag["line"] == CLIENT_YAML.count("\n") + 2
        assert "2025-03-10 (deepen)" in flag["reason"] and "every 12 months" in flag["reason"]


def test_audit_overdue_without_audits_counts_from_since_and_skips_prospects_and_other_segments(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo({"kb.yaml": AUDITED})
    assert "audit-overdue" not in _flags(cli, root, "2026-01-01")  # since 2025-01-01 + 12m: due that day
    flag = _flags(cli, root, "2026-01-02")["audit-overdue"]
    assert flag["line"] == CLIENT_YAML.splitlines().index("since: 2025-01-01") + 1
    assert "no audit" in flag["reason"]
    prospect = make_repo({"clients/acme/client.yaml": CLIENT_YAML.replace("status: active", "status: prospect")})
    assert "audit-overdue" not in _flags(cli, prospect, "2028-01-01")
    other = make_repo({"kb.yaml": KB_YAML})  # no audit_every: no audits expected
    assert "audit-overdue" not in _flags(cli, other, "2028-01-01")


def test_an_audit_decision_is_deepen_adjust_or_end(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML + "audits:\n  - {date: 2026-01-05, decision: grow}\n"})
    run = cli("check", "--format", "json", root=root)
    assert run.exit_code == 1
    (problem,) = run.json()  # type: ignore[misc]
    assert problem["line"] == CLIENT_YAML.count("\n") + 2 and problem["code"] == "invalid-value"
    assert "audits[0].decision" in problem["message"] and "deepen, adjust, end" in problem["hint"]


ONBOARDING = CLIENT_YAML.replace("status: active", "status: onboarding")


@pytest.mark.parametrize(("today", "fires"), [("2025-03-02", False), ("2025-03-03", True)])
def test_onboarding_stalled_counts_from_since_without_history(
    make_repo: Callable[..., Path], cli: Callable[..., Run], today: str, fires: bool
) -> None:
    root = make_repo({"clients/acme/client.yaml": ONBOARDING})  # since 2025-01-01, onboarding_max 60d
    flags = _flags(cli, root, today)
    assert ("onboarding-stalled" in flags) is fires
    if fires:
        flag = flags["onboarding-stalled"]
        assert flag["raised"] == "2025-03-02" and flag["line"] == 2
        assert "61 days (client since 2025-01-01)" in flag["reason"]


def test_onboarding_stalled_counts_from_the_status_change_git_shows(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo({"kb.yaml": KB_YAML + "health: {onboarding_max: 30d}\n", "clients/acme/client.yaml": ONBOARDING})
    git(root, "init", "-q")
    commit(root, "Acme signs: onboarding from the start", date="2025-01-02T10:00:00")
    # Created as onboarding: no change shown, so `since` counts.
    assert _flags(cli, root, "2025-06-01")["onboarding-stalled"]["reason"].endswith(
        "(client since 2025-01-01), longer than the 30 days expected"
    )
    (root / "clients/acme/client.yaml").write_text(CLIENT_YAML.replace("status: active", "status: prospect"))
    commit(root, "Back to prospect", date="2025-04-01T10:00:00")
    (root / "clients/acme/client.yaml").write_text(ONBOARDING.replace("segment: growth", "segment: standard"))
    commit(root, "Signed again", date="2025-05-10T10:00:00")
    (root / "clients/acme/client.yaml").write_text(
        "# a comment\n" + ONBOARDING.replace("segment: growth", "segment: standard")
    )
    commit(root, "A comment and a status line unchanged", date="2025-05-20T10:00:00")
    assert "onboarding-stalled" not in _flags(cli, root, "2025-06-09")  # 2025-05-10 + 30 days
    flag = _flags(cli, root, "2025-06-10")["onboarding-stalled"]
    assert flag["raised"] == "2025-06-09" and flag["line"] == 3
    assert "31 days (set to onboarding on 2025-05-10)" in flag["reason"]
    # The site's pages say the same as the terminal (a build reads the same history).
    out = root / "site"
    assert cli("--today", "2025-06-10", "build", "--out", str(out), root=root).exit_code == 0
    assert "set to onboarding on 10 May 2025" in (out / "clients/acme/index.html").read_text(encoding="utf-8")


def test_a_status_set_on_a_branch_counts_from_its_merge(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo(
        {
            "kb.yaml": KB_YAML + "health: {onboarding_max: 30d}\n",
            "clients/acme/client.yaml": CLIENT_YAML.replace("status: active", "status: prospect"),
        }
    )
    git(root, "init", "-q", "-b", "main")
    commit(root, "Prospect", date="2025-01-02T10:00:00")
    git(root, "checkout", "-q", "-b", "signed")
    (root / "clients/acme/client.yaml").write_text(ONBOARDING)
    commit(root, "Signed", date="2025-02-01T10:00:00")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge signed", "signed", date="2025-03-01T10:00:00")
    flag = _flags(cli, root, "2025-04-15")["onboarding-stalled"]
    assert "set to onboarding on 2025-03-01" in flag["reason"]


def _due(cli: Callable[..., Run], root: Path, today: str) -> list[dict[str, Any]]:
    run = cli("--today", today, "due", "--within", "1w", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    found = run.json()
    assert isinstance(found, list)
    return found


UNDATED_NOTE = """\
---
date: 2026-11-02
type: check-in
---
- [ ] Send the brief
- [ ] Call about the invoice @marco due:2026-11-20
- [ ] Sign the order @client
- [x] Share access
"""


@pytest.mark.parametrize(("today", "listed"), [("2026-11-16", False), ("2026-11-17", True)])
def test_undated_action_items_come_after_the_dated_once_older_than_the_threshold(
    make_repo: Callable[..., Path], cli: Callable[..., Run], today: str, listed: bool
) -> None:
    root = make_repo({"clients/acme/meetings/2026-11-02-check-in.md": UNDATED_NOTE})  # undated_after 14d
    entries = _due(cli, root, today)
    dated = [e for e in entries if e["date"] is not None]
    undated = [e for e in entries if e["date"] is None]
    assert [e["text"] for e in dated] == ["Call about the invoice"]
    if not listed:
        assert undated == []
        return
    assert entries[-len(undated) :] == undated  # after the dated entries
    assert [(e["kind"], e["state"], e["owner"], e["line"]) for e in undated] == [
        ("action", "undated", "dana", 5),
        ("action", "undated", "dana", 7),
    ]
    assert undated[0]["text"] == "Send the brief (no date, written 2026-11-02)"
    run = cli("--today", today, "due", "--within", "1w", root=root)
    assert "UNDATED (2)" in run.stdout and "no date" in run.stdout
    longer = make_repo({"kb.yaml": KB_YAML + "health: {undated_after: 3w}\n"})
    assert all(e["date"] is not None for e in _due(cli, longer, today))
