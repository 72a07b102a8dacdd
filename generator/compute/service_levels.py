"""Service levels (docs/health.md, "Service levels"): over the last full calendar quarter, the share
of each segment's and each owner's clients that got what their cadences promise: never a day
without a check-in within `checkin_every` (or the client's own cadence), and, where the segment sets
`review_every`, never a day without a review within it. Pure functions of the insights and `today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight
from generator.compute.revenue import percent_of
from generator.model.dates import Duration, calendar_quarter
from generator.model.settings import Settings
from generator.model.terms import is_client_on
from generator.model.vocabulary import REVIEW_MEETING_TYPES

NOT_SERVED = frozenset({"prospect", "paused"})
"""Statuses whose clients are promised no cadence (a former one is counted for the quarters it was served)."""


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    group: str
    """A segment key or an owner's handle."""
    clients: int
    """Clients we worked for on every day of the quarter."""
    checkins_kept: int
    reviews_promised: int
    """Those of a segment that sets review_every."""
    reviews_kept: int
    met: int
    """Clients whose every promise was kept."""
    rate: float | None
    """met / clients in %."""


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    quarter: str
    start: dt.date
    end: dt.date
    by_segment: tuple[ServiceLevel, ...]
    by_owner: tuple[ServiceLevel, ...]


def kept(anchor: dt.date, dates: Sequence[dt.date], every: Duration, start: dt.date, end: dt.date) -> bool:
    """From `start` to `end`, was every day within `every` of the last meeting (or of `anchor`, the
    relationship's start, before the first)? `dates` are the meetings, oldest first."""
    last = max([anchor, *(d for d in dates if d <= start)])
    for date in (d for d in dates if start < d <= end):
        if date > every.after(last):
            return False
        last = date
    return end <= every.after(last)


@dataclass(frozen=True, slots=True)
class _Served:
    insight: ClientInsight
    checkins: bool
    reviews: bool | None
    """None: the segment promises no review."""


def _served(insight: ClientInsight, settings: Settings, start: dt.date, end: dt.date) -> _Served | None:
    record = insight.record
    if record.status in NOT_SERVED or not (is_client_on(record, start) and is_client_on(record, end)):
        return None
    dates = [t.date for t in insight.touchpoints]
    checkins = kept(record.since, dates, insight.checkin.cadence, start, end)
    review_every = settings.segments[record.segment].review_every
    reviews = None
    if review_every is not None:
        reviewed = [t.date for t in insight.touchpoints if t.type in REVIEW_MEETING_TYPES]
        reviews = kept(record.since, reviewed, review_every, start, end)
    return _Served(insight, checkins, reviews)


def _levels(served: Sequence[_Served], group: Callable[[ClientInsight], str]) -> tuple[ServiceLevel, ...]:
    names = sorted({group(s.insight) for s in served})
    rows = []
    for name in names:
        mine = [s for s in served if group(s.insight) == name]
        met = sum(1 for s in mine if s.checkins and s.reviews is not False)
        rows.append(
            ServiceLevel(
                group=name,
                clients=len(mine),
                checkins_kept=sum(1 for s in mine if s.checkins),
                reviews_promised=sum(1 for s in mine if s.reviews is not None),
                reviews_kept=sum(1 for s in mine if s.reviews),
                met=met,
                rate=percent_of(met, len(mine)),
            )
        )
    return tuple(rows)


def service_levels(insights: Sequence[ClientInsight], settings: Settings, today: dt.date) -> ServiceLevels:
    quarter = calendar_quarter(today, -1)
    served = [s for i in insights if (s := _served(i, settings, quarter.start, quarter.end)) is not None]
    return ServiceLevels(
        quarter=quarter.label,
        start=quarter.start,
        end=quarter.end,
        by_segment=_levels(served, lambda i: i.record.segment),
        by_owner=_levels(served, lambda i: i.record.owner),
    )
