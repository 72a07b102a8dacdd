"""Checks of what is logged outside client.yaml's lists (a note's `nps:`, `csat:`, `win:`,
`escalation:`; event files): the same answer written twice, a contact the client does not have, an
escalation closed before it opened."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from generator.model.events import CsatEvent, EscalationEvent, NpsEvent
from generator.model.logged import csat_history, escalation_history, nps_history, win_history
from generator.model.records import Client
from generator.parse.errors import did_you_mean
from generator.parse.validate.refs import References
from generator.source.problems import Problem, error, warning


def _twice(entries: Iterable[Any], key: Any, what: str) -> Iterator[Problem]:
    first: dict[Hashable, Any] = {}
    for entry in entries:
        seen = first.setdefault(key(entry), entry)
        if seen is not entry:
            yield warning(
                entry.file,
                entry.line,
                0,
                "logged-twice",
                f"this {what} is also written in {seen.file}, line {seen.line}",
                "keep one of them: the same one counted twice changes the figures",
            )


def logged_once(client: Client, refs: References) -> Iterator[Problem]:
    """The same NPS or CSAT answer, win or escalation written in two places (client.yaml, a note,
    an event file): a warning at the second."""
    yield from _twice(nps_history(client), lambda a: (a.date, a.score, a.contact), "NPS answer")
    yield from _twice(csat_history(client), lambda a: (a.date, a.score, a.contact), "satisfaction score")
    yield from _twice(win_history(client), lambda w: (w.date, w.summary.casefold()), "win")
    yield from _twice(escalation_history(client), lambda e: (e.opened, e.summary.casefold()), "escalation")


def contacts_known(client: Client, refs: References) -> Iterator[Problem]:
    """A logged answer's `contact` names one of the client's contacts."""
    names = [c.name for c in client.record.contacts]
    found: list[tuple[str, int, str | None]] = []
    for note in client.notes:
        for kind in ("nps", "csat"):
            answer = getattr(note.meta, kind)
            if isinstance(answer, NpsEvent | CsatEvent):
                found.append((note.file, note.source.line(kind, "contact"), answer.contact))
    for event in client.events:
        if isinstance(event.meta, NpsEvent | CsatEvent):
            found.append((event.file, event.source.line("contact"), event.meta.contact))
    for file, line, contact in found:
        if contact is not None and contact not in names:
            yield warning(
                file,
                line,
                0,
                "unknown-contact",
                f"{contact!r} is not one of the client's contacts{did_you_mean(contact, names)}",
                "name a contact listed in client.yaml's contacts, or add them there",
            )


def logged_escalation_dates(client: Client, refs: References) -> Iterator[Problem]:
    """A note's or an event's escalation is not closed before the day it was opened (its date)."""
    found: list[tuple[str, int, Any, EscalationEvent]] = []
    for note in client.notes:
        if note.meta.escalation is not None:
            found.append((note.file, note.source.line("escalation", "closed"), note.meta.date, note.meta.escalation))
    for event in client.events:
        if isinstance(event.meta, EscalationEvent):
            found.append((event.file, event.source.line("closed"), event.date, event.meta))
    for file, line, opened, escalation in found:
        if escalation.closed is not None and escalation.closed < opened:
            yield error(
                file,
                line,
                0,
                "closed-before-opened",
                f"the escalation is closed ({escalation.closed}) before it was opened ({opened})",
                "an escalation opens on the note's or the event's date",
            )
