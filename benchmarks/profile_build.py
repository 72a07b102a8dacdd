"""Where a build spends its time: cProfile of a cold and a warm build, in one process.

    python benchmarks/profile_build.py [--corpus DIR] [--top 15]

Runs `build --jobs 1` (so the profile sees every stage; workers would hide it) twice on the
corpus, into a folder on tmpfs: cold (no cache, no previous site) and warm (nothing changed), with
search indexing (generator/site/search.py) as in a normal build.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.build.config import BuildConfig, Mode
from generator.build.site import build_site
from generator.source.cache import FOLDER

TODAY = dt.date(2026, 11, 20)


def profile(label: str, root: Path, out: Path, top: int) -> None:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = build_site(BuildConfig(root=root, mode=Mode.SITE, today=TODAY, output=out, jobs=1))
    profiler.disable()
    seconds = time.perf_counter() - started
    assert result.published, result.problems[:3]
    print(f"## {label}: {result.pages:,} pages, {result.changed:,} written, {seconds:.1f} s (profiled, one process)\n")
    for order, restriction, title in (
        ("cumulative", "generator", "clientkb's own functions, by time spent in them and what they call"),
        ("tottime", "", "every function, by time spent in its own code"),
    ):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats(order).print_stats(restriction, top)
        lines = [
            line.replace(str(Path(__file__).resolve().parent.parent) + "/", "") for line in text.getvalue().splitlines()
        ]
        lines = [re.sub(r"/\S*/lib/python3\.\d+/(site-packages/)?", "", line) for line in lines]
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"{title}:\n\n```")
        print("\n".join(lines[start : start + top + 1]))
        print("```\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus" / "small")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    shutil.rmtree(args.corpus / FOLDER, ignore_errors=True)
    tmpfs = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(dir=tmpfs) as folder:
        out = Path(folder) / "site"
        profile("cold build", args.corpus, out, args.top)
        profile("warm build, nothing changed", args.corpus, out, args.top)


if __name__ == "__main__":
    main()
