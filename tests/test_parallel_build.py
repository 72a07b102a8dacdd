"""Workers or not, the site is the same bytes: the clients' pages and the whole-site pages
(dashboards, digests, lists, calendars, exports, search index) rendered by forked workers and
merged in order are those one process writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.build.workers import PARALLEL_FROM
from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate

TODAY = "2026-11-20"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, out: Path, jobs: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "--jobs", str(jobs), "build",
         "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_workers_write_the_same_site_as_one_process(tmp_path: Path) -> None:
    clients = PARALLEL_FROM + 8
    generate(tmp_path / "kb", clients, 3 * clients, shape="rich")
    build(tmp_path / "kb", tmp_path / "one", jobs=1)
    build(tmp_path / "kb", tmp_path / "two", jobs=2)
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert len([p for p in one if p.startswith(("digest/", "dashboards/", "owners/"))]) > 20
    assert [p for p in one if one[p] != two[p]] == []
    # And again over the previous site: unchanged whole-site pages are linked, not written.
    before = {p.name: p.stat().st_ino for p in (tmp_path / "two" / "digest").iterdir()}
    build(tmp_path / "kb", tmp_path / "two", jobs=2)
    assert tree(tmp_path / "two") == two
    after = {p.name: p.stat().st_ino for p in (tmp_path / "two" / "digest").iterdir()}
    assert after == before
