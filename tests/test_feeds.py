"""Calendar events (generator/site/feeds.py): the same bytes as icalendar's own component objects make."""

from __future__ import annotations

import datetime as dt

import icalendar
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from generator.compute.insights import next_occurrence
from generator.model.dates import shift_days
from generator.site import feeds
from generator.site.feeds import CalendarEntry, CalendarEvent, EventSpool, PackedEvents, render_events

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
    if entry.yearly and (entry.date.month, entry.date.day) == (2, 29):
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})
    elif entry.yearly:
        event.add("rrule", {"freq": "yearly"})
    return bytes(event.to_ical())


def calendar_of(events: list[CalendarEvent] | tuple[CalendarEvent, ...], name: str = "Team") -> bytes:
    """The calendar of one client's events, as the site writes it."""
    with EventSpool([PackedEvents.of(events)]) as spool:
        return b"".join(spool.calendar(name, "UTC"))


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
    calendar = icalendar.Calendar.from_ical(calendar_of([event], "Test"))
    (parsed,) = calendar.walk("VEVENT")
    assert str(parsed["SUMMARY"]) == summary
    assert str(parsed["DESCRIPTION"]) == description
    assert parsed["RRULE"]["FREQ"] == ["YEARLY"]
    assert parsed.decoded("DTSTART") == TODAY


@settings(max_examples=200, deadline=None)
@given(
    date=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), today=st.dates(dt.date(2000, 1, 1), dt.date(2031, 1, 1))
)
def test_a_yearly_date_falls_on_the_same_days_in_the_feed_and_on_the_site(date: dt.date, today: dt.date) -> None:
    """The site's next occurrence (coming up, due) and the feed's RRULE, as a second parser (vobject,
    with dateutil's recurrence) expands it, agree: from the date itself on, 29 February on the 28th."""
    entry = CalendarEntry("date-0123456789abcdef@clientkb", date, "Anniversary: Acme", "", "dana", yearly=True)
    text = calendar_of(render_events([entry], TODAY)).decode()
    (event,) = vobject.readOne(text).vevent_list
    following = next((day.date() for day in event.getrruleset(addRDate=True) if day.date() >= today), dt.date.max)
    assert following == next_occurrence(date, today)


def test_a_yearly_date_is_not_coming_up_before_its_first_occurrence() -> None:
    assert next_occurrence(dt.date(2027, 12, 25), dt.date(2026, 12, 1)) == dt.date(2027, 12, 25)
    assert next_occurrence(dt.date(2024, 2, 29), dt.date(2026, 1, 10)) == dt.date(2026, 2, 28)
    assert next_occurrence(dt.date(2024, 2, 29), dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)


@settings(max_examples=40, deadline=None)
@given(
    clients=st.lists(
        st.lists(
            st.tuples(st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 20)), st.sampled_from(["dana", "sam", "mei"])),
            max_size=6,
        ),
        max_size=6,
    )
)
def test_calendars_from_packed_clients_are_the_calendars_of_their_events(
    clients: list[list[tuple[dt.date, str]]],
) -> None:
    """The whole-site calendars are written from each client's packed events through a spool file:
    the same bytes as from the events themselves, team and per person, in date then UID order."""
    per_client = [
        render_events(
            [
                CalendarEntry(f"action-{c:04x}{i:012x}@clientkb", day, f"Item {i}", "", owner)
                for i, (day, owner) in enumerate(events)
            ],
            TODAY,
        )
        for c, events in enumerate(clients)
    ]
    packed = [PackedEvents.of(events) for events in per_client]
    assert [p.rows() for p in packed] == [
        [(e.date.toordinal(), e.uid, e.owner, e.ical) for e in events] for events in per_client
    ]
    everything = [event for events in per_client for event in events]
    head, end = calendar_of([]).rsplit(b"END:VCALENDAR", 1)

    def expected(events: list[CalendarEvent]) -> bytes:
        ordered = sorted(events, key=lambda e: (e.date, e.uid))
        return head + b"".join(e.ical for e in ordered) + b"END:VCALENDAR" + end

    with EventSpool(reversed(packed)) as spool:
        assert b"".join(spool.calendar("Team", "UTC")) == expected(everything)
        for owner in ("dana", "sam", "nobody"):
            own = [e for e in everything if e.owner == owner]
            assert b"".join(spool.calendar("Team", "UTC", owner)) == expected(own)
    assert spool.file.closed


@settings(max_examples=300, deadline=None)
@given(
    value=st.text(alphabet="ab\\^;,:", min_size=60, max_size=400),
    name=st.sampled_from(["SUMMARY", "DESCRIPTION", "UID"]),
)
def test_ascii_lines_fold_as_icalendar_folds_them(value: str, name: str) -> None:
    """Folded by slices, byte for byte what icalendar's own folding makes, escapes at every offset."""
    expected = bytes(Contentline(f"{name}:{value}").to_ical())
    assert feeds._line(name, value.encode()) == expected
