"""Reading a knowledge base as it is at a Git revision, without touching the working tree."""

from __future__ import annotations

import subprocess
import tarfile
from collections.abc import Sequence
from pathlib import Path


class RevisionError(Exception):
    """A revision that cannot be read: not a Git repository, no commits, an unknown name."""


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise RevisionError(f"git cannot run: {exc}") from None


def resolve(root: Path, rev: str) -> str:
    """The commit id of `rev`, or a RevisionError saying why there is none."""
    if git(root, "rev-parse", "--git-dir").returncode != 0:
        raise RevisionError(f"{root} is not in a Git repository")
    if git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise RevisionError("the repository has no commits yet")
    result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.returncode != 0:
        raise RevisionError(f"{rev!r} is not a revision of this repository (a branch, tag or commit)")
    return result.stdout.strip()


def materialize(root: Path, commit: str, dest: Path, paths: Sequence[str] = (".",)) -> Path:
    """Write `paths` of the knowledge base as it is at `commit` into `dest`; returns its root there."""
    prefix = git(root, "rev-parse", "--show-prefix").stdout.strip()
    process = subprocess.Popen(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "--", *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
        archive.extractall(dest, filter="data")  # refuses links and paths that leave dest
    _, error = process.communicate()
    if process.returncode != 0:
        raise RevisionError(f"git archive failed: {error.decode(errors='replace').strip()}")
    (dest / prefix).mkdir(parents=True, exist_ok=True)
    return dest / prefix


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if line]


def client_folders(root: Path, commit: str | None) -> frozenset[str]:
    """The client folders at `commit` (None: the working tree)."""
    if commit is None:
        folder = root / "clients"
        return frozenset(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else frozenset()
    listed = lines(git(root, "ls-tree", "-d", "--name-only", f"{commit}:./clients"))
    return frozenset(listed)


def changed_files(root: Path, base: str, head: str | None) -> set[str]:
    """Files (relative to the knowledge base) that differ between `base` and `head` (None: working tree)."""
    revisions = [base] if head is None else [base, head]
    changed = set(lines(git(root, "diff", "--name-only", "--relative", "--no-renames", *revisions)))
    if head is None:
        changed |= set(lines(git(root, "ls-files", "--others", "--exclude-standard")))
    return changed
