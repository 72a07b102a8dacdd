"""The quarterly review pack: `clientkb qbr` (Markdown and JSON) computed by hand on a small client,
the same on `clients/<id>/qbr.html`, and `new meeting --type qbr` writing it as the note's agenda."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import KB_YAML, Run

CLIENT = """\
name: Acme <Corp>
status: active
segment: growth
owner: dana
since: 2024-01-01
contacts:
  - {name: Ana Lima, primary: true}
goals:
  - Ship the *new* shop
contract: {value: 2000, currency: EUR, period: month, renewal: 2027-01-31, hours_per_month: 30}
scope:
  included: [Shop]
  excluded: [Warehouse app]
wins:
  - {date: 2026-07-01, summary: Old win before the review}
  - {date: 2026-10-10, summary: Checkout conversion up 12%}
milestones:
  - {name: Shop live, due: 2026-09-30, done: 2026-10-02}
  - {name: Old launch, due: 2026-03-01, done: 2026-03-01}
  - {name: Loyalty programme, due: 2027-02-28}
escalations:
  - {opened: 2026-05-01, summary: Slow support, closed: 2026-05-10}
  - {opened: 2026-10-20, summary: Outage in checkout, severity: high}
nps:
  - {date: 2025-10-01, score: 10}
  - {date: 2026-10-15, score: 5, comment: Outage hurt}
hours:
  - {month: '2026-10', spent: 35}
  - {month: '2026-06', spent: 20}
"""

REVIEW = """\
---
date: 2026-09-15
type: review
---
## Next steps
- [ ] Plan the loyalty programme @marco due:2026-12-01
- [x] Fix the checkout speed
- [ ] Send the numbers @client
"""

FILES: dict[str, str | None] = {
    "kb.yaml": KB_YAML,
    "clients/acme/client.yaml": CLIENT,
    "clients/acme/meetings/2026-09-15-review.md": REVIEW,
}


def _pack(cli: Callable[..., Run], root: Path) -> dict[str, Any]:
    run = cli("--today", "2026-11-20", "qbr", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, dict)
    return data


def test_the_pack_by_hand(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    pack = _pack(cli, root)
    # The period starts at the last review held (2026-09-15).
    assert (pack["since"], pack["today"], pack["last_review"]) == (
        "2026-09-15",
        "2026-11-20",
        "clients/acme/meetings/2026-09-15-review.md",
    )
    assert pack["goals"] == ["Ship the *new* shop"]
    assert [(w["date"], w["summary"], w["line"]) for w in pack["wins"]] == [
        ("2026-10-10", "Checkout conversion up 12%", 16)
    ]
    # NPS of the last 12 months only; the note's meeting held no answer
    assert [(a["date"], a["score"]) for a in pack["nps"]] == [("2026-10-15", 5)]
    assert [(h["month"], h["spent"], h["budget"]) for h in pack["hours"]] == [
        ("2026-05", 0, 30),
        ("2026-06", 20, 30),
        ("2026-07", 0, 30),
        ("2026-08", 0, 30),
        ("2026-09", 0, 30),
        ("2026-10", 35, 30),
    ]
    assert [m["name"] for m in pack["milestones_done"]] == ["Shop live"]
    assert [(m["name"], m["due"]) for m in pack["milestones_next"]] == [("Loyalty programme", "2027-02-28")]
    assert [e["summary"] for e in pack["escalations"]] == ["Outage in checkout"]  # open; the other closed before
    codes = {f["code"] for f in pack["risks"]}
    assert {"escalation-open", "nps-detractor"} <= codes
    assert (pack["renewal"], pack["value"], pack["currency"], pack["period"]) == ("2027-01-31", 2000, "EUR", "month")
    assert pack["included"] == ["Shop"] and pack["excluded"] == ["Warehouse app"]
    steps = [(s["text"], s["done"], s["who"], s["due"], s["line"]) for s in pack["next_steps"]]
    assert steps == [
        ("Plan the loyalty programme", False, "marco", "2026-12-01", 6),
        ("Fix the checkout speed", True, None, None, 7),
        ("Send the numbers", False, "client", None, 8),
    ]


def test_markdown_escapes_what_users_wrote(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    text = cli("--today", "2026-11-20", "qbr", "acme", root=root).stdout
    assert text.startswith("# Quarterly review: Acme \\<Corp\\>\n")
    assert "- Ship the \\*new\\* shop" in text
    assert "- open: Plan the loyalty programme (marco, due 2026-12-01)" in text
    assert "- [ ]" not in text  # next steps are not task items: pasted into a note they add no action


def test_the_site_page_shows_the_same_pack(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    out = root / "site"
    assert cli("--today", "2026-11-20", "build", "--out", str(out), root=root).exit_code == 0
    page = (out / "clients/acme/qbr.html").read_text(encoding="utf-8")
    pack = _pack(cli, root)
    assert "<h1>Quarterly review: Acme &lt;Corp&gt;</h1>" in page
    for key in ("wins", "milestones_done", "escalations"):
        for entry in pack[key]:
            assert (entry.get("name") or entry.get("summary")) in page
    for step in pack["next_steps"]:
        assert step["text"] in page
    assert 'href="qbr.html"' in (out / "clients/acme/index.html").read_text(encoding="utf-8")


def test_new_qbr_meeting_starts_from_the_pack(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    before = cli("--today", "2026-11-20", "due", "--format", "json", root=root).json()
    run = cli("--today", "2026-11-20", "new", "meeting", "acme", "--type", "qbr", "--date", "2026-11-25", root=root)
    assert run.exit_code == 0, run.stderr
    note = next((root / "clients/acme/meetings").glob("2026-11-25-*.md")).read_text(encoding="utf-8")
    assert "type: qbr" in note and "## Goals and wins" in note and "## Proposed next steps" in note
    assert note.index("## Proposed next steps") < note.index("## Summary")
    assert cli("check", "--format", "json", root=root).json() == []
    # A plan, not held yet: its agenda adds no action item to anyone's list.
    assert cli("--today", "2026-11-20", "due", "--format", "json", root=root).json() == before


def test_a_qbr_for_no_such_client_or_one_with_errors_is_refused(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo(FILES)
    missing = cli("qbr", "acmee", root=root)
    assert missing.exit_code == 2 and "there is no client 'acmee'" in missing.stderr and "'acme'" in missing.stderr
    (root / "clients/acme/client.yaml").write_text(CLIENT.replace("owner: dana", "owner: nobody"), encoding="utf-8")
    broken = cli("qbr", "acme", root=root)
    assert broken.exit_code == 1 and "unknown-handle" in broken.stderr and not broken.stdout


def test_qbr_is_a_reserved_document_name(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({**FILES, "clients/acme/qbr.md": "# Our own review\n"})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [(p["file"], p["code"]) for p in problems] == [("clients/acme/qbr.md", "reserved-name")]
