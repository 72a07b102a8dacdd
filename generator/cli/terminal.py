"""Terminal views of the computed model (`due`, `health`, `stats`): plain strings that fit the width.

Colour is applied through a `paint` function so that the same code prints plain text when piped
or when NO_COLOR is set (the CLI chooses).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence

from generator.cli.leadership_view import journey_lines, revenue_lines, service_lines, workload_lines
from generator.compute.due import DueEntry
from generator.compute.insights import ClientInsight
from generator.compute.metrics import NpsScore, Portfolio

Paint = Callable[[str, str], str]
"""paint(text, colour) -> text, where colour is 'red', 'yellow', 'green', 'bright_black' or 'bold'."""

HEALTH_COLOURS = {"red": "red", "amber": "yellow", "green": "green"}
HEALTH_ORDER = {"red": 0, "amber": 1, "green": 2, None: 3}
MISSING = "-"
WIDE_TEXT = 40
"""Columns the text of a due entry needs to share its line with the date, kind and client."""


def no_paint(text: str, colour: str) -> str:
    return text


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def health_view(insights: Sequence[ClientInsight], today: dt.date, width: int, paint: Paint = no_paint) -> str:
    counts = {colour: sum(1 for i in insights if i.health == colour) for colour in ("red", "amber", "green")}
    former = sum(1 for i in insights if i.health is None)
    lines = [
        f"Health on {today}: {_plural(len(insights), 'client')}: {counts['red']} red, {counts['amber']} amber, "
        f"{counts['green']} green" + (f", {former} former" if former else ""),
    ]
    ordered = sorted(insights, key=lambda i: (HEALTH_ORDER[i.health], i.record.name.casefold()))
    for insight in ordered:
        lines.append("")
        lines.extend(client_health_lines(insight, width, paint))
    return "\n".join(lines)


def client_health_lines(insight: ClientInsight, width: int, paint: Paint = no_paint) -> list[str]:
    record = insight.record
    label = (insight.health or MISSING).upper()  # a former client has no health; its status says former
    colour = HEALTH_COLOURS.get(insight.health or "", "bright_black")
    checkin = insight.checkin
    if checkin.state is None:
        state = f"{record.status}, no check-ins tracked"
    else:
        last = checkin.last_contact.isoformat() if checkin.last_contact else "never"
        state = f"check-in {checkin.state}: next {checkin.next_due}, last {last}"
    head = f"{paint(f'{label:<6}', colour)} {paint(record.name, 'bold')} ({insight.id}) · {record.owner}"
    lines = [head, f"       {_fit(state, width - 7)}"]
    indent = " " * 13
    for flag in insight.flags:
        severity = paint(f"{flag.severity:<4}", "red" if flag.severity == "risk" else "yellow")
        wrapped = textwrap.wrap(f"{flag.code}: {flag.reason}", width=max(20, width - 13))
        lines.append(f"       {severity}  {wrapped[0]}")
        lines.extend(indent + part for part in wrapped[1:])
        if flag.response is not None:
            answer = f"response {flag.response}: {flag.playbook}, by {flag.respond_by}"
            lines.append(
                indent + paint(_fit(answer, width - 13), "yellow" if flag.response == "unanswered" else "green")
            )
        lines.append(indent + paint(_fit(f"{flag.file}:{flag.line}", width - 13), "bright_black"))
    return lines


def due_view(
    entries: Sequence[DueEntry], today: dt.date, window: str, owner: str | None, width: int, paint: Paint = no_paint
) -> str:
    who = f" for {owner}" if owner else ""
    lines = [f"Due on {today}{who}, overdue or within {window}: {_plural(len(entries), 'entry')}"]
    if not entries:
        lines.append("Nothing is due.")
        return "\n".join(lines)
    client_width = min(22, max(len(e.client_name) for e in entries))
    owner_width = 0 if owner else max(len(e.owner) for e in entries) + 1
    kind_width = max(9, *(len(e.kind) for e in entries))
    for state, colour in (("overdue", "red"), ("due", "yellow"), ("undated", "cyan")):
        group = [e for e in entries if e.state == state]
        if not group:
            continue
        lines.append("")
        lines.append(paint(f"{state.upper()} ({len(group)})", colour))
        for entry in group:
            who = f"@{entry.owner:<{owner_width - 1}}  " if owner_width else ""
            when = entry.date or "no date"
            name = _fit(entry.client_name, client_width)
            fixed = f"  {when!s:<10}  {entry.kind:<{kind_width}}  {name:<{client_width}}  {who}"
            if width - len(fixed) >= WIDE_TEXT:
                lines.append(fixed + _fit(entry.text, width - len(fixed)))
            else:  # narrow terminal: the text goes on its own line rather than being cut short
                lines.append(fixed.rstrip())
                if len(entry.text) <= width - 14 and entry.text.isprintable():  # fits: no need to wrap
                    lines.append(" " * 14 + entry.text)
                else:
                    lines.extend(
                        textwrap.wrap(entry.text, width=width, initial_indent=" " * 14, subsequent_indent=" " * 14)
                    )
    return "\n".join(lines)


def _nps_text(nps: NpsScore) -> str:
    if nps.score is None:
        return "no answers"
    return (
        f"{nps.score:+.0f}  ({_plural(nps.promoters, 'promoter')}, {_plural(nps.passives, 'passive')}, "
        f"{_plural(nps.detractors, 'detractor')})"
    )


def _percent(value: float | None) -> str:
    return MISSING if value is None else f"{value:.0f}%"


def _counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{key} {value}" for key, value in counts.items())


def stats_view(portfolio: Portfolio, clients: int, width: int, paint: Paint = no_paint, scope: str = "") -> str:
    """`scope` describes the filters the clients went through ("" for all)."""
    p = portfolio
    retention = p.retention
    lost = f"; lost {', '.join(retention.lost)}" if retention.lost else ""
    rows = [
        ("NPS, last 12 months", _nps_text(p.nps)),
        (
            "NPS by quarter",
            "  ".join(
                f"{q.quarter[2:]}:{MISSING if q.nps.score is None else f'{q.nps.score:+.0f}'}" for q in p.nps_trend
            ),
        ),
        (
            "Retention, 12 months",
            f"{_percent(retention.rate)}  ({retention.retained} of {retention.at_start} kept{lost})",
        ),
        ("Check-ins on time", f"{_percent(p.checkins.rate)}  ({p.checkins.overdue} of {p.checkins.tracked} overdue)"),
        (
            "Action items done",
            f"{_percent(p.actions.completion)}  ({p.actions.done} of {p.actions.total}; {p.actions.overdue} overdue)",
        ),
        ("Clients by status", _counts(p.by_status)),
        ("by segment", _counts(p.by_segment)),
        ("by owner", _counts(p.by_owner)),
        ("by health", _counts(p.by_health)),
    ]
    label_width = max(len(label) for label, _ in rows)
    only = f" ({scope})" if scope else ""
    lines = [paint(f"Portfolio on {p.today}: {_plural(clients, 'client')}{only}", "bold"), ""]
    for label, value in rows:
        wrapped = textwrap.wrap(value, width=max(20, width - label_width - 2)) or [""]
        lines.append(f"{label:<{label_width}}  {wrapped[0]}")
        lines.extend(" " * (label_width + 2) + part for part in wrapped[1:])
    if p.revenue:
        lines += ["", paint("Revenue by segment (annualised recurring + projects)", "bold")]
        for r in p.revenue:
            lines.append(
                f"  {r.segment:<12} {r.currency:<3} {r.recurring:>12,.0f} + {r.projects:>10,.0f}  "
                f"({_plural(r.clients, 'client')})"
            )
    if p.effort:
        lines += ["", paint("Effort against value, last 12 months", "bold")]
        lines.append(f"  {'client':<24} {'hours':>7} {'value':>14} {'per hour':>9}")
        for e in sorted(p.effort, key=lambda e: (e.value_per_hour is None, e.value_per_hour or 0)):
            value = MISSING if e.value is None else f"{e.value:,.0f} {e.currency or ''}".strip()
            per_hour = MISSING if e.value_per_hour is None else f"{e.value_per_hour:,.0f}"
            lines.append(f"  {_fit(e.client_id, 24):<24} {e.hours:>7g} {value:>14} {per_hour:>9}")
    lines += revenue_lines(p.revenue_retention, width, paint) + service_lines(p.service_levels, paint)
    lines += workload_lines(p.workload, width, paint)
    lines += [_fit(line, width) for line in journey_lines(p.journey, paint)]
    if p.upcoming:
        lines += ["", paint("Coming up in the next 90 days, and overdue milestones", "bold")]
        for event in p.upcoming:
            text = f"  {event.date}  {event.kind:<9}  {event.client_id}: {event.label}"
            lines.append(_fit(text, width))
    return "\n".join(lines)
