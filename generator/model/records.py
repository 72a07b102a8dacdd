"""The typed records of a knowledge base: frozen, slotted dataclasses.

The file-kind records (`Settings`, `ClientRecord`, `NoteMeta`, `PlaybookMeta`, `DocumentMeta`) are
pydantic dataclasses: the same class validates the YAML and yields the JSON Schema that editors use.
Scalars are strict on purpose: YAML 1.1 reads `NO` as false and `01234` as 668, and a text field that
receives such a value must be an error that says to quote it, not a silent conversion.
The containers (`Client`, `Note`, `KnowledgeBase`, ...) add where each record came from.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, PlainValidator, Strict, WithJsonSchema
from pydantic.dataclasses import dataclass as record
from pydantic_core import PydanticCustomError

from generator.model.dates import DURATION_PATTERN, Duration
from generator.model.sourcemap import SourceMap
from generator.model.vocabulary import (
    CLIENT_ID_PATTERN,
    HANDLE_PATTERN,
    SLUG_PATTERN,
    FlagCode,
    MeetingType,
    Sentiment,
    Stage,
    Status,
)

PRIMARY_CONTACT_STATUSES = frozenset({"onboarding", "active", "offboarding"})
"""Statuses in which a client is expected to have a primary contact."""


def _format_check(pattern: str, what: str, example: str) -> AfterValidator:
    """Checks text against `pattern`, with a message a person can act on (not a regex dump)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise PydanticCustomError(
                "text_format",
                "'{value}' is not a valid {what} (e.g. {example})",
                {"value": value, "what": what, "example": example},
            )
        return value

    return AfterValidator(check)


def _text_schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


def _duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "duration",
        "'{value}' is not a duration: write a number and d, w or m (e.g. 7d, 2w, 3m)",
        {"value": value},
    )


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "time_zone",
            "'{value}' is not a known time zone (e.g. Europe/Berlin, America/New_York, UTC)",
            {"value": value},
        ) from None
    return value


