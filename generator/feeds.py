"""Calendar feeds (RFC 5545, via icalendar): check-ins due, renewals, milestones, dated action items,
key dates and anniversaries, for the whole team and for each person.

UIDs are stable (derived from what an event is, not from its date or line), so a calendar app that
subscribes to the feed moves an event when its date changes instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import icalendar
from icalendar.parser import Contentline
from icalendar.prop import vDate, vDatetime, vRecur, vText

from generator.dates import shift_days
from generator.insights import ClientInsight, action_owner
from generator.markdown import slugify


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    uid: str
    date: dt.date
    summary: str
    description: str
    owner: str
    yearly: bool = False


def _uid(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{parts[0]}-{digest}@clientkb"


def client_calendar_entries(insight: ClientInsight, handles: frozenset[str]) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    record = insight.record
    if record.status == "former":
        return entries
    name, owner = record.name, record.owner
    if insight.checkin.state is not None:
        last = insight.checkin.last_contact
        entries.append(
            CalendarEntry(
                _uid("checkin", insight.id),
                insight.checkin.next_due,
                f"Check-in: {name}",
                f"Last contact: {last or 'none yet'}. Cadence: {insight.checkin.cadence.describe()}.",
                owner,
            )
        )
    if record.contract.renewal is not None:
        entries.append(
            CalendarEntry(
                _uid("renewal", insight.id), record.contract.renewal, f"Renewal: {name}", "Contract renewal.", owner
            )
        )
    for milestone in record.milestones:
        if milestone.done is None:
            entries.append(
                CalendarEntry(
                    _uid("milestone", insight.id, slugify(milestone.name)),
                    milestone.due,
                    f"Milestone: {name}: {milestone.name}",
                    "",
                    owner,
                )
            )
    for item in insight.open_actions:
        if item.due is not None:
            side = " (client's side)" if item.for_client else ""
            entries.append(
                CalendarEntry(
                    _uid("action", item.file, item.text),
                    item.due,
                    f"{item.text}{side}: {name}",
                    f"Action item from {item.file}, line {item.line}.",
                    action_owner(item, owner, handles),
                )
            )
    for key_date in record.dates:
        entries.append(
            CalendarEntry(
                _uid("date", insight.id, slugify(key_date.label), str(key_date.date)),
                key_date.date,
                f"{key_date.label}: {name}",
                "",
                owner,
                key_date.yearly,
            )
        )
    return entries


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event, already in iCalendar form: rendered where its client is computed, joined later."""

    date: dt.date
    uid: str
    owner: str
    ical: bytes


def _stamp(today: dt.date) -> dt.datetime:
    # DTSTAMP is required; the build's `today` keeps the feed byte-identical for the same input.
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)


_CONTENT_LINE: Any = Contentline  # icalendar's content line (it folds); untyped there
FOLD_AT = 75
"""Content lines this long or longer (in octets) are folded (RFC 5545, 3.1)."""


def _ical(value: Any) -> bytes:
    """An icalendar value in its iCalendar form (icalendar's methods are not typed)."""
    return bytes(value.to_ical())


def _line(name: str, value: bytes) -> bytes:
    line = name.encode("utf-8") + b":" + value
    # icalendar folds every line character by character, which was a quarter of a cold build;
    # a line shorter than the fold limit comes back from it unchanged, so only long ones go to it.
    return line if len(line) < FOLD_AT else _ical(_CONTENT_LINE(line.decode("utf-8")))


def render_events(entries: Sequence[CalendarEntry], today: dt.date) -> tuple[CalendarEvent, ...]:
    """Each entry as a VEVENT, byte for byte what `icalendar.Event.to_ical()` makes of it (tested):
    icalendar's value types escape and format every value and its content lines fold; the lines are
    put together here, in icalendar's property order, without its component objects (3x faster)."""
    stamp = _ical(vDatetime(_stamp(today)))
    transparent = _ical(vText("TRANSPARENT"))
    yearly = _ical(vRecur({"freq": "yearly"}))
    events = []
    for entry in entries:
        lines = [
            b"BEGIN:VEVENT",
            _line("SUMMARY", _ical(vText(entry.summary))),
            _line("DTSTART;VALUE=DATE", _ical(vDate(entry.date))),
            _line("DTEND;VALUE=DATE", _ical(vDate(shift_days(entry.date, 1)))),
            _line("DTSTAMP", stamp),
            _line("UID", _ical(vText(entry.uid))),
        ]
        if entry.yearly:
            lines.append(_line("RRULE", yearly))
        if entry.description:
            lines.append(_line("DESCRIPTION", _ical(vText(entry.description))))
        lines += [_line("TRANSP", transparent), b"END:VEVENT", b""]
        ical = b"\r\n".join(lines)
        events.append(CalendarEvent(entry.date, entry.uid, entry.owner, ical))
    return tuple(events)


def calendar_chunks(events: Sequence[CalendarEvent], name: str, timezone: str) -> Iterator[bytes]:
    """A VCALENDAR around `events`, in date order, a piece at a time (a large base's feed is never
    whole in memory)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//clientkb//clientkb//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    head, end = bytes(calendar.to_ical()).rsplit(b"END:VCALENDAR", 1)
    yield head
    for event in sorted(events, key=lambda e: (e.date, e.uid)):
        yield event.ical
    yield b"END:VCALENDAR" + end
