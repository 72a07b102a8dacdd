"""The calendars and exports made from every client, as pieces to write one after the other."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compute.audit import audit_row
from generator.site.exports import audit_csv, clients_json_chunks, health_csv
from generator.site.feeds import calendar_chunks
from generator.site.portfolio.everyone import Everyone, Output


def feeds_and_exports(everyone: Everyone) -> Iterator[Output]:
    settings = everyone.site.settings
    events = [event for part in everyone.parts for event in part.calendar]
    yield "calendar.ics", calendar_chunks(events, settings.name, settings.timezone)
    for member in settings.team:
        own = [e for e in events if e.owner == member.handle]
        yield (
            f"calendar/{member.handle}.ics",
            calendar_chunks(own, f"{settings.name}: {member.name}", settings.timezone),
        )
    yield "data/clients.json", clients_json_chunks([part.export for part in everyone.parts])
    yield "data/health.csv", health_csv(everyone.ordered)
    yield "data/audit.csv", audit_csv([audit_row(i, everyone.site.today) for i in everyone.ordered])
