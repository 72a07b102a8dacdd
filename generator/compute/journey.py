"""The experience map (docs/health.md, "The experience map"): each current client's stage, and per
stage the clients in it, how long they have been there (median and slowest), the touchpoints held
against those the stage expects, the sentiment of its meetings, the longest silence, and the clients
stalled beyond the stage's expected time; a stage is marked where communication drops (fewer
touchpoints held than expected) or clients wait (stalled). Pure."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight
from generator.model.journey import JourneyStage

WINDOW_DAYS = 90
"""Touchpoints are counted over the last 90 days in the stage."""


@dataclass(frozen=True, slots=True)
class ClientStage:
    client: str
    stage: str
    entered: dt.date
    days: int
    held: int
    """Meetings of the stage's touchpoint types held in the last 90 days in the stage."""
    expected: int
    silence: int
    """Days since its last meeting held (since it entered the stage, when it never had one)."""
    sentiments: tuple[str, ...]
    stalled: bool


@dataclass(frozen=True, slots=True)
class StageFigures:
    stage: JourneyStage
    clients: tuple[ClientStage, ...]
    median_days: float | None
    slowest: ClientStage | None
    held: int
    expected: int
    sentiment: dict[str, int]
    silence: ClientStage | None
    """The client longest without a meeting."""
    stalled: tuple[ClientStage, ...]

    @property
    def gaps(self) -> tuple[str, ...]:
        """Why the stage is marked: communication drops, clients wait."""
        found = []
        if self.held < self.expected:
            found.append(f"{self.held} of {self.expected} touchpoints held")
        if self.stalled:
            found.append(f"{len(self.stalled)} stalled")
        return tuple(found)


def _specific(stage: JourneyStage) -> bool:
    return bool(stage.meeting_types) or stage.renewal_within is not None


def _entered(stage: JourneyStage, insight: ClientInsight, today: dt.date) -> dt.date | None:
    """The day `insight` entered `stage`, or None when the stage does not hold it."""
    record = insight.record
    if record.status not in stage.statuses:
        return None
    entered = insight.status_entered or record.since
    if stage.meeting_types:
        held = [t for t in insight.touchpoints if t.date <= today]
        if not held or held[-1].type not in stage.meeting_types:
            return None
        entered = max(entered, held[-1].date)
    if stage.renewal_within is not None:
        renewal = record.contract.renewal
        if renewal is None or renewal < today or stage.renewal_within.after(today) < renewal:
            return None
        entered = max(entered, stage.renewal_within.before(renewal))
    return entered


def client_stage(insight: ClientInsight, stages: Sequence[JourneyStage], today: dt.date) -> ClientStage | None:
    """The stage a client is in: the first, in kb.yaml's order, of those its latest meeting or its
    renewal singles out (review, renewal), else of the rest; None for a client in none (former)."""
    for stage in [*(s for s in stages if _specific(s)), *(s for s in stages if not _specific(s))]:
        entered = _entered(stage, insight, today)
        if entered is None:
            continue
        days = (today - entered).days
        # Touchpoints over the last 90 days in the stage (a long relationship is judged on now):
        # one every 2 weeks is expected once per full 2 weeks of that window.
        window = min(days, WINDOW_DAYS)
        start = today - dt.timedelta(days=window)
        kinds = {t.type for t in stage.touchpoints}
        since = [t for t in insight.touchpoints if start <= t.date <= today]
        expected = sum(window // max(1, t.every.days_from(start)) for t in stage.touchpoints)
        last = max((t.date for t in insight.touchpoints if t.date <= today), default=entered)
        return ClientStage(
            client=insight.id,
            stage=stage.id,
            entered=entered,
            days=days,
            held=sum(1 for t in since if t.type in kinds),
            expected=expected,
            silence=(today - last).days,
            sentiments=tuple(t.sentiment for t in since if t.sentiment),
            stalled=stage.expected is not None and stage.expected.after(entered) < today,
        )
    return None


def journey_map(
    insights: Sequence[ClientInsight], stages: Sequence[JourneyStage], today: dt.date
) -> tuple[StageFigures, ...]:
    placed = [c for i in insights if (c := client_stage(i, stages, today)) is not None]
    figures = []
    for stage in stages:
        mine = tuple(sorted((c for c in placed if c.stage == stage.id), key=lambda c: (-c.days, c.client)))
        sentiment = {"positive": 0, "neutral": 0, "negative": 0}
        for c in mine:
            for s in c.sentiments:
                sentiment[s] += 1
        figures.append(
            StageFigures(
                stage=stage,
                clients=mine,
                median_days=statistics.median(c.days for c in mine) if mine else None,
                slowest=mine[0] if mine else None,
                held=sum(c.held for c in mine),
                expected=sum(c.expected for c in mine),
                sentiment=sentiment,
                silence=max(mine, key=lambda c: (c.silence, c.client)) if mine else None,
                stalled=tuple(c for c in mine if c.stalled),
            )
        )
    return tuple(figures)
