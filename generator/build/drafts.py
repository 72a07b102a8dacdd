"""The files a client's page offers to create on the Git host ("Log a meeting", "Log feedback"),
filled in from the same templates as `clientkb new` (the repository's `templates/` first)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.model.records import Client
from generator.scaffold.new import MeetingDraft, ScaffoldError, feedback_text, meeting_text
from generator.site.context import Draft


def log_drafts(root: Path, client: Client, today: dt.date) -> tuple[Draft, ...]:
    """A check-in note dated today and an NPS event to fill in; none when a template cannot be used
    (`clientkb new` says why)."""
    try:
        note = meeting_text(
            root, MeetingDraft(client_id=client.id, date=today, meeting_type="check-in", owner=client.record.owner)
        )
        feedback = feedback_text(root, client.id, today)
    except ScaffoldError:
        return ()
    return Draft("Log a meeting", *note), Draft("Log feedback", *feedback)
