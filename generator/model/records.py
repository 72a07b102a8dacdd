"""The typed records of a knowledge base: frozen, slotted dataclasses.

The file-kind records (`Settings`, `ClientRecord`, `NoteMeta`, `PlaybookMeta`, `DocumentMeta`) are
pydantic dataclasses: the same class validates the YAML and yields the JSON Schema that editors use.
Scalars are strict on purpose: YAML 1.1 reads `NO` as false and `01234` as 668, and a text field that
receives such a value must be an error that says to quote it, not a silent conversion.
The containers (`Client`, `Note`, `KnowledgeBase`, ...) add where each record came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.dataclasses import dataclass as record

from generator.model.dates import Duration
from generator.model.events import CsatEvent, EscalationEvent, LoggedEvent, NpsEvent, WinEvent
from generator.model.fields import (
    RECORD,
    ClientId,
    Count,
    Currency,
    Date,
    DurationField,
    Email,
    Flag,
    Handle,
    Month,
    Name,
    Number,
    PlaybookSlug,
    ReasonKey,
    SegmentKey,
    Text,
    TimeZone,
    Url,
)
from generator.model.settings import Settings
from generator.model.sourcemap import SourceMap
from generator.model.vocabulary import (
    MeetingType,
    RenewalOutcome,
    Sentiment,
    Status,
)

PRIMARY_CONTACT_STATUSES = frozenset({"onboarding", "active", "offboarding"})
"""Statuses in which a client is expected to have a primary contact."""


@record(frozen=True, slots=True, config=RECORD)
class Communication:
    channel: Text | None = None
    cadence: DurationField | None = Field(default=None, description="overrides the segment's checkin_every")
    style: Text | None = None
    timezone: TimeZone | None = None


@record(frozen=True, slots=True, config=RECORD)
class Contact:
    name: Name
    role: Text | None = None
    email: Email | None = None
    phone: Text | None = None
    primary: Flag = False
    notes: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class Contract:
    value: Number | None = None
    currency: Currency | None = None
    period: Literal["month", "year", "project"] | None = None
    renewal: Date | None = None
    hours_per_month: Number | None = None


@record(frozen=True, slots=True, config=RECORD)
class StatusChange:
    """A status the client had from a day on: the history before Git knew it."""

    status: Status
    since: Date


@record(frozen=True, slots=True, config=RECORD)
class Renewal:
    """One renewal of the contract: the day its term ended, what became of it, and what the term
    that ended was worth (docs/health.md, "Revenue retention")."""

    date: Date
    outcome: RenewalOutcome
    value: Number | None = Field(
        default=None,
        description="what the term that ended was worth, in the contract's currency and period; "
        "leave it out when it did not change (renewed) or when it is contract.value (churned)",
    )


@record(frozen=True, slots=True, config=RECORD)
class Scope:
    included: tuple[Text, ...] = ()
    excluded: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class Milestone:
    name: Name
    due: Date
    done: Date | None = None
    acknowledged: Date | None = Field(default=None, description="when reaching it was recognised with the client")


@record(frozen=True, slots=True, config=RECORD)
class NpsAnswer:
    date: Date
    score: Annotated[Count, Field(ge=0, le=10)]
    comment: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class CsatAnswer:
    date: Date
    score: Annotated[Count, Field(ge=1, le=5)]
    comment: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class Escalation:
    opened: Date
    summary: Name
    severity: Literal["low", "medium", "high"] = "medium"
    closed: Date | None = None


@record(frozen=True, slots=True, config=RECORD)
class HoursEntry:
    month: Month
    spent: Number


@record(frozen=True, slots=True, config=RECORD)
class KeyDate:
    date: Date
    label: Name
    yearly: Flag = False


@record(frozen=True, slots=True, config=RECORD)
class Win:
    date: Date
    summary: Name
    acknowledged: Date | None = Field(default=None, description="when the win was recognised with the client")


@record(frozen=True, slots=True, config=RECORD)
class Audit:
    """A review of the whole relationship, and what was decided: deepen it, adjust it, or end it."""

    date: Date
    decision: Literal["deepen", "adjust", "end"]
    note: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class AdvocacyAsk:
    """A time we asked the client to speak for us, and what came of it."""

    kind: Literal["referral", "testimonial", "case-study", "review"]
    date: Date
    outcome: Literal["waiting", "agreed", "declined", "done"] = "waiting"
    note: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class Advocacy:
    testimonial: Text | None = None
    case_study: Flag = False
    referred_by: ClientId | None = None
    referrals: tuple[ClientId, ...] = ()
    asks: tuple[AdvocacyAsk, ...] = Field(
        default=(), description="asks for a referral, testimonial, case study or review, oldest first"
    )


@record(frozen=True, slots=True, config=RECORD)
class Link:
    title: Name
    url: Url


@record(frozen=True, slots=True, config=RECORD)
class ClientRecord:
    """clients/<id>/client.yaml."""

    name: Name
    status: Status
    segment: SegmentKey
    owner: Handle
    since: Date
    until: Date | None = None
    team: tuple[Handle, ...] = ()
    industry: Text | None = None
    website: Url | None = None
    tags: tuple[Text, ...] = ()
    summary: Text | None = None
    goals: tuple[Text, ...] = ()
    pain_points: tuple[Text, ...] = ()
    past_frustrations: tuple[Text, ...] = ()
    communication: Communication = Field(default_factory=Communication)
    contacts: tuple[Contact, ...] = ()
    contract: Contract = Field(default_factory=Contract)
    status_history: tuple[StatusChange, ...] = Field(
        default=(), description="statuses before Git's history, oldest first: when each began"
    )
    renewal_history: tuple[Renewal, ...] = Field(
        default=(), description="past renewals, oldest first; contract.renewal stays the next one"
    )
    churn_reason: ReasonKey | None = Field(
        default=None, description="why a former client left: a kb.yaml churn_reasons key"
    )
    scope: Scope = Field(default_factory=Scope)
    milestones: tuple[Milestone, ...] = ()
    nps: tuple[NpsAnswer, ...] = ()
    csat: tuple[CsatAnswer, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    hours: tuple[HoursEntry, ...] = ()
    dates: tuple[KeyDate, ...] = ()
    wins: tuple[Win, ...] = ()
    audits: tuple[Audit, ...] = ()
    advocacy: Advocacy = Field(default_factory=Advocacy)
    links: tuple[Link, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class NoteMeta:
    """Front matter of clients/<id>/meetings/<YYYY-MM-DD>-<slug>.md."""

    date: Date
    type: MeetingType = "other"
    title: Text | None = None
    attendees: tuple[Text, ...] = ()
    held: Flag = True
    sentiment: Sentiment | None = None
    next: Date | None = Field(default=None, description="next meeting agreed")
    nps: Annotated[Count, Field(ge=0, le=10)] | NpsEvent | None = Field(
        default=None, description="NPS answer taken: a score, or {score, comment, contact}"
    )
    csat: Annotated[Count, Field(ge=1, le=5)] | CsatEvent | None = Field(
        default=None, description="satisfaction score taken: a score, or {score, comment, contact}"
    )
    win: Name | WinEvent | None = Field(default=None, description="a win to celebrate: a sentence, or {summary}")
    escalation: EscalationEvent | None = Field(
        default=None, description="an escalation opened in this meeting: {summary, severity, closed}"
    )
    tags: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class AppliesTo:
    segments: tuple[SegmentKey, ...] = ()
    statuses: tuple[Status, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class PlaybookMeta:
    """Front matter of playbooks/<slug>.md."""

    title: Name
    summary: Text | None = None
    stage: SegmentKey = Field(default="any", description="a stage of kb.yaml's journey (default: any stage)")
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    owner: Handle | None = None
    review_every: DurationField | None = None
    last_reviewed: Date | None = None
    tags: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class RunMeta:
    """Front matter of clients/<id>/runs/<date>-<playbook>.md: one run of a playbook for a client."""

    playbook: PlaybookSlug
    started: Date
    owner: Handle = Field(description="who runs it (steps without a name are theirs)")
    because: Text | None = Field(default=None, description="the flag it answers, e.g. nps-detractor")
    title: Name | None = None


@record(frozen=True, slots=True, config=RECORD)
class DocumentMeta:
    """Optional front matter of clients/<id>/<name>.md."""

    title: Text | None = None
    summary: Text | None = None
    tags: tuple[Text, ...] = ()


# Containers: a validated record plus where it came from.


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A task-list item of a meeting note or a run: `- [ ] Send the proposal @dana due:2026-11-10`."""

    client_id: str
    file: str
    line: int
    text: str
    """The item without its `@handle` and `due:` tokens."""
    done: bool
    assignee: str | None
    """The team handle named with `@`, or None (then the client's owner has it)."""
    for_client: bool
    """True for `@client`: the client's side owes it."""
    due: dt.date | None
    written: dt.date | None = None
    """The date of its note, or the day its run started: how long an item without `due:` has waited."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    client_id: str
    file: str
    slug: str
    """The file name without `.md`, e.g. `2026-11-02-quarterly-review`."""
    meta: NoteMeta
    body: str
    body_line: int
    source: SourceMap
    actions: tuple[ActionItem, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """A playbook being run for a client: its steps are action items like a note's."""

    client_id: str
    file: str
    slug: str
    """The file name without `.md`, e.g. `2026-11-16-handling-feedback`."""
    meta: RunMeta
    body: str
    body_line: int
    source: SourceMap
    actions: tuple[ActionItem, ...] = ()

    @property
    def done(self) -> bool:
        """Every step ticked (a run without steps is done when it starts)."""
        return all(action.done for action in self.actions)


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    client_id: str
    file: str
    name: str
    meta: DocumentMeta
    body: str
    body_line: int
    source: SourceMap


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    id: str
    file: str
    record: ClientRecord
    source: SourceMap
    notes: tuple[Note, ...] = ()
    """Ordered by date, then file name."""
    documents: tuple[Document, ...] = ()
    custom: Mapping[str, Any] = dc_field(default_factory=dict)
    """The record's top-level `x-` keys."""
    runs: tuple[Run, ...] = ()
    """Ordered by start date, then file name."""
    events: tuple[LoggedEvent, ...] = ()
    """Its `events/` files, ordered by date, then file name."""

    def without_text(self) -> Client:
        """This client without the Markdown of its notes, documents and runs (for computing only)."""
        return replace(
            self,
            notes=tuple(replace(note, body="") for note in self.notes),
            documents=tuple(replace(document, body="") for document in self.documents),
            runs=tuple(replace(run, body="") for run in self.runs),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaybookStep:
    """A checklist item of a playbook, as a run will copy it: `- [ ] Call the sponsor @owner +2d`."""

    line: int
    text: str
    """The item without its `@who` and `+offset` tokens."""
    who: str | None
    """`owner` (the client's owner), `client` (the client's side), a team handle, or None (the run's owner)."""
    offset: Duration | None
    """Due this long after the run starts; None: no due date."""


@dataclass(frozen=True, slots=True)
class Playbook:
    slug: str
    file: str
    meta: PlaybookMeta
    body: str
    body_line: int
    source: SourceMap
    steps: tuple[PlaybookStep, ...] = ()
    """Its checklist, in order: what a run of it copies."""


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    settings: Settings
    settings_source: SourceMap
    clients: tuple[Client, ...]
    """Ordered by id."""
    playbooks: tuple[Playbook, ...]
    """Ordered by slug."""
    client_ids: frozenset[str] = frozenset()
    """Every client folder, including those whose record has errors (so references to them resolve)."""
