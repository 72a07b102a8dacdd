"""Plain-data (JSON-ready) views of the computed model, shared by `--format json` and the site's
exports, so that scripts and the site read the same shapes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from generator.compute.audit import AuditRow
from generator.compute.due import DueEntry
from generator.compute.insights import ClientInsight
from generator.compute.journey import ClientStage, StageFigures
from generator.compute.metrics import Portfolio
from generator.site.json_text import indented_json

_AS_IS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON-ready dicts, strings and lists."""
    kind = type(value)
    if kind in _AS_IS:  # most values: the checks below cost a client's export a third of its time
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_fields: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass's instances (None for any other type, a dataclass itself included)."""
    if kind not in _fields:
        is_record = dataclasses.is_dataclass(kind) and not issubclass(kind, type)
        _fields[kind] = tuple(field.name for field in dataclasses.fields(kind)) if is_record else None
    return _fields[kind]


def health_record(insight: ClientInsight) -> dict[str, Any]:
    return {
        "client": insight.id,
        "name": insight.record.name,
        "health": insight.health,
        "flags": [
            {
                "code": f.code,
                "severity": f.severity,
                "reason": f.reason,
                "file": f.file,
                "line": f.line,
                "raised": f.raised.isoformat(),
                "playbook": f.playbook,
                "response": f.response,
                "respond_by": plain(f.respond_by),
            }
            for f in insight.flags
        ],
        "advocacy_state": insight.advocacy.state,
        "tier": {"name": insight.tier.name, "reason": insight.tier.reason},
        "checkin": {
            "last": plain(insight.checkin.last_contact),
            # Untracked (prospect, paused, former): no next check-in, as on the site and in the CSV.
            "next": insight.checkin.next_due.isoformat() if insight.checkin.state else None,
            "state": insight.checkin.state,
        },
    }


def due_record(entry: DueEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "client": entry.client,
        "owner": entry.owner,
        "date": entry.date.isoformat() if entry.date else None,
        "state": entry.state,
        "text": entry.text,
        "file": entry.file,
        "line": entry.line,
        "playbook": entry.playbook,
    }


def journey_record(figures: StageFigures) -> dict[str, Any]:
    def who(stage: ClientStage | None, value: int) -> dict[str, Any] | None:
        return None if stage is None else {"client": stage.client, "days": value}

    return {
        "stage": figures.stage.id,
        "label": figures.stage.label,
        "clients": [c.client for c in figures.clients],
        "median_days": figures.median_days,
        "slowest": who(figures.slowest, figures.slowest.days if figures.slowest else 0),
        "touchpoints": {"held": figures.held, "expected": figures.expected},
        "sentiment": figures.sentiment,
        "longest_silence": who(figures.silence, figures.silence.silence if figures.silence else 0),
        "stalled": [c.client for c in figures.stalled],
        "gaps": list(figures.gaps),
    }


def portfolio_record(portfolio: Portfolio) -> dict[str, Any]:
    record: dict[str, Any] = plain(portfolio)
    record["journey"] = [journey_record(f) for f in portfolio.journey]
    record["nps"]["responses"] = portfolio.nps.responses
    for quarter, computed in zip(record["nps_trend"], portfolio.nps_trend, strict=True):
        quarter["nps"]["responses"] = computed.nps.responses
    return record


def to_json(data: Any) -> str:
    return indented_json(data)


def health_json(insights: Sequence[ClientInsight]) -> str:
    return to_json([health_record(i) for i in insights])


def due_json(entries: Sequence[DueEntry]) -> str:
    return to_json([due_record(e) for e in entries])


def health_csv(insights: Sequence[ClientInsight]) -> bytes:
    """One row per client; cells that a spreadsheet would run as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["client", "name", "status", "segment", "owner", "health", "flags", "last_contact", "next_checkin",
         "checkin_state", "renewal"]
    )  # fmt: skip
    for insight in insights:
        record = insight.record
        row = [
            insight.id,
            record.name,
            record.status,
            record.segment,
            record.owner,
            insight.health or "",
            " ".join(f.code for f in insight.flags),
            plain(insight.checkin.last_contact) or "",
            insight.checkin.next_due.isoformat() if insight.checkin.state else "",
            insight.checkin.state or "",
            plain(record.contract.renewal) or "",
        ]
        writer.writerow([_safe_cell(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8")


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

AUDIT_COLUMNS = (
    "client", "name", "status", "owner", "health", "tenure_days", "meetings_held", "meetings_not_held", "nps_last",
    "nps_trend", "escalations", "escalations_open", "hours_12m", "value", "currency", "value_per_hour", "renewal",
    "last_audit", "decision", "audit_note",
)  # fmt: skip


def audit_csv(rows: Sequence[AuditRow]) -> bytes:
    """The relationship audit's table, one row per client, formula-neutralised as health.csv is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        insight, record, effort, audit = row.insight, row.insight.record, row.effort, row.last_audit
        cells = [
            insight.id, record.name, record.status, record.owner, insight.health or "", row.tenure_days,
            insight.meetings.held, insight.meetings.missed, "" if row.nps_last is None else row.nps_last,
            row.nps_trend, row.escalations, row.escalations_open, _number(effort.hours) if effort else "",
            _number(effort.value if effort else None), (effort.currency or "") if effort else "",
            _number(effort.value_per_hour if effort else None), plain(record.contract.renewal) or "",
            plain(audit.date) if audit else "", audit.decision if audit else "", (audit.note or "") if audit else "",
        ]  # fmt: skip
        writer.writerow([_safe_cell(str(cell)) for cell in cells])
    return buffer.getvalue().encode("utf-8")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)


def _safe_cell(text: str) -> str:
    # OWASP CSV injection: a leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell; a plain
    # number such as -4 or +2 (an NPS change) is only a number, and stays one.
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def client_export(insight: ClientInsight) -> str:
    """The client's entry of data/clients.json, as JSON text (indented as in the file)."""
    entry = health_record(insight)
    entry.update(
        {
            "status": insight.record.status,
            "segment": insight.record.segment,
            "owner": insight.record.owner,
            "record": plain(insight.record),
            "meetings": plain(insight.meetings),
            "nps": plain(insight.nps),
            "csat": plain(insight.csat),
            "open_actions": plain(insight.open_actions),
            "upcoming": plain(insight.events),
        }
    )
    entry["checkin"]["cadence"] = str(insight.checkin.cadence)
    entry["custom"] = {key: plain(value) for key, value in insight.custom}
    return "  " + indented_json(entry, "  ", default=str)


def clients_json_chunks(exports: Sequence[bytes]) -> Iterator[bytes]:
    """`data/clients.json` a client at a time (a large base's export is never whole in memory)."""
    if not exports:
        yield b"[]\n"
        return
    yield b"[\n"
    for number, export in enumerate(exports):
        yield (b",\n" if number else b"") + zlib.decompress(export)
    yield b"\n]\n"
