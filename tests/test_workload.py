"""Each person's workload, computed by hand on a small knowledge base and read from `clientkb stats`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import KB_YAML, Run


def record(status: str, owner: str, extra: str) -> str:
    return (
        f"name: Client {owner} {status}\nstatus: {status}\nsegment: growth\nowner: {owner}\nsince: 2024-01-01\n"
        "contacts:\n  - {name: Ana, primary: true}\n" + ("until: 2026-06-30\n" if status == "former" else "") + extra
    )


FILES: dict[str, str | None] = {
    "kb.yaml": KB_YAML,
    "clients/acme/client.yaml": None,
    "clients/acme/meetings/2026-11-02-check-in.md": None,
    # dana: a (1,000 EUR a month, 25 of 20 hours in October) and b (a 5,000 EUR project, 4 of 10 hours)
    "clients/a/client.yaml": record(
        "active",
        "dana",
        "contract: {value: 1000, currency: EUR, period: month, hours_per_month: 20}\n"
        "hours:\n  - {month: '2026-10', spent: 25}\n  - {month: '2026-09', spent: 5}\n",
    ),
    "clients/a/meetings/2026-11-02-check-in.md": "---\ndate: 2026-11-02\n---\n"
    "- [ ] Send the deck @marco due:2026-11-01\n- [ ] Call back due:2026-12-01\n- [x] Done @dana\n",
    "clients/b/client.yaml": record(
        "active",
        "dana",
        "contract: {value: 5000, currency: EUR, period: project, hours_per_month: 10}\n"
        "hours:\n  - {month: '2026-10', spent: 4}\n",
    ),
    # c: former, so neither its value, hours nor open item count
    "clients/c/client.yaml": record(
        "former",
        "dana",
        "contract: {value: 100, currency: EUR, period: month}\nhours:\n  - {month: '2026-10', spent: 50}\n",
    ),
    "clients/c/meetings/2026-05-02-check-in.md": "---\ndate: 2026-05-02\n---\n- [ ] Old thing\n",
    # d: a prospect is not a client yet
    "clients/d/client.yaml": record("prospect", "marco", "contract: {value: 900, currency: EUR, period: month}\n"),
    # e: marco's, 12,000 USD a year; the client's side owes an overdue item, which marco chases
    "clients/e/client.yaml": record("active", "marco", "contract: {value: 12000, currency: USD, period: year}\n"),
    "clients/e/meetings/2026-11-05-check-in.md": "---\ndate: 2026-11-05\n---\n"
    "- [ ] Review the plan @client due:2026-11-10\n",
}


def test_workload_by_hand(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(FILES)
    run = cli("--today", "2026-11-20", "stats", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, dict)
    health = cli("--today", "2026-11-20", "health", "--format", "json", root=root).json()
    assert isinstance(health, list)
    colour = {h["client"]: h["health"] for h in health}
    dana, marco = data["workload"]
    assert dana == {
        "handle": "dana",
        "clients": 2,
        "recurring": [{"currency": "EUR", "value": 12000}],
        "projects": [{"currency": "EUR", "value": 5000}],
        "month": "2026-10",
        "hours": 29,
        "budget": 30,
        "open_actions": 1,  # "Call back", unassigned on dana's client
        "overdue_actions": 0,
        "red": [colour["a"], colour["b"]].count("red"),
        "amber": [colour["a"], colour["b"]].count("amber"),
    }
    assert (marco["clients"], marco["recurring"], marco["projects"]) == (1, [{"currency": "USD", "value": 12000}], [])
    assert (marco["hours"], marco["budget"], marco["open_actions"], marco["overdue_actions"]) == (0, 0, 2, 2)
    text = cli("--today", "2026-11-20", "stats", root=root).stdout
    assert "  dana               2         29/30        1        0" in text
    assert "recurring 12,000 EUR; projects 5,000 EUR" in text
