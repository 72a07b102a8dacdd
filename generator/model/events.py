"""Feedback and events logged outside a meeting: one small file each,
`clients/<id>/events/<YYYY-MM-DD>-<kind>-<suffix>.yaml`, so that two people who log for the same
client on two branches never touch the same file (docs/format.md, "Events"). The file's name gives
the date and the kind; its YAML holds the kind's fields. Meeting notes may carry the same shapes in
their front matter (`nps: {score: 9, contact: Ana}`, `escalation: {summary: ...}`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import Field
from pydantic.dataclasses import dataclass as record

from generator.model.fields import RECORD, Count, Date, Name, Text
from generator.model.sourcemap import SourceMap

EventKind = Literal["nps", "csat", "win", "escalation"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
Severity = Literal["low", "medium", "high"]


@record(frozen=True, slots=True, config=RECORD)
class NpsEvent:
    """An NPS answer: how likely the client is to recommend us, 0-10."""

    score: Annotated[Count, Field(ge=0, le=10)]
    comment: Text | None = None
    contact: Name | None = Field(default=None, description="who answered: a contact's name")


@record(frozen=True, slots=True, config=RECORD)
class CsatEvent:
    """A satisfaction score, 1-5."""

    score: Annotated[Count, Field(ge=1, le=5)]
    comment: Text | None = None
    contact: Name | None = Field(default=None, description="who answered: a contact's name")


@record(frozen=True, slots=True, config=RECORD)
class WinEvent:
    """A success worth celebrating."""

    summary: Name
    acknowledged: Date | None = Field(default=None, description="when the win was recognised with the client")


@record(frozen=True, slots=True, config=RECORD)
class EscalationEvent:
    """A complaint or escalation, opened on the file's (or the note's) date."""

    summary: Name
    severity: Severity = "medium"
    closed: Date | None = None


EventRecord = NpsEvent | CsatEvent | WinEvent | EscalationEvent
EVENT_RECORDS: dict[str, type[EventRecord]] = {
    "nps": NpsEvent,
    "csat": CsatEvent,
    "win": WinEvent,
    "escalation": EscalationEvent,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LoggedEvent:
    """One file of a client's `events/` folder, parsed."""

    client_id: str
    file: str
    kind: str
    date: dt.date
    """From the file's name."""
    meta: EventRecord
    source: SourceMap
