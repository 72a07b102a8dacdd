"""Revenue retention, money at risk, the renewal forecast, concentration and churn reasons
(defined with worked examples in docs/health.md, "Revenue retention"). Pure functions of the
client insights and `today`. Amounts stay in their currency: nothing is ever converted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight
from generator.model.dates import Duration, calendar_quarter, shift_days
from generator.model.records import ClientRecord
from generator.model.terms import (
    CURRENT_STATUSES,
    contract_value,
    recurring_on,
    value_in_force,
    yearly,
)

YEAR = Duration(12, "m")
QUARTERS = 4
TOP = 5
HEALTH_ORDER = ("red", "amber", "green")
NO_REASON = "unknown"
"""The churn reason of a former client whose record gives none."""


@dataclass(frozen=True, slots=True)
class Amount:
    currency: str
    """The contract's currency, or "" where a contract names none."""
    value: float


@dataclass(frozen=True, slots=True)
class RateRow:
    """Revenue retention of one group over one period, in one currency."""

    group: str
    """"all", a quarter (2026-Q3), a segment key or an owner's handle."""
    currency: str
    clients: int
    """Clients with a recurring contract on the period's first day."""
    base: float
    """Their yearly recurring value on the first day."""
    value: float
    """GRR: the part of it kept on the last day (a client's growth not counted); NRR: all of it."""
    rate: float | None
    """value / base in %, None without a base."""


@dataclass(frozen=True, slots=True)
class RetentionRates:
    start: dt.date
    end: dt.date
    trailing: tuple[RateRow, ...]
    """Over the trailing 12 months, per currency."""
    by_quarter: tuple[RateRow, ...]
    """Each of the last 4 calendar quarters (the current one so far)."""
    by_segment: tuple[RateRow, ...]
    by_owner: tuple[RateRow, ...]


@dataclass(frozen=True, slots=True)
class AtRisk:
    health: str
    clients: int
    amounts: tuple[Amount, ...]
    """The yearly value of their contracts (a project's whole value)."""


@dataclass(frozen=True, slots=True)
class ForecastRow:
    quarter: str
    start: dt.date
    end: dt.date
    health: str
    renewals: int
    amounts: tuple[Amount, ...]
    clients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concentration:
    currency: str
    total: float
    top: float
    """The yearly value of the 5 largest clients."""
    share: float | None
    """top / total in %."""
    clients: tuple[str, ...]
    """The largest clients, largest first."""


@dataclass(frozen=True, slots=True)
class ChurnReason:
    reason: str
    clients: tuple[str, ...]
    amounts: tuple[Amount, ...]
    """The yearly value each client's last term was worth."""


@dataclass(frozen=True, slots=True)
class RevenueRetention:
    grr: RetentionRates
    nrr: RetentionRates
    at_risk: tuple[AtRisk, ...]
    forecast: tuple[ForecastRow, ...]
    concentration: tuple[Concentration, ...]
    churn_reasons: tuple[ChurnReason, ...]


def percent_of(part: float, whole: float) -> float | None:
    """part / whole in %, to the tenth; None without a whole."""
    return round(100 * part / whole, 1) if whole else None


def sum_amounts(pairs: Iterable[tuple[str, float]]) -> tuple[Amount, ...]:
    totals: dict[str, float] = defaultdict(float)
    for currency, value in pairs:
        totals[currency] += value
    return tuple(Amount(currency, round(value, 2)) for currency, value in sorted(totals.items()))


def _rates(
    insights: Sequence[ClientInsight],
    start: dt.date,
    end: dt.date,
    group: Callable[[ClientInsight], str],
    net: bool,
) -> tuple[RateRow, ...]:
    sums: dict[tuple[str, str], list[float]] = {}
    for insight in insights:
        record = insight.record
        base = recurring_on(record, start)
        if not base:  # a project, no value, or not a client on the first day
            continue
        now = recurring_on(record, end) or 0.0
        row = sums.setdefault((group(insight), record.contract.currency or ""), [0, 0.0, 0.0])
        row[0] += 1
        row[1] += base
        row[2] += now if net else min(now, base)
    return tuple(
        RateRow(name, currency, int(clients), round(base, 2), round(value, 2), percent_of(value, base))
        for (name, currency), (clients, base, value) in sorted(sums.items())
    )


def _named(name: str) -> Callable[[ClientInsight], str]:
    return lambda _: name


