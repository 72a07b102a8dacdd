"""A content-addressed cache of each client's build in `.clientkb-cache/build/`, so a warm build pays
only for the clients that changed.

An entry's key is a digest of everything the client's pages and results are made from:

- what is the same for every client (the build fingerprint): the cache format, clientkb's own code,
  templates and assets, the versions of the libraries that render, the Markdown engine, kb.yaml's
  bytes, every playbook's path and bytes, the set of client ids, `today` and the month ends of the
  health timeline;
- what is the client's own: every file's path and bytes, the commits that touched its folder, the
  last commit of each of its files, its health at past month ends.

So an entry is never stale, only unused: a changed input gives another key. The value holds the
client's problems, insight, whole-site fragments and the digest of each page it rendered. The pages
themselves are not kept twice: a hit takes them from the previous build, hard-linked, after checking
that each still has its digest (a page someone changed or deleted there makes the client render
again). Entries no build used are deleted after each successful build. The folder is safe to delete.

`check` keeps each client's problems the same way, keyed by its files' bytes, kb.yaml, the set of
client ids and clientkb's code, all in `.clientkb-cache/check.pickle`.

The cache is trusted like the knowledge base itself (it lives inside it and is unpickled): whoever
can write there can already change what the site says.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE = ".clientkb-cache"
"""Every cache of clientkb lives here (git-ignored by its own .gitignore; safe to delete)."""
FORMAT = b"clientkb-build-cache-1"
FOLDER = f"{CACHE}/build"
CHECK_FILE = f"{CACHE}/check.pickle"
"""`check`'s entries (each client's problems by key), in one file: a run writes one file, not one
per client (creating a thousand small files costs this machine's disk about a second)."""
_LIBRARIES = ("jinja2", "markdown-it-py", "markdown-it-pyrs", "mdit-py-plugins", "icalendar", "pydantic", "pyyaml")


def new_digest() -> hashlib.blake2b:
    """The hash of every digest clientkb keeps (cache keys, pages, files)."""
    return hashlib.blake2b(digest_size=20)


def page_digest(data: bytes) -> str:
    digest = new_digest()
    digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """`page_digest` of a file's bytes, read a block at a time."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, new_digest).hexdigest()


def _code_digest() -> bytes:
    """clientkb's own code, templates and assets: a change to any of them is a new renderer."""
    package = Path(__file__).resolve().parent
    digest = new_digest()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".svg", ".md", ".yaml"}:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    return digest.digest()


def _read_files(root: Path, rels: Iterable[str], max_bytes: int) -> dict[str, bytes] | None:
    """The bytes of `rels`, or None when one cannot be cached (a symbolic link, a file over the size
    limit, or unreadable: the loader reads it itself and says why)."""
    contents = {}
    for rel in rels:
        path = root / rel
        try:
            if path.is_symlink() or path.stat().st_size > max_bytes:
                return None
            contents[rel] = path.read_bytes()
        except OSError:
            return None
    return contents


def _files_digest(contents: dict[str, bytes]) -> bytes:
    digest = new_digest()
    for rel, data in contents.items():
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class BuildCache:
    folder: Path
    fingerprint: bytes
    """The digest of what is the same for every client."""

    @classmethod
    def open(
        cls,
        root: Path,
        engine: str,
        shared: Sequence[object],
        shared_files: Sequence[str],
        max_bytes: int,
    ) -> BuildCache | None:
        """None when a shared file cannot be read (then nothing is cached)."""
        files = _read_files(root, shared_files, max_bytes)
        if files is None:
            return None
        digest = new_digest()
        digest.update(FORMAT + _code_digest() + engine.encode() + _files_digest(files) + repr(tuple(shared)).encode())
        return cls(root / FOLDER, digest.digest())

    def key(self, root: Path, files: Sequence[str], own: object, max_bytes: int) -> tuple[str, dict[str, bytes]] | None:
        """The key of one client (its files and `own`, its history, with the build fingerprint), and
        the files' bytes, so that a miss parses what was hashed instead of reading it again."""
        contents = _read_files(root, files, max_bytes)
        if contents is None:
            return None
        digest = new_digest()
        digest.update(self.fingerprint + _files_digest(contents) + repr(own).encode())
        return digest.hexdigest(), contents

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Any:
        """The stored value, or None (missing, unreadable or from another Python: a miss)."""
        try:
            with self._path(key).open("rb") as stored:
                return pickle.load(stored)
        except Exception:  # a damaged entry is a miss, never a failed build
            return None

    def put(self, key: str, value: object) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ignore_cache(self.folder.parent)
            temporary = path.with_name(f".{key}.{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, path)  # concurrent builds: each entry appears whole
        except OSError:
            pass  # a read-only or full disk only makes the next build slower

    def keep_only(self, used: set[str]) -> None:
        """Delete the entries this build did not use, so the cache does not grow without end."""
        try:
            shards = list(self.folder.iterdir())
        except OSError:
            return
        for shard in shards:
            try:
                for entry in shard.iterdir():
                    if entry.name not in used:
                        entry.unlink(missing_ok=True)
            except OSError:
                continue


def read_checked(root: Path) -> dict[str, Any]:
    """`check`'s entries from its last run (empty when missing or damaged: every client is a miss)."""
    try:
        entries = pickle.loads((root / CHECK_FILE).read_bytes())
    except Exception:  # a damaged file is a miss, never a failed check
        return {}
    return entries if isinstance(entries, dict) else {}


def write_checked(root: Path, entries: dict[str, Any]) -> None:
    """Keep exactly `entries` (this run's) for the next `check`."""
    path = root / CHECK_FILE
    try:
        path.parent.mkdir(exist_ok=True)
        ignore_cache(path.parent)
        temporary = path.with_name(f".check.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only or full disk only makes the next check slower


def ignore_cache(folder: Path) -> None:
    """Make Git ignore the cache folder (created by the caller) without touching the user's .gitignore."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# clientkb's cache: never commit it\n*\n", encoding="utf-8")
