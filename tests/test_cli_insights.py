"""`clientkb due`, `health` and `stats` through the CLI, in text and JSON, on small repos and the demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model.vocabulary import FLAG_CODES
from tests.conftest import CLIENT_YAML, KB_YAML, REPO_ROOT, Run

NOTE = """\
---
date: 2026-11-02
type: check-in
---
## Action items
- [ ] Send the proposal @marco due:2026-11-10
- [ ] Sign the order @client due:2026-11-25
- [ ] Later thing @dana due:2026-12-30
- [x] Done thing @dana due:2026-11-01
"""


def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "kb.yaml": KB_YAML + "today: 2026-11-20\n",
            "clients/acme/client.yaml": CLIENT_YAML + "contract: {renewal: 2026-11-24}\n",
            "clients/acme/meetings/2026-11-02-check-in.md": NOTE,
        }
    )


def test_due_json(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    run = cli("due", "--format", "json", root=repo(make_repo))
    assert run.exit_code == 0, run.stderr
    assert "today is pinned to 2026-11-20" in run.stderr
    note = "clients/acme/meetings/2026-11-02-check-in.md"
    assert run.json() == [
        {"kind": "action", "client": "acme", "owner": "marco", "date": "2026-11-10", "state": "overdue",
         "text": "Send the proposal", "file": note, "line": 6, "playbook": None},
        {"kind": "renewal", "client": "acme", "owner": "dana", "date": "2026-11-24", "state": "due",
         "text": "contract renewal", "file": "clients/acme/client.yaml", "line": 8, "playbook": None},
        {"kind": "action", "client": "acme", "owner": "dana", "date": "2026-11-25", "state": "due",
         "text": "Sign the order (client's side)", "file": note, "line": 7, "playbook": None},
    ]  # fmt: skip


def test_due_owner_and_window(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = repo(make_repo)
    run = cli("due", "--owner", "dana", "--within", "2m", "--format", "json", root=root)
    data = run.json()
    assert isinstance(data, list)
    # 2026-12-02 is the check-in (2026-11-02 + 1m), 2026-12-30 the later item: both within 2 months.
    assert [(e["kind"], e["date"]) for e in data] == [
        ("renewal", "2026-11-24"),
        ("action", "2026-11-25"),
        ("checkin", "2026-12-02"),
        ("action", "2026-12-30"),
    ]
    assert cli("due", "--owner", "dnaa", root=root).exit_code == 2
    assert cli("due", "--within", "soon", root=root).exit_code == 2


def test_due_text(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    run = cli("--today", "2026-11-20", "due", root=repo(make_repo))
    lines = run.stdout.splitlines()
    assert lines[0] == "Due on 2026-11-20, overdue or within 7 days: 3 entries"
    assert "OVERDUE (1)" in lines and "DUE (2)" in lines
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b[" not in run.stdout  # no colour when not a terminal


def test_health_json(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    run = cli("health", "--format", "json", root=repo(make_repo))
    assert run.json() == [
        {
            "client": "acme",
            "name": "Acme Corp",
            "health": "amber",
            "flags": [
                {"code": "review-overdue", "severity": "warn",
                 "reason": "no review or QBR held yet; the segment expects one every 3 months",
                 "file": "clients/acme/client.yaml", "line": 5, "raised": "2025-04-01",
                 "playbook": None, "response": None, "respond_by": None},
                {"code": "actions-overdue", "severity": "warn",
                 "reason": "1 action item of ours overdue, the oldest by 10 days: Send the proposal",
                 "file": "clients/acme/meetings/2026-11-02-check-in.md", "line": 6, "raised": "2026-11-10",
                 "playbook": None, "response": None, "respond_by": None},
                {"code": "renewal-soon", "severity": "warn", "reason": "the contract renews on 2026-11-24, in 4 days",
                 "file": "clients/acme/client.yaml", "line": 8, "raised": "2026-09-25",
                 "playbook": None, "response": None, "respond_by": None},
            ],
            "advocacy_state": "none",
            "tier": {"name": None, "reason": ""},
            "checkin": {"last": "2026-11-02", "next": "2026-12-02", "state": "ok"},
        }
    ]  # fmt: skip


def test_health_of_one_client_and_unknown_client(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = repo(make_repo)
    run = cli("health", "acme", root=root)
    assert run.exit_code == 0
    assert "AMBER  Acme Corp (acme)" in run.stdout
    assert "clients/acme/client.yaml:8" in run.stdout
    missing = cli("health", "acm", root=root)
    assert missing.exit_code == 2
    assert "did you mean 'acme'?" in missing.stderr


def test_commands_refuse_a_knowledge_base_with_errors(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML.replace("status: active", "status: activ")})
    for command in ("due", "health", "stats"):
        run = cli(command, root=root)
        assert run.exit_code == 1
        assert "clients/acme/client.yaml:2:9: error:" in run.stderr
        assert "fix them first" in run.stderr


def test_stats_json_and_text(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = repo(make_repo)
    data = cli("stats", "--format", "json", root=root).json()
    assert isinstance(data, dict)
    assert data["by_status"] == {"active": 1}
    assert data["actions"] == {"total": 4, "done": 1, "open": 3, "overdue": 1, "completion": 25.0}
    assert data["nps"] == {"score": None, "promoters": 0, "passives": 0, "detractors": 0, "responses": 0}
    assert len(data["nps_trend"]) == 8
    text = cli("stats", root=root).stdout
    assert "Action items done     25%  (1 of 4; 1 overdue)" in text


def test_demo_every_flag_fires_and_some_clients_are_green(cli: Callable[..., Run]) -> None:
    run = cli("health", "--format", "json", root=REPO_ROOT)
    data = run.json()
    assert isinstance(data, list)
    fired = {f["code"] for client in data for f in client["flags"]}
    assert fired == set(FLAG_CODES)
    colours = [c["health"] for c in data]
    assert colours.count("green") >= 2 and "red" in colours and "amber" in colours and None in colours
    for client in data:
        for flag in client["flags"]:
            assert (REPO_ROOT / flag["file"]).is_file() and flag["line"] > 0


def test_demo_views_fit_80_columns(cli: Callable[..., Run]) -> None:
    for command in ("due", "health", "stats"):
        run = cli(command, root=REPO_ROOT)
        assert run.exit_code == 0
        too_wide = [line for line in run.stdout.splitlines() if len(line) > 80]
        assert not too_wide, (command, too_wide)


@pytest.mark.parametrize(
    ("since", "today"),
    [("9999-12-28", "9999-12-31"), ("9999-12-28", "2026-11-20"), ("0001-01-01", "0001-01-05"),
     ("0001-01-01", "9999-12-30")],
)  # fmt: skip
def test_dates_at_the_ends_of_the_calendar(
    make_repo: Callable[..., Path], cli: Callable[..., Run], since: str, today: str
) -> None:
    # Years 1 and 9999 are valid dates; arithmetic past them saturates instead of crashing.
    record = CLIENT_YAML.replace("since: 2025-01-01", f"since: {since}") + (
        f"contract: {{renewal: {since}}}\nmilestones:\n  - {{name: M, due: {since}}}\n"
        f"dates:\n  - {{date: {since}, label: Anniversary, yearly: true}}\n"
    )
    root = make_repo({"clients/acme/client.yaml": record, "clients/acme/meetings/2026-11-02-check-in.md": None})
    for command in (["health", "--format", "json"], ["due", "--format", "json"], ["stats"], ["build"]):
        run = cli("--today", today, *command, root=root)
        assert run.exit_code == 0, (command, run.stderr)
