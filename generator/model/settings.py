"""kb.yaml's records: the team, the segments and their cadences, health thresholds, limits and the
responses to risks. Pydantic dataclasses like the other file records (generator/model/records.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict
from pydantic.dataclasses import dataclass as record

from generator.model.dates import Duration
from generator.model.fields import (
    LARGEST,
    RECORD,
    ByteSize,
    Count,
    Currency,
    Date,
    DurationField,
    Email,
    Handle,
    Name,
    Number,
    PlaybookSlug,
    ReasonKey,
    SegmentKey,
    Text,
    TimeZone,
    Url,
    UrlTemplate,
    WebUrl,
)
from generator.model.journey import DEFAULT_JOURNEY, JourneyStage
from generator.model.vocabulary import RESPONDABLE_FLAGS, FlagCode


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
    audit_every: DurationField | None = Field(
        default=None, description="how often each client's relationship is audited (deepen, adjust or end), e.g. 12m"
    )


@record(frozen=True, slots=True, config=RECORD)
class HealthSettings:
    due_soon: DurationField = Duration(7, "d")
    quiet_after: Annotated[float, Strict(), Field(gt=0, le=LARGEST, allow_inf_nan=False)] = 2.0
    renewal_warning: DurationField = Duration(60, "d")
    nps_detractor_max: Annotated[Count, Field(ge=0, le=10)] = 6
    nps_drop: Annotated[Count, Field(ge=1, le=10)] = 3
    missed_meetings: Annotated[Count, Field(ge=1, le=3)] = 2
    onboarding_max: DurationField = Field(
        default=Duration(60, "d"), description="longest a client may stay in onboarding, e.g. 8w"
    )
    undated_after: DurationField = Field(
        default=Duration(14, "d"), description="an open action item without a date is listed as due after this long"
    )
    disabled: tuple[FlagCode, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class AdvocacySettings:
    """When a client is ready to be asked to speak for us (docs/health.md, "Advocacy")."""

    promoter_within: DurationField = Field(
        default=Duration(6, "m"), description="a promoter's NPS answer (9-10) counts this long"
    )
    recent_win: DurationField = Field(default=Duration(90, "d"), description="a win counts as recent this long")
    ask_again_after: DurationField = Field(
        default=Duration(6, "m"), description="do not ask again sooner than this after the last ask"
    )


@record(frozen=True, slots=True, config=RECORD)
class TierCriteria:
    """What a client needs for a loyalty tier; every criterion given must be met."""

    tenure: DurationField | None = Field(default=None, description="a client for at least this long, e.g. 3y as 36m")
    yearly_value: dict[Currency, Number] | None = Field(
        default=None, description="currency -> the least yearly contract value, e.g. {EUR: 100000}"
    )
    latest_nps: Annotated[Count, Field(ge=0, le=10)] | None = Field(
        default=None, description="the client's latest NPS answer is at least this"
    )
    referrals: Annotated[Count, Field(ge=0)] | None = Field(default=None, description="referrals given, at least")


@record(frozen=True, slots=True, config=RECORD)
class Tier:
    name: Name
    criteria: TierCriteria = Field(default_factory=TierCriteria)
    perks: tuple[Text, ...] = ()


@record(frozen=True, slots=True, config=RECORD)
class Loyalty:
    tiers: tuple[Tier, ...] = Field(
        default=(), description="highest first: a client is in the first whose criteria it meets"
    )
    recognise_within: DurationField = Field(
        default=Duration(30, "d"), description="wins and milestones reached this recently are due a recognition"
    )


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
class Response:
    """How the team answers one kind of risk: the playbook to run, and the time to start it."""

    playbook: PlaybookSlug
    within: DurationField = Field(description="time to respond from the day the flag was raised, e.g. 5d")


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
    new_file_url: UrlTemplate | None = Field(
        default=None,
        description="the Git host's 'new file' page with {path} and {content}; default "
        "{repo_url}/new/main?filename={path}&value={content} (GitHub)",
    )
    today: Date | None = Field(default=None, description="pin the date (demos, audits)")
    base_url: WebUrl | None = Field(
        default=None,
        description="where the site is published, e.g. https://kb.example.com/agency/ (the 404 page links from it)",
    )
    health: HealthSettings = Field(default_factory=HealthSettings)
    advocacy: AdvocacySettings = Field(default_factory=AdvocacySettings)
    loyalty: Loyalty = Field(default_factory=Loyalty)
    journey: tuple[JourneyStage, ...] = Field(
        default=DEFAULT_JOURNEY, description="the experience map's stages, in the order a client goes through them"
    )
    limits: Limits = Field(default_factory=Limits)
    responses: dict[Text, Response] = Field(
        default_factory=dict,
        description="flag code -> the playbook that answers it and the time to respond, "
        "e.g. nps-detractor: {playbook: handling-feedback, within: 5d}",
        json_schema_extra={"propertyNames": {"enum": list(RESPONDABLE_FLAGS)}},
    )
    churn_reasons: dict[ReasonKey, Name] = Field(
        default_factory=dict,
        description="why clients leave: key -> label, e.g. budget-cut: Budget cut; a former client's churn_reason",
    )
