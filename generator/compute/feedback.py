"""NPS and CSAT histories: answers from the client record and from meeting notes, in date order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.model.records import Client


@dataclass(frozen=True, slots=True)
class Answer:
    date: dt.date
    score: int
    comment: str | None
    file: str
    line: int


def nps_history(client: Client) -> tuple[Answer, ...]:
    """Every NPS answer, record and notes together, by date, then file, then position (docs/health.md)."""
    answers = [
        Answer(a.date, a.score, a.comment, client.file, client.source.line("nps", i, "score"))
        for i, a in enumerate(client.record.nps)
    ]
    answers += [
        Answer(n.meta.date, n.meta.nps, None, n.file, n.source.line("nps"))
        for n in client.notes
        if n.meta.nps is not None
    ]
    return tuple(sorted(answers, key=lambda a: (a.date, a.file, a.line)))


def csat_history(client: Client) -> tuple[Answer, ...]:
    answers = [
        Answer(a.date, a.score, a.comment, client.file, client.source.line("csat", i, "score"))
        for i, a in enumerate(client.record.csat)
    ]
    return tuple(sorted(answers, key=lambda a: (a.date, a.file, a.line)))


def answered_by(answers: tuple[Answer, ...], today: dt.date) -> tuple[Answer, ...]:
    """Answers dated on or before today: later ones are plans, not history."""
    return tuple(a for a in answers if a.date <= today)
