"""Time the monthly health timeline (12 month ends from Git history), cold and warm.

    python benchmarks/health_timeline.py [--corpus benchmarks/corpus/medium]

Copies the corpus into a Git repository (in /dev/shm when it exists) with one commit a month for
twelve months (each changing a few notes), then times `health_timeline` with an empty cache (cold)
and again (warm: every month end is read from the cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gitrepo import corpus_repository, git

from generator.git.timeline import health_timeline

TODAY = dt.date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus" / "medium")
    args = parser.parse_args()
    with corpus_repository(args.corpus, date="2025-11-01T10:00:00") as root:
        notes = sorted(root.glob("clients/*/meetings/*.md"))
        for month in range(12):
            day = f"{2025 + (10 + month) // 12}-{(10 + month) % 12 + 1:02d}-15T10:00:00"
            for note in notes[month::1500]:
                note.write_text(note.read_text() + f"\nUpdate {month}.\n")
            git(root, "add", "-A", date=day)
            git(root, "commit", "-qm", f"month {month}", date=day)
        started = time.perf_counter()
        timeline = health_timeline(root, TODAY)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        health_timeline(root, TODAY)
        warm = time.perf_counter() - started
        print(
            f"health timeline, {len(timeline.months)} month ends, {len(timeline.clients)} clients: "
            f"cold {cold:.1f} s, warm {warm:.2f} s"
        )


if __name__ == "__main__":
    main()
