"""Calendar events (generator/feeds.py): the same bytes as icalendar's own component objects make."""

from __future__ import annotations

import datetime as dt

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.dates import shift_days
from generator.feeds import CalendarEntry, calendar_chunks, render_events

TODAY = dt.date(2026, 11, 20)


def icalendar_event(entry: CalendarEntry, today: dt.date) -> bytes:
    """The reference: the event as an icalendar.Event, as clientkb made it before."""
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC))
    event.add("dtstart", entry.date)
    event.add("dtend", shift_days(entry.date, 1))
    event.add("summary", entry.summary)
    if entry.description:
        event.add("description", entry.description)
    event.add("transp", "TRANSPARENT")
    if entry.yearly:
        event.add("rrule", {"freq": "yearly"})
    return bytes(event.to_ical())


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(
    summary=TEXT,
    description=TEXT,
    uid=st.from_regex(r"[a-z]{3,9}-[0-9a-f]{16}@clientkb", fullmatch=True),
    date=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 30)),
    yearly=st.booleans(),
)
def test_events_are_byte_for_byte_what_icalendar_makes(
    summary: str, description: str, uid: str, date: dt.date, yearly: bool
) -> None:
    entry = CalendarEntry(uid, date, summary, description, "dana", yearly)
    (event,) = render_events([entry], TODAY)
    assert event.ical == icalendar_event(entry, TODAY)


def test_long_and_escaped_text_is_folded_and_parses_back() -> None:
    summary = "Check-in: Acme, Inc; \\ " + "é" * 60 + " — done"
    description = "Line one\nLine two, with a comma; and a semicolon"
    entry = CalendarEntry("checkin-0123456789abcdef@clientkb", TODAY, summary, description, "dana", True)
    (event,) = render_events([entry], TODAY)
    lines = event.ical.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # folded
    calendar = icalendar.Calendar.from_ical(b"".join(calendar_chunks([event], "Test", "UTC")))
    (parsed,) = calendar.walk("VEVENT")
    assert str(parsed["SUMMARY"]) == summary
    assert str(parsed["DESCRIPTION"]) == description
    assert parsed["RRULE"]["FREQ"] == ["YEARLY"]
    assert parsed.decoded("DTSTART") == TODAY
