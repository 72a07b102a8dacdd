"""Portfolio metrics (defined in docs/health.md): pure functions of the client insights and `today`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight, Event
from generator.compute.journey import StageFigures, journey_map
from generator.compute.revenue import RevenueRetention, percent_of, revenue_retention
from generator.compute.service_levels import ServiceLevels, service_levels
from generator.compute.workload import Workload, workload
from generator.model.dates import Duration, add_months, calendar_quarter
from generator.model.logged import Answer
from generator.model.settings import Settings
from generator.model.terms import CURRENT_STATUSES, contract_value, is_client_on
from generator.model.vocabulary import STATUSES

YEAR = Duration(12, "m")
UPCOMING_WINDOW = Duration(90, "d")
TREND_QUARTERS = 8


@dataclass(frozen=True, slots=True)
class NpsScore:
    """% promoters (9-10) minus % detractors (0-6), over one answer per client."""

    score: float | None
    """None when there are no answers."""
    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors


@dataclass(frozen=True, slots=True)
class QuarterNps:
    quarter: str
    """e.g. 2026-Q4."""
    nps: NpsScore


@dataclass(frozen=True, slots=True)
class Retention:
    start: dt.date
    end: dt.date
    at_start: int
    """Clients we worked for on `start`."""
    retained: int
    """Of those, clients we still work for on `end`."""
    lost: tuple[str, ...]
    rate: float | None
    """retained / at_start in %, None when no client was active at the start."""


@dataclass(frozen=True, slots=True)
class Compliance:
    tracked: int
    """Clients with a check-in state (not prospect, paused or former)."""
    overdue: int
    rate: float | None
    """% of tracked clients not overdue."""


@dataclass(frozen=True, slots=True)
class ActionStats:
    total: int
    done: int
    open: int
    overdue: int
    """Open items past due, ours and theirs."""
    completion: float | None
    """done / total in %."""


@dataclass(frozen=True, slots=True)
class Revenue:
    segment: str
    currency: str
    recurring: float
    """Annualised value of monthly and yearly contracts."""
    projects: float
    """Total value of project contracts."""
    clients: int


@dataclass(frozen=True, slots=True)
class Effort:
    """Hours against contract value over the last 12 full months, for relationship audits."""

    client_id: str
    hours: float
    value: float | None
    """Contract value over the same 12 months (annualised, or the project's value)."""
    currency: str | None
    value_per_hour: float | None


@dataclass(frozen=True, slots=True)
class Portfolio:
    today: dt.date
    nps: NpsScore
    nps_trend: tuple[QuarterNps, ...]
    retention: Retention
    by_status: dict[str, int]
    by_segment: dict[str, int]
    by_owner: dict[str, int]
    by_health: dict[str, int]
    checkins: Compliance
    actions: ActionStats
    revenue: tuple[Revenue, ...]
    effort: tuple[Effort, ...]
    upcoming: tuple[Event, ...]
    """Renewals, milestones and key dates in the next 90 days, and overdue milestones."""
    revenue_retention: RevenueRetention
    service_levels: ServiceLevels
    workload: tuple[Workload, ...]
    journey: tuple[StageFigures, ...]


def nps_score(scores: Iterable[int]) -> NpsScore:
    values = list(scores)
    promoters = sum(1 for s in values if s >= 9)
    detractors = sum(1 for s in values if s <= 6)
    passives = len(values) - promoters - detractors
    score = round(100 * (promoters - detractors) / len(values), 1) if values else None
    return NpsScore(score, promoters, passives, detractors)


def latest_in(answers: Sequence[Answer], start: dt.date, end: dt.date) -> Answer | None:
    inside = [a for a in answers if start <= a.date <= end]
    return inside[-1] if inside else None


def portfolio_nps(insights: Sequence[ClientInsight], start: dt.date, end: dt.date) -> NpsScore:
    """NPS over each client's latest answer dated from `start` to `end`."""
    latest = (latest_in(i.nps, start, end) for i in insights)
    return nps_score(a.score for a in latest if a is not None)


def nps_trend(insights: Sequence[ClientInsight], today: dt.date) -> tuple[QuarterNps, ...]:
    """NPS of each of the last 8 calendar quarters (the current one so far): latest answer per client
    within the quarter."""
    trend = []
    for back in range(TREND_QUARTERS - 1, -1, -1):
        quarter = calendar_quarter(today, -back)
        trend.append(QuarterNps(quarter.label, portfolio_nps(insights, quarter.start, min(quarter.end, today))))
    return tuple(trend)


def retention(insights: Sequence[ClientInsight], today: dt.date) -> Retention:
    start = YEAR.before(today)
    at_start = [i for i in insights if is_client_on(i.record, start)]
    lost = tuple(i.id for i in at_start if not is_client_on(i.record, today))
    retained = len(at_start) - len(lost)
    return Retention(start, today, len(at_start), retained, lost, percent_of(retained, len(at_start)))


def compliance(insights: Sequence[ClientInsight]) -> Compliance:
    tracked = [i for i in insights if i.checkin.state is not None]
    overdue = sum(1 for i in tracked if i.checkin.state == "overdue")
    return Compliance(len(tracked), overdue, percent_of(len(tracked) - overdue, len(tracked)))


def action_stats(insights: Sequence[ClientInsight], today: dt.date) -> ActionStats:
    total = sum(i.actions_total for i in insights)
    open_items = [a for i in insights for a in i.open_actions]
    overdue = sum(1 for a in open_items if a.due is not None and a.due < today)
    done = total - len(open_items)
    return ActionStats(total, done, len(open_items), overdue, percent_of(done, total))


def revenue_by_segment(insights: Sequence[ClientInsight]) -> tuple[Revenue, ...]:
    totals: dict[tuple[str, str], list[float]] = {}
    for insight in insights:
        record = insight.record
        value = contract_value(record)
        if record.status not in CURRENT_STATUSES or value is None:
            continue
        entry = totals.setdefault((record.segment, record.contract.currency or ""), [0.0, 0.0, 0])
        entry[1 if record.contract.period == "project" else 0] += value
        entry[2] += 1
    return tuple(
        Revenue(segment, currency, recurring, projects, int(count))
        for (segment, currency), (recurring, projects, count) in sorted(totals.items())
    )


def effort(insights: Sequence[ClientInsight], today: dt.date) -> tuple[Effort, ...]:
    first = add_months(today.replace(day=1), -12)
    last = add_months(today.replace(day=1), -1)
    months = {f"{d.year:04d}-{d.month:02d}" for d in (add_months(first, n) for n in range(12))}
    assert f"{last.year:04d}-{last.month:02d}" in months
    result = []
    for insight in insights:
        record = insight.record
        hours = sum(h.spent for h in record.hours if h.month in months)
        if not hours and record.contract.value is None:
            continue
        value = contract_value(record)
        per_hour = round(value / hours, 2) if value is not None and hours else None
        result.append(Effort(insight.id, hours, value, record.contract.currency, per_hour))
    return tuple(result)


def _count(values: Iterable[str], order: Sequence[str] = ()) -> dict[str, int]:
    counts = Counter(values)
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return {k: counts[k] for k in keys}


def upcoming(insights: Sequence[ClientInsight], today: dt.date) -> tuple[Event, ...]:
    end = UPCOMING_WINDOW.after(today)
    events = [e for i in insights if i.record.status != "former" for e in i.events if e.date <= end]
    return tuple(sorted(events, key=lambda e: (e.date, e.client_id, e.kind, e.label)))


def portfolio(insights: Sequence[ClientInsight], today: dt.date, settings: Settings) -> Portfolio:
    current = [i for i in insights if i.record.status != "former"]
    return Portfolio(
        today=today,
        nps=portfolio_nps(insights, YEAR.before(today), today),
        nps_trend=nps_trend(insights, today),
        retention=retention(insights, today),
        by_status=_count((i.record.status for i in insights), STATUSES),
        by_segment=_count(i.record.segment for i in current),
        by_owner=_count(i.record.owner for i in current),
        by_health=_count((i.health or "former" for i in insights), ("red", "amber", "green", "former")),
        checkins=compliance(insights),
        actions=action_stats(insights, today),
        revenue=revenue_by_segment(insights),
        effort=effort(insights, today),
        upcoming=upcoming(insights, today),
        revenue_retention=revenue_retention(insights, today),
        service_levels=service_levels(insights, settings, today),
        workload=workload(insights, [m.handle for m in settings.team], today),
        journey=journey_map(insights, settings.journey, today),
    )
