"""Health flags (docs/health.md): one small function per flag, listed in `HEALTH_RULES`.

Each rule looks at the `Facts` of one client and returns a `HealthFlag` (code, severity, a reason in
plain words, and the file and line of its evidence) or None. `assess` runs the rules that apply to
the client's status and are not disabled in kb.yaml, and derives the colour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from generator.compute.checkins import UNTRACKED_STATUSES, CheckIn, last_held, past_notes
from generator.model.dates import add_months, shift_days
from generator.model.lifecycle import status_entered
from generator.model.logged import Answer, escalation_history
from generator.model.records import PRIMARY_CONTACT_STATUSES, ActionItem, Client
from generator.model.settings import Settings
from generator.model.vocabulary import REVIEW_MEETING_TYPES

Severity = Literal["warn", "risk"]
Health = Literal["red", "amber", "green"]
ResponseState = Literal["unanswered", "in-progress", "answered"]

CHECKIN_FAMILY = frozenset({"checkin-overdue", "gone-quiet", "missed-meetings", "review-overdue"})
CSAT_LOW_MAX = 2
OVER_HOURS_RATIO = 1.2
ACTIONS_RISK_COUNT = 3
ACTIONS_RISK_DAYS = 14


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthFlag:
    code: str
    severity: Severity
    reason: str
    file: str
    line: int
    raised: dt.date
    """When it was raised, from its evidence: the answer's date, the escalation's opening, the day the
    check-in, action or milestone came due... (a response is due `within` of it: docs/health.md)."""
    playbook: str | None = None
    """The playbook kb.yaml's `responses:` answers this flag with (generator/compute/responses.py)."""
    response: ResponseState | None = None
    respond_by: dt.date | None = None
    """`raised` + the response's `within`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """Everything the rules read about one client, computed once."""

    client: Client
    settings: Settings
    today: dt.date
    checkin: CheckIn
    nps: tuple[Answer, ...]
    """Answers dated on or before today, oldest first."""
    csat: tuple[Answer, ...]
    actions: tuple[ActionItem, ...]
    status_since: dt.date | None = None
    """The day its status was set, where Git history shows the change (generator/git/status.py)."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _since_line(facts: Facts) -> tuple[str, int]:
    return facts.client.file, facts.client.source.line("since")


def checkin_overdue(facts: Facts) -> HealthFlag | None:
    checkin = facts.checkin
    if checkin.state != "overdue":
        return None
    days = (facts.today - checkin.next_due).days
    contact = f"last contact {checkin.last_contact}" if checkin.last_contact else "no meeting held yet"
    reason = f"check-in was due {checkin.next_due}, {_plural(days, 'day')} ago ({contact})"
    return HealthFlag(
        code="checkin-overdue",
        severity="warn",
        reason=reason,
        file=checkin.file,
        line=checkin.line,
        raised=checkin.next_due,
    )


def gone_quiet(facts: Facts) -> HealthFlag | None:
    last = last_held(facts.client, facts.today)
    start = last.meta.date if last else facts.client.record.since
    cadence_days = facts.checkin.cadence.days_from(start)
    limit = facts.settings.health.quiet_after * cadence_days
    quiet = (facts.today - start).days
    if quiet <= limit:
        return None
    file, line = (last.file, last.source.line("date")) if last else _since_line(facts)
    what = "no contact" if last else "no meeting held"
    reason = (
        f"{what} for {quiet} days, more than {facts.settings.health.quiet_after:g} x the "
        f"{facts.checkin.cadence.describe()} cadence ({limit:g} days)"
    )
    return HealthFlag(
        code="gone-quiet",
        severity="risk",
        reason=reason,
        file=file,
        line=line,
        raised=shift_days(start, math.floor(limit) + 1),
    )


def review_overdue(facts: Facts) -> HealthFlag | None:
    every = facts.settings.segments[facts.client.record.segment].review_every
    if every is None:
        return None
    reviews = [n for n in past_notes(facts.client, facts.today) if n.meta.held and n.meta.type in REVIEW_MEETING_TYPES]
    latest = reviews[-1] if reviews else None
    start = latest.meta.date if latest else facts.client.record.since
    if start >= every.before(facts.today):
        return None
    if latest:
        reason = f"no review or QBR since {latest.meta.date}; the segment expects one every {every.describe()}"
        file, line = latest.file, latest.source.line("date")
    else:
        reason = f"no review or QBR held yet; the segment expects one every {every.describe()}"
        file, line = _since_line(facts)
    return HealthFlag(
        code="review-overdue", severity="warn", reason=reason, file=file, line=line, raised=every.after(start)
    )


def nps_detractor(facts: Facts) -> HealthFlag | None:
    if not facts.nps:
        return None
    latest = facts.nps[-1]
    limit = facts.settings.health.nps_detractor_max
    if latest.score > limit:
        return None
    reason = f"latest NPS answer is {latest.score} on {latest.date} ({limit} or lower is a detractor)"
    return HealthFlag(
        code="nps-detractor", severity="risk", reason=reason, file=latest.file, line=latest.line, raised=latest.date
    )


