"""Revenue retention, money at risk, the renewal forecast, concentration and churn reasons: each
computed by hand on a small knowledge base and read from `clientkb stats --format json`; and the
checks of the contract history, through `clientkb check`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KB_YAML, Run

KB = KB_YAML + "churn_reasons:\n  budget-cut: Budget cut\n  in-house: Took the work in-house\n"


def record(status: str, segment: str, owner: str, since: str, extra: str) -> str:
    return (
        f"name: Client {since}\nstatus: {status}\nsegment: {segment}\nowner: {owner}\nsince: {since}\n"
        "contacts:\n  - {name: Ana, primary: true}\n" + extra
    )


FILES: dict[str, str | bytes | None] = {
    "kb.yaml": KB,
    "clients/acme/client.yaml": None,
    "clients/acme/meetings/2026-11-02-check-in.md": None,
    # a: 800 a month until it expanded to 1,000 on 2026-03-01
    "clients/a/client.yaml": record(
        "active",
        "growth",
        "dana",
        "2024-01-01",
        "contract: {value: 1000, currency: EUR, period: month, renewal: 2027-02-15}\n"
        "renewal_history:\n  - {date: 2026-03-01, outcome: expanded, value: 800}\n",
    ),
    # b: 30,000 a year until it contracted to 24,000 on 2026-01-01
    "clients/b/client.yaml": record(
        "active",
        "standard",
        "marco",
        "2025-01-01",
        "contract: {value: 24000, currency: EUR, period: year, renewal: 2026-12-31}\n"
        "renewal_history:\n  - {date: 2026-01-01, outcome: contracted, value: 30000}\n",
    ),
    # c: 500 a month, churned on 2026-06-30 (budget cut)
    "clients/c/client.yaml": record(
        "former",
        "growth",
        "dana",
        "2023-01-01",
        "until: 2026-06-30\nchurn_reason: budget-cut\ncontract: {value: 500, currency: EUR, period: month}\n"
        "renewal_history:\n  - {date: 2026-06-30, outcome: churned}\n",
    ),
    # d: 10,000 USD a year, unchanged
    "clients/d/client.yaml": record(
        "active",
        "growth",
        "marco",
        "2025-06-01",
        "contract: {value: 10000, currency: USD, period: year, renewal: 2027-08-01}\n",
    ),
    # e: a project of 50,000, signed after the trailing year began
    "clients/e/client.yaml": record(
        "active",
        "standard",
        "dana",
        "2026-02-01",
        "contract: {value: 50000, currency: EUR, period: project, renewal: 2027-05-10}\n",
    ),
    # f: left before the trailing year
    "clients/f/client.yaml": record(
        "former",
        "standard",
        "marco",
        "2020-01-01",
        "until: 2025-10-01\nchurn_reason: in-house\ncontract: {value: 900, currency: EUR, period: month}\n",
    ),
    # g: 100 a month since 2022, no renewal date
    "clients/g/client.yaml": record(
        "active", "growth", "dana", "2022-01-01", "contract: {value: 100, currency: EUR, period: month}\n"
    ),
    # h and i: signed in Q4, after its first day
    "clients/h/client.yaml": record(
        "active", "standard", "marco", "2026-10-15", "contract: {value: 300, currency: EUR, period: month}\n"
    ),
    "clients/i/client.yaml": record(
        "active", "standard", "marco", "2026-10-15", "contract: {value: 700, currency: EUR, period: project}\n"
    ),
}


@pytest.fixture
def stats(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> tuple[dict[str, Any], dict[str, str | None]]:
    root = make_repo(FILES)
    run = cli("--today", "2026-11-20", "stats", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    health = cli("--today", "2026-11-20", "health", "--format", "json", root=root).json()
    assert isinstance(health, list)
    data = run.json()
    assert isinstance(data, dict)
    return data["revenue_retention"], {h["client"]: h["health"] for h in health}


def _row(group: str, currency: str, clients: int, base: float, value: float, rate: float | None) -> dict[str, Any]:
    return {"group": group, "currency": currency, "clients": clients, "base": base, "value": value, "rate": rate}


def test_gross_and_net_revenue_retention_by_hand(stats: tuple[dict[str, Any], dict[str, str | None]]) -> None:
    rr, _ = stats
    grr, nrr = rr["grr"], rr["nrr"]
    assert (grr["start"], grr["end"]) == ("2025-11-20", "2026-11-20")
    # On 2025-11-20: a 9,600 (800 x 12), b 30,000, c 6,000, g 1,200 = 46,800 EUR; d 10,000 USD.
    # Kept (at most the start value): a 9,600, b 24,000, c 0, g 1,200 = 34,800 -> 74.4%.
    # All of it on 2026-11-20: a 12,000, b 24,000, c 0, g 1,200 = 37,200 -> 79.5%.
    assert grr["trailing"] == [_row("all", "EUR", 4, 46800, 34800, 74.4), _row("all", "USD", 1, 10000, 10000, 100.0)]
    assert nrr["trailing"] == [_row("all", "EUR", 4, 46800, 37200, 79.5), _row("all", "USD", 1, 10000, 10000, 100.0)]
    # growth: a, c, g = 16,800; kept 10,800 (64.3%), all 13,200 (78.6%); standard: b alone.
    assert grr["by_segment"] == [
        _row("growth", "EUR", 3, 16800, 10800, 64.3),
        _row("growth", "USD", 1, 10000, 10000, 100.0),
        _row("standard", "EUR", 1, 30000, 24000, 80.0),
    ]
    assert [r["rate"] for r in nrr["by_segment"]] == [78.6, 100.0, 80.0]
    assert [(r["group"], r["currency"], r["rate"]) for r in grr["by_owner"]] == [
        ("dana", "EUR", 64.3),
        ("marco", "EUR", 80.0),
        ("marco", "USD", 100.0),
    ]
    # Quarters: Q1 a 9,600 -> 12,000 (expanded on 03-01), b 24,000 (contracted on 01-01, the first day),
    # c 6,000, g 1,200: base 40,800, kept all, net 43,200 (105.9%). Q2: c ends on 06-30 (not a client
    # that day): base 43,200, 37,200 kept (86.1%). Q3 and Q4 (to today): a, b, g = 37,200, all kept.
    eur = [(r["group"], r["base"], r["value"], r["rate"]) for r in grr["by_quarter"] if r["currency"] == "EUR"]
    assert eur == [
        ("2026-Q1", 40800, 40800, 100.0),
        ("2026-Q2", 43200, 37200, 86.1),
        ("2026-Q3", 37200, 37200, 100.0),
        ("2026-Q4", 37200, 37200, 100.0),
    ]
    assert [r["rate"] for r in nrr["by_quarter"] if r["currency"] == "EUR"] == [105.9, 86.1, 100.0, 100.0]


def test_value_at_risk_forecast_concentration_and_churn_reasons_by_hand(
    stats: tuple[dict[str, Any], dict[str, str | None]],
) -> None:
    rr, health = stats
    assert health["c"] is None and health["f"] is None  # former clients have no health
    values = {"a": ("EUR", 12000), "b": ("EUR", 24000), "d": ("USD", 10000), "e": ("EUR", 50000)}
    values |= {"g": ("EUR", 1200), "h": ("EUR", 3600), "i": ("EUR", 700)}
    for row in rr["at_risk"]:
        members = [c for c, colour in health.items() if colour == row["health"]]
        assert row["clients"] == len(members)
        expected: dict[str, float] = {}
        for client in members:
            currency, value = values[client]
            expected[currency] = expected.get(currency, 0) + value
        assert row["amounts"] == [{"currency": c, "value": v} for c, v in sorted(expected.items())]
    assert [r["health"] for r in rr["at_risk"]] == ["red", "amber", "green"]
    renewals = [(r["quarter"], r["clients"]) for r in rr["forecast"] if r["renewals"]]
    assert sorted(renewals) == [("2026-Q4", ["b"]), ("2027-Q1", ["a"]), ("2027-Q2", ["e"]), ("2027-Q3", ["d"])]
    for row in rr["forecast"]:
        assert all(health[c] == row["health"] for c in row["clients"])
    assert [r["quarter"] for r in rr["forecast"]][::3] == ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"]
    # EUR: e 50,000 + b 24,000 + a 12,000 + h 3,600 + g 1,200 = 90,800 of 91,500 (with i's 700): 99.2%.
    assert rr["concentration"] == [
        {"currency": "EUR", "total": 91500, "top": 90800, "share": 99.2, "clients": ["e", "b", "a", "h", "g"]},
        {"currency": "USD", "total": 10000, "top": 10000, "share": 100.0, "clients": ["d"]},
    ]
    # f left before the trailing year; c's last term was worth 6,000 a year.
    assert rr["churn_reasons"] == [
        {"reason": "budget-cut", "clients": ["c"], "amounts": [{"currency": "EUR", "value": 6000}]}
    ]


def test_the_terminal_shows_the_same_rates(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    text = cli("--today", "2026-11-20", "stats", root=root).stdout
    assert "Revenue retention, 2025-11-20 to 2026-11-20" in text
    line = next(line for line in text.splitlines() if line.strip().startswith("12 months") and "EUR" in line)
    assert line.split()[-4:] == ["4", "46,800", "74.4%", "79.5%"]
    assert "budget-cut" in text and "6,000 EUR" in text


HISTORY_ERRORS = [
    (
        "renewal_history:\n  - {date: 2026-03-01, outcome: renewed}\n  - {date: 2025-03-01, outcome: renewed}\n",
        "renewals-out-of-order",
        "error",
        11,
    ),
    (
        "renewal_history:\n  - {date: 2025-03-01, outcome: churned}\n  - {date: 2026-03-01, outcome: renewed}\n",
        "renewal-after-churn",
        "error",
        10,
    ),
    ("renewal_history:\n  - {date: 2026-03-01, outcome: expanded}\n", "missing-renewal-value", "error", 10),
    (
        "renewal_history:\n  - {date: 2026-03-01, outcome: expanded, value: 2000}\n",
        "renewal-outcome-disagrees",
        "warning",
        10,
    ),
    (
        "renewal_history:\n  - {date: 2026-03-01, outcome: renewed, value: 900}\n",
        "renewal-outcome-disagrees",
        "warning",
        10,
    ),
    ("renewal_history:\n  - {date: 2026-03-01, outcome: churned}\n", "churned-not-former", "warning", 10),
    ("renewal_history:\n  - {date: 2020-03-01, outcome: renewed}\n", "renewal-before-since", "warning", 10),
    ("renewal_history:\n  - {date: 2026-03-01, outcome: lapsed}\n", "invalid-value", "error", 10),
    ("churn_reason: budget-cut\n", "churn-reason-not-former", "warning", 9),
]


@pytest.mark.parametrize(("extra", "code", "severity", "line"), HISTORY_ERRORS)
def test_the_contract_history_is_checked_with_its_line(
    make_repo: Callable[..., Path], cli: Callable[..., Run], extra: str, code: str, severity: str, line: int
) -> None:
    client = record("active", "growth", "dana", "2024-01-01", "contract: {value: 1000, currency: EUR, period: month}\n")
    root = make_repo({"kb.yaml": KB, "clients/acme/client.yaml": client + extra})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    found = [p for p in problems if p["file"] == "clients/acme/client.yaml"]
    assert [(p["code"], p["severity"], p["line"]) for p in found] == [(code, severity, line)]
    assert found[0]["hint"] or code == "invalid-value"


def test_a_former_clients_reason_comes_from_kb_yaml(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    former = record("former", "growth", "dana", "2024-01-01", "until: 2026-01-31\n")
    root = make_repo({"kb.yaml": KB, "clients/acme/client.yaml": former + "churn_reason: budget-cuts\n"})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [(p["code"], p["line"]) for p in problems] == [("unknown-churn-reason", 9)]
    assert "'budget-cut'" in problems[0]["message"]  # did you mean
    root = make_repo({"kb.yaml": KB, "clients/acme/client.yaml": former})
    missing = cli("check", "--format", "json", root=root).json()
    assert isinstance(missing, list)
    assert [(p["code"], p["severity"], p["line"]) for p in missing] == [("missing-churn-reason", "warning", 2)]
    assert "budget-cut, in-house" in missing[0]["hint"]
