"""The experience map's stages (kb.yaml `journey:`): which clients each stage holds, what the client
does, feels and expects there, what we deliver, and the touchpoints it promises (docs/health.md,
"The experience map"). The defaults are the seven stages of the essay."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass as record

from generator.model.dates import Duration
from generator.model.fields import RECORD, DurationField, Name, SegmentKey, Text
from generator.model.vocabulary import MeetingType, Status


@record(frozen=True, slots=True, config=RECORD)
class ExpectedTouchpoint:
    type: MeetingType
    every: DurationField = Field(description="a meeting of this type is expected this often while in the stage")


@record(frozen=True, slots=True, config=RECORD)
class JourneyStage:
    id: SegmentKey
    """The stage's name in playbooks' `stage:`, e.g. onboarding."""
    label: Name
    statuses: Annotated[
        tuple[Status, ...], Field(min_length=1, description="a client with one of these statuses may be in it")
    ]
    meeting_types: tuple[MeetingType, ...] = Field(
        default=(), description="and, where given, whose latest meeting held was one of these"
    )
    renewal_within: DurationField | None = Field(
        default=None, description="and, where given, whose contract renews within this"
    )
    expected: DurationField | None = Field(default=None, description="clients here longer than this are stalled")
    client_does: Text | None = None
    client_feels: Text | None = None
    we_deliver: Text | None = None
    touchpoints: tuple[ExpectedTouchpoint, ...] = ()


def _stage(id: str, label: str, statuses: tuple[str, ...], **more: object) -> JourneyStage:
    return JourneyStage(id=id, label=label, statuses=statuses, **more)  # type: ignore[arg-type]


DEFAULT_JOURNEY: tuple[JourneyStage, ...] = (
    _stage(
        "discovery",
        "Discovery",
        ("prospect",),
        expected=Duration(2, "m"),
        client_does="compares agencies",
        client_feels="unsure who to trust",
        we_deliver="a proposal that shows we listened",
    ),
    _stage(
        "onboarding",
        "Onboarding",
        ("onboarding",),
        expected=Duration(60, "d"),
        client_does="hands over access and context",
        client_feels="hopeful, impatient",
        we_deliver="a quick first result",
        touchpoints=(ExpectedTouchpoint(type="check-in", every=Duration(2, "w")),),
    ),
    _stage(
        "planning",
        "Planning",
        ("onboarding", "active"),
        meeting_types=("kickoff", "workshop"),
        expected=Duration(1, "m"),
        client_does="agrees goals and a roadmap",
        client_feels="involved",
        we_deliver="a plan they own",
        touchpoints=(ExpectedTouchpoint(type="workshop", every=Duration(2, "w")),),
    ),
    _stage(
        "execution",
        "Execution",
        ("active",),
        client_does="uses what we deliver",
        client_feels="confident, or neglected",
        we_deliver="steady progress, told often",
        touchpoints=(ExpectedTouchpoint(type="check-in", every=Duration(1, "m")),),
    ),
    _stage(
        "review",
        "Review",
        ("active",),
        meeting_types=("review", "qbr"),
        expected=Duration(1, "m"),
        client_does="looks back at results",
        client_feels="heard",
        we_deliver="numbers against their goals",
    ),
    _stage(
        "renewal",
        "Renewal",
        ("active",),
        renewal_within=Duration(60, "d"),
        client_does="decides whether to renew",
        client_feels="weighs the value",
        we_deliver="a clear case and a new plan",
        touchpoints=(ExpectedTouchpoint(type="review", every=Duration(1, "m")),),
    ),
    _stage(
        "offboarding",
        "Offboarding",
        ("offboarding",),
        expected=Duration(2, "m"),
        client_does="takes over the work",
        client_feels="relieved, or let down",
        we_deliver="a clean handover",
        touchpoints=(ExpectedTouchpoint(type="offboarding", every=Duration(1, "m")),),
    ),
)
