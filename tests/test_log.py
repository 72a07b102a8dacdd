"""`clientkb log` on real repositories: each command writes what it says and nothing else (the Git
diff of an edit is exactly the lines it meant to change), refuses what does not check or is
ambiguous with nothing written, and two branches that log for the same client merge cleanly."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import KB_YAML, Run

TODAY = ("--today", "2026-11-20")
ENV = {
    "GIT_AUTHOR_NAME": "A",
    "GIT_AUTHOR_EMAIL": "a@example.com",
    "GIT_COMMITTER_NAME": "A",
    "GIT_COMMITTER_EMAIL": "a@example.com",
    "PATH": "/usr/bin:/bin",
}

RECORD = """\
# yaml-language-server: $schema=../../schemas/client.schema.json
name: "Acme Corp"   # as they write it
status: active
segment: growth
owner: dana
since: 2025-01-01
contacts:
  - {name: Ana Lima, role: CEO, primary: true}
contract:
  value: 1000   # a month
  currency: EUR
  period: month
escalations:
  - {opened: 2026-10-01, summary: 'Slow support: tickets wait', severity: high}
  - opened: 2026-11-01
    summary: Invoices late
    # still chasing finance
links: []
"""

NOTE = """\
---
date: 2026-11-02
type: check-in
attendees: [dana, Ana Lima]
---
## Action items

- [ ] Send the proposal @dana due:2026-11-10
- [x] Book the workshop
1. [ ] Review the contract draft
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env=ENV, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    root = make_repo(
        {"kb.yaml": KB_YAML, "clients/acme/client.yaml": RECORD, "clients/acme/meetings/2026-11-02-check-in.md": NOTE}
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def changed_lines(root: Path) -> list[str]:
    """The diff's removed and added lines, without context."""
    diff = git(root, "diff", "--unified=0")
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_each_edit_changes_only_its_line(repo: Path, cli: Callable[..., Run]) -> None:
    steps: list[tuple[tuple[str, ...], list[str]]] = [
        (
            ("close-escalation", "acme", "--match", "slow", "--date", "2026-11-18"),
            [
                "-  - {opened: 2026-10-01, summary: 'Slow support: tickets wait', severity: high}",
                "+  - {opened: 2026-10-01, summary: 'Slow support: tickets wait', severity: high, closed: 2026-11-18}",
            ],
        ),
        (("close-escalation", "acme"), ["+    closed: 2026-11-20"]),  # the one left open: block style
        (("set", "acme", "owner", "marco"), ["-owner: dana", "+owner: marco"]),
        (("set", "acme", "contract.renewal", "2027-01-31"), ["+  renewal: 2027-01-31"]),
        (("set", "acme", "contract.renewal", "2027-02-28"), ["-  renewal: 2027-01-31", "+  renewal: 2027-02-28"]),
        (
            ("set", "acme", "status", "former", "--until", "2026-11-30"),
            ["-status: active", "+status: former", "+until: 2026-11-30"],
        ),
        (
            ("done", "acme", "proposal"),
            ["-- [ ] Send the proposal @dana due:2026-11-10", "+- [x] Send the proposal @dana due:2026-11-10"],
        ),
        (
            ("done", "acme", "contract draft"),
            ["-1. [ ] Review the contract draft", "+1. [x] Review the contract draft"],
        ),
    ]
    for args, expected in steps:
        run = cli(*TODAY, "log", *args, root=repo)
        assert run.exit_code == 0, (args, run.stderr)
        assert changed_lines(repo) == expected, args
        problems = cli("check", "--format", "json", root=repo).json()
        assert isinstance(problems, list) and [p for p in problems if p["severity"] == "error"] == []
        git(repo, "commit", "-qam", " ".join(args))
    text = (repo / "clients/acme/client.yaml").read_text(encoding="utf-8")
    assert 'name: "Acme Corp"   # as they write it' in text and "value: 1000   # a month" in text
    assert "# still chasing finance" in text and "since: 2025-01-01\nuntil: 2026-11-30\n" in text


def test_new_events_are_files_that_check_and_count(repo: Path, cli: Callable[..., Run]) -> None:
    for args in (
        ("nps", "acme", "4", "--contact", "Ana Lima", "--comment", "Too slow: again"),
        ("csat", "acme", "2", "--date", "2026-11-19"),
        ("win", "acme", "Shop live: 30% more orders"),
        ("escalation", "acme", "Outage", "--severity", "high"),
    ):
        run = cli(*TODAY, "log", *args, root=repo)
        assert run.exit_code == 0, run.stderr
        written = run.stdout.split(" ", 2)[1].rstrip(":")
        assert run.stdout.startswith("wrote clients/acme/events/") and (repo / written).is_file()
    names = sorted(p.name for p in (repo / "clients/acme/events").iterdir())
    prefixes = [
        "2026-11-19-csat-",
        "2026-11-20-escalation-outage-",
        "2026-11-20-nps-ana-lima-",
        "2026-11-20-win-shop-live",
    ]
    assert [n[: len(p)] for n, p in zip(names, prefixes, strict=True)] == prefixes
    assert git(repo, "status", "--porcelain").splitlines() == ["?? clients/acme/events/"]  # no other file touched
    assert cli("check", "--format", "json", root=repo).json() == []
    health = cli(*TODAY, "health", "acme", "--format", "json", root=repo).json()
    assert isinstance(health, list)
    codes = {f["code"] for f in health[0]["flags"]}
    assert {"nps-detractor", "csat-low", "escalation-open"} <= codes
    nps = next((repo / "clients/acme/events").glob("*-nps-*.yaml")).read_text(encoding="utf-8")
    assert "comment: 'Too slow: again'" in nps and "contact: Ana Lima" in nps


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nps", "acmee", "9"), "there is no client 'acmee'"),
        (("nps", "acme", "11"), "score must be at most 10, not 11"),
        (("csat", "acme", "0"), "at least 1"),
        (("set", "acme", "owner", "nobody"), "'nobody' is not a team handle"),
        (("set", "acme", "segment", "gold"), "segment 'gold' is not defined in kb.yaml"),
        (("set", "acme", "contract.renewal", "soon"), "'soon' is not a date"),
        (("set", "acme", "owner", "marco", "--until", "2026-01-01"), "--until goes with status former"),
        (("done", "acme", "the"), "2 open action items matching 'the'"),
        (("done", "acme", "workshop"), "no open action item matching 'workshop'"),
        (("close-escalation", "acme"), "2 open escalations"),
        (("close-escalation", "acme", "--match", "refund"), "no open escalation matching 'refund'"),
    ],
)
def test_refused_changes_write_nothing(
    repo: Path, cli: Callable[..., Run], args: tuple[str, ...], message: str
) -> None:
    run = cli(*TODAY, "log", *args, root=repo)
    assert run.exit_code in (1, 2)
    assert message in run.stderr + run.stdout
    assert git(repo, "status", "--porcelain") == ""


