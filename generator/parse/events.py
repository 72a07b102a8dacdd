"""An event file (`clients/<id>/events/<YYYY-MM-DD>-<kind>-<suffix>.yaml`) read into a `LoggedEvent`:
the date and kind from its name, the kind's fields from its YAML, every problem at its line."""

from __future__ import annotations

import datetime as dt
import re

from generator.model.events import EVENT_KINDS, EVENT_RECORDS, LoggedEvent
from generator.model.settings import Limits
from generator.parse.documents import validated
from generator.source.load import SourceText
from generator.source.problems import Problem, error
from generator.source.yamlsource import parse_yaml

EVENT_NAME = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<kind>[a-z]+)(-(?P<suffix>[a-z0-9][a-z0-9-]*))?\.yaml$"
)
_HINT = (
    "name events YYYY-MM-DD-KIND-SUFFIX.yaml, e.g. 2026-11-20-nps-ana-lima.yaml (KIND: " + ", ".join(EVENT_KINDS) + ")"
)


def parse_event(
    client_id: str, source: SourceText, limits: Limits | None = None
) -> tuple[LoggedEvent | None, list[Problem]]:
    limits = limits or Limits()
    name = source.file.rsplit("/", 1)[-1]
    match = EVENT_NAME.match(name)
    if match is None or match["kind"] not in EVENT_RECORDS:
        return None, [error(source.file, 0, 0, "invalid-event-name", f"{name!r} is not an event file name", _HINT)]
    try:
        date = dt.date.fromisoformat(match["date"])
    except ValueError:
        return None, [
            error(source.file, 0, 0, "invalid-event-name", f"{match['date']!r} in {name!r} is not a date", _HINT)
        ]
    kind = match["kind"]
    document, problems = parse_yaml(source.text, source.file, 0, limits.max_yaml_values, limits.max_yaml_depth)
    parsed = validated(
        EVENT_RECORDS[kind],
        document,
        source.file,
        problems,
        f"the {kind} event",
    )
    if parsed.value is None:
        return None, parsed.problems
    event = LoggedEvent(
        client_id=client_id, file=source.file, kind=kind, date=date, meta=parsed.value, source=parsed.source
    )
    return event, parsed.problems
