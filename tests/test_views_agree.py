"""One fact, every view: the site, data/health.csv, data/clients.json and `health --format json` say
the same health and next check-in for every client of the demo (which has clients in every status)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

TODAY = "2026-11-20"


def clientkb(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO_ROOT), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views") / "site"
    clientkb("build", "--out", str(out))
    return out


def test_health_and_next_checkin_agree_in_every_view(demo_site: Path) -> None:
    out = demo_site
    terminal = {c["client"]: c for c in json.loads(clientkb("health", "--format", "json"))}
    exported = {c["client"]: c for c in json.loads((out / "data/clients.json").read_text(encoding="utf-8"))}
    rows = {r["client"]: r for r in csv.DictReader(io.StringIO((out / "data/health.csv").read_text("utf-8")))}
    assert set(terminal) == set(exported) == set(rows) and len(rows) == 13
    statuses = {row["status"] for row in rows.values()}
    assert {"former", "paused", "prospect", "active"} <= statuses  # the cases that used to disagree
    for client, row in rows.items():
        health = terminal[client]["health"]
        assert exported[client]["health"] == health, client
        assert row["health"] == (health or ""), client
        following = terminal[client]["checkin"]["next"]
        assert exported[client]["checkin"]["next"] == following, client
        assert row["next_checkin"] == (following or ""), client
        if row["status"] in ("former", "paused", "prospect"):
            assert following is None, f"{client} ({row['status']}) is not tracked, yet has a next check-in"
        if row["status"] == "former":
            assert health is None, client
        page = (out / f"clients/{client}/index.html").read_text(encoding="utf-8")
        badge = re.search(r'class="badge health-(\w+)"', page)
        assert badge is not None and badge.group(1) == (health or "none"), client
        if following is None:
            assert "not tracked" in page, client
        else:
            day = dt.date.fromisoformat(following)
            assert f"next {day.day} {day:%b %Y}" in page, client


class _Cells(HTMLParser):
    """The text of every table row's cells, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table_rows(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.rows


def _amounts(values: list[dict[str, object]]) -> str:
    shown = [f"{value:,.0f} {a['currency']}" for a in values if isinstance(value := a["value"], float)]
    return ", ".join(shown) or "\u2013"  # the site's en dash for no value


def test_workload_and_revenue_retention_agree_on_the_site_and_in_stats(demo_site: Path) -> None:
    out = demo_site
    stats = json.loads(clientkb("stats", "--format", "json"))
    team = {row[0]: row for row in _table_rows((out / "team.html").read_text(encoding="utf-8"))[1:]}
    names = {"dana": "Dana Ruiz", "marco": "Marco Bellini", "sam": "Sam Okafor", "lea": "Lea Novak"}
    assert len(team) == len(stats["workload"]) == 4
    for load in stats["workload"]:
        row = team[names[load["handle"]]]
        assert row[2:5] == [str(load["clients"]), str(load["red"]), str(load["amber"])]
        assert row[5:7] == [_amounts(load["recurring"]), _amounts(load["projects"])]
        assert row[7:] == [
            f"{load['hours']:g}",
            f"{load['budget']:g}",
            str(load["open_actions"]),
            str(load["overdue_actions"]),
        ]
        page = (out / f"owners/{load['handle']}.html").read_text(encoding="utf-8")
        assert f"{load['open_actions']} open" in page
    dashboard = _table_rows((out / "index.html").read_text(encoding="utf-8"))
    retention = [row for row in dashboard if row and row[0] == "12 months"]
    expected = [
        [
            "12 months",
            "",
            g["currency"],
            str(g["clients"]),
            f"{g['base']:,.0f}",
            f"{g['rate']:.1f}%",
            f"{n['rate']:.1f}%",
        ]
        for g, n in zip(
            stats["revenue_retention"]["grr"]["trailing"], stats["revenue_retention"]["nrr"]["trailing"], strict=True
        )
    ]
    assert retention == expected and len(expected) == 2  # EUR and GBP, never converted
    terminal = clientkb("stats")
    for g in stats["revenue_retention"]["grr"]["trailing"]:
        assert f"{g['rate']:.1f}%" in terminal


def test_the_audit_page_and_audit_csv_agree(demo_site: Path) -> None:
    out = demo_site
    rows = list(csv.DictReader(io.StringIO((out / "data/audit.csv").read_text(encoding="utf-8"))))
    table = _table_rows((out / "audit.html").read_text(encoding="utf-8"))[1:]
    assert [row["name"] for row in rows] == [cells[0] for cells in table] and len(rows) == 13
    decided = 0
    for row, cells in zip(rows, table, strict=True):
        assert cells[5:7] == [row["meetings_held"], row["meetings_not_held"]]
        if row["decision"]:
            decided += 1
            assert cells[-1].startswith(row["decision"]), row["client"]
        else:
            assert cells[-1] == "never", row["client"]
    assert decided == 2  # the demo's audited clients: copperline-foods and harbor-health
