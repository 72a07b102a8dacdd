"""Where a cold build's memory goes over time: the main process and its workers, apart.

    python benchmarks/memory_timeline.py --corpus DIR [--lines 40]

`run.py` gives the peak of all processes together; this samples the proportional set size (PSS) of
the main process and of its workers every half second and prints the timeline, so that one sees
which phase makes the peak (the workers' load, or the whole-site pages made in the main process
alone above 2,000 clients) and how the main process grows per client. Cold: no build cache, no
previous site; the compiled templates are made first, outside the timing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import TMPFS, TODAY, _pss_kib, drop_caches


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--lines", type=int, default=40, help="timeline lines printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=TMPFS, prefix="clientkb-memory-") as scratch:
        cache, out = Path(scratch) / "cache", Path(scratch) / "site"
        env = {**os.environ, "CLIENTKB_CACHE_DIR": str(cache)}
        command = [sys.executable, "-m", "generator", "--root", str(args.corpus), "--today", TODAY, "build"]
        subprocess.run([*command, "--out", str(out)], env=env, check=True, capture_output=True)
        for store in cache.glob("*/"):
            if store.name != "templates":
                shutil.rmtree(store)
        shutil.rmtree(out)
        drop_caches()
        started = time.perf_counter()
        process = subprocess.Popen([*command, "--out", str(out)], env=env, stdout=subprocess.PIPE)
        samples: list[tuple[float, int, int]] = []
        while process.poll() is None:
            main_kib = _pss_kib(process.pid) or 0
            workers_kib = sum(_pss_kib(child) or 0 for child in _children(process.pid))
            samples.append((time.perf_counter() - started, main_kib // 1024, workers_kib // 1024))
            time.sleep(0.5)
        output = process.stdout.read().decode() if process.stdout else ""
    print(output.strip())
    top = max(samples, key=lambda s: s[1] + s[2])
    print(f"peak {top[1] + top[2]} MiB at {top[0]:.1f} s (main process {top[1]} MiB, workers {top[2]} MiB)")
    for seconds, main_mib, workers_mib in samples[:: max(1, len(samples) // args.lines)]:
        together = main_mib + workers_mib
        print(f"{seconds:8.1f} s  main {main_mib:5d} MiB  workers {workers_mib:5d} MiB  together {together:5d} MiB")


if __name__ == "__main__":
    main()
