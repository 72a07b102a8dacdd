"""How values read on a page: dates, numbers, percentages, contract values and `x-` fields (the
Jinja filters of every template)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

NONE_SHOWN = "\u2013"  # an en dash for "no value"


@lru_cache(maxsize=65_536)
def day(value: dt.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else NONE_SHOWN


def custom_value(value: Any) -> str:
    """An `x-` field's value as text: YAML's scalars as written in YAML, lists and mappings flat."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return NONE_SHOWN
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(custom_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {custom_value(item)}" for key, item in value.items())
    return str(value)


def percent(value: float | None) -> str:
    return NONE_SHOWN if value is None else f"{value:.0f}%"


def signed(value: float | None) -> str:
    return NONE_SHOWN if value is None else f"{value:+.0f}"


def number(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def contract(value: Any) -> str:
    if value.value is None:
        return ""
    period = {"month": " a month", "year": " a year", "project": " (project)"}.get(value.period or "", "")
    return f"{number(value.value)} {value.currency or ''}{period}".replace("  ", " ").strip()


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 flag', '3 flags', '0 flags' ('1 person', '2 people' with `many`)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def amount(value: float | None, currency: str | None) -> str:
    """Money in whole units with its currency, e.g. '140,000 EUR' ('' when there is none)."""
    if value is None:
        return ""
    return f"{value:,.0f} {currency or ''}".strip()


def amounts(values: Sequence[Any]) -> str:
    """Sums in several currencies, e.g. '46,800 EUR, 10,000 USD' (each `Amount` in its own)."""
    return ", ".join(amount(a.value, a.currency) for a in values) or NONE_SHOWN


def rate(value: float | None) -> str:
    """A retention or service rate, to the tenth as `stats` prints it, e.g. '94.5%'."""
    return NONE_SHOWN if value is None else f"{value:.1f}%"


FLAG_LABELS = {
    "checkin-overdue": "Check-in overdue",
    "gone-quiet": "Gone quiet",
    "review-overdue": "Review overdue",
    "nps-detractor": "NPS detractor",
    "nps-drop": "NPS dropped",
    "csat-low": "Low satisfaction",
    "escalation-open": "Open escalation",
    "actions-overdue": "Our action items overdue",
    "missed-meetings": "Meetings not held",
    "negative-sentiment": "Negative meetings",
    "renewal-soon": "Renewal soon",
    "renewal-passed": "Renewal date passed",
    "milestone-overdue": "Milestone overdue",
    "over-hours": "Over the hours budget",
    "no-primary-contact": "No primary contact",
    "onboarding-stalled": "Onboarding stalled",
    "audit-overdue": "Audit overdue",
    "response-overdue": "No response yet",
}
"""What a reader sees for each flag code (the code itself is in the flag's title, for scripts' users)."""

_ISO_DATE = re.compile(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b")


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code)


def readable_dates(text: str) -> str:
    """A computed sentence (a flag's reason) with its ISO dates written as the site writes dates."""

    def written(match: re.Match[str]) -> str:
        try:
            return day(dt.date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO_DATE.sub(written, text)
