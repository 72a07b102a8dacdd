"""Each person's digest (docs/health.md, "The digest"): what they must act on, the flags of their
clients raised and cleared since the period began, renewals coming up, and what to celebrate.

Raised and cleared compare the knowledge base as it stood at the period's start, computed for that
day, with today's: a client that slipped only because time passed shows up too. Pure: the past
insights come from Git (generator/git/timeline.py), given here as a mapping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from generator.compute.due import DueEntry, DueWindow, client_due, due_entries, sorted_due
from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight, next_occurrence
from generator.model.dates import Duration

RENEWALS_AHEAD = Duration(90, "d")
CELEBRATE_AHEAD = Duration(14, "d")


@dataclass(frozen=True, slots=True, kw_only=True)
class FlagChange:
    """A flag of one client raised or cleared in the period."""

    client: str
    client_name: str
    flag: HealthFlag
    """Raised: the flag as it is today; cleared: as it was at the period's start (its file and line then)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Renewal:
    client: str
    client_name: str
    date: dt.date
    value: float | None
    currency: str | None
    health: str | None
    file: str
    line: int


CelebrateKind = Literal["win", "anniversary", "milestone"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Celebration:
    kind: CelebrateKind
    client: str
    client_name: str
    date: dt.date
    text: str
    file: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    owner: str
    start: dt.date
    """The period's first day (`--since` before today)."""
    today: dt.date
    due: tuple[DueEntry, ...]
    raised: tuple[FlagChange, ...]
    cleared: tuple[FlagChange, ...]
    renewals: tuple[Renewal, ...]
    celebrate: tuple[Celebration, ...]
    history: str | None = None
    """Why raised and cleared are unknown (no Git history for the period), else None."""
    tiers: tuple[TierChange, ...] = ()
    """Loyalty tiers their clients moved to in the period (known with the history)."""


@dataclass(frozen=True, slots=True)
class TierChange:
    client: str
    client_name: str
    before: str | None
    after: str | None
    reason: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class PastFlags:
    """Each client's flags at the period's start, computed for that day, or why Git cannot say."""

    start: dt.date
    flags: Mapping[str, tuple[HealthFlag, ...]] | None
    missing: str | None = None
    tiers: Mapping[str, str | None] = field(default_factory=dict)
    """Each client's loyalty tier then (None: none)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestInput:
    """What every person's digest is computed from."""

    insights: Sequence[ClientInsight]
    past: PastFlags
    handles: frozenset[str]
    today: dt.date
    window: DueWindow
    due: Mapping[str, list[DueEntry]] | None = None
    """Everyone's due entries by owner, when computed once for several people (else each computes
    its own)."""

    def with_due(self, entries: Sequence[DueEntry] | None = None, owner: str | None = None) -> DigestInput:
        """This input with the due entries computed once: everyone's, or only `owner`'s; from
        `entries`, every client's in `window` (unordered), when they were made with the insights."""
        if entries is None:
            entries = [e for i in self.insights for e in client_due(i, self.handles, self.today, self.window)]
        by_owner: dict[str, list[DueEntry]] = {}
        for entry in sorted_due(entries, self.today, owner):
            by_owner.setdefault(entry.owner, []).append(entry)
        return replace(self, due=by_owner)


def _flag_changes(
    owned: Sequence[ClientInsight], before: Mapping[str, tuple[HealthFlag, ...]]
) -> tuple[list[FlagChange], list[FlagChange]]:
    raised: list[FlagChange] = []
    cleared: list[FlagChange] = []
    for insight in owned:
        old = {f.code: f for f in before.get(insight.id, ())}
        now = {f.code: f for f in insight.flags}
        name = insight.record.name
        raised.extend(FlagChange(client=insight.id, client_name=name, flag=f) for c, f in now.items() if c not in old)
        cleared.extend(FlagChange(client=insight.id, client_name=name, flag=f) for c, f in old.items() if c not in now)
    return raised, cleared


def _renewals(owned: Sequence[ClientInsight], today: dt.date) -> list[Renewal]:
    found = []
    for insight in owned:
        contract = insight.record.contract
        if contract.renewal is not None and today <= contract.renewal <= RENEWALS_AHEAD.after(today):
            found.append(
                Renewal(
                    client=insight.id,
                    client_name=insight.record.name,
                    date=contract.renewal,
                    value=contract.value,
                    currency=contract.currency,
                    health=insight.health,
                    file=insight.file,
                    line=insight.source.line("contract", "renewal"),
                )
            )
    return sorted(found, key=lambda r: (r.date, r.client))


def _client_celebrations(insight: ClientInsight, start: dt.date, today: dt.date) -> list[Celebration]:
    """Wins of the period; anniversaries (yearly dates, from their first return) and open milestones
    in the next 14 days."""
    record, source = insight.record, insight.source
    ahead = CELEBRATE_AHEAD.after(today)
    found: list[Celebration] = []

    def add(kind: CelebrateKind, date: dt.date, text: str, line: int, file: str | None = None) -> None:
        found.append(
            Celebration(
                kind=kind,
                client=insight.id,
                client_name=record.name,
                date=date,
                text=text,
                file=file or insight.file,
                line=line,
            )
        )

    for win in insight.wins:
        if start < win.date <= today:
            add("win", win.date, win.summary, win.line, win.file)
    for index, key_date in enumerate(record.dates):
        when = next_occurrence(key_date.date, today)
        if key_date.yearly and when.year > key_date.date.year and when <= ahead:
            years = when.year - key_date.date.year
            add(
                "anniversary",
                when,
                f"{key_date.label} ({years} year{'' if years == 1 else 's'})",
                source.line("dates", index, "date"),
            )
    for index, milestone in enumerate(record.milestones):
        if milestone.done is None and today <= milestone.due <= ahead:
            add("milestone", milestone.due, milestone.name, source.line("milestones", index, "due"))
    return found


def person_digest(owner: str, given: DigestInput) -> Digest:
    """`owner`'s digest: what they must act on (as `due --owner`), and about the clients they own."""
    owned = [i for i in given.insights if i.record.owner == owner and i.record.status != "former"]
    raised: list[FlagChange] = []
    cleared: list[FlagChange] = []
    start = given.past.start
    if given.past.flags is not None:
        raised, cleared = _flag_changes(owned, given.past.flags)
    return Digest(
        owner=owner,
        start=start,
        today=given.today,
        due=tuple(
            given.due.get(owner, ())
            if given.due is not None
            else due_entries(given.insights, given.handles, given.today, given.window, owner)
        ),
        raised=tuple(raised),
        cleared=tuple(cleared),
        renewals=tuple(_renewals(owned, given.today)),
        celebrate=tuple(
            sorted(
                (c for i in owned for c in _client_celebrations(i, start, given.today)),
                key=lambda c: (c.date, c.client, c.kind, c.line),
            )
        ),
        history=given.past.missing,
        tiers=tuple(_tier_changes(owned, given.past)) if given.past.flags is not None else (),
    )


def _tier_changes(owned: Sequence[ClientInsight], past: PastFlags) -> list[TierChange]:
    """Clients that were in another loyalty tier at the period's start (clients new since: none)."""
    return [
        TierChange(i.id, i.record.name, past.tiers[i.id], i.tier.name, i.tier.reason, i.file, i.source.line("since"))
        for i in owned
        if i.id in past.tiers and past.tiers[i.id] != i.tier.name
    ]
