"""Which playbooks a page shows: whom a playbook applies to, and whether its review is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator.compute.insights import ClientInsight
from generator.model.records import Playbook
from generator.model.settings import Settings


def applies_to(playbook: Playbook, settings: Settings) -> str:
    segments = [settings.segments[s].label if s in settings.segments else s for s in playbook.meta.applies_to.segments]
    statuses = list(playbook.meta.applies_to.statuses)
    parts = []
    if segments:
        parts.append(", ".join(segments))
    if statuses:
        parts.append(", ".join(statuses))
    return " · ".join(parts) or "every client"


def stale_since(playbook: Playbook, today: dt.date) -> dt.date | None:
    """The date a playbook's review fell due, if that is before today."""
    meta = playbook.meta
    if meta.review_every is None or meta.last_reviewed is None:
        return None
    due = meta.review_every.after(meta.last_reviewed)
    return due if due < today else None


def playbooks_for(client: ClientInsight, playbooks: Sequence[Playbook]) -> list[Playbook]:
    record = client.record
    chosen = []
    for playbook in playbooks:
        applies = playbook.meta.applies_to
        if applies.segments and record.segment not in applies.segments:
            continue
        if applies.statuses and record.status not in applies.statuses:
            continue
        chosen.append(playbook)
    return chosen
