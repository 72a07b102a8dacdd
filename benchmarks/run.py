"""Benchmark runner: times clientkb on a generated knowledge base and prints each figure.

    python benchmarks/run.py [--size small|medium|large] [--corpus DIR]

The corpus is generated once (deterministically) under benchmarks/corpus/<size>/ and reused.
"Cold" runs drop the page cache first when the runner may (root); otherwise they are marked warm.
Peak memory is the highest sum of the resident memory of clientkb and all its worker processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SIZES, generate

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-20"


@dataclass
class Measure:
    seconds: float
    peak_mib: float
    exit_code: int
    output: str


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parent = int(fields[1])
            children.setdefault(parent, []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def measure(args: list[str]) -> Measure:
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measure(seconds, peak / 1024, process.returncode, output)


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def clientkb(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="medium")
    parser.add_argument("--corpus", type=Path, help="where the corpus lives (default benchmarks/corpus/<size>)")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-build", action="store_true", help="time check and compute only")
    args = parser.parse_args()
    clients, notes = SIZES[args.size]
    corpus = args.corpus or HERE / "corpus" / args.size
    if args.regenerate or not (corpus / "kb.yaml").is_file():
        started = time.perf_counter()
        generate(corpus, clients, notes)
        print(f"generated {clients:,} clients / {notes:,} notes in {time.perf_counter() - started:.1f} s")

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"corpus: {args.size}: {clients:,} clients, {notes:,} notes at {corpus}")
    rows: list[tuple[str, str, str]] = []

    def best_of(runs: int, *command: str) -> Measure:
        results = [measure(clientkb(corpus, *command)) for _ in range(runs)]
        for result in results:
            assert result.exit_code == 0, result.output
        return min(results, key=lambda m: m.seconds)

    cold = drop_caches()
    result = measure(clientkb(corpus, "check"))
    assert result.exit_code == 0, result.output
    label = "check, cold cache" if cold else "check, first run (cache not dropped: not root)"
    rows.append((label, f"{result.seconds:.2f} s", f"{result.peak_mib:.0f} MiB"))
    check = best_of(3, "check")
    rows.append(("check, warm cache (best of 3)", f"{check.seconds:.2f} s", f"{check.peak_mib:.0f} MiB"))
    health = best_of(3, "health", "--format", "json")
    rows.append(("health --format json, warm (best of 3)", f"{health.seconds:.2f} s", f"{health.peak_mib:.0f} MiB"))
    rows.append(("  computing insights adds to check", f"{health.seconds - check.seconds:+.2f} s", ""))
    due = best_of(3, "due")
    rows.append(("due, warm (best of 3)", f"{due.seconds:.2f} s", f"{due.peak_mib:.0f} MiB"))

    if not args.skip_build:
        tmpfs = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        with tempfile.TemporaryDirectory(dir=tmpfs) as folder:
            result = measure(clientkb(corpus, "build", "--out", str(Path(folder) / "site")))
            assert result.exit_code == 0, result.output
            pages = result.output.strip().splitlines()[-1]
            rows.append(
                (
                    f"build, cold, output on tmpfs ({pages.split(' in ')[0]})",
                    f"{result.seconds:.2f} s",
                    f"{result.peak_mib:.0f} MiB",
                )
            )

    width = max(len(r[0]) for r in rows)
    print(f"\n{'what':<{width}}  {'time':>9}  {'peak memory':>11}")
    for name, seconds, memory in rows:
        print(f"{name:<{width}}  {seconds:>9}  {memory:>11}")


if __name__ == "__main__":
    main()
