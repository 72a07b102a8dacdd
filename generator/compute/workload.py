"""Each team member's workload (docs/health.md, "Workload"): the clients they own, what those are
worth, hours spent on them last month against their budgets, the action items they must act on,
and their red and amber clients. Pure functions of the insights and `today`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from generator.compute.insights import ClientInsight, action_owner
from generator.compute.revenue import Amount, sum_amounts
from generator.model.dates import add_months
from generator.model.terms import CURRENT_STATUSES, contract_value, recurring_on


@dataclass(frozen=True, slots=True)
class Workload:
    handle: str
    clients: int
    """Current clients owned (not prospects, not former)."""
    recurring: tuple[Amount, ...]
    """Their recurring contracts' yearly value."""
    projects: tuple[Amount, ...]
    """Their project contracts' value."""
    month: str
    """The last full month, e.g. 2026-10."""
    hours: float
    """Hours logged on their clients in `month`."""
    budget: float
    """Their clients' hours_per_month."""
    open_actions: int
    """Open action items they must act on (theirs by @handle, or their clients' unassigned ones)."""
    overdue_actions: int
    red: int
    amber: int


def last_full_month(today: dt.date) -> str:
    month = add_months(today.replace(day=1), -1)
    return f"{month.year:04d}-{month.month:02d}"


def workload(insights: Sequence[ClientInsight], handles: Sequence[str], today: dt.date) -> tuple[Workload, ...]:
    """One row per team member, in kb.yaml's order."""
    month = last_full_month(today)
    team = frozenset(handles)
    acting: dict[str, list[bool]] = {h: [] for h in handles}
    for insight in insights:
        if insight.record.status == "former":
            continue
        for item in insight.open_actions:
            who = action_owner(item, insight.record.owner, team)
            if who in acting:
                acting[who].append(item.due is not None and item.due < today)
    rows = []
    for handle in handles:
        owned = [i for i in insights if i.record.owner == handle and i.record.status in CURRENT_STATUSES]
        recurring = [(i.record.contract.currency or "", recurring_on(i.record, today)) for i in owned]
        projects = [
            (i.record.contract.currency or "", contract_value(i.record))
            for i in owned
            if i.record.contract.period == "project"
        ]
        rows.append(
            Workload(
                handle=handle,
                clients=len(owned),
                recurring=sum_amounts((c, v) for c, v in recurring if v),
                projects=sum_amounts((c, v) for c, v in projects if v),
                month=month,
                hours=sum(h.spent for i in owned for h in i.record.hours if h.month == month),
                budget=sum(i.record.contract.hours_per_month or 0 for i in owned),
                open_actions=len(acting[handle]),
                overdue_actions=sum(acting[handle]),
                red=sum(1 for i in owned if i.health == "red"),
                amber=sum(1 for i in owned if i.health == "amber"),
            )
        )
    return tuple(rows)
