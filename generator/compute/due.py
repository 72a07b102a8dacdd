"""The due list: check-ins, action items (of notes and runs), renewals, milestones and unanswered
risks that are overdue or due within a window, each with the person who must act; then the open
action items written without a date that have waited longer than `health.undated_after`. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from generator.compute.checkins import is_within_ahead
from generator.compute.health import Health
from generator.compute.insights import ClientInsight, action_owner, next_occurrence
from generator.model.dates import Duration, shift_days
from generator.model.settings import Settings

DueKind = Literal["checkin", "action", "renewal", "milestone", "risk", "recognition"]
DueState = Literal["overdue", "due", "undated"]


class DueEntry(NamedTuple):
    """One line of the due list. A named tuple, not a dataclass: a warm `due` on 1,000 clients makes
    23,000 of them, and a tuple is made (and unpickled) in a fraction of a frozen dataclass's time."""

    kind: DueKind
    client: str
    client_name: str
    owner: str
    date: dt.date | None
    """None for an action item written without a date (state `undated`)."""
    state: DueState
    text: str
    file: str
    line: int
    playbook: str | None = None
    """For a risk: the playbook that answers it (kb.yaml's `responses:`)."""


def _state(date: dt.date, today: dt.date, within: Duration) -> DueState | None:
    if date < today:
        return "overdue"
    return "due" if is_within_ahead(date, today, within) else None


@dataclass(frozen=True, slots=True)
class DueWindow:
    """What counts as due: `within` ahead of today, and undated items older than `undated_after`."""

    within: Duration
    undated_after: Duration
    recognise_within: Duration
    """Wins and milestones reached this recently, not yet acknowledged, are due a recognition."""

    @classmethod
    def of(cls, settings: Settings, within: Duration | None = None) -> DueWindow:
        """kb.yaml's window, or `within` ahead instead of its `due_soon`."""
        health = settings.health
        return cls(within or health.due_soon, health.undated_after, settings.loyalty.recognise_within)


@dataclass(frozen=True, slots=True)
class ClientDue:
    """A client's due entries, with what the filters ask of the client (`ClientFilter.admits`): what a
    warm `due` reads from the cache in place of the client's whole insight."""

    owner: str
    segment: str
    status: str
    health: Health | None
    entries: tuple[DueEntry, ...]


def client_due_view(insight: ClientInsight, handles: frozenset[str], today: dt.date, window: DueWindow) -> ClientDue:
    record = insight.record
    entries = tuple(client_due(insight, handles, today, window))
    return ClientDue(record.owner, record.segment, record.status, insight.health, entries)


def client_due(insight: ClientInsight, handles: frozenset[str], today: dt.date, window: DueWindow) -> list[DueEntry]:
    record = insight.record
    source = insight.source
    if record.status == "former":
        return []
    entries: list[DueEntry] = []
    client, name = insight.id, record.name

    def add(
        kind: DueKind, owner: str, date: dt.date | None, text: str, where: tuple[str, int], playbook: str | None = None
    ) -> None:
        if date is None:
            state: DueState | None = "undated"
        elif kind == "recognition" and date > today:
            state = "due"  # an anniversary, 14 days ahead
        else:
            state = _state(date, today, window.within)
        if state is not None:
            entries.append(DueEntry(kind, client, name, owner, date, state, text, where[0], where[1], playbook))

    checkin = insight.checkin
    if checkin.state is not None:
        last = f"last contact {checkin.last_contact}" if checkin.last_contact else "no meeting held yet"
        add("checkin", record.owner, checkin.next_due, f"check-in ({last})", (checkin.file, checkin.line))
    for item in insight.open_actions:
        if item.due is None and (item.written is None or window.undated_after.after(item.written) >= today):
            continue
        text = f"{item.text} (client's side)" if item.for_client else item.text
        if item.due is None:
            text = f"{text} (no date, written {item.written})"
        add("action", action_owner(item, record.owner, handles), item.due, text, (item.file, item.line))
    renewal = record.contract.renewal
    if renewal is not None:
        add("renewal", record.owner, renewal, "contract renewal", (insight.file, source.line("contract", "renewal")))
    for index, milestone in enumerate(record.milestones):
        if milestone.done is None:
            add(
                "milestone",
                record.owner,
                milestone.due,
                milestone.name,
                (insight.file, source.line("milestones", index, "due")),
            )
    for date, text, where in recognitions(insight, today, window.recognise_within):
        add("recognition", record.owner, date, text, where)
    for flag in insight.flags:
        if flag.response == "unanswered" and flag.respond_by is not None:
            text = f"respond to {flag.code}: run {flag.playbook}"
            add("risk", record.owner, flag.respond_by, text, (flag.file, flag.line), flag.playbook)
    return entries


ANNIVERSARY_AHEAD = 14
"""Days before an anniversary that recognising it is due."""


def recognitions(
    insight: ClientInsight, today: dt.date, within: Duration
) -> list[tuple[dt.date, str, tuple[str, int]]]:
    """Wins and milestones reached within `within` and not acknowledged, and the relationship's and
    yearly dates' anniversaries in the next 14 days (once a year): (date, text, where)."""
    record, source = insight.record, insight.source
    start, ahead = within.before(today), shift_days(today, ANNIVERSARY_AHEAD)
    found = [
        (w.date, f"recognise the win: {w.summary}", (w.file, w.line))
        for w in insight.wins
        if w.acknowledged is None and start <= w.date <= today
    ]
    for index, m in enumerate(record.milestones):
        if m.done is not None and m.acknowledged is None and start <= m.done <= today:
            found.append(
                (
                    m.done,
                    f"recognise the milestone reached: {m.name}",
                    (insight.file, source.line("milestones", index, "done")),
                )
            )
    yearly = [(d.date, d.label, ("dates", i, "date")) for i, d in enumerate(record.dates) if d.yearly]
    for first, label, path in [(record.since, "", ("since",)), *yearly]:
        when = next_occurrence(first, today)
        years = when.year - first.year
        if years > 0 and when <= ahead:
            text = f"{label} ({years} years)" if label else f"{years} year{'s' * (years != 1)} with us"
            found.append((when, text, (insight.file, source.line(*path))))
    return found


def due_entries(
    insights: Sequence[ClientInsight],
    handles: frozenset[str],
    today: dt.date,
    window: DueWindow,
    owner: str | None = None,
) -> list[DueEntry]:
    """Overdue first (oldest first), then due, by date, then the undated; optionally only one
    person's entries."""
    return sorted_due([e for i in insights for e in client_due(i, handles, today, window)], today, owner)


def sorted_due(entries: Sequence[DueEntry], today: dt.date, owner: str | None = None) -> list[DueEntry]:
    """`entries` in the due list's order (see `due_entries`), optionally only `owner`'s."""
    if owner is not None:
        entries = [e for e in entries if e.owner == owner]
    return sorted(entries, key=lambda e: (e.date is None, e.date or today, e.client, e.kind, e.file, e.line))
