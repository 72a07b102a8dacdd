"""A contract's terms as its renewal history tells them: what each term was worth, and the value in
force on a day (docs/health.md, "Revenue retention"). Pure."""

from __future__ import annotations

import datetime as dt

from generator.model.records import ClientRecord

CURRENT_STATUSES = frozenset({"onboarding", "active", "paused", "offboarding"})
"""Statuses of a client we work for (not a prospect yet, not former any more)."""
RECURRING_PERIODS = {"month": 12, "year": 1}
"""Contract periods that recur, and how many of them make a year."""


def term_values(record: ClientRecord) -> tuple[float | None, ...]:
    """What the term that ended at each renewal was worth (None: not known), in renewal_history's
    order: as written, or, where left out, the value of the term after it (for the last entry,
    contract.value), which is what a renewal without a change or the end of the contract means."""
    values: list[float | None] = []
    following = record.contract.value
    for entry in reversed(record.renewal_history):
        value = entry.value if entry.value is not None else following
        values.append(value)
        following = value
    return tuple(reversed(values))


def value_in_force(record: ClientRecord, date: dt.date) -> float | None:
    """The contract's value (in its currency and period) on `date`: the value of the term that ran
    on that day. Renewal dates start the next term."""
    for entry, value in zip(record.renewal_history, term_values(record), strict=True):
        if entry.date > date:
            return value
    return record.contract.value


def yearly(record: ClientRecord, value: float | None) -> float | None:
    """A recurring contract's value per year; None for a project or an unknown value."""
    per_year = RECURRING_PERIODS.get(record.contract.period or "")
    return None if value is None or per_year is None else value * per_year


def is_client_on(record: ClientRecord, date: dt.date) -> bool:
    """We worked for the client on `date`: signed (not a prospect), started, not yet ended."""
    if record.status == "prospect" or record.since > date:
        return False
    if record.status == "former":
        return record.until is not None and record.until > date
    return True


def recurring_on(record: ClientRecord, date: dt.date) -> float | None:
    """The client's yearly recurring value on `date`: 0 when we did not work for it that day,
    None for a project or a contract without a value."""
    if record.contract.period not in RECURRING_PERIODS or record.contract.value is None:
        return None
    if not is_client_on(record, date):
        return 0.0
    return yearly(record, value_in_force(record, date))


def contract_value(record: ClientRecord) -> float | None:
    """A contract's value for a year: a monthly one's times 12, any other's as written (a
    project's whole value)."""
    contract = record.contract
    if contract.value is None:
        return None
    return contract.value * 12 if contract.period == "month" else contract.value
