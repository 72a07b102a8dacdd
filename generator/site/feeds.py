"""Calendar feeds (RFC 5545, via icalendar): check-ins due, renewals, milestones, dated action items,
key dates and anniversaries, for the whole team and for each person.

UIDs are stable and unique: made from what an event is (its kind, client, name or text, and the
person it is for, when an item names one) and its place among items that are otherwise identical,
never from its date, file or line. A calendar app that subscribes to the feed moves an event when its
date changes instead of adding a second one, and never drops one of two events that look alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import icalendar
from icalendar.parser import Contentline
from icalendar.prop import vDate, vDatetime, vRecur, vText

from generator.compute.insights import ClientInsight, action_owner
from generator.model.dates import shift_days


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


class _Uids:
    """UIDs for one client's events: the second of two otherwise identical items gets its
    occurrence number, so no two events share a UID and the first keeps the UID it has alone."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, ...], int] = {}

    def __call__(self, *parts: str) -> str:
        count = self.seen.get(parts, 0) + 1
        self.seen[parts] = count
        return _uid(*parts) if count == 1 else _uid(*parts, f"#{count}")


def client_calendar_entries(insight: ClientInsight, handles: frozenset[str]) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    uid = _Uids()
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
                    uid("milestone", insight.id, milestone.name),
                    milestone.due,
                    f"Milestone: {name}: {milestone.name}",
                    "",
                    owner,
                )
            )
    for item in insight.open_actions:
        if item.due is not None:
            side = " (client's side)" if item.for_client else ""
            person = action_owner(item, owner, handles)
            entries.append(
                CalendarEntry(
                    uid("action", insight.id, item.text, person, side),
                    item.due,
                    f"{item.text}{side}: {name}",
                    f"Action item from {item.file}, line {item.line}.",
                    person,
                )
            )
    for key_date in record.dates:
        entries.append(
            CalendarEntry(
                uid("date", insight.id, key_date.label),
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
    if len(line) < FOLD_AT:
        return line
    return _fold_ascii(line) if line.isascii() else _ical(_CONTENT_LINE(line.decode("utf-8")))


def _fold_ascii(line: bytes) -> bytes:
    """An ASCII line folded as icalendar folds it, by slices instead of character by character (its
    loop was most of the time the calendars took): pieces of FOLD_AT - 1 octets, the fold's space
    not counted, and a piece never ends in a backslash or caret, which begins the next piece instead
    (so that an escape is never split: icalendar's issue 1501). Tested against icalendar's folding."""
    pieces = []
    start, width = 0, FOLD_AT - 1
    while len(line) - start > width:
        end = start + width
        if line[end - 1] in b"\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def render_events(entries: Sequence[CalendarEntry], today: dt.date) -> tuple[CalendarEvent, ...]:
    """Each entry as a VEVENT, byte for byte what `icalendar.Event.to_ical()` makes of it (tested):
    icalendar's value types escape and format every value and its content lines fold; the lines are
    put together here, in icalendar's property order, without its component objects (faster: docs/performance.md)."""
    stamp = _ical(vDatetime(_stamp(today)))
    transparent = _ical(vText("TRANSPARENT"))
    yearly = _ical(vRecur({"freq": "yearly"}))
    # A plain yearly rule from 29 February skips the years without one (RFC 5545 drops invalid
    # dates); the site shows such a date on 28 February then: the last day of February is both.
    leap_day_yearly = _ical(vRecur({"freq": "yearly", "bymonth": 2, "bymonthday": -1}))
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
            lines.append(_line("RRULE", leap_day_yearly if (entry.date.month, entry.date.day) == (2, 29) else yearly))
        if entry.description:
            lines.append(_line("DESCRIPTION", _ical(vText(entry.description))))
        lines += [_line("TRANSP", transparent), b"END:VEVENT", b""]
        ical = b"\r\n".join(lines)
        events.append(CalendarEvent(entry.date, entry.uid, entry.owner, ical))
    return tuple(events)


def _calendar(ordered: Iterable[tuple[str, bytes]], name: str, timezone: str) -> Iterator[bytes]:
    """A VCALENDAR around the events (uid, iCalendar text) in the order given."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//clientkb//clientkb//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    head, end = bytes(calendar.to_ical()).rsplit(b"END:VCALENDAR", 1)
    yield head
    uids: set[str] = set()
    for uid, ical in ordered:
        if uid in uids:  # a calendar app keeps one event per UID: never let one disappear
            raise ValueError(f"two events of {name!r} would share the UID {uid}")
        uids.add(uid)
        yield ical
    yield b"END:VCALENDAR" + end


@dataclass(frozen=True, slots=True)
class PackedEvents:
    """One client's events, packed (marshal, then zlib): the main process holds every client's
    until the calendars are written, and packed they take a fifth of the memory."""

    packed: bytes

    @classmethod
    def of(cls, events: Iterable[CalendarEvent]) -> PackedEvents:
        rows = [(e.date.toordinal(), e.uid, e.owner, e.ical) for e in events]
        return cls(zlib.compress(marshal.dumps(rows), 1))

    def rows(self) -> list[tuple[int, str, str, bytes]]:
        """(day's ordinal, uid, owner, iCalendar text) of each event, in the order packed."""
        rows: list[tuple[int, str, str, bytes]] = marshal.loads(zlib.decompress(self.packed))
        return rows


class EventSpool:
    """Every client's events in date order, for the calendars: their iCalendar text in an anonymous
    temporary file (gone when closed, or when the process ends), only their keys in memory, so that a
    large base's calendars are written without holding all of its events at once."""

    def __init__(self, clients: Iterable[PackedEvents]) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__, with the calendars written
        self.keys: list[tuple[int, str, str, int, int]] = []
        """(day, uid, owner, offset, size) of each event, in (date, uid) order."""
        offset = 0
        for client in clients:
            for day, uid, owner, ical in client.rows():
                self.file.write(ical)
                self.keys.append((day, uid, owner, offset, len(ical)))
                offset += len(ical)
        self.file.flush()
        self.keys.sort()  # (day, uid) first: equal pairs are refused when written

    def __enter__(self) -> EventSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def calendar(self, name: str, timezone: str, owner: str | None = None) -> Iterator[bytes]:
        """The VCALENDAR of every event, or of `owner`'s."""
        fd = self.file.fileno()
        ordered = (
            (uid, os.pread(fd, size, offset))
            for _, uid, own, offset, size in self.keys
            if owner is None or own == owner
        )
        return _calendar(ordered, name, timezone)
