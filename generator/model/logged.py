"""NPS and CSAT answers, escalations and wins wherever they are written: client.yaml's lists, a
meeting note's front matter (`nps:`, `csat:`, `win:`, `escalation:`), and event files
(generator/model/events.py). One history of each, in date order, every entry with its file and
line; the health rules, the pages and the reports read these, never one source alone. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.model.events import CsatEvent, EscalationEvent, NpsEvent, WinEvent
from generator.model.records import Client
from generator.model.sourcemap import KeyPath


@dataclass(frozen=True, slots=True)
class Answer:
    date: dt.date
    score: int
    comment: str | None
    file: str
    line: int
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class EscalationEntry:
    opened: dt.date
    summary: str
    severity: str
    closed: dt.date | None
    file: str
    line: int
    """The line of its summary."""
    path: KeyPath = ()
    """Where in its file's YAML (`clientkb log close-escalation` adds `closed:` there)."""


@dataclass(frozen=True, slots=True)
class WinEntry:
    date: dt.date
    summary: str
    file: str
    line: int
    acknowledged: dt.date | None = None


def _answer(date: dt.date, value: int | NpsEvent | CsatEvent, file: str, line: int) -> Answer:
    if isinstance(value, int):
        return Answer(date, value, None, file, line)
    return Answer(date, value.score, value.comment, file, line, value.contact)


def _answers(client: Client, kind: str, event_kind: type[NpsEvent | CsatEvent]) -> tuple[Answer, ...]:
    """Every `kind` answer ("nps", "csat"): client.yaml's list, the notes' front matter and the event
    files together, by date, then file, then position."""
    found = [
        Answer(a.date, a.score, a.comment, client.file, client.source.line(kind, i, "score"))
        for i, a in enumerate(getattr(client.record, kind))
    ]
    for n in client.notes:
        written = getattr(n.meta, kind)
        if written is not None:
            found.append(_answer(n.meta.date, written, n.file, n.source.line(kind)))
    for e in client.events:
        if isinstance(e.meta, event_kind):
            found.append(_answer(e.date, e.meta, e.file, e.source.line("score")))
    return tuple(sorted(found, key=lambda a: (a.date, a.file, a.line)))


def nps_history(client: Client) -> tuple[Answer, ...]:
    return _answers(client, "nps", NpsEvent)


def csat_history(client: Client) -> tuple[Answer, ...]:
    return _answers(client, "csat", CsatEvent)


def escalation_history(client: Client) -> tuple[EscalationEntry, ...]:
    """Every escalation, by the day it was opened (a note's and an event's: their date)."""
    entries = [
        EscalationEntry(
            e.opened,
            e.summary,
            e.severity,
            e.closed,
            client.file,
            client.source.line("escalations", i),
            ("escalations", i),
        )
        for i, e in enumerate(client.record.escalations)
    ]
    entries += [
        _escalation(n.meta.date, n.meta.escalation, n.file, n.source.line("escalation", "summary"), ("escalation",))
        for n in client.notes
        if n.meta.escalation is not None
    ]
    entries += [
        _escalation(e.date, e.meta, e.file, e.source.line("summary"))
        for e in client.events
        if isinstance(e.meta, EscalationEvent)
    ]
    return tuple(sorted(entries, key=lambda e: (e.opened, e.file, e.line)))


def _escalation(opened: dt.date, event: EscalationEvent, file: str, line: int, path: KeyPath = ()) -> EscalationEntry:
    return EscalationEntry(opened, event.summary, event.severity, event.closed, file, line, path)


def win_history(client: Client) -> tuple[WinEntry, ...]:
    entries = [
        WinEntry(w.date, w.summary, client.file, client.source.line("wins", i, "summary"), w.acknowledged)
        for i, w in enumerate(client.record.wins)
    ]
    for n in client.notes:
        win = n.meta.win
        if win is not None:
            if isinstance(win, WinEvent):
                entries.append(WinEntry(n.meta.date, win.summary, n.file, n.source.line("win"), win.acknowledged))
            else:
                entries.append(WinEntry(n.meta.date, win, n.file, n.source.line("win")))
    entries += [
        WinEntry(e.date, e.meta.summary, e.file, e.source.line("summary"), e.meta.acknowledged)
        for e in client.events
        if isinstance(e.meta, WinEvent)
    ]
    return tuple(sorted(entries, key=lambda w: (w.date, w.file, w.line)))


def answered_by(answers: tuple[Answer, ...], today: dt.date) -> tuple[Answer, ...]:
    """Answers dated on or before today: later ones are plans, not history."""
    return tuple(a for a in answers if a.date <= today)
