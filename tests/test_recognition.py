"""Recognition in the due list at its boundaries: wins and milestones reached in the last 30 days and
not acknowledged, anniversaries in the next 14 days, for the client's owner (`due --format json`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLIENT_YAML, Run


def _recognitions(cli: Callable[..., Run], root: Path) -> list[tuple[str, str, str, str]]:
    run = cli("--today", "2026-11-20", "due", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, list)
    return [(e["date"], e["owner"], e["state"], e["text"]) for e in data if e["kind"] == "recognition"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "wins:\n  - {date: 2026-10-21, summary: Launch}\n",
            [("2026-10-21", "dana", "overdue", "recognise the win: Launch")],
        ),
        ("wins:\n  - {date: 2026-10-20, summary: Launch}\n", []),  # 31 days ago
        ("wins:\n  - {date: 2026-11-10, summary: Launch, acknowledged: 2026-11-12}\n", []),
        (
            "milestones:\n  - {name: Go-live, due: 2026-11-01, done: 2026-11-20}\n",
            [("2026-11-20", "dana", "due", "recognise the milestone reached: Go-live")],
        ),
        ("milestones:\n  - {name: Go-live, due: 2026-11-01, done: 2026-11-20, acknowledged: 2026-11-20}\n", []),
        (
            "dates:\n  - {date: 2020-12-04, label: Founding day, yearly: true}\n",
            [("2026-12-04", "dana", "due", "Founding day (6 years)")],
        ),
        ("dates:\n  - {date: 2020-12-05, label: Founding day, yearly: true}\n", []),  # 15 days ahead
        ("dates:\n  - {date: 2020-12-04, label: Founding day}\n", []),  # not yearly
    ],
)
def test_recognition_at_its_boundaries(
    make_repo: Callable[..., Path], cli: Callable[..., Run], extra: str, expected: list[tuple[str, str, str, str]]
) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML + extra})
    assert _recognitions(cli, root) == expected


def test_the_relationship_anniversary_from_the_second_year(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    record = CLIENT_YAML.replace("since: 2025-01-01", "since: 2025-12-01")
    assert _recognitions(cli, make_repo({"clients/acme/client.yaml": record})) == [
        ("2026-12-01", "dana", "due", "1 year with us")
    ]
    record = CLIENT_YAML.replace("since: 2025-01-01", "since: 2026-11-25")  # the first year is not one
    assert _recognitions(cli, make_repo({"clients/acme/client.yaml": record})) == []


def test_a_win_logged_as_an_event_is_recognised_until_acknowledged(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    event = "clients/acme/events/2026-11-18-win-launch.yaml"
    root = make_repo({event: "summary: Launch\n"})
    assert _recognitions(cli, root) == [("2026-11-18", "dana", "overdue", "recognise the win: Launch")]
    (root / event).write_text("summary: Launch\nacknowledged: 2026-11-19\n", encoding="utf-8")
    assert _recognitions(cli, root) == []
