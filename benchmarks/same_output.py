"""Is the site byte for byte what an earlier commit built? Issue 21 made builds faster under the
promise that the output does not change; this checks the promise on any corpus.

    python benchmarks/same_output.py --corpus DIR [--base 83f900f] [--jobs N]

Builds the corpus with the code of `--base` (a Git worktree in a temporary folder) and with the
code of this checkout, both cold (no cache, no previous site), with the same `--today`, and lists
every file that is missing on one side or whose bytes differ. Exit code 1 when any does.
83f900f is the commit issue 21 started from.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-20"


def build(code: Path, corpus: Path, out: Path, cache: Path, jobs: int | None) -> None:
    """`clientkb build` with the generator package found in `code`, caching in a folder of its own."""
    env = {**os.environ, "PYTHONPATH": str(code), "XDG_CACHE_HOME": str(cache)}
    flags = [] if jobs is None else ["--jobs", str(jobs)]
    command = [sys.executable, "-m", "generator", "--root", str(corpus), "--today", TODAY, "build", "--out", str(out)]
    result = subprocess.run([*command, *flags], env=env, cwd=code, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build with {code} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def differences(left: Path, right: Path) -> list[str]:
    """Every path under either folder that is missing from the other or has other bytes."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"only in the base's site: {prefix}{name}" for name in compared.left_only)
        found.extend(f"only in this checkout's site: {prefix}{name}" for name in compared.right_only)
        _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
        found.extend(f"bytes differ: {prefix}{name}" for name in [*mismatch, *errors])
        for name, sub in sorted(compared.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--base", default="83f900f", help="the commit whose output is the reference")
    parser.add_argument("--jobs", type=int, help="passed to both builds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as folder:
        work = Path(folder)
        base = work / "base-code"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.base], check=True)
        try:
            build(base, args.corpus.resolve(), work / "base-site", work / "base-cache", args.jobs)
            build(REPO, args.corpus.resolve(), work / "new-site", work / "new-cache", args.jobs)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=True)
        found = differences(work / "base-site", work / "new-site")
        files = sum(1 for p in (work / "new-site").rglob("*") if p.is_file())
    for line in found[:50]:
        print(line)
    if found:
        raise SystemExit(f"{len(found)} of {files:,} files differ from the site {args.base} builds")
    print(f"same bytes: all {files:,} files of the site are those {args.base} builds")


if __name__ == "__main__":
    main()
