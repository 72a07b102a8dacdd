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
from pathlib import Path

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


def test_health_and_next_checkin_agree_in_every_view(tmp_path: Path) -> None:
    out = tmp_path / "site"
    clientkb("build", "--out", str(out))
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
