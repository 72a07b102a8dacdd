"""The advocacy pipeline at its boundaries, computed by hand and read from `health --format json`
(`advocacy_state`), and the advocacy page. kb.yaml's defaults: a promoter's answer counts 6 months,
a win 90 days, and nobody is asked again within 6 months."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLIENT_YAML, Run

TODAY = "2026-11-20"


def _state(cli: Callable[..., Run], root: Path) -> str:
    run = cli("--today", TODAY, "health", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert isinstance(data, list)
    return str(data[0]["advocacy_state"])


PROMOTER = "nps:\n  - {date: 2026-05-20, score: 9}\n"  # 6 months to the day: still counts
WIN = "wins:\n  - {date: 2026-08-22, summary: Launch}\n"  # 90 days to the day: still recent


@pytest.mark.parametrize(
    ("extra", "state"),
    [
        (PROMOTER + WIN, "ready"),
        ("nps:\n  - {date: 2026-05-19, score: 9}\n" + WIN, "none"),  # the answer is a day too old
        (PROMOTER + "wins:\n  - {date: 2026-08-21, summary: Launch}\n", "none"),  # the win is a day too old
        ("nps:\n  - {date: 2026-05-20, score: 10}\n  - {date: 2026-10-01, score: 8}\n" + WIN, "none"),  # latest is 8
        (
            PROMOTER + WIN + "advocacy:\n  asks:\n    - {kind: testimonial, date: 2026-05-21, outcome: waiting}\n",
            "asked",
        ),
        (
            PROMOTER + WIN + "advocacy:\n  asks:\n    - {kind: testimonial, date: 2026-05-20, outcome: waiting}\n",
            "ready",
        ),
        (PROMOTER + WIN + "advocacy:\n  asks:\n    - {kind: review, date: 2026-10-01, outcome: declined}\n", "none"),
        (PROMOTER + WIN + "advocacy:\n  asks:\n    - {kind: case-study, date: 2026-10-01, outcome: done}\n", "done"),
        (
            "advocacy:\n  asks:\n    - {kind: referral, date: 2025-01-10, outcome: done}\n",
            "done",
        ),  # long ago, still done
        (PROMOTER + WIN + "advocacy:\n  asks:\n    - {kind: review, date: 2026-12-01, outcome: waiting}\n", "ready"),
    ],
)
def test_advocacy_state_at_its_boundaries(
    make_repo: Callable[..., Path], cli: Callable[..., Run], extra: str, state: str
) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML + extra})
    assert _state(cli, root) == state


def test_a_prospect_or_former_client_is_never_ready(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    record = CLIENT_YAML.replace("status: active", "status: prospect") + PROMOTER + WIN
    assert _state(cli, make_repo({"clients/acme/client.yaml": record})) == "none"


def test_the_advocacy_page_and_the_owners_page(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    referred = CLIENT_YAML.replace("Acme Corp", "Beta Bakery").replace("owner: dana", "owner: marco")
    referred += "contract: {value: 500, currency: EUR, period: month}\nadvocacy: {referred_by: acme}\n"
    root = make_repo(
        {
            "clients/acme/client.yaml": CLIENT_YAML + PROMOTER + WIN + "advocacy: {referrals: [beta]}\n",
            "clients/beta/client.yaml": referred,
        }
    )
    out = root / "site"
    assert cli("--today", TODAY, "build", "--out", str(out), root=root).exit_code == 0
    page = (out / "advocacy.html").read_text(encoding="utf-8")
    ready = page[page.index('id="ready"') : page.index('id="asked"')]
    assert "Acme Corp" in ready and "NPS 9 on 2026-05-20, win on 2026-08-22: Launch" in ready
    assert "Beta Bakery" not in ready
    assert "Recurring value that came by referral: <strong>6,000 EUR</strong>" in page
    owner = (out / "owners/dana.html").read_text(encoding="utf-8")
    assert 'id="ready"' in owner and "Acme Corp" in owner
    assert 'id="ready"' not in (out / "owners/marco.html").read_text(encoding="utf-8")
    exported = (out / "data/clients.json").read_text(encoding="utf-8")
    assert '"advocacy_state": "ready"' in exported and '"advocacy_state": "none"' in exported
