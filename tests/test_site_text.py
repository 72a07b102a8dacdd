"""What the built pages say, read as a reader reads it: people and dates rather than syntax and codes,
past dates marked, counts with their nouns (issue 16). The browser suite (tests/test_site_readers.py)
checks the same pages for layout and accessibility."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest

from generator.build.settings import read_settings
from generator.git.history import History
from generator.model.records import ActionItem
from generator.model.vocabulary import FLAG_CODES
from generator.site import context
from generator.site.actions import ActionRow, note_page_path
from generator.site.formatting import FLAG_LABELS, plural, readable_dates
from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, REPO_ROOT, Run

TODAY = "2026-11-20"


def _text(html: str) -> str:
    """The page's visible text, roughly: tags out, entities decoded, spaces collapsed."""
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _build(root: Path, cli: Callable[..., Run]) -> Path:
    run = cli("--today", TODAY, "build", root=root)
    assert run.exit_code == 0, run.stderr
    return root / "site"


def test_action_items_in_a_note_show_the_person_and_the_date(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    note = NOTE_MD + (
        "- [ ] Send the deck @dana due:2026-11-10\n"
        "- [x] Sign the order @client due:2026-11-12\n"
        "- [ ] Book the room due:2026-12-01\n"
        "- [ ] Explain `@marco` in the wiki\n"
    )
    site = _build(make_repo({"clients/acme/meetings/2026-11-02-check-in.md": note}), cli)
    html = (site / "clients/acme/meetings/2026-11-02-check-in.html").read_text(encoding="utf-8")
    text = _text(html)
    assert "Send the deck Dana Ruiz due 10 Nov 2026 overdue" in text
    assert 'href="../../../owners/dana.html"' in html
    assert "Sign the order client's side due 12 Nov 2026" in text  # done: not overdue
    assert "Sign the order client's side due 12 Nov 2026 overdue" not in text
    assert "Book the room due 1 Dec 2026" in text and "Book the room due 1 Dec 2026 overdue" not in text
    assert "<code>@marco</code>" in html  # code is shown as written
    assert "due:2026-11-10" not in text and "@dana" not in text


def test_boards_mark_the_clients_side_and_do_not_repeat_the_owner(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    note = NOTE_MD + "- [ ] Sign the order @client due:2026-11-12\n- [ ] Send the deck due:2026-11-30\n"
    site = _build(make_repo({"clients/acme/meetings/2026-11-02-check-in.md": note}), cli)
    board = _text((site / "actions.html").read_text(encoding="utf-8"))
    assert "client's side Sign the order" in board
    owner = (site / "owners/dana.html").read_text(encoding="utf-8")
    head = re.search(r'aria-label="Action items">\s*<table[^>]*>\s*<thead><tr>(.*?)</tr>', owner, re.S)
    assert head is not None and "<th>who</th>" not in head.group(1)
    assert "client's side Sign the order" in _text(owner)


def test_past_dates_are_marked_wherever_they_appear(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    client = CLIENT_YAML + (
        "contract: {renewal: 2026-11-01, value: 1000, currency: EUR, period: year}\n"
        "milestones:\n  - {name: Launch, due: 2026-11-01}\n  - {name: Review, due: 2026-12-15}\n"
    )
    site = _build(make_repo({"clients/acme/client.yaml": client}), cli)
    for page in ("clients/index.html", "owners/dana.html", "audit.html"):
        text = _text((site / page).read_text(encoding="utf-8"))
        assert "1 Nov 2026 passed" in text, page
    dashboard = _text((site / "index.html").read_text(encoding="utf-8"))
    coming = dashboard[dashboard.index("Coming up in the next 90 days") :]
    assert "1 Nov 2026 overdue milestone Acme Corp : Launch" in coming
    assert "15 Dec 2026 milestone Acme Corp : Review" in coming
    client_page = _text((site / "clients/acme/index.html").read_text(encoding="utf-8"))
    assert "renewed 1 Nov 2026 passed" in client_page


def test_flags_read_as_labels_with_dates_as_the_site_writes_them(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    assert set(FLAG_LABELS) == set(FLAG_CODES)  # every flag has words for readers
    assert readable_dates("latest NPS answer is 4 on 2026-11-05") == "latest NPS answer is 4 on 5 Nov 2026"
    note = NOTE_MD.replace("type: check-in", "type: review") + "\n"
    note = note.replace("---\n## Summary", "nps: 3\n---\n## Summary")
    site = _build(make_repo({"clients/acme/meetings/2026-11-02-check-in.md": note}), cli)
    html = (site / "clients/acme/index.html").read_text(encoding="utf-8")
    text = _text(html)
    assert '<strong title="nps-detractor">NPS detractor</strong>' in html
    assert "latest NPS answer is 3 on 2 Nov 2026" in text and "2026-11-02" not in text.split("Health")[1][:400]
    # Evidence says where it leads: the note's page, or the record's line on the Git host.
    assert "Evidence: the note of 2 Nov 2026" in text


def test_counts_have_their_nouns(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    assert plural(1, "answer") == "1 answer" and plural(0, "answer") == "0 answers"
    note = NOTE_MD.replace("---\n## Summary", "nps: 2\n---\n## Summary")
    site = _build(make_repo({"clients/acme/meetings/2026-11-02-check-in.md": note}), cli)
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    text = _text(dashboard)
    assert "1 detractor)" in text and "1 detractors" not in text and "0 promoters" in text
    assert "(1 answer)" in dashboard and "1 answers" not in dashboard
    assert re.search(r">n=1</text>", dashboard)  # every quarter says how many answers it holds
    clients = _text((site / "clients/index.html").read_text(encoding="utf-8"))
    assert re.search(r"\b(red|amber) \d+ flags?\b", clients), clients


def test_a_quarter_at_zero_is_drawn(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    """One promoter and one detractor: NPS 0, which must not look like a quarter without answers."""
    files = {
        "clients/acme/meetings/2026-11-02-check-in.md": NOTE_MD.replace("---\n## Summary", "nps: 10\n---\n## Summary"),
        "clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Bakery"),
        "clients/beta/meetings/2026-11-03-check-in.md": NOTE_MD.replace("2026-11-02", "2026-11-03").replace(
            "---\n## Summary", "nps: 2\n---\n## Summary"
        ),
    }
    site = _build(make_repo(files), cli)
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<rect class="bar zero"[^>]*height="2\.0"><title>2026-Q4: \+0 \(2 answers\)</title>', dashboard)


def test_base_url_must_be_a_web_address(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"kb.yaml": KB_YAML + "base_url: mailto:team@example.com\n"})
    run = cli("check", root=root)
    assert run.exit_code == 1 and "base_url" in run.stdout and "web address of the site" in run.stdout


def test_meeting_dots_follow_the_meetings_sentiment(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    note = NOTE_MD.replace("type: check-in", "type: check-in\nsentiment: negative")
    site = _build(make_repo({"clients/acme/meetings/2026-11-02-check-in.md": note}), cli)
    html = (site / "clients/acme/index.html").read_text(encoding="utf-8")
    assert '<li class="held sentiment-negative">' in html
    css = (site / "assets/style.css").read_text(encoding="utf-8")
    assert ".timeline li.missed::before, .timeline li.sentiment-negative::before { background: var(--red); }" in css


@pytest.mark.parametrize(("piece", "how_many"), [(1, "many"), (7, "many"), (1 << 16, "one")])
def test_a_page_made_a_piece_at_a_time_is_the_page_made_whole(
    monkeypatch: pytest.MonkeyPatch, piece: int, how_many: str
) -> None:
    """The largest whole-site page (every open action item) is written as Jinja renders it, in pieces
    of PIECE characters: the same bytes as the page rendered whole, wherever the pieces break."""
    settings = read_settings(REPO_ROOT).settings
    assert settings is not None
    site = context.SiteContext(settings, dt.date(2026, 11, 20), (), History(), {})
    file = "clients/a/meetings/2026-11-02-x.md"
    item = ActionItem(
        "a", file, 9, "Send the <b>plan</b> & \u201cnotes\u201d", False, None, False, dt.date(2026, 11, 9)
    )
    row = ActionRow(
        item=item,
        client_id="a",
        client_name="\u00c1cs & Co",
        owner="dana",
        overdue=True,
        note_page=note_page_path(file),
        note_date=dt.date(2026, 11, 2),
    )
    people = {"dana": "Dana"}
    data = {"by_owner": [("dana", [row] * 40)], "total": 40, "overdue": 40, "people": people, "row_cache": None}
    monkeypatch.setattr(context, "PIECE", piece)
    pieces = list(context.page_pieces("actions.html", "", "actions.html", "Open action items", site, **data))
    whole = context.render_page("actions.html", "", "actions.html", "Open action items", site, **data)
    assert b"".join(pieces) == whole and whole.count(b"<tr") == 41
    assert len(pieces) > 40 if how_many == "many" else len(pieces) == 1
