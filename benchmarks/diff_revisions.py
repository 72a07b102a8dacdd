"""Time `clientkb diff` between two revisions of a large knowledge base.

    python benchmarks/diff_revisions.py [--corpus benchmarks/corpus/medium]

Copies the corpus into a fresh Git repository (in /dev/shm when it exists), commits it, changes
ten clients (an NPS answer that makes them red), commits again, and times
`clientkb diff HEAD~1 HEAD --format json` (best of three).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gitrepo import corpus_repository, git


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus" / "medium")
    args = parser.parse_args()
    with corpus_repository(args.corpus) as root:
        for client in sorted((root / "clients").iterdir())[::100][:10]:
            newest = sorted((client / "meetings").glob("*.md"))[-1]  # the latest answer decides
            text = newest.read_text()
            lines = [line for line in text.split("\n") if not line.startswith("nps:")]
            lines.insert(1, "nps: 0")
            newest.write_text("\n".join(lines))
        git(root, "commit", "-qam", "ten detractors")
        command = [sys.executable, "-m", "generator", "--root", str(root), "--today", "2026-11-20", "diff", "HEAD~1",
                   "HEAD", "--format", "json"]  # fmt: skip
        times = []
        for _ in range(3):
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - started)
        data = json.loads(result.stdout)
        print(
            f"diff of two revisions ({len(data['changed'])} clients changed): best {min(times):.2f} s, "
            f"runs {', '.join(f'{t:.2f}' for t in times)}"
        )


if __name__ == "__main__":
    main()
