"""Portfolio metrics, each computed by hand on a small fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build.config import BuildConfig
from generator.build.load import compute, load_knowledge_base
from generator.compute.metrics import Portfolio, nps_score
from tests.conftest import KB_YAML, write_files

TODAY = dt.date(2026, 11, 20)


def record(status: str, segment: str, owner: str, since: str, extra: str = "") -> str:
    return (
        f"name: {status.title()} {segment}\nstatus: {status}\nsegment: {segment}\nowner: {owner}\nsince: {since}\n"
        "contacts:\n  - {name: Ana, primary: true}\n" + extra
    )


@pytest.fixture
def portfolio(tmp_path: Path) -> Portfolio:
    files: dict[str, str | bytes] = {
        "kb.yaml": KB_YAML,
        # a: promoter (latest 9; an older 3 does not count), monthly 1,000 EUR, 40 hours in 12 months
        "clients/a/client.yaml": record(
            "active",
            "growth",
            "dana",
            "2024-01-01",
            "nps:\n  - {date: 2026-01-10, score: 3}\n  - {date: 2026-06-10, score: 9}\n"
            "contract: {value: 1000, currency: EUR, period: month}\n"
            "hours:\n  - {month: '2026-10', spent: 30}\n  - {month: '2025-11', spent: 10}\n"
            "  - {month: '2025-10', spent: 99}\n",
        ),
        "clients/a/meetings/2026-11-10-review.md": "---\ndate: 2026-11-10\ntype: review\n---\n"
        "- [x] Done thing @dana\n- [ ] Late thing @dana due:2026-11-01\n- [ ] Open thing\n",
        # b: detractor (note answer 5 is later than the record's 10), yearly 24,000 EUR
        "clients/b/client.yaml": record(
            "active",
            "growth",
            "marco",
            "2025-06-01",
            "nps:\n  - {date: 2026-03-01, score: 10}\ncontract: {value: 24000, currency: EUR, period: year}\n",
        ),
        "clients/b/meetings/2026-09-01-check-in.md": "---\ndate: 2026-09-01\nnps: 5\n---\n- [x] Thing @client\n",
        # c: passive (8), answered over 12 months ago -> not counted; project 50,000 EUR; paused
        "clients/c/client.yaml": record(
            "paused",
            "standard",
            "dana",
            "2023-01-01",
            "nps:\n  - {date: 2025-11-19, score: 8}\ncontract: {value: 50000, currency: EUR, period: project}\n",
        ),
        # d: former, ended within the last 12 months -> lost; answered 10 within the window -> promoter
        "clients/d/client.yaml": record(
            "former", "standard", "marco", "2020-01-01", "until: 2026-03-31\nnps:\n  - {date: 2026-03-01, score: 10}\n"
        ),
        # e: prospect: not a client yet, not in retention
        "clients/e/client.yaml": record("prospect", "growth", "dana", "2026-10-01"),
        # f: started within the last 12 months: not in retention's starting set
        "clients/f/client.yaml": record("onboarding", "standard", "dana", "2026-11-01"),
    }
    write_files(tmp_path, files)
    loaded = load_knowledge_base(BuildConfig(root=tmp_path, jobs=1))
    assert loaded.kb is not None, loaded.problems
    return compute(loaded.kb, TODAY).portfolio


def test_nps_uses_each_clients_latest_answer_in_the_last_12_months(portfolio: Portfolio) -> None:
    # a 9 (promoter), b 5 (detractor), d 10 (promoter); c's answer is 12 months and a day old.
    assert (portfolio.nps.promoters, portfolio.nps.passives, portfolio.nps.detractors) == (2, 0, 1)
    assert portfolio.nps.score == pytest.approx(33.3)


def test_nps_trend_by_quarter(portfolio: Portfolio) -> None:
    trend = {q.quarter: q.nps for q in portfolio.nps_trend}
    assert list(trend) == [
        "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
    ]  # fmt: skip
    # Q1 2026: a 3 (detractor), b 10, d 10 -> (2 - 1) / 3
    assert trend["2026-Q1"].score == pytest.approx(33.3)
    assert (trend["2026-Q2"].promoters, trend["2026-Q2"].score) == (1, 100.0)
    assert (trend["2026-Q3"].detractors, trend["2026-Q3"].score) == (1, -100.0)
    assert trend["2025-Q4"].passives == 1 and trend["2025-Q4"].score == 0.0
    assert trend["2026-Q4"].score is None


def test_retention(portfolio: Portfolio) -> None:
    # Clients on 2025-11-20: a, c, d (b started 2025-06-01 too) -> a, b, c, d; d was lost.
    assert portfolio.retention.start == dt.date(2025, 11, 20)
    assert (portfolio.retention.at_start, portfolio.retention.retained) == (4, 3)
    assert portfolio.retention.lost == ("d",)
    assert portfolio.retention.rate == 75.0


def test_counts(portfolio: Portfolio) -> None:
    assert portfolio.by_status == {"prospect": 1, "onboarding": 1, "active": 2, "paused": 1, "former": 1}
    assert portfolio.by_segment == {"growth": 3, "standard": 2}
    assert portfolio.by_owner == {"dana": 4, "marco": 1}
    assert sum(portfolio.by_health.values()) == 6 and portfolio.by_health["former"] == 1


def test_checkin_compliance(portfolio: Portfolio) -> None:
    # Tracked: a (review 2026-11-10: ok), b (last 2026-09-01 + 1m: overdue), f (since + 3m: ok).
    assert (portfolio.checkins.tracked, portfolio.checkins.overdue) == (3, 1)
    assert portfolio.checkins.rate == pytest.approx(66.7)


def test_action_completion(portfolio: Portfolio) -> None:
    actions = portfolio.actions
    assert (actions.total, actions.done, actions.open, actions.overdue) == (4, 2, 2, 1)
    assert actions.completion == 50.0


def test_revenue_by_segment(portfolio: Portfolio) -> None:
    revenue = {(r.segment, r.currency): (r.recurring, r.projects, r.clients) for r in portfolio.revenue}
    assert revenue == {("growth", "EUR"): (36000.0, 0.0, 2), ("standard", "EUR"): (0.0, 50000.0, 1)}


def test_effort_against_value(portfolio: Portfolio) -> None:
    effort = {e.client_id: e for e in portfolio.effort}
    # a: 30 + 10 hours from 2025-11 to 2026-10 (2025-10 is outside); 12,000 a year -> 300 per hour
    assert (effort["a"].hours, effort["a"].value, effort["a"].value_per_hour) == (40, 12000, 300.0)
    assert effort["b"].hours == 0 and effort["b"].value_per_hour is None


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([], None), ([9, 10], 100.0), ([0, 6], -100.0), ([7, 8], 0.0), ([9, 7, 6, 10], 25.0)],
)
def test_nps_score(scores: list[int], expected: float | None) -> None:
    assert nps_score(scores).score == expected
