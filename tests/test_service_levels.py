"""Service levels per segment and per owner over the last full quarter, computed by hand on a small
knowledge base (boundaries: a cadence met on its last day, a client signed on the quarter's first
day, one who left on its last), read from `clientkb stats`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import KB_YAML, Run


def record(status: str, segment: str, owner: str, since: str, extra: str = "") -> str:
    return (
        f"name: Client {since}\nstatus: {status}\nsegment: {segment}\nowner: {owner}\nsince: {since}\n"
        "contacts:\n  - {name: Ana, primary: true}\n" + extra
    )


def note(date: str, kind: str = "check-in", held: bool = True) -> str:
    return f"---\ndate: {date}\ntype: {kind}\nheld: {'true' if held else 'false'}\n---\nNotes.\n"


def meetings(client: str, *dated: tuple[str, str] | str) -> dict[str, str]:
    files = {}
    for item in dated:
        date, kind = item if isinstance(item, tuple) else (item, "check-in")
        files[f"clients/{client}/meetings/{date}-{kind}.md"] = note(date, kind)
    return files


FILES: dict[str, str | None] = {
    "kb.yaml": KB_YAML,  # growth: check-ins every month, reviews every 3 months; standard: every 3 months
    "clients/acme/client.yaml": None,
    "clients/acme/meetings/2026-11-02-check-in.md": None,
    # a: a review on 07-01, then check-ins each exactly a month after the last: every promise kept
    "clients/a/client.yaml": record("active", "growth", "dana", "2024-01-01"),
    **meetings("a", "2026-06-15", ("2026-07-01", "review"), "2026-07-14", "2026-08-14", "2026-09-14"),
    # b: 06-20 then 08-01 (a month and 12 days; the meeting of 07-15 was not held); no review ever
    "clients/b/client.yaml": record("active", "growth", "marco", "2024-01-01"),
    **meetings("b", "2026-06-20", "2026-08-01"),
    "clients/b/meetings/2026-07-15-check-in.md": note("2026-07-15", held=False),
    # c: signed on the quarter's first day; no meeting, but 3 months from since reach past its end
    "clients/c/client.yaml": record("active", "standard", "dana", "2026-07-01"),
    # d: signed a day later: not served for the whole quarter, not counted
    "clients/d/client.yaml": record("active", "standard", "dana", "2026-07-02"),
    # e: paused: promised nothing
    "clients/e/client.yaml": record("paused", "standard", "marco", "2020-01-01"),
    # f: left on 10-01, so served all quarter; its QBR of 06-30 covers the quarter to its last day
    "clients/f/client.yaml": record("former", "growth", "marco", "2020-01-01", "until: 2026-10-01\n"),
    **meetings("f", ("2026-06-30", "qbr"), "2026-07-30", "2026-08-30", "2026-09-29"),
    # g: left on the quarter's last day: not a client that day, not counted
    "clients/g/client.yaml": record("former", "growth", "dana", "2020-01-01", "until: 2026-09-30\n"),
}


def test_service_levels_by_hand(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    run = cli("--today", "2026-11-20", "stats", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, dict)
    levels = data["service_levels"]
    assert (levels["quarter"], levels["start"], levels["end"]) == ("2026-Q3", "2026-07-01", "2026-09-30")
    keys = ("group", "clients", "checkins_kept", "reviews_promised", "reviews_kept", "met", "rate")
    assert [tuple(row[k] for k in keys) for row in levels["by_segment"]] == [
        ("growth", 3, 2, 3, 2, 2, 66.7),  # a and f kept everything, b neither
        ("standard", 1, 1, 0, 0, 1, 100.0),  # c
    ]
    assert [tuple(row[k] for k in keys) for row in levels["by_owner"]] == [
        ("dana", 2, 2, 1, 1, 2, 100.0),  # a, c
        ("marco", 2, 1, 2, 1, 1, 50.0),  # b, f
    ]
    # today's point-in-time compliance stays beside it, under its own key
    assert set(data["checkins"]) == {"tracked", "overdue", "rate"}
    text = cli("--today", "2026-11-20", "stats", root=root).stdout
    growth = next(line for line in text.splitlines() if line.split()[:2] == ["segment", "growth"])
    assert growth.split()[2:] == ["3", "2", "2/3", "66.7%"]


def test_a_day_late_breaks_the_promise(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    # a's check-in of 08-14 held a day later: 08-15 is more than a month after 07-14
    root = make_repo({**FILES, "clients/a/meetings/2026-08-14-check-in.md": None, **meetings("a", "2026-08-15")})
    data = cli("--today", "2026-11-20", "stats", "--format", "json", root=root).json()
    assert isinstance(data, dict)
    growth = data["service_levels"]["by_segment"][0]
    assert (growth["group"], growth["checkins_kept"], growth["met"]) == ("growth", 1, 1)
