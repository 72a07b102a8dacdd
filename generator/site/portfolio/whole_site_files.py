"""The calendars and exports made from every client, as pieces to write one after the other."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compute.audit import audit_row
from generator.site.exports import audit_csv, clients_json_chunks, health_csv
from generator.site.feeds import EventSpool
from generator.site.portfolio.everyone import Everyone, Output


def feeds_and_exports(everyone: Everyone) -> Iterator[Output]:
    settings = everyone.site.settings
    with EventSpool(part.calendar for part in everyone.parts) as events:
        yield "calendar.ics", events.calendar(settings.name, settings.timezone)
        for member in settings.team:
            yield (
                f"calendar/{member.handle}.ics",
                events.calendar(f"{settings.name}: {member.name}", settings.timezone, member.handle),
            )
    yield "data/clients.json", clients_json_chunks([part.export for part in everyone.parts])
    yield "data/health.csv", health_csv(everyone.ordered)
    yield "data/audit.csv", audit_csv([audit_row(i, everyone.site.today) for i in everyone.ordered])
