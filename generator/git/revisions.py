"""Reading a knowledge base as it is at a Git revision, without touching the working tree."""

from __future__ import annotations

import shutil
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


def repository_prefix(root: Path) -> str:
    """The folder `root` is in, from the top of its Git repository (`kb/`; "" at the top or outside Git)."""
    try:
        result = git(root, "rev-parse", "--show-prefix")
    except RevisionError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def resolve(root: Path, rev: str) -> str:
    """The commit id of `rev`, or a RevisionError saying why there is none."""
    if git(root, "rev-parse", "--git-dir").returncode != 0:
        raise RevisionError(f"{root} is not in a Git repository")
    if git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise RevisionError("the repository has no commits yet")
    result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.returncode != 0:
        shallow = git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        hint = " (this is a shallow clone: fetch the whole history with git fetch --unshallow)" if shallow else ""
        raise RevisionError(f"{rev!r} is not a revision of this repository (a branch, tag or commit){hint}")
    return result.stdout.strip()


def materialize(root: Path, commit: str, dest: Path, paths: Sequence[str] = (".",)) -> Path:
    """Write `paths` of the knowledge base as it is at `commit` into `dest`; returns its root there."""
    prefix = git(root, "rev-parse", "--show-prefix").stdout.strip()
    archive = subprocess.Popen(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "--", *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert archive.stdout is not None
    tar = shutil.which("tar")
    if tar is not None:
        # The system's tar is many times faster than Python's tarfile on thousands of small files.
        extracted = subprocess.run(
            [tar, "-x", "--no-same-owner", "-C", str(dest)], stdin=archive.stdout, capture_output=True, check=False
        )
        extract_error = extracted.stderr.decode(errors="replace").strip() if extracted.returncode else ""
    else:  # pragma: no cover - every supported system has tar
        with tarfile.open(fileobj=archive.stdout, mode="r|") as stream:
            stream.extractall(dest, filter="data")
        extract_error = ""
    archive.stdout.close()
    _, error = archive.communicate()
    if archive.returncode != 0 or extract_error:
        message = error.decode(errors="replace").strip() or extract_error
        raise RevisionError(f"cannot read revision {commit[:7]}: {message}")
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


def tree_files(root: Path, commit: str, folder: str) -> dict[str, str]:
    """Every file under `folder` at `commit`: path (from the knowledge base root) -> blob id."""
    listed = git(root, "ls-tree", "-r", "-z", commit, "--", f"./{folder}")
    files: dict[str, str] = {}
    for entry in listed.stdout.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and mode != "120000":  # a symbolic link's blob is its target, not a file
            files[path] = blob
    return files


def read_blobs(root: Path, blobs: Sequence[str]) -> dict[str, bytes]:
    """The contents of many blobs from one `git cat-file --batch`."""
    if not blobs:
        return {}
    process = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="\n".join(blobs).encode() + b"\n",
        capture_output=True,
        check=False,
    )
    if process.returncode != 0:
        raise RevisionError(f"cannot read files from Git: {process.stderr.decode(errors='replace').strip()}")
    out = process.stdout
    contents: dict[str, bytes] = {}
    position = 0
    while position < len(out):
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        contents[header[0].decode()] = out[position : position + size]
        position += size + 1
    return contents
