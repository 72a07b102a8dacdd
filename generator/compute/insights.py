"""The computed model of each client: check-in, health flags, feedback history, action items and
upcoming dates. Pure: a function of the knowledge base and an explicit `today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from generator.compute.advocacy import NO_ADVOCACY, AdvocacyView, advocacy
from generator.compute.checkins import CheckIn, checkin, past_notes
from generator.compute.health import Facts, Health, HealthFlag, assess, colour
from generator.compute.loyalty import NO_TIER, TierView, loyalty_tier
from generator.compute.responses import answer
from generator.model.lifecycle import status_entered
from generator.model.logged import (
    Answer,
    EscalationEntry,
    WinEntry,
    answered_by,
    csat_history,
    escalation_history,
    nps_history,
    win_history,
)
from generator.model.records import ActionItem, Client, ClientRecord, KnowledgeBase, Run
from generator.model.settings import Settings
from generator.model.sourcemap import SourceMap

EventKind = Literal["renewal", "milestone", "date"]


@dataclass(frozen=True, slots=True)
class Event:
    """A dated thing coming up: a contract renewal, an open milestone, a key date or anniversary."""

    kind: EventKind
    date: dt.date
    client_id: str
    label: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Meetings:
    held: int
    """Meetings held, dated on or before today."""
    missed: int
    """Meetings not held (cancelled, no-show), dated on or before today."""
    planned: int
    """Notes dated after today."""


@dataclass(frozen=True, slots=True)
class Touchpoint:
    """A meeting held (dated on or before today): what service levels and the journey count."""

    date: dt.date
    type: str
    sentiment: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientInsight:
    """The computed model of one client. It holds the record, not the notes: it is what worker
    processes send to the main process, which needs no Markdown."""

    id: str
    file: str
    """The client's client.yaml."""
    record: ClientRecord
    source: SourceMap
    """Positions in client.yaml."""
    meetings: Meetings
    checkin: CheckIn
    flags: tuple[HealthFlag, ...]
    health: Health | None
    """None for former clients."""
    nps: tuple[Answer, ...]
    """Answers dated on or before today, oldest first (record and notes together)."""
    csat: tuple[Answer, ...]
    open_actions: tuple[ActionItem, ...]
    """Open action items of every note (held or not, past or future) and run, notes first, in order."""
    actions_total: int
    """Action items of every note and run, open and done."""
    events: tuple[Event, ...]
    """Renewal, open milestones and key dates on or after today (milestones also when overdue)."""
    custom: tuple[tuple[str, Any], ...] = ()
    """client.yaml's top-level `x-` fields, in the order written (shown on its page, exported)."""
    runs: tuple[RunState, ...] = ()
    """Its runs of playbooks, oldest first."""
    touchpoints: tuple[Touchpoint, ...] = ()
    """Its meetings held, oldest first."""
    escalations: tuple[EscalationEntry, ...] = ()
    """Every escalation (record, notes and events), by the day it was opened."""
    wins: tuple[WinEntry, ...] = ()
    """Every win (record, notes and events), oldest first."""
    advocacy: AdvocacyView = NO_ADVOCACY
    """Ready to ask, asked, done or none (generator/compute/advocacy.py)."""
    tier: TierView = NO_TIER
    """Its loyalty tier and why (generator/compute/loyalty.py)."""
    status_entered: dt.date | None = None
    """The day it entered its current status (generator/model/lifecycle.py)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunState:
    """A run of a playbook as the pages and the digest show it (its steps are in `open_actions`)."""

    file: str
    slug: str
    playbook: str
    title: str | None
    started: dt.date
    owner: str
    because: str | None
    steps: int
    done_steps: int

    @property
    def done(self) -> bool:
        return self.done_steps == self.steps


def run_state(run: Run) -> RunState:
    return RunState(
        file=run.file,
        slug=run.slug,
        playbook=run.meta.playbook,
        title=run.meta.title,
        started=run.meta.started,
        owner=run.meta.owner,
        because=run.meta.because,
        steps=len(run.actions),
        done_steps=sum(1 for action in run.actions if action.done),
    )


def next_occurrence(date: dt.date, today: dt.date) -> dt.date:
    """The next yearly return of `date` on or after today: the date itself first (a yearly date has
    no occurrence before it), and 29 February on the 28th in other years. The calendar feeds' RRULE
    says the same (generator/site/feeds.py)."""
    if date >= today:
        return date
    for year in (today.year, today.year + 1):
        if year > dt.MAXYEAR:
            break
        try:
            candidate = date.replace(year=year)
        except ValueError:
            candidate = dt.date(year, 2, 28)
        if candidate >= today:
            return candidate
    return dt.date.max  # only after 9999-12-31: there is no next year


def upcoming_events(client: Client, today: dt.date) -> tuple[Event, ...]:
    record = client.record
    events: list[Event] = []
    if record.contract.renewal is not None and record.contract.renewal >= today:
        events.append(
            Event(
                "renewal",
                record.contract.renewal,
                client.id,
                "contract renewal",
                client.file,
                client.source.line("contract", "renewal"),
            )
        )
    for index, milestone in enumerate(record.milestones):
        if milestone.done is None:
            events.append(
                Event(
                    "milestone",
                    milestone.due,
                    client.id,
                    milestone.name,
                    client.file,
                    client.source.line("milestones", index, "due"),
                )
            )
    for index, key_date in enumerate(record.dates):
        when = next_occurrence(key_date.date, today) if key_date.yearly else key_date.date
        if when >= today:
            label = key_date.label
            if key_date.yearly and when.year > key_date.date.year:
                label = f"{label} ({when.year - key_date.date.year} years)"
            events.append(
                Event("date", when, client.id, label, client.file, client.source.line("dates", index, "date"))
            )
    return tuple(sorted(events, key=lambda e: (e.date, e.kind, e.label)))


def client_insight(
    client: Client, settings: Settings, today: dt.date, status_since: dt.date | None = None
) -> ClientInsight:
    """`status_since`: the day the client's status was set, where Git history shows it."""
    state = checkin(client, settings, today)
    nps = answered_by(nps_history(client), today)
    csat = answered_by(csat_history(client), today)
    actions = (
        *(item for note in client.notes for item in note.actions),
        *(item for run in client.runs for item in run.actions),
    )
    facts = Facts(
        client=client,
        settings=settings,
        today=today,
        checkin=state,
        nps=nps,
        csat=csat,
        actions=actions,
        status_since=status_since,
    )
    flags, _ = assess(facts)
    flags = answer(flags, client, settings, today)
    health = colour(list(flags)) if client.record.status != "former" else None
    wins = win_history(client)
    past = past_notes(client, today)
    held = sum(1 for note in past if note.meta.held)
    meetings = Meetings(held, len(past) - held, len(client.notes) - len(past))
    events = upcoming_events(client, today)
    open_actions = tuple(item for item in actions if not item.done)
    return ClientInsight(
        id=client.id,
        file=client.file,
        record=client.record,
        source=client.source,
        meetings=meetings,
        checkin=state,
        flags=flags,
        health=health,
        nps=nps,
        csat=csat,
        open_actions=open_actions,
        actions_total=len(actions),
        events=events,
        custom=tuple(client.custom.items()),
        runs=tuple(run_state(run) for run in client.runs),
        touchpoints=tuple(Touchpoint(n.meta.date, n.meta.type, n.meta.sentiment) for n in past if n.meta.held),
        escalations=escalation_history(client),
        wins=wins,
        advocacy=advocacy(client.record, nps, wins, settings.advocacy, today),
        tier=loyalty_tier(client.record, nps, settings.loyalty.tiers, today),
        status_entered=status_entered(client.record, status_since),
    )


def client_insights(
    kb: KnowledgeBase, today: dt.date, status_since: Mapping[str, dt.date] | None = None
) -> tuple[ClientInsight, ...]:
    since = status_since or {}
    return tuple(client_insight(client, kb.settings, today, since.get(client.id)) for client in kb.clients)


def action_owner(item: ActionItem, owner: str, handles: frozenset[str]) -> str:
    """Who must act: the named team member, else the client's `owner` (who also chases @client items)."""
    if item.assignee is not None and item.assignee in handles:
        return item.assignee
    return owner
