"""The closed vocabularies of the file format: client statuses, meeting types, playbook stages,
health flags, sentiments. Kept apart from the model (pydantic) so the command line can offer them
as choices without importing it: `clientkb --help` starts in a fraction of the time.
"""

from __future__ import annotations

from typing import Literal, get_args

CLIENT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
HANDLE_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,31}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
CONTROL_CHARACTERS = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"
"""C0 controls but tab and newline, DEL, and C1 controls: in text they are always a mistake (and
invisible, or worse on a terminal), so they are refused wherever they appear."""

Status = Literal["prospect", "onboarding", "active", "paused", "offboarding", "former"]
MeetingType = Literal["kickoff", "check-in", "review", "qbr", "workshop", "escalation", "offboarding", "other"]
FlagCode = Literal[
    "checkin-overdue",
    "gone-quiet",
    "review-overdue",
    "nps-detractor",
    "nps-drop",
    "csat-low",
    "escalation-open",
    "actions-overdue",
    "missed-meetings",
    "negative-sentiment",
    "renewal-soon",
    "renewal-passed",
    "milestone-overdue",
    "over-hours",
    "no-primary-contact",
    "onboarding-stalled",
    "audit-overdue",
    "response-overdue",
]
Sentiment = Literal["positive", "neutral", "negative"]
RenewalOutcome = Literal["renewed", "expanded", "contracted", "churned"]

STATUSES: tuple[str, ...] = get_args(Status)
MEETING_TYPES: tuple[str, ...] = get_args(MeetingType)
REVIEW_MEETING_TYPES = ("review", "qbr")
"""Meetings that count as a review of the relationship (review_every, service levels, the review pack)."""
RENEWAL_OUTCOMES: tuple[str, ...] = get_args(RenewalOutcome)
FLAG_CODES: tuple[str, ...] = get_args(FlagCode)
RESPONDABLE_FLAGS: tuple[str, ...] = tuple(code for code in FLAG_CODES if code != "response-overdue")
"""The flags kb.yaml's `responses:` may map to a playbook (a late response is not itself answered)."""
