"""One client's row of the relationship audit (docs/health.md, "Relationship audit"): tenure,
meetings, NPS, escalations, effort against value, and the decision of its last audit, the same on
`audit.html` and in `data/audit.csv`. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.compute.insights import ClientInsight
from generator.compute.metrics import Effort, effort
from generator.model.dates import tenure_text
from generator.model.records import Audit


@dataclass(frozen=True, slots=True)
class AuditRow:
    insight: ClientInsight
    tenure: str
    """e.g. "3 y 2 m"."""
    tenure_days: int
    nps_last: int | None
    nps_trend: str
    """"steady", "+2", "-3", or "" with fewer than two answers."""
    escalations: int
    escalations_open: int
    effort: Effort | None
    last_audit: Audit | None
    """The latest audit dated on or before today."""


def audit_row(insight: ClientInsight, today: dt.date) -> AuditRow:
    record = insight.record
    until = record.until or today
    text, days = tenure_text(record.since, until), (until - record.since).days
    answers = insight.nps
    trend = ""
    if len(answers) >= 2:
        change = answers[-1].score - answers[-2].score
        trend = "steady" if change == 0 else f"{change:+d}"
    audits = sorted((a for a in record.audits if a.date <= today), key=lambda a: a.date)
    return AuditRow(
        insight=insight,
        tenure=text,
        tenure_days=days,
        nps_last=answers[-1].score if answers else None,
        nps_trend=trend,
        escalations=len(insight.escalations),
        escalations_open=sum(1 for e in insight.escalations if e.closed is None),
        effort=next(iter(effort([insight], today)), None),
        last_audit=audits[-1] if audits else None,
    )
