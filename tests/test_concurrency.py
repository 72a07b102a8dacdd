"""One build per output folder at a time: concurrent builds wait for each other, and every one of them
publishes a whole site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build.outputlock import OutputBusy, lock_path, output_lock
from generator.build.workers import PARALLEL_FROM
from generator.build.write import MARKER
from tests.conftest import REPO_ROOT
from tests.test_crash import build, finished, tree

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".clientkb-" in p.name)


def test_twenty_pairs_of_concurrent_builds_each_publish_a_whole_site(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    generate(root, 3 * PARALLEL_FROM, 3 * PARALLEL_FROM)  # workers load, render and write
    reference = tmp_path / "reference"
    finished(build(root, reference))
    expected = tree(reference)
    out = tmp_path / "site"
    for pair in range(20):
        # One without the cache (slow) beside one with it, started in either order.
        options = [("--no-cache",), ()] if pair % 2 else [(), ("--no-cache",)]
        processes = [build(root, out, *flags) for flags in options]
        for process in processes:
            finished(process)
        assert tree(out) == expected, f"pair {pair}: the published site is not the whole site"
        assert (out / MARKER).is_file()
        assert leftovers(tmp_path) == [], f"pair {pair}: {leftovers(tmp_path)}"
    finished(build(root, out))
    assert tree(out) == expected


def _holder(out: Path) -> subprocess.Popen[str]:
    code = (
        "import sys, time; from pathlib import Path; from generator.build.outputlock import output_lock\n"
        f"with output_lock(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_build_that_waits_too_long_names_the_holder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    holder = _holder(out)
    try:
        started = time.monotonic()
        with pytest.raises(OutputBusy, match=rf"process {holder.pid}\b"), output_lock(out, wait=0.5):
            pass
        assert 0.5 <= time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_never_blocks_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    holder = _holder(out)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock_path(out).exists()  # a SIGKILL leaves the file, but not the lock
    with output_lock(out, wait=0.5):
        assert lock_path(out).read_text().strip() == str(os.getpid())
    assert not lock_path(out).exists()  # released: nothing is left beside the output


def test_a_waiting_build_goes_on_when_the_holder_is_done(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    generate(root, 5, 10)
    out = tmp_path / "site"
    holder = _holder(out)
    waiting = build(root, out)
    time.sleep(1.0)
    assert waiting.poll() is None, "the build did not wait for the holder"
    holder.kill()
    holder.wait()
    finished(waiting)
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
