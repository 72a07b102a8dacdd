"""Check-ins (docs/health.md): cadence, last contact, next due date and state. Pure functions of `today`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from generator.model.dates import Duration
from generator.model.records import Client, Note
from generator.model.settings import Settings

CheckinState = Literal["overdue", "due", "ok"]
UNTRACKED_STATUSES = frozenset({"prospect", "paused", "former"})
"""Statuses with no check-in state, and none of the check-in family of flags."""


@dataclass(frozen=True, slots=True)
class CheckIn:
    cadence: Duration
    last_contact: dt.date | None
    """The date of the latest held meeting dated on or before today."""
    next_due: dt.date
    state: CheckinState | None
    """None for prospect, paused and former clients."""
    file: str
    """Where `next_due` comes from: the last contact's note, else client.yaml (`since`)."""
    line: int


def cadence(client: Client, settings: Settings) -> Duration:
    """The client's `communication.cadence`, else its segment's `checkin_every`."""
    if client.record.communication.cadence is not None:
        return client.record.communication.cadence
    return settings.segments[client.record.segment].checkin_every


def past_notes(client: Client, today: dt.date) -> list[Note]:
    """Notes dated on or before today, oldest first: later ones are plans, not history."""
    return [note for note in client.notes if note.meta.date <= today]


def last_held(client: Client, today: dt.date) -> Note | None:
    held = [note for note in past_notes(client, today) if note.meta.held]
    return held[-1] if held else None


def is_within_ahead(date: dt.date, today: dt.date, window: Duration) -> bool:
    """`date` is from today to today + window, both ends included."""
    return today <= date <= window.after(today)


def is_within_back(date: dt.date, today: dt.date, window: Duration) -> bool:
    """`date` is from today - window to today, both ends included."""
    return window.before(today) <= date <= today


def checkin(client: Client, settings: Settings, today: dt.date) -> CheckIn:
    every = cadence(client, settings)
    last = last_held(client, today)
    if last is None:
        next_due = every.after(client.record.since)
        file, line = client.file, client.source.line("since")
    elif last.meta.next is not None:
        next_due = last.meta.next
        file, line = last.file, last.source.line("next")
    else:
        next_due = every.after(last.meta.date)
        file, line = last.file, last.source.line("date")
    state: CheckinState | None
    if client.record.status in UNTRACKED_STATUSES:
        state = None
    elif next_due < today:
        state = "overdue"
    elif is_within_ahead(next_due, today, settings.health.due_soon):
        state = "due"
    else:
        state = "ok"
    return CheckIn(every, last.meta.date if last else None, next_due, state, file, line)
