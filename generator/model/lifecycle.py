"""When a client entered its current status: the day Git's history shows the status set, else the
record's `status_history` (for the time before Git), else `since`. The experience map's days in a
stage and the `onboarding-stalled` flag both count from it. Pure."""

from __future__ import annotations

import datetime as dt

from generator.model.records import ClientRecord


def status_entered(record: ClientRecord, from_git: dt.date | None) -> dt.date:
    if from_git is not None:
        return from_git
    written = [change.since for change in record.status_history if change.status == record.status]
    return max(written) if written else record.since