def test_a_file_changed_meanwhile_is_not_overwritten(
    repo: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import one_client

    real = one_client.load_one_client
    record = repo / "clients/acme/client.yaml"

    def meanwhile(*args: object, **kwargs: object) -> one_client.OneClient:
        if len(args) > 4 or kwargs:  # the check of the change: someone saves the file just then
            record.write_text(RECORD.replace("owner: dana", "owner: dana  # theirs"), encoding="utf-8")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(one_client, "load_one_client", meanwhile)
    run = cli(*TODAY, "log", "set", "acme", "owner", "marco", root=repo)
    assert run.exit_code == 1 and "changed since it was read" in run.stderr
    assert "owner: dana  # theirs" in record.read_text(encoding="utf-8")


def test_two_branches_logging_for_one_client_merge_cleanly(repo: Path, cli: Callable[..., Run]) -> None:
    logged = (("nps", "acme", "9", "--contact", "Ana Lima"), ("win", "acme", "Launch"), ("escalation", "acme", "Late"))
    for branch in ("marco", "main"):  # marco logs on his branch, then dana on main: the same three
        git(repo, "checkout", "-q", *(["-b"] if branch == "marco" else []), branch)
        for args in logged:
            assert cli(*TODAY, "log", *args, root=repo).exit_code == 0
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"{branch} logs")
    merged = subprocess.run(["git", "merge", "--no-edit", "marco"], cwd=repo, env=ENV, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert len(list((repo / "clients/acme/events").iterdir())) == 6
    problems = cli("check", "--format", "json", root=repo).json()
    assert isinstance(problems, list)
    # Both logged the very same answer, win and escalation: check says so, as a warning.
    assert {p["code"] for p in problems} == {"logged-twice"} and all(p["severity"] == "warning" for p in problems)


def test_close_escalation_where_it_was_logged_in_a_note_or_an_event(repo: Path, cli: Callable[..., Run]) -> None:
    note = (
        "---\ndate: 2026-11-05\ntype: escalation\nescalation: {summary: Refund dispute, severity: low}\n---\nNotes.\n"
    )
    (repo / "clients/acme/meetings/2026-11-05-escalation.md").write_text(note, encoding="utf-8")
    assert cli(*TODAY, "log", "escalation", "acme", "Outage in checkout", root=repo).exit_code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two more")
    run = cli(*TODAY, "log", "close-escalation", "acme", "--match", "refund", root=repo)
    assert run.exit_code == 0, run.stderr
    assert changed_lines(repo) == [
        "-escalation: {summary: Refund dispute, severity: low}",
        "+escalation: {summary: Refund dispute, severity: low, closed: 2026-11-20}",
    ]
    git(repo, "commit", "-qam", "refund closed")
    run = cli(*TODAY, "log", "close-escalation", "acme", "--match", "outage", "--date", "2026-11-21", root=repo)
    assert run.exit_code == 0, run.stderr
    assert changed_lines(repo) == ["+closed: 2026-11-21"]
    open_ones = cli(*TODAY, "health", "acme", "--format", "json", root=repo).json()
    assert isinstance(open_ones, list)
    reasons = [f["reason"] for f in open_ones[0]["flags"] if f["code"] == "escalation-open"]
    assert reasons and "Refund" not in reasons[0] and "Outage" not in reasons[0]  # those two are closed
