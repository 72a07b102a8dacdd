"""Durations (`2w`, `3m`) and calendar arithmetic. Pure: no clock is read here."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DURATION_PATTERN = r"^[1-9][0-9]{0,3}[dwm]$"
_DURATION = re.compile(DURATION_PATTERN)
_UNIT_WORDS = {"d": "day", "w": "week", "m": "month"}
_UNITS: dict[str, Literal["d", "w", "m"]] = {"d": "d", "w": "w", "m": "m"}


@dataclass(frozen=True, slots=True, order=True)
class Duration:
    """`count` days, weeks or calendar months."""

    count: int
    unit: Literal["d", "w", "m"]

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Raises ValueError for anything but `Nd`, `Nw` or `Nm`."""
        if not _DURATION.match(text):
            raise ValueError(f"{text!r} is not a duration")
        return cls(int(text[:-1]), _UNITS[text[-1]])

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def describe(self) -> str:
        word = _UNIT_WORDS[self.unit]
        return f"{self.count} {word}{'s' if self.count != 1 else ''}"

    def after(self, start: dt.date) -> dt.date:
        """`start` + this duration; months clamp to the month's end (Jan 31 + 1m = Feb 28)."""
        if self.unit == "m":
            return add_months(start, self.count)
        return shift_days(start, self.count * (7 if self.unit == "w" else 1))

    def before(self, end: dt.date) -> dt.date:
        """`end` - this duration, with the same clamping."""
        if self.unit == "m":
            return add_months(end, -self.count)
        return shift_days(end, -self.count * (7 if self.unit == "w" else 1))

    def days_from(self, start: dt.date) -> int:
        """Length in days, counted from the date it is added to (months vary in length)."""
        return (self.after(start) - start).days


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier); saturates at the first and last dates Python knows."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def shift_days(start: dt.date, days: int) -> dt.date:
    """`start` + `days`, saturating at 0001-01-01 and 9999-12-31 (both valid record dates)."""
    try:
        return start + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


@dataclass(frozen=True, slots=True)
class Quarter:
    """A calendar quarter, e.g. 2026-Q4: 2026-10-01 to 2026-12-31."""

    label: str
    start: dt.date
    end: dt.date


def calendar_quarter(date: dt.date, offset: int = 0) -> Quarter:
    """The quarter `date` is in, or `offset` quarters later (negative: earlier)."""
    start = add_months(dt.date(date.year, 3 * ((date.month - 1) // 3) + 1, 1), 3 * offset)
    end = shift_days(add_months(start, 3), -1)
    return Quarter(f"{start.year}-Q{(start.month - 1) // 3 + 1}", start, end)


def tenure_text(since: dt.date, until: dt.date) -> str:
    """Whole calendar months from `since` to `until` in words, e.g. "3 y 2 m" or "7 m"."""
    months = (until.year - since.year) * 12 + until.month - since.month - (until.day < since.day)
    years, rest = divmod(max(months, 0), 12)
    return (f"{years} y " if years else "") + f"{rest} m"
