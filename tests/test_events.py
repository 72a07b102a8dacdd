"""Events logged in their own files, and feedback written in a meeting note's front matter: read,
merged with client.yaml's lists, counted by the health rules (never as contact), and checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CLIENT_YAML, Run

TODAY = ("--today", "2026-11-20")
EVENTS = "clients/acme/events"


def _health(cli: Callable[..., Run], root: Path) -> dict[str, Any]:
    run = cli(*TODAY, "health", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, list)
    return data[0]


def _problems(cli: Callable[..., Run], root: Path) -> list[tuple[str, int, str]]:
    found = cli("check", "--format", "json", root=root).json()
    assert isinstance(found, list)
    return [(p["file"], p["line"], p["code"]) for p in found]


def test_events_count_like_the_records_lists_but_never_as_contact(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo()
    before = _health(cli, root)
    root = make_repo(
        {
            f"{EVENTS}/2026-11-18-nps-ana-lima.yaml": "score: 3\ncomment: Too slow\ncontact: Ana Lima\n",
            f"{EVENTS}/2026-11-19-csat-ana-lima.yaml": "score: 2\n",
            f"{EVENTS}/2026-11-19-escalation-outage.yaml": "summary: Checkout outage\nseverity: high\n",
        }
    )
    after = _health(cli, root)
    flags = {f["code"]: f for f in after["flags"]}
    assert flags["nps-detractor"]["file"] == f"{EVENTS}/2026-11-18-nps-ana-lima.yaml"
    assert flags["nps-detractor"]["line"] == 1 and flags["nps-detractor"]["raised"] == "2026-11-18"
    assert flags["csat-low"]["file"] == f"{EVENTS}/2026-11-19-csat-ana-lima.yaml"
    assert (flags["escalation-open"]["file"], flags["escalation-open"]["line"]) == (
        f"{EVENTS}/2026-11-19-escalation-outage.yaml",
        1,
    )
    assert after["health"] == "red"
    assert after["checkin"] == before["checkin"]  # an event is not a meeting: last contact unchanged
    assert _problems(cli, root) == []
    summary = cli("check", root=root).stdout
    assert "3 events" in summary


def test_a_note_carries_feedback_as_a_value_or_a_mapping(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    note = (
        "---\ndate: 2026-11-10\ntype: review\nnps: {score: 10, comment: Great quarter, contact: Ana Lima}\n"
        "csat: 5\nwin: Launch went live\nescalation: {summary: Invoices late, severity: low, closed: 2026-11-12}\n"
        "---\nNotes.\n"
    )
    root = make_repo({"clients/acme/meetings/2026-11-10-review.md": note})
    assert _problems(cli, root) == []
    pack = cli(*TODAY, "qbr", "acme", "--format", "json", root=root).json()
    assert isinstance(pack, dict)
    note_file = "clients/acme/meetings/2026-11-10-review.md"
    assert [(a["score"], a["comment"], a["contact"], a["file"], a["line"]) for a in pack["nps"]] == [
        (10, "Great quarter", "Ana Lima", note_file, 4)
    ]
    assert [(a["score"], a["line"]) for a in pack["csat"]] == [(5, 5)]
    assert [(e["summary"], e["opened"], e["closed"]) for e in pack["escalations"]] == [
        ("Invoices late", "2026-11-10", "2026-11-12")
    ]
    wins = cli(*TODAY, "digest", "--owner", "dana", "--since", "14d", "--format", "json", root=root).json()
    assert isinstance(wins, dict)
    assert [(c["text"], c["file"], c["line"]) for c in wins["celebrate"] if c["kind"] == "win"] == [
        ("Launch went live", note_file, 6)
    ]
    page_root = root / "site"
    assert cli(*TODAY, "build", "--out", str(page_root), root=root).exit_code == 0
    page = (page_root / "clients/acme/meetings/2026-11-10-review.html").read_text(encoding="utf-8")
    assert "NPS 10 from Ana Lima: “Great quarter”" in page and "Win: Launch went live" in page
    assert "{'score'" not in page and "NpsEvent" not in page


def test_the_same_answer_written_twice_is_a_warning_naming_both(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    record = CLIENT_YAML + "nps:\n  - {date: 2026-11-18, score: 3}\nwins:\n  - {date: 2026-11-01, summary: Went live}\n"
    root = make_repo(
        {
            "clients/acme/client.yaml": record,
            f"{EVENTS}/2026-11-18-nps-x1.yaml": "score: 3\n",
            f"{EVENTS}/2026-11-01-win-x2.yaml": "summary: went live\n",
            f"{EVENTS}/2026-11-02-win-x3.yaml": "summary: Went live\n",  # another day: another win
        }
    )
    found = cli("check", "--format", "json", root=root).json()
    assert isinstance(found, list)
    twice = [(p["file"], p["line"], p["message"]) for p in found if p["code"] == "logged-twice"]
    assert twice == [
        (f"{EVENTS}/2026-11-01-win-x2.yaml", 1, "this win is also written in clients/acme/client.yaml, line 11"),
        (f"{EVENTS}/2026-11-18-nps-x1.yaml", 1, "this NPS answer is also written in clients/acme/client.yaml, line 9"),
    ]
    assert all(p["severity"] == "warning" for p in found)


def test_bad_event_files_are_refused_with_their_line(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(
        {
            f"{EVENTS}/2026-11-18-feedback-x.yaml": "score: 3\n",
            f"{EVENTS}/2026-13-01-nps-x.yaml": "score: 3\n",
            f"{EVENTS}/2026-11-18-nps-a.yaml": "score: 11\n",
            f"{EVENTS}/2026-11-18-nps-b.yaml": "score: 9\ncontact: Anna Lima\n",
            f"{EVENTS}/2026-11-18-escalation-c.yaml": "severity: high\nclosed: 2026-11-01\n",
            f"{EVENTS}/2026-11-18-escalation-d.yaml": "summary: Late\nclosed: 2026-11-01\n",
            f"{EVENTS}/2026-11-18-win-e.yaml": "summary: Good\nscore: 3\n",
            f"{EVENTS}/notes.txt": "not an event: ignored",
        }
    )
    found = cli("check", "--format", "json", root=root).json()
    assert isinstance(found, list)
    codes = {(p["file"].rsplit("/", 1)[-1], p["line"], p["code"], p["severity"]) for p in found}
    assert codes == {
        ("2026-11-18-feedback-x.yaml", 0, "invalid-event-name", "error"),
        ("2026-13-01-nps-x.yaml", 0, "invalid-event-name", "error"),
        ("2026-11-18-nps-a.yaml", 1, "out-of-range", "error"),
        ("2026-11-18-nps-b.yaml", 2, "unknown-contact", "warning"),
        ("2026-11-18-escalation-c.yaml", 1, "missing-field", "error"),
        ("2026-11-18-escalation-d.yaml", 2, "closed-before-opened", "error"),
        ("2026-11-18-win-e.yaml", 2, "unknown-field", "error"),
    }
    hints = {p["file"].rsplit("/", 1)[-1]: p["hint"] for p in found}
    assert "2026-11-20-nps-ana-lima.yaml" in hints["2026-11-18-feedback-x.yaml"]
    assert "'Ana Lima'" in next(p["message"] for p in found if p["code"] == "unknown-contact")
