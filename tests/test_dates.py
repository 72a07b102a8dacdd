from __future__ import annotations

import datetime as dt

import pytest

from generator.model.dates import Duration, add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -13, dt.date(2024, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("text", "start", "after", "days"),
    [
        ("7d", dt.date(2026, 2, 25), dt.date(2026, 3, 4), 7),
        ("2w", dt.date(2026, 12, 25), dt.date(2027, 1, 8), 14),
        ("1m", dt.date(2026, 1, 31), dt.date(2026, 2, 28), 28),
        ("1m", dt.date(2028, 2, 1), dt.date(2028, 3, 1), 29),
        ("3m", dt.date(2026, 11, 20), dt.date(2027, 2, 20), 92),
    ],
)
def test_duration_arithmetic(text: str, start: dt.date, after: dt.date, days: int) -> None:
    duration = Duration.parse(text)
    assert str(duration) == text
    assert duration.after(start) == after
    assert duration.days_from(start) == days


@pytest.mark.parametrize("text", ["", "0d", "7", "d", "1y", "1.5m", " 7d", "7 d", "-1d", "07d"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_describe() -> None:
    assert Duration.parse("1m").describe() == "1 month"
    assert Duration.parse("3w").describe() == "3 weeks"


def test_arithmetic_saturates_at_the_ends_of_the_calendar() -> None:
    assert Duration.parse("7d").after(dt.date(9999, 12, 28)) == dt.date.max
    assert Duration.parse("2w").before(dt.date(1, 1, 5)) == dt.date.min
    assert Duration.parse("1m").after(dt.date(9999, 12, 15)) == dt.date.max
    assert add_months(dt.date(1, 1, 31), -1) == dt.date.min
    assert Duration.parse("1m").days_from(dt.date(9999, 12, 31)) == 0