_SIZE = re.compile(r"^\s*([0-9]+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$")
_SIZE_FACTORS = {None: 1, "B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "KB": 1000, "MB": 1000**2, "GB": 1000**3}


def _byte_size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match and int(match.group(1)) > 0:
        return int(match.group(1)) * _SIZE_FACTORS[match.group(2)]
    raise PydanticCustomError(
        "byte_size",
        "'{value}' is not a size: write bytes or a number with KiB or MiB (e.g. 2 MiB)",
        {"value": value},
    )


Text = Annotated[str, Strict()]
Name = Annotated[str, Strict(), Field(min_length=1)]
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: object) -> dt.date:
    """A date written YYYY-MM-DD, bare (YAML's own date) or in quotes (as tools that write YAML from
    JSON, and PyYAML's safe_dump, do): the same date either way; nothing else is a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "'{value}' is not a date: that day does not exist", {"value": value}
            ) from None
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_from_datetime_inexact", "a date without a time", {})
    raise PydanticCustomError("date_type", "a date", {})


Date = Annotated[
    dt.date,
    PlainValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "a date written YYYY-MM-DD"}),
]
Flag = Annotated[bool, Strict()]


Count = Annotated[int, Strict()]
LARGEST = sys.float_info.max
"""The largest number: as `maximum` in the schema it refuses .inf as check does."""
Number = Annotated[float, Strict(), Field(ge=0, le=LARGEST, allow_inf_nan=False)]
DurationField = Annotated[
    Duration,
    PlainValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "description": "e.g. 7d, 2w, 3m"}),
]
TimeZone = Annotated[
    str,
    Strict(),
    AfterValidator(_time_zone),
    WithJsonSchema({"type": "string", "description": "an IANA time zone, e.g. Europe/Berlin"}),
]
ByteSize = Annotated[
    int,
    PlainValidator(_byte_size),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^\s*[0-9]*[1-9][0-9]*\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$"},
            ],
            "description": "bytes, or e.g. '2 MiB'",
        }
    ),
]
_ATOM = r"""[^\s@"(),:;<>\[\]\\.]+"""
EMAIL_PATTERN = rf"^{_ATOM}(\.{_ATOM})*@{_ATOM}(\.{_ATOM})+$"
"""For editors: RFC 5322's dot-atom on both sides of the @ (check also asks email-validator)."""
URL_PATTERN = r"^(https?://|mailto:)[^\s]+$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"

Handle = Annotated[
    str,
    Strict(),
    _format_check(HANDLE_PATTERN, "team handle", "dana"),
    _text_schema(HANDLE_PATTERN, "a team member's handle from kb.yaml"),
]
ClientId = Annotated[
    str,
    Strict(),
    _format_check(CLIENT_ID_PATTERN, "client id", "acme-corp"),
    _text_schema(CLIENT_ID_PATTERN, "a client's folder name"),
]
SegmentKey = Annotated[
    str,
    Strict(),
    _format_check(SLUG_PATTERN, "segment key", "strategic"),
    _text_schema(SLUG_PATTERN, "a key of kb.yaml segments"),
]


def _email(value: str) -> str:
    """An address email-validator accepts (syntax only: no DNS lookup), kept as written."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise PydanticCustomError(
            "email", "'{value}' is not an email address ({reason})", {"value": value, "reason": str(exc)}
        ) from None
    return value


Email = Annotated[
    str,
    Strict(),
    _format_check(EMAIL_PATTERN, "email address", "ana@example.com"),
    AfterValidator(_email),
    _text_schema(EMAIL_PATTERN, "an email address"),
]
Url = Annotated[
    str,
    Strict(),
    _format_check(URL_PATTERN, "web address", "https://example.com"),
    _text_schema(URL_PATTERN, "an http(s) or mailto address"),
]
Month = Annotated[
    str,
    Strict(),
    _format_check(MONTH_PATTERN, "month", "2026-11"),
    _text_schema(MONTH_PATTERN, "a calendar month, YYYY-MM"),
]
Currency = Annotated[
    str,
    Strict(),
    _format_check(CURRENCY_PATTERN, "currency code", "EUR"),
    _text_schema(CURRENCY_PATTERN, "an ISO 4217 currency code"),
]

# Records: unknown keys are errors; keys starting with `x-` are removed before validation (custom fields).
RECORD = ConfigDict(extra="forbid", json_schema_extra={"patternProperties": {"^x-": {}}})


@record(frozen=True, slots=True, config=RECORD)
class TeamMember:
    handle: Handle
    name: Name
    email: Email | None = None
    role: Text | None = None


@record(frozen=True, slots=True, config=RECORD)
class Segment:
    label: Name
    checkin_every: DurationField = Field(description="check-in cadence, e.g. 2w")
    review_every: DurationField | None = Field(default=None, description="review/QBR cadence, e.g. 3m")


@record(frozen=True, slots=True, config=RECORD)
class HealthSettings:
    due_soon: DurationField = Duration(7, "d")
    quiet_after: Annotated[float, Strict(), Field(gt=0, le=LARGEST, allow_inf_nan=False)] = 2.0
    renewal_warning: DurationField = Duration(60, "d")
    nps_detractor_max: Annotated[Count, Field(ge=0, le=10)] = 6
    nps_drop: Annotated[Count, Field(ge=1, le=10)] = 3
    missed_meetings: Annotated[Count, Field(ge=1, le=3)] = 2
    disabled: tuple[FlagCode, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class Limits:
    max_file_size: ByteSize = 1024 * 1024
    max_yaml_values: Annotated[Count, Field(ge=1_000, le=10_000_000)] = Field(
        default=200_000, description="values a YAML document may expand to (alias bombs)"
    )
    max_yaml_depth: Annotated[Count, Field(ge=8, le=1_000)] = Field(
        default=64, description="nesting depth of YAML collections"
    )


@record(frozen=True, slots=True, config=RECORD)
class Settings:
    """kb.yaml."""

    name: Name
    team: Annotated[tuple[TeamMember, ...], Field(min_length=1)]
    segments: Annotated[dict[SegmentKey, Segment], Field(min_length=1)]
    timezone: TimeZone = "UTC"
    repo_url: Url | None = None
    edit_url: Text | None = Field(
        default=None, description="'edit this file' link with {path}, e.g. https://host/org/repo/edit/main/{path}"
    )
    today: Date | None = Field(default=None, description="pin the date (demos, audits)")
    health: HealthSettings = Field(default_factory=HealthSettings)
    limits: Limits = Field(default_factory=Limits)


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
class Scope:
    included: tuple[Text, ...] = ()
    excluded: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class Milestone:
    name: Name
    due: Date
    done: Date | None = None


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


@record(frozen=True, slots=True, config=RECORD)
class Advocacy:
    testimonial: Text | None = None
    case_study: Flag = False
    referred_by: ClientId | None = None
    referrals: tuple[ClientId, ...] = ()


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
    scope: Scope = Field(default_factory=Scope)
    milestones: tuple[Milestone, ...] = ()
    nps: tuple[NpsAnswer, ...] = ()
    csat: tuple[CsatAnswer, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    hours: tuple[HoursEntry, ...] = ()
    dates: tuple[KeyDate, ...] = ()
    wins: tuple[Win, ...] = ()
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
    nps: Annotated[Count, Field(ge=0, le=10)] | None = Field(default=None, description="NPS answer taken")
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
    stage: Stage = "any"
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    owner: Handle | None = None
    review_every: DurationField | None = None
    last_reviewed: Date | None = None
    tags: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class DocumentMeta:
    """Optional front matter of clients/<id>/<name>.md."""

    title: Text | None = None
    summary: Text | None = None
    tags: tuple[Text, ...] = ()


# Containers: a validated record plus where it came from.


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A task-list item of a meeting note: `- [ ] Send the proposal @dana due:2026-11-10`."""

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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Document:
    client_id: str
    file: str
    name: str
    meta: DocumentMeta
    body: str
    body_line: int
    source: SourceMap


@dataclass(frozen=True, slots=True)
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

    def without_text(self) -> Client:
        """This client without the Markdown of its notes and documents (for computing only)."""
        return replace(
            self,
            notes=tuple(replace(note, body="") for note in self.notes),
            documents=tuple(replace(document, body="") for document in self.documents),
        )


@dataclass(frozen=True, slots=True)
class Playbook:
    slug: str
    file: str
    meta: PlaybookMeta
    body: str
    body_line: int
    source: SourceMap


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