def nps_drop(facts: Facts) -> HealthFlag | None:
    if len(facts.nps) < 2:
        return None
    before, latest = facts.nps[-2], facts.nps[-1]
    if before.score - latest.score < facts.settings.health.nps_drop:
        return None
    reason = f"NPS fell from {before.score} ({before.date}) to {latest.score} ({latest.date})"
    return HealthFlag(
        code="nps-drop", severity="warn", reason=reason, file=latest.file, line=latest.line, raised=latest.date
    )


def csat_low(facts: Facts) -> HealthFlag | None:
    if not facts.csat or facts.csat[-1].score > CSAT_LOW_MAX:
        return None
    latest = facts.csat[-1]
    reason = f"latest satisfaction score is {latest.score} out of 5 ({latest.date})"
    return HealthFlag(
        code="csat-low", severity="warn", reason=reason, file=latest.file, line=latest.line, raised=latest.date
    )


def escalation_open(facts: Facts) -> HealthFlag | None:
    """Escalations opened by today and not closed, wherever they were logged."""
    open_ones = [e for e in escalation_history(facts.client) if e.closed is None and e.opened <= facts.today]
    if not open_ones:
        return None
    high = [e for e in open_ones if e.severity == "high"]
    item = (high or open_ones)[0]
    reason = f"{_plural(len(open_ones), 'open escalation')}: {item.summary} ({item.severity}, opened {item.opened})"
    return HealthFlag(
        code="escalation-open",
        severity="risk" if high else "warn",
        reason=reason,
        file=item.file,
        line=item.line,
        raised=item.opened,
    )


def actions_overdue(facts: Facts) -> HealthFlag | None:
    late = [a for a in facts.actions if not a.done and not a.for_client and a.due is not None and a.due < facts.today]
    if not late:
        return None
    oldest = min(late, key=lambda a: (a.due, a.file, a.line))
    assert oldest.due is not None
    days = (facts.today - oldest.due).days
    severity: Severity = "risk" if len(late) > ACTIONS_RISK_COUNT or days > ACTIONS_RISK_DAYS else "warn"
    reason = f"{_plural(len(late), 'action item')} of ours overdue, the oldest by {_plural(days, 'day')}: {oldest.text}"
    return HealthFlag(
        code="actions-overdue", severity=severity, reason=reason, file=oldest.file, line=oldest.line, raised=oldest.due
    )


def missed_meetings(facts: Facts) -> HealthFlag | None:
    last_three = past_notes(facts.client, facts.today)[-3:]
    missed = [n for n in last_three if not n.meta.held]
    if len(missed) < facts.settings.health.missed_meetings:
        return None
    latest = missed[-1]
    reason = f"{len(missed)} of the last {len(last_three)} meetings were not held (latest {latest.meta.date})"
    return HealthFlag(
        code="missed-meetings",
        severity="warn",
        reason=reason,
        file=latest.file,
        line=latest.source.line("held"),
        raised=latest.meta.date,
    )


def negative_sentiment(facts: Facts) -> HealthFlag | None:
    held = [n for n in past_notes(facts.client, facts.today) if n.meta.held][-2:]
    if len(held) < 2 or any(n.meta.sentiment != "negative" for n in held):
        return None
    reason = f"the last two meetings held were negative ({held[0].meta.date}, {held[1].meta.date})"
    return HealthFlag(
        code="negative-sentiment",
        severity="warn",
        reason=reason,
        file=held[1].file,
        line=held[1].source.line("sentiment"),
        raised=held[1].meta.date,
    )


def renewal_soon(facts: Facts) -> HealthFlag | None:
    renewal = facts.client.record.contract.renewal
    window = facts.settings.health.renewal_warning
    if renewal is None or not facts.today <= renewal <= window.after(facts.today):
        return None
    days = (renewal - facts.today).days
    reason = f"the contract renews on {renewal}, in {_plural(days, 'day')}"
    return HealthFlag(
        code="renewal-soon",
        severity="warn",
        reason=reason,
        file=facts.client.file,
        line=facts.client.source.line("contract", "renewal"),
        raised=window.before(renewal),
    )


def renewal_passed(facts: Facts) -> HealthFlag | None:
    renewal = facts.client.record.contract.renewal
    if renewal is None or renewal >= facts.today:
        return None
    days = (facts.today - renewal).days
    reason = f"the contract renewal date {renewal} passed {_plural(days, 'day')} ago"
    line = facts.client.source.line("contract", "renewal")
    return HealthFlag(
        code="renewal-passed", severity="risk", reason=reason, file=facts.client.file, line=line, raised=renewal
    )


def milestone_overdue(facts: Facts) -> HealthFlag | None:
    records = facts.client.record.milestones
    late = [i for i, m in enumerate(records) if m.done is None and m.due < facts.today]
    if not late:
        return None
    first = min(late, key=lambda i: records[i].due)
    item = records[first]
    others = f" and {_plural(len(late) - 1, 'more')}" if len(late) > 1 else ""
    reason = f"milestone '{item.name}' was due {item.due}{others}"
    line = facts.client.source.line("milestones", first, "due")
    return HealthFlag(
        code="milestone-overdue", severity="warn", reason=reason, file=facts.client.file, line=line, raised=item.due
    )


