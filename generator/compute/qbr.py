"""The quarterly review pack of one client (docs/health.md, "Quarterly review pack"): goals and the
wins against them, the NPS and CSAT trend, hours against budget, milestones done and next,
escalations, open risks and their responses, scope, the renewal, and the next steps proposed at the
last review. Every entry says where it was written. Pure: a function of the client, its insight and
`today`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight
from generator.compute.workload import last_full_month
from generator.model.dates import Duration, add_months
from generator.model.logged import Answer, EscalationEntry, WinEntry
from generator.model.records import Client, Note
from generator.model.vocabulary import REVIEW_MEETING_TYPES

DEFAULT_PERIOD = Duration(3, "m")
"""The period reviewed when no review was held before: the last three months."""
TREND = Duration(12, "m")
HOURS_MONTHS = 6


@dataclass(frozen=True, slots=True)
class MonthHours:
    month: str
    spent: float
    budget: float | None


@dataclass(frozen=True, slots=True)
class MilestoneState:
    name: str
    due: dt.date
    done: dt.date | None
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class NextStep:
    text: str
    done: bool
    who: str | None
    """A team handle, "client" for the client's side, or None (the owner)."""
    due: dt.date | None
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class QbrPack:
    client: str
    name: str
    owner: str
    today: dt.date
    since: dt.date
    """The period reviewed starts here: the last review held, else three months back."""
    last_review: str | None
    """That review's note, if one was held."""
    goals: tuple[str, ...]
    wins: tuple[WinEntry, ...]
    """Wins of the period."""
    nps: tuple[Answer, ...]
    """Answers of the last 12 months, oldest first."""
    csat: tuple[Answer, ...]
    hours: tuple[MonthHours, ...]
    """The last six full months."""
    milestones_done: tuple[MilestoneState, ...]
    """Done in the period."""
    milestones_next: tuple[MilestoneState, ...]
    """Not done yet, by due date."""
    escalations: tuple[EscalationEntry, ...]
    """Open, or opened or closed in the period."""
    risks: tuple[HealthFlag, ...]
    included: tuple[str, ...]
    excluded: tuple[str, ...]
    renewal: dt.date | None
    value: float | None
    currency: str | None
    period: str | None
    next_steps: tuple[NextStep, ...]
    """The action items of the last review's note."""


def last_review(client: Client, today: dt.date) -> Note | None:
    held = [n for n in client.notes if n.meta.held and n.meta.type in REVIEW_MEETING_TYPES and n.meta.date <= today]
    return held[-1] if held else None


def _months(today: dt.date) -> list[str]:
    last = last_full_month(today)
    first = add_months(dt.date(int(last[:4]), int(last[5:]), 1), -(HOURS_MONTHS - 1))
    return [f"{d.year:04d}-{d.month:02d}" for d in (add_months(first, n) for n in range(HOURS_MONTHS))]


def qbr_pack(client: Client, insight: ClientInsight, today: dt.date) -> QbrPack:
    record = client.record
    source = client.source
    review = last_review(client, today)
    since = review.meta.date if review is not None else DEFAULT_PERIOD.before(today)
    trend_start = TREND.before(today)
    spent: dict[str, float] = {}
    for entry in record.hours:
        spent[entry.month] = spent.get(entry.month, 0) + entry.spent
    milestones = [
        MilestoneState(m.name, m.due, m.done, client.file, source.line("milestones", i, "name"))
        for i, m in enumerate(record.milestones)
    ]
    return QbrPack(
        client=client.id,
        name=record.name,
        owner=record.owner,
        today=today,
        since=since,
        last_review=review.file if review is not None else None,
        goals=record.goals,
        wins=tuple(w for w in insight.wins if since <= w.date <= today),
        nps=tuple(a for a in insight.nps if a.date >= trend_start),
        csat=tuple(a for a in insight.csat if a.date >= trend_start),
        hours=tuple(MonthHours(m, spent.get(m, 0), record.contract.hours_per_month) for m in _months(today)),
        milestones_done=tuple(m for m in milestones if m.done is not None and since <= m.done <= today),
        milestones_next=tuple(sorted((m for m in milestones if m.done is None), key=lambda m: (m.due, m.name))),
        escalations=tuple(
            e
            for e in insight.escalations
            if e.closed is None or since <= e.opened <= today or (e.closed is not None and since <= e.closed <= today)
        ),
        risks=insight.flags,
        included=record.scope.included,
        excluded=record.scope.excluded,
        renewal=record.contract.renewal,
        value=record.contract.value,
        currency=record.contract.currency,
        period=record.contract.period,
        next_steps=tuple(
            NextStep(a.text, a.done, "client" if a.for_client else a.assignee, a.due, a.file, a.line)
            for a in (review.actions if review is not None else ())
        ),
    )
