"""Ctrl-C, as a terminal sends it (SIGINT to the whole process group), at any moment of a command that
uses worker processes: exit 130 within 5 s, no traceback, and the old site or the new one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build.workers import PARALLEL_FROM
from generator.source.stamps import RACY_MARGIN
from tests.conftest import REPO_ROOT
from tests.test_crash import TODAY, finished, tree
from tests.test_diff import commit, git

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate

CLIENTS = 4 * PARALLEL_FROM  # enough clients for worker processes to load, render and write the site
STARTED = 0.25
"""Seconds before the first SIGINT: Python's own start-up (before any of clientkb's code runs) is not
clientkb's to handle."""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "kb"
    generate(root, CLIENTS, 3 * CLIENTS)
    (root / ".gitignore").write_text("site/\n")
    git(root, "init", "-q")
    commit(root, "Start", date="2026-09-01T10:00:00")
    return root


def command(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "--jobs", "2", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: SIGINT to the group is what a terminal sends
    )


def interrupt(process: subprocess.Popen[bytes], after: float) -> tuple[float, str]:
    """SIGINT to the process group `after` seconds in; returns how long it took to end, and stderr."""
    time.sleep(after)
    assert process.poll() is None, f"finished before the SIGINT at {after:.2f} s: the trial tests nothing"
    took, stderr, _ = _interrupt(process)
    return took, stderr


def _interrupt(process: subprocess.Popen[bytes]) -> tuple[float, str, bytes]:
    os.killpg(process.pid, signal.SIGINT)
    sent = time.monotonic()
    try:
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return time.monotonic() - sent, stderr.decode(), stdout


def stop_while_working(root: Path, args: tuple[str, ...], at: float, output: bytes) -> None:
    """Start the command and SIGINT it `at` seconds in: it must stop as `assert_stopped` says. A trial
    in which the command had ended, or had done all its work (its whole `output` written) and Python
    was shutting down, where the signal ends the process (docs/security.md, known limits), or had
    ended on its own in the moment between the check that it runs and the signal, tests nothing: a
    busy machine made the runs timed slower than this one. It runs again earlier, twice at the most
    (a command that ignored the signal would finish every time, and fail)."""
    for _ in range(3):
        process = command(root, *args)
        time.sleep(at)
        if process.poll() is not None:
            _, stderr_bytes = process.communicate()
            assert process.returncode == 0, stderr_bytes.decode()  # it ended on its own: cleanly
            at = max(STARTED, at / 2)
            continue
        took, stderr, stdout = _interrupt(process)
        done = stdout == output and bool(output)  # its whole output written: the work was over
        # Ended by the signal while shutting down, or on its own between the poll and the signal.
        if not (done and process.returncode in (-signal.SIGINT, 0)):
            assert_stopped(took, stderr, process=process, at=at)
            return
        at = max(STARTED, at / 2)
    raise AssertionError(f"the command was done before every SIGINT, the last at {at:.2f} s")


def points(seconds: float, count: int, seed: int) -> list[float]:
    """`count` moments spread over a run of `seconds` (one in each equal slice, at random within it)."""
    chooser = random.Random(seed)
    end = STARTED + 0.8 * (seconds - STARTED)
    width = (end - STARTED) / count
    return [STARTED + width * (index + chooser.random()) for index in range(count)]


def timed(process: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    finished(process)
    return time.monotonic() - started


def timed_output(process: subprocess.Popen[bytes]) -> tuple[float, bytes]:
    """How long the command took, and its whole output (exit 0)."""
    started = time.monotonic()
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    return time.monotonic() - started, stdout


def assert_stopped(took: float, stderr: str, *, process: subprocess.Popen[bytes], at: float) -> None:
    assert "Traceback" not in stderr, f"at {at:.2f} s: {stderr}"
    assert process.returncode == 130, f"at {at:.2f} s: exit {process.returncode}: {stderr[-500:]}"
    assert took <= 5, f"at {at:.2f} s: took {took:.1f} s to stop"


def test_ctrl_c_at_24_points_of_a_build(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    finished(command(repo, "build", "--out", str(out)))
    old = tree(out)
    kb = repo / "kb.yaml"
    original = kb.read_text()
    kb.write_text(original.replace("Benchmark Agency", "Renamed Agency"))
    try:
        reference = tmp_path / "reference"
        seconds = min(timed(command(repo, "build", "--out", str(reference), "--no-cache")) for _ in range(2))
        new = tree(reference)
        assert new != old
        outcomes = []
        for at in points(seconds, 24, 13):
            process = command(repo, "build", "--out", str(out), "--no-cache")
            assert_stopped(*interrupt(process, at), process=process, at=at)
            now = tree(out)
            assert now in (old, new), f"at {at:.2f} s the output is neither the old site nor the new one"
            outcomes.append("new" if now == new else "old")
            assert [p.name for p in tmp_path.iterdir() if ".clientkb-" in p.name] == [], f"at {at:.2f} s"
        assert "old" in outcomes
    finally:
        kb.write_text(original)


def test_ctrl_c_during_check(repo: Path) -> None:
    seconds, output = min(timed_output(command(repo, "check", "--no-cache")) for _ in range(2))
    for at in points(seconds, 6, 7):
        stop_while_working(repo, ("check", "--no-cache"), at, output)


def test_ctrl_c_during_diff(repo: Path) -> None:
    kb = repo / "kb.yaml"
    original = kb.read_text()
    kb.write_text(original.replace("Benchmark Agency", "Renamed Agency"))  # kb.yaml: every client compared
    # Older than the stamps' margin: the runs timed and the runs stopped then take the same time
    # (files younger than that are read again, so later runs would be faster than the timed ones).
    time.sleep(RACY_MARGIN / 1e9 + 0.2)
    try:
        seconds, output = min(timed_output(command(repo, "diff", "HEAD")) for _ in range(2))
        for at in points(seconds, 6, 11):
            stop_while_working(repo, ("diff", "HEAD"), at, output)
    finally:
        kb.write_text(original)


def test_ctrl_c_during_serves_first_build(repo: Path, tmp_path: Path) -> None:
    seconds = timed(command(repo, "build", "--out", str(tmp_path / "timed"), "--no-cache"))
    for index, at in enumerate(points(seconds, 6, 5)):
        # A busy machine makes one build slower than the next: when serve's first build was done
        # before the SIGINT, the trial tested nothing, and runs again earlier (twice at the most).
        for attempt in range(3):
            out = tmp_path / f"served-{index}-{attempt}"
            process = command(repo, "serve", "--port", "0", "--out", str(out), "--no-cache")
            took, stderr = interrupt(process, at)
            if "serving http" not in stderr:
                break
            at = max(STARTED, at / 2)
        assert "serving http" not in stderr, f"at {at:.2f} s the first build was already done"
        assert_stopped(took, stderr, process=process, at=at)


SWALLOWED = """
import os, signal, time, weakref
from generator.build import interrupts
interrupts.handle_interrupts()

class Thing:
    pass

def callback(ref):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)  # the handler runs in here, where Python only prints what it raises

thing = Thing()
ref = weakref.ref(thing, callback)
try:
    del thing
    time.sleep(2)
    print("not interrupted")
except KeyboardInterrupt:
    interrupts.interrupted()
"""


def test_ctrl_c_inside_a_callback_python_runs_for_itself_still_stops_the_program() -> None:
    """As when Ctrl-C lands in the weak-reference callback an import runs: raised again after it."""
    done = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=30, cwd=REPO_ROOT)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "interrupted\n")
