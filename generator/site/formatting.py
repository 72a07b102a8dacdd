"""How values read on a page: dates, numbers, percentages, contract values and `x-` fields (the
Jinja filters of every template)."""

from __future__ import annotations

import datetime as dt
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
