"""Time `clientkb due` and `clientkb digest` on a corpus in Git, first run (cold) and again (warm).

    python benchmarks/due_digest.py [--corpus benchmarks/corpus/medium] [--runs 3] [--code-at COMMIT]

Copies the corpus into a Git repository (in /dev/shm when it exists) committed on 2026-11-10, then
a second commit on 2026-11-18 that changes the status of some clients and adds notes (so the
digest has flags raised and cleared, and status changes to read). Each command runs as a user runs
it, in a new process, with its JSON written to /dev/null; the best of `--runs` warm runs is shown.
`--code-at` times another commit's clientkb (a Git worktree), for a baseline measured the same day.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gitrepo import corpus_repository, git
from run import HERE, use_code_at, write_bytecode

TODAY = "2026-11-20"


def _time(root: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, *args, "--format", "json"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "corpus" / "medium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code-at", metavar="COMMIT", help="time the clientkb of this commit instead")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    write_bytecode(use_code_at(args.code_at) if args.code_at else HERE.parent)
    with corpus_repository(corpus, date="2026-11-10T10:00:00") as root:
        records = sorted(root.glob("clients/*/client.yaml"))
        for record in records[::50]:
            text = record.read_text(encoding="utf-8")
            record.write_text(re.sub(r"^status: active$", "status: onboarding", text, flags=re.M), encoding="utf-8")
        git(root, "add", "-A", date="2026-11-18T10:00:00")
        git(root, "commit", "-qm", "some clients back to onboarding", date="2026-11-18T10:00:00")
        clients = len(records)
        for command in (["due"], ["digest"], ["digest", "--owner", "dana"]):
            first = _time(root, *command)
            warm = min(_time(root, *command) for _ in range(args.runs))
            print(f"{' '.join(command)} on {clients:,} clients: first run {first:.2f} s, warm {warm:.2f} s")


if __name__ == "__main__":
    main()
