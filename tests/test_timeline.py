"""Health over time from Git history at month ends, cached by commit id."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.git import timeline as timeline_module
from generator.git.timeline import health_timeline, month_ends
from generator.source.cache import CacheStore
from tests.conftest import CLIENT_YAML, KB_YAML, Run
from tests.test_diff import commit, git


def test_month_ends() -> None:
    assert month_ends(dt.date(2026, 3, 15), 3) == [dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 28)]


def test_health_at_each_month_end(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(
        {"kb.yaml": KB_YAML, ".gitignore": "site/\n", "clients/acme/meetings/2026-11-02-check-in.md": None}
    )
    record = root / "clients/acme/client.yaml"
    record.write_text(CLIENT_YAML.replace("since: 2025-01-01", "since: 2026-07-01"))
    git(root, "init", "-q")
    commit(root, "Acme signs", date="2026-07-05T10:00:00")
    # A July check-in keeps Acme green until the end of September (1m cadence, quiet after 2x).
    (root / "clients/acme/meetings").mkdir()
    (root / "clients/acme/meetings/2026-07-20-kickoff.md").write_text("---\ndate: 2026-07-20\ntype: qbr\n---\nGo.\n")
    commit(root, "Kickoff", date="2026-07-21T10:00:00")
    record.write_text(
        CLIENT_YAML.replace("since: 2025-01-01", "since: 2026-07-01") + "contract: {renewal: 2026-09-15}\n"
    )
    commit(root, "Contract renewal date", date="2026-09-02T10:00:00")
    timeline = health_timeline(root, dt.date(2026, 11, 20))
    assert timeline.months == (dt.date(2026, 7, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31))
    # July and August: green. September: the renewal date has passed (red). October: still red.
    assert timeline.clients["acme"] == ("green", "amber", "red", "red")
    assert [c["red"] for c in timeline.counts()] == [0, 0, 1, 1]
    store = CacheStore.open(root)
    assert store is not None
    cached = sorted((store.folder / "health").rglob("*.json"))
    assert len(cached) == 4
    assert not (root / ".clientkb-cache").exists()
    # A second run reads the cache: a month sealed with a changed answer shows it is what is read.
    (july,) = [path for path in cached if "-2026-07-31" in path.name]
    rel = july.relative_to(store.folder).as_posix()
    store.write(rel, b'{"acme": "red"}')
    assert health_timeline(root, dt.date(2026, 11, 20)).clients["acme"][0] == "red"
    assert health_timeline(root, dt.date(2026, 11, 20), cache=False).clients["acme"][0] == "green"
    # A file not sealed with this user's key (committed, planted, or from another machine) is not read.
    july.write_text('{"acme": "red"}')
    assert health_timeline(root, dt.date(2026, 11, 20)).clients["acme"][0] == "green"
    # Another clientkb (its code's digest) computes every month again and forgets the old ones.
    store.write(rel, b'{"acme": "red"}')
    monkeypatch.setattr(timeline_module, "code_digest", lambda: b"another clientkb")
    assert health_timeline(root, dt.date(2026, 11, 20)).clients["acme"][0] == "green"
    assert not july.exists()
    monkeypatch.undo()
    assert cli("--today", "2026-11-20", "build", root=root).exit_code == 0
    page = (root / "site/clients/acme/index.html").read_text(encoding="utf-8")
    assert "Health at each month end" in page and "Sep 2026: red" in page
    assert "Clients by health, month by month" in (root / "site/index.html").read_text(encoding="utf-8")


def test_no_timeline_outside_git(make_repo: Callable[..., Path]) -> None:
    assert health_timeline(make_repo(), dt.date(2026, 11, 20)).months == ()


def test_a_shallow_clone_says_so_and_credits_no_commit_wrongly(
    make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    """actions/checkout clones one commit by default: that commit looks as if it added every file."""
    root = make_repo({"kb.yaml": KB_YAML, ".gitignore": "site/\n"})
    git(root, "init", "-q")
    commit(root, "Acme signs", date="2026-06-05T10:00:00")
    (root / "clients/acme/client.yaml").write_text(CLIENT_YAML.replace("Acme Corp", "Acme Corporation"))
    commit(root, "Rename Acme", date="2026-08-10T10:00:00")
    (root / "kb.yaml").write_text(KB_YAML.replace("Test Studio", "Test Studio Ltd"))
    commit(root, "Studio name", date="2026-10-03T10:00:00")
    full = cli("--today", "2026-11-20", "build", root=root)
    assert full.exit_code == 0 and "shallow" not in full.stderr
    whole = (root / "site/clients/acme/index.html").read_text(encoding="utf-8")
    assert "Rename Acme" in whole and "Acme signs" in whole and "shallow clone" not in whole

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    run = cli("--today", "2026-11-20", "build", root=clone)
    assert run.exit_code == 0, run.stderr
    assert "shallow clone; its Git history starts on 2026-10-03" in run.stderr
    page = (clone / "site/clients/acme/index.html").read_text(encoding="utf-8")
    assert "shallow clone" in page and "fetch-depth: 0" in page
    # The one commit of the clone did not change Acme: nothing on Acme's page is credited to it.
    assert "Studio name" not in page and "Rename Acme" not in page
    dashboard = (clone / "site/index.html").read_text(encoding="utf-8")
    assert "Health over the last 12 months" in dashboard and "shallow clone" in dashboard
    diff = cli("--today", "2026-11-20", "diff", "HEAD~1", root=clone)
    assert diff.exit_code == 1 and "git fetch --unshallow" in diff.stderr
