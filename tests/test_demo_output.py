"""The demo site's bytes, pinned: a change of layout or of code that should not change the output
(issue 15's moves, say) must leave every page as it was. When the output changes on purpose, the
change shows here page by page; `pytest tests/test_demo_output.py --snapshot-update` records it.

The demo is built from a copy without Git, so the pins do not depend on this repository's commits
(the History parts of the pages are tested elsewhere against real Git)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import REPO_ROOT, Run


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_demo_builds_to_the_recorded_bytes(
    tmp_path: Path, cli: Callable[..., Run], snapshot: SnapshotAssertion
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(REPO_ROOT / "clients", kb / "clients")
    shutil.copytree(REPO_ROOT / "playbooks", kb / "playbooks")
    shutil.copy(REPO_ROOT / "kb.yaml", kb / "kb.yaml")
    run = cli("--today", "2026-11-20", "build", "--out", str(tmp_path / "site"), "--no-cache", root=kb)
    assert run.exit_code == 0, run.stderr
    digests = _digests(tmp_path / "site")
    assert len(digests) > 500
    assert digests == snapshot.use_extension(JSONSnapshotExtension)