def retention_rates(insights: Sequence[ClientInsight], today: dt.date, net: bool) -> RetentionRates:
    """GRR (`net` False) or NRR over the trailing year, by quarter, by segment and by owner."""
    start = YEAR.before(today)
    quarters: list[RateRow] = []
    for back in range(QUARTERS - 1, -1, -1):
        quarter = calendar_quarter(today, -back)
        quarters.extend(_rates(insights, quarter.start, min(quarter.end, today), _named(quarter.label), net))
    return RetentionRates(
        start=start,
        end=today,
        trailing=_rates(insights, start, today, _named("all"), net),
        by_quarter=tuple(quarters),
        by_segment=_rates(insights, start, today, lambda i: i.record.segment, net),
        by_owner=_rates(insights, start, today, lambda i: i.record.owner, net),
    )


def _current(insights: Sequence[ClientInsight]) -> list[ClientInsight]:
    return [i for i in insights if i.record.status in CURRENT_STATUSES and i.health is not None]


def at_risk(insights: Sequence[ClientInsight]) -> tuple[AtRisk, ...]:
    rows = []
    for health in HEALTH_ORDER:
        group = [i for i in _current(insights) if i.health == health]
        valued = [(i.record.contract.currency or "", contract_value(i.record)) for i in group]
        rows.append(AtRisk(health, len(group), sum_amounts((c, v) for c, v in valued if v is not None)))
    return tuple(rows)


def forecast(insights: Sequence[ClientInsight], today: dt.date) -> tuple[ForecastRow, ...]:
    """Renewals dated in this quarter and the next three, by health."""
    rows = []
    for ahead in range(QUARTERS):
        quarter = calendar_quarter(today, ahead)
        due = [
            i
            for i in _current(insights)
            if i.record.contract.renewal is not None and quarter.start <= i.record.contract.renewal <= quarter.end
        ]
        for health in HEALTH_ORDER:
            group = sorted((i for i in due if i.health == health), key=lambda i: (i.record.contract.renewal, i.id))
            valued = [(i.record.contract.currency or "", contract_value(i.record)) for i in group]
            rows.append(
                ForecastRow(
                    quarter=quarter.label,
                    start=quarter.start,
                    end=quarter.end,
                    health=health,
                    renewals=len(group),
                    amounts=sum_amounts((c, v) for c, v in valued if v is not None),
                    clients=tuple(i.id for i in group),
                )
            )
    return tuple(rows)


def concentration(insights: Sequence[ClientInsight]) -> tuple[Concentration, ...]:
    """Per currency, the share of the 5 largest current clients in the yearly value of all."""
    by_currency: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for insight in _current(insights):
        value = contract_value(insight.record)
        if value:
            by_currency[insight.record.contract.currency or ""].append((value, insight.id))
    rows = []
    for currency, values in sorted(by_currency.items()):
        largest = sorted(values, key=lambda pair: (-pair[0], pair[1]))[:TOP]
        total = sum(v for v, _ in values)
        top = sum(v for v, _ in largest)
        rows.append(
            Concentration(
                currency, round(total, 2), round(top, 2), percent_of(top, total), tuple(i for _, i in largest)
            )
        )
    return tuple(rows)


def churn_reasons(insights: Sequence[ClientInsight], today: dt.date) -> tuple[ChurnReason, ...]:
    """Clients who left in the trailing 12 months (their `until`), by reason, most clients first."""
    start = YEAR.before(today)
    by_reason: dict[str, list[ClientRecord]] = defaultdict(list)
    ids: dict[str, list[str]] = defaultdict(list)
    for insight in insights:
        record = insight.record
        if record.status == "former" and record.until is not None and start < record.until <= today:
            reason = record.churn_reason or NO_REASON
            by_reason[reason].append(record)
            ids[reason].append(insight.id)
    rows = []
    for reason, records in by_reason.items():
        lost = [(r.contract.currency or "", _last_term(r)) for r in records]
        rows.append(
            ChurnReason(reason, tuple(sorted(ids[reason])), sum_amounts((c, v) for c, v in lost if v is not None))
        )
    return tuple(sorted(rows, key=lambda r: (-len(r.clients), r.reason)))


def _last_term(record: ClientRecord) -> float | None:
    assert record.until is not None
    if record.contract.period == "project":
        return record.contract.value
    return yearly(record, value_in_force(record, shift_days(record.until, -1)))


def revenue_retention(insights: Sequence[ClientInsight], today: dt.date) -> RevenueRetention:
    return RevenueRetention(
        grr=retention_rates(insights, today, net=False),
        nrr=retention_rates(insights, today, net=True),
        at_risk=at_risk(insights),
        forecast=forecast(insights, today),
        concentration=concentration(insights),
        churn_reasons=churn_reasons(insights, today),
    )
