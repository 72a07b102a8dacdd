"""A/B builds: another commit's clientkb and the working tree's, run in turns on the same corpus.

    python benchmarks/ab.py --corpus DIR --against COMMIT [--rounds 8] [--warm]

A change of a few per cent is below what one run of each can show on a shared machine (5-10% from
run to run); builds taken in turns, A then B, see the same moments of the machine, and the medians
of their CPU and wall times tell. Cold builds start with no build cache and no previous site (the
compiled templates kept, as for `run.py`'s cold row); `--warm` times builds in which nothing changed.
Each side has its own cache folder and output folder (on tmpfs).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TMPFS = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
TODAY = "2026-11-20"


def build(code: Path, corpus: Path, folder: Path, cold: bool) -> tuple[float, float]:
    """One build by the clientkb in `code`: (CPU seconds of it and its workers, wall seconds)."""
    cache, out = folder / "cache", folder / "site"
    if cold:
        for store in cache.glob("*/"):
            if store.name != "templates":
                shutil.rmtree(store)
        shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(code), "CLIENTKB_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "generator", "--root", str(corpus), "--today", TODAY, "build", "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=folder, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--against", required=True, help="the commit to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--warm", action="store_true", help="builds in which nothing changed")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, as pip does at install
    with tempfile.TemporaryDirectory(dir=TMPFS, prefix="clientkb-ab-") as scratch:
        root = Path(scratch)
        other = root / "other"
        git = ["git", "-C", str(HERE.parent), "worktree"]
        subprocess.run([*git, "add", "--detach", "-q", str(other), args.against], check=True)
        try:
            sides = {args.against: other, "working tree": HERE.parent}
            for code in sides.values():
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "generator")], check=True)
                folder = root / ("a" if code == other else "b")
                folder.mkdir()
                build(code, args.corpus, folder, cold=False)  # compiles the templates, makes a site to be warm on
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
            for _ in range(args.rounds):
                for name, code in sides.items():
                    folder = root / ("a" if code == other else "b")
                    times[name].append(build(code, args.corpus, folder, cold=not args.warm))
        finally:
            subprocess.run([*git, "remove", "--force", str(other)], check=False)
    kind = "warm, nothing changed" if args.warm else "cold"
    print(f"{args.corpus}: {kind} builds, {args.rounds} rounds in turns")
    for name, runs in times.items():
        cpu, wall = [c for c, _ in runs], [w for _, w in runs]
        print(
            f"  {name:14} CPU median {statistics.median(cpu):.2f} s (min {min(cpu):.2f}),"
            f" wall median {statistics.median(wall):.2f} s (min {min(wall):.2f})"
        )


if __name__ == "__main__":
    main()
