"""A throw-away Git repository holding a benchmark corpus (on tmpfs when there is one)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
    if date is not None:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@contextlib.contextmanager
def corpus_repository(corpus: Path, date: str | None = None) -> Iterator[Path]:
    """A copy of `corpus` committed once in a new repository, removed afterwards."""
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        root = Path(folder) / "kb"
        shutil.copytree(corpus, root)
        git(root, "init", "-q")
        git(root, "add", "-A", date=date)
        git(root, "commit", "-qm", "corpus", date=date)
        yield root
