"""A build killed at any moment leaves the output exactly as it was, or exactly the new site."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate

TODAY = "2026-11-20"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, out: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "--jobs", "2", "build", "--out",
         str(out), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the workers are killed with it
    )  # fmt: skip


def finished(process: subprocess.Popen[bytes]) -> bytes:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    return stderr


def test_sigkill_at_random_points(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    generate(root, 60, 900)
    out = tmp_path / "site"
    started = time.monotonic()
    finished(build(root, out))
    duration = time.monotonic() - started
    old = tree(out)
    note = sorted(root.glob("clients/*/meetings/*.md"))[0]
    note.write_text(note.read_text() + "\nA new paragraph.\n")
    reference = tmp_path / "reference"
    finished(build(root, reference))
    new = tree(reference)
    assert old != new
    chooser = random.Random(20261120)
    outcomes = []
    for _ in range(8):
        # Without the cache each build takes as long as the first: kills land all through it.
        process = build(root, out, "--no-cache")
        time.sleep(chooser.uniform(0.05, duration))
        with contextlib.suppress(ProcessLookupError):  # it may have finished
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        now = tree(out)
        assert now in (old, new), "the output is neither the old site nor the new one"
        outcomes.append("new" if now == new else "old")
    # The next build cleans up the staging folders the killed builds left.
    finished(build(root, out))
    assert tree(out) == new
    assert [p.name for p in tmp_path.iterdir() if "clientkb-new" in p.name or "clientkb-old" in p.name] == []
    assert "old" in outcomes  # some kills landed while the site was still being built
