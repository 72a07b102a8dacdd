"""The experience map computed by hand on a small knowledge base (the default stages), read from
`clientkb stats --format json`: each client's stage, days in it, touchpoints against expected,
stalled clients and gaps; a playbook's stage must be a stage of the journey."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import KB_YAML, Run


def record(status: str, since: str, extra: str = "") -> str:
    return (
        f"name: Client {since}\nstatus: {status}\nsegment: growth\nowner: dana\nsince: {since}\n"
        "contacts:\n  - {name: Ana, primary: true}\n" + extra
    )


def note(date: str, kind: str, sentiment: str = "neutral") -> str:
    return f"---\ndate: {date}\ntype: {kind}\nsentiment: {sentiment}\n---\nNotes.\n"


FILES: dict[str, str | None] = {
    "kb.yaml": KB_YAML,
    "clients/acme/client.yaml": None,
    "clients/acme/meetings/2026-11-02-check-in.md": None,
    "clients/p/client.yaml": record("prospect", "2026-10-01"),
    "clients/o/client.yaml": record("onboarding", "2026-08-01"),
    "clients/o/meetings/2026-11-02-check-in.md": note("2026-11-02", "check-in", "positive"),
    # in Git's absence, status_history says when onboarding began
    "clients/o2/client.yaml": record(
        "onboarding", "2025-01-01", "status_history:\n  - {status: onboarding, since: 2026-11-01}\n"
    ),
    "clients/r/client.yaml": record("active", "2025-01-01"),
    "clients/r/meetings/2026-11-10-review.md": note("2026-11-10", "review", "negative"),
    "clients/n/client.yaml": record("active", "2025-01-01", "contract: {renewal: 2026-12-31}\n"),
    "clients/e/client.yaml": record("active", "2024-01-01"),
    "clients/e/meetings/2026-11-15-check-in.md": note("2026-11-15", "check-in"),
    "clients/f/client.yaml": record("former", "2024-01-01", "until: 2026-01-01\n"),
}


def _journey(cli: Callable[..., Run], root: Path) -> dict[str, Any]:
    run = cli("--today", "2026-11-20", "stats", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, dict)
    return {stage["stage"]: stage for stage in data["journey"]}


def test_the_experience_map_by_hand(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    journey = _journey(cli, make_repo(FILES))
    assert list(journey) == ["discovery", "onboarding", "planning", "execution", "review", "renewal", "offboarding"]
    assert {k: v["clients"] for k, v in journey.items()} == {
        "discovery": ["p"],
        "onboarding": ["o", "o2"],  # the longest there first
        "planning": [],
        "execution": ["e"],
        "review": ["r"],  # its latest meeting was a review
        "renewal": ["n"],  # renews within 60 days
        "offboarding": [],
    }
    onboarding = journey["onboarding"]
    # o: 111 days since 2026-08-01, past the 60 expected; o2: 19 days since its status_history entry.
    assert (onboarding["median_days"], onboarding["slowest"], onboarding["stalled"]) == (
        65,
        {"client": "o", "days": 111},
        ["o"],
    )
    # check-ins every 2 weeks over the last 90 days: o 6 expected (90 // 14), o2 1 (19 // 14); held: o's one
    assert onboarding["touchpoints"] == {"held": 1, "expected": 7}
    assert onboarding["gaps"] == ["1 of 7 touchpoints held", "1 stalled"]
    assert onboarding["sentiment"] == {"positive": 1, "neutral": 0, "negative": 0}
    assert journey["onboarding"]["longest_silence"] == {"client": "o2", "days": 19}  # no meeting: since it entered
    # e: active since 2024, judged on the last 90 days: a check-in a month (31 days from 2026-08-22) -> 2
    assert journey["execution"]["touchpoints"] == {"held": 1, "expected": 2}
    assert (journey["review"]["slowest"], journey["review"]["sentiment"]["negative"]) == (
        {"client": "r", "days": 10},
        1,
    )
    assert journey["renewal"]["slowest"] == {"client": "n", "days": 19}  # from 60 days before 2026-12-31
    assert journey["discovery"]["stalled"] == [] and journey["discovery"]["gaps"] == []  # 50 days of 2 months


def test_onboarding_stalled_counts_from_status_history_too(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo(FILES)
    health = cli("--today", "2026-11-20", "health", "--format", "json", root=root).json()
    assert isinstance(health, list)
    stalled = {h["client"] for h in health for f in h["flags"] if f["code"] == "onboarding-stalled"}
    assert stalled == {"o"}  # o2's status_history puts its onboarding at 2026-11-01


def test_a_playbooks_stage_is_a_stage_of_the_journey(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    playbook = "---\ntitle: Onboarding\nstage: onbording\n---\n- [ ] Welcome\n"
    root = make_repo({"playbooks/onboarding.md": playbook})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [(p["file"], p["line"], p["code"]) for p in problems] == [("playbooks/onboarding.md", 3, "unknown-stage")]
    assert "'onboarding'" in problems[0]["message"]