def previous_month(today: dt.date) -> str:
    first = add_months(today.replace(day=1), -1)
    return f"{first.year:04d}-{first.month:02d}"


def over_hours(facts: Facts) -> HealthFlag | None:
    budget = facts.client.record.contract.hours_per_month
    if not budget:
        return None
    month = previous_month(facts.today)
    entries = [i for i, h in enumerate(facts.client.record.hours) if h.month == month]
    spent = sum(facts.client.record.hours[i].spent for i in entries)
    if not entries or spent <= OVER_HOURS_RATIO * budget:
        return None
    reason = f"{spent:g} hours spent in {month} against {budget:g} a month ({spent / budget:.0%})"
    line = facts.client.source.line("hours", entries[-1], "spent")
    return HealthFlag(
        code="over-hours",
        severity="warn",
        reason=reason,
        file=facts.client.file,
        line=line,
        raised=facts.today.replace(day=1),
    )


def no_primary_contact(facts: Facts) -> HealthFlag | None:
    record = facts.client.record
    if record.status not in PRIMARY_CONTACT_STATUSES or any(c.primary for c in record.contacts):
        return None
    path = ("contacts",) if record.contacts else ()
    reason = "no contact is marked as primary" if record.contacts else "no contacts are recorded"
    return HealthFlag(
        code="no-primary-contact",
        severity="warn",
        reason=reason,
        file=facts.client.file,
        line=facts.client.source.line(*path),
        raised=record.since,
    )


def onboarding_stalled(facts: Facts) -> HealthFlag | None:
    record = facts.client.record
    if record.status != "onboarding":
        return None
    start = status_entered(record, facts.status_since)
    longest = facts.settings.health.onboarding_max
    if longest.after(start) >= facts.today:
        return None
    days = (facts.today - start).days
    began = f"set to onboarding on {start}" if start != record.since else f"client since {start}"
    reason = f"onboarding for {_plural(days, 'day')} ({began}), longer than the {longest.describe()} expected"
    return HealthFlag(
        code="onboarding-stalled",
        severity="warn",
        reason=reason,
        file=facts.client.file,
        line=facts.client.source.line("status"),
        raised=longest.after(start),
    )


def audit_overdue(facts: Facts) -> HealthFlag | None:
    record = facts.client.record
    every = facts.settings.segments[record.segment].audit_every
    if every is None or record.status == "prospect":
        return None
    held = [i for i, a in enumerate(record.audits) if a.date <= facts.today]
    latest = max(held, key=lambda i: record.audits[i].date) if held else None
    start = record.audits[latest].date if latest is not None else record.since
    if every.after(start) >= facts.today:
        return None
    if latest is not None:
        audit = record.audits[latest]
        reason = f"last audit {audit.date} ({audit.decision}); the segment expects one every {every.describe()}"
        file, line = facts.client.file, facts.client.source.line("audits", latest, "date")
    else:
        reason = f"no audit of the relationship yet; the segment expects one every {every.describe()}"
        file, line = _since_line(facts)
    due = every.after(start)
    return HealthFlag(code="audit-overdue", severity="warn", reason=reason, file=file, line=line, raised=due)


HealthRule = Callable[[Facts], HealthFlag | None]

HEALTH_RULES: tuple[tuple[str, HealthRule], ...] = (
    ("checkin-overdue", checkin_overdue),
    ("gone-quiet", gone_quiet),
    ("review-overdue", review_overdue),
    ("nps-detractor", nps_detractor),
    ("nps-drop", nps_drop),
    ("csat-low", csat_low),
    ("escalation-open", escalation_open),
    ("actions-overdue", actions_overdue),
    ("missed-meetings", missed_meetings),
    ("negative-sentiment", negative_sentiment),
    ("renewal-soon", renewal_soon),
    ("renewal-passed", renewal_passed),
    ("milestone-overdue", milestone_overdue),
    ("over-hours", over_hours),
    ("no-primary-contact", no_primary_contact),
    ("onboarding-stalled", onboarding_stalled),
    ("audit-overdue", audit_overdue),
)


def assess(facts: Facts) -> tuple[tuple[HealthFlag, ...], Health | None]:
    """The client's flags (in rule order) and colour; former clients get neither (docs/health.md)."""
    status = facts.client.record.status
    if status == "former":
        return (), None
    disabled = set(facts.settings.health.disabled)
    flags: list[HealthFlag] = []
    for code, rule in HEALTH_RULES:
        if code in disabled or (code in CHECKIN_FAMILY and status in UNTRACKED_STATUSES):
            continue
        flag = rule(facts)
        if flag is not None:
            flags.append(flag)
    return tuple(flags), colour(flags)


def colour(flags: list[HealthFlag]) -> Health:
    if any(f.severity == "risk" for f in flags):
        return "red"
    return "amber" if flags else "green"
