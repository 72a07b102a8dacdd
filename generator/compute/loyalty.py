"""Loyalty tiers (docs/health.md, "Loyalty"): the first of kb.yaml's `loyalty.tiers` whose criteria
a client meets, with the reason in words. Pure: a function of the record, its NPS answers, the tiers
and `today`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from generator.model.dates import tenure_text
from generator.model.logged import Answer
from generator.model.records import ClientRecord
from generator.model.settings import Tier
from generator.model.terms import CURRENT_STATUSES, contract_value


@dataclass(frozen=True, slots=True)
class TierView:
    name: str | None
    """None: no tier's criteria are met (or kb.yaml has none)."""
    reason: str


NO_TIER = TierView(None, "")


def _unmet(tier: Tier, record: ClientRecord, nps: Sequence[Answer], today: dt.date) -> list[str]:
    """What the client lacks for `tier` (empty: it is in the tier); and what it has, in `met`."""
    criteria = tier.criteria
    missing = []
    if criteria.tenure is not None and criteria.tenure.after(record.since) > today:
        missing.append(f"a client for {criteria.tenure.describe()}")
    if criteria.yearly_value is not None:
        value = contract_value(record)
        least = criteria.yearly_value.get(record.contract.currency or "")
        if value is None or least is None or value < least:
            missing.append("the yearly value")
    if criteria.latest_nps is not None and (not nps or nps[-1].score < criteria.latest_nps):
        missing.append(f"a latest NPS of {criteria.latest_nps}")
    if criteria.referrals is not None and len(record.advocacy.referrals) < criteria.referrals:
        missing.append(f"{criteria.referrals} referrals")
    return missing


def loyalty_tier(record: ClientRecord, nps: Sequence[Answer], tiers: Sequence[Tier], today: dt.date) -> TierView:
    if not tiers or record.status not in CURRENT_STATUSES:
        return NO_TIER
    for tier in tiers:
        if not _unmet(tier, record, nps, today):
            return TierView(tier.name, _has(tier, record, nps, today))
    lowest = tiers[-1]
    return TierView(None, f"not yet {lowest.name}: needs {', '.join(_unmet(lowest, record, nps, today))}")


def _has(tier: Tier, record: ClientRecord, nps: Sequence[Answer], today: dt.date) -> str:
    """The facts that put the client in `tier`, as the criteria ask for them."""
    criteria = tier.criteria
    facts = []
    if criteria.tenure is not None:
        facts.append(f"a client for {tenure_text(record.since, today)}")
    if criteria.yearly_value is not None:
        facts.append(f"{contract_value(record):,.0f} {record.contract.currency} a year")
    if criteria.latest_nps is not None:
        facts.append(f"latest NPS {nps[-1].score}")
    if criteria.referrals is not None:
        given = len(record.advocacy.referrals)
        facts.append(f"{given} referral{'s' * (given != 1)} given")
    return ", ".join(facts) or "every client is"
