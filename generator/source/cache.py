"""clientkb's caches: where they live, how their files are sealed, and the build and check caches.

Where: outside the knowledge base, in the user's cache folder (platformdirs: `~/.cache/clientkb` on
Linux; `CLIENTKB_CACHE_DIR` overrides it), one folder per knowledge base (its path's digest). A
repository, and so a pull request, cannot put a file there; a `.clientkb-cache/` found in the
repository is never read, and one that Git tracks is reported as a warning (`committed-cache`).

Sealed: every cache file starts with an HMAC-SHA256 of its payload, made with a random key of
this user's (`key` in the cache folder, mode 0600) that is never in a repository. A file whose digest
does not match is a miss, and nothing in it is decoded: only payloads clientkb wrote itself are ever
unpickled (pickle runs code from what it reads, so it must never see a file someone else wrote).

The build cache (`build/`): a content-addressed entry per client, so a warm build pays only for the
clients that changed. An entry's key is a digest of everything the client's pages and results are made
from:

- what is the same for every client (the build fingerprint): the cache format, clientkb's own code,
  templates and assets, the versions of the libraries that render, the Markdown engine, kb.yaml's
  bytes, every playbook's path and bytes, the set of client ids, `today` and the month ends of the
  health timeline;
- what is the client's own: every file's path and bytes, the commits that touched its folder, the
  last commit of each of its files, its health at past month ends.

A file's bytes are read and hashed again only when its stamp (size, times, inode) changed since the
last read, the way Git's index does it (generator/source/stamps.py).

So an entry is never stale, only unused: a changed input gives another key. The value holds the
client's problems, insight, whole-site fragments and the digest of each page it rendered. The pages
themselves are not kept twice: a hit takes them from the previous build, hard-linked, after checking
that each still has its digest (a page someone changed or deleted there makes the client render
again). Entries no build used are deleted after each successful build. The folder is safe to delete.

`check` keeps each client's problems the same way, keyed by its files' bytes, kb.yaml, the playbooks,
the set of client ids and clientkb's code, all in one file (`check`). `due`, `health`, `stats` and
`digest` keep each client's problems and insight for one `today` (`insights`, and its keys alone in
`insights-keys`; generator/build/insights_cache.py), keyed as `check` is plus `today` and the
client's status history. The health timeline's months, and the flags the digest computes for the
start of its period, are kept under `health/`, keyed by the commit, the date and clientkb's code.
The last build's whole-site pages are recorded in `whole-site` (generator/build/whole_site_cache.py).

Beside the knowledge bases' folders, `templates/<digest of clientkb's code>/` holds clientkb's own
templates compiled by Jinja (generator/site/compiled_templates.py), sealed the same way.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import platformdirs

from generator.model import pickling
from generator.source.problems import Problem, warning
from generator.source.stamps import FilesRead, read_files

CACHE_ENV = "CLIENTKB_CACHE_DIR"
"""Overrides the user's cache folder (tests, CI runners with a cache folder of their own)."""
LEGACY_FOLDER = ".clientkb-cache"
"""Where caches lived inside the knowledge base before: never read; reported when Git tracks it."""
FORMAT = b"clientkb-build-cache-2"
SEAL = b"clientkb-sealed-1\n"
_MAC_SIZE = 32
_KEY_SIZE = 32
BUILD_FOLDER = "build"
CHECK_FILE = "check"
"""`check`'s entries (each client's problems by key), in one file: a run writes one file, not one
per client (creating a thousand small files costs this machine's disk about a second)."""
TEMPLATES_FOLDER = "templates"
"""clientkb's templates compiled to Python bytecode, one folder per version of its code (for_code)."""
INSIGHTS_FILE = "insights"
"""The same for `due`, `health`, `stats` and `digest`: each client's problems and insight for one `today`."""
HEALTH_FOLDER = "health"
SETTINGS_FILE = "settings"
"""kb.yaml as last parsed and validated, with the digest of its text and of clientkb's code."""
_LIBRARIES = ("jinja2", "markdown-it-py", "markdown-it-pyrs", "mdit-py-plugins", "icalendar", "pydantic", "pyyaml")


def new_digest() -> hashlib._Hash:
    """The hash of every digest clientkb keeps (cache keys, pages, files): SHA-256, which the CPUs of
    the last years compute in hardware at about twice BLAKE2b's speed (a warm build hashes every
    page and source file)."""
    return hashlib.sha256()


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.digest(key, payload, "sha256")


def page_digest(data: bytes) -> str:
    digest = new_digest()
    digest.update(data)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """`page_digest` of a file's bytes, read a block at a time."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, new_digest).hexdigest()


@functools.cache
def code_digest() -> bytes:
    """clientkb's own code, templates and assets: a change to any of them is a new renderer."""
    package = Path(__file__).resolve().parent.parent  # the generator package
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


def cache_home() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("clientkb", appauthor=False))


def _git_tracks(root: Path, folder: Path) -> bool:
    """Whether Git tracks any file in `folder` (inside the repository at `root`)."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", str(folder)],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and bool(listed.stdout)


def committed_cache_problems(root: Path) -> list[Problem]:
    """A cache folder inside the knowledge base that Git tracks: someone committed it (by mistake, or
    to plant files for clientkb to read). It is never read; it is reported so that it goes."""
    root = root.absolute()
    folders = {root / LEGACY_FOLDER, cache_home().absolute()}
    problems = []
    for folder in sorted(folders):
        if folder != root and folder.is_relative_to(root) and folder.is_dir() and _git_tracks(root, folder):
            rel = folder.relative_to(root).as_posix()
            problems.append(
                warning(
                    rel,
                    0,
                    0,
                    "committed-cache",
                    "a cache folder is committed to Git; clientkb never reads the files in it",
                    f"remove it from Git: git rm -r --cached {rel}",
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class CacheStore:
    """One knowledge base's cache folder: files sealed with this user's key, read back only when the
    seal matches."""

    folder: Path
    key: bytes

    @classmethod
    def open(cls, root: Path) -> CacheStore | None:
        """None when the cache folder cannot be made or read (then nothing is cached), or when it lies
        in the knowledge base and Git tracks files in it (committed_cache_problems reports that)."""
        home = cache_home().absolute()
        if home.is_relative_to(root.absolute()) and _git_tracks(root, home):
            return None
        key = _open_home(home)
        if key is None:
            return None
        place = hashlib.blake2b(os.fsencode(root.absolute()), digest_size=20)  # the folder's name since 0.1
        folder = home / f"{root.absolute().name}-{place.hexdigest()[:16]}"
        return cls(folder, key)

    @classmethod
    def for_code(cls) -> CacheStore | None:
        """The folder of what this clientkb makes of its own code (its compiled templates), shared by
        every knowledge base like Python's own bytecode, and emptied of other versions' files when a
        new version first uses it. None when the cache folder cannot be made or read."""
        home = cache_home().absolute()
        key = _open_home(home)
        if key is None:
            return None
        folder = home / TEMPLATES_FOLDER / code_digest().hex()[:16]
        if not folder.is_dir():
            for other in (home / TEMPLATES_FOLDER).glob("*"):
                shutil.rmtree(other, ignore_errors=True)
        return cls(folder, key)

    def _seal(self, payload: bytes) -> bytes:
        return SEAL + _mac(self.key, payload) + payload

    def read(self, rel: str) -> bytes | None:
        """The payload of a file this user's clientkb wrote, or None (missing, damaged or forged)."""
        try:
            data = (self.folder / rel).read_bytes()
        except OSError:
            return None
        head = len(SEAL) + _MAC_SIZE
        if len(data) < head or not data.startswith(SEAL):
            return None
        payload = data[head:]
        expected = _mac(self.key, payload)
        return payload if hmac.compare_digest(data[len(SEAL) : head], expected) else None

    def read_pickled(self, rel: str) -> Any:
        """The object a file holds, or None (missing, damaged, forged, or from another clientkb or
        Python: a miss, never a failure). Only a payload under this user's seal is unpickled."""
        payload = self.read(rel)
        if payload is None:
            return None
        try:
            return pickling.loads(payload)
        except Exception:
            return None

    def write(self, rel: str, payload: bytes) -> None:
        """Replace the file at once (concurrent writers: each file appears whole)."""
        path = self.folder / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temporary.write_bytes(self._seal(payload))
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only or full disk only makes the next run slower


def _open_home(home: Path) -> bytes | None:
    """Make the cache folder (left out of Git should it be in a repository) and return this user's
    key, or None when the folder cannot be made or read (then nothing is cached)."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        ignore = home / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# clientkb's caches: never commit them\n*\n", encoding="utf-8")
        return _user_key(home)
    except OSError:
        return None


def _user_key(home: Path) -> bytes:
    """This user's key for sealing cache files, made once (two processes racing agree on one); a
    damaged key is replaced, which only makes every entry a miss."""
    path = home / "key"
    try:
        key = path.read_bytes()
        if len(key) == _KEY_SIZE:
            return key
        damaged = True
    except FileNotFoundError:
        damaged = False
    temporary = home / f".key.{os.getpid()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(_KEY_SIZE))
    try:
        if damaged:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if another process made the key first: take that one
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    key = path.read_bytes()
    if len(key) != _KEY_SIZE:
        raise OSError(f"{path} is not a clientkb key")
    return key


def _files_digest(contents: dict[str, bytes]) -> bytes:
    digest = new_digest()
    for rel, data in contents.items():
        digest.update(rel.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class BuildCache:
    store: CacheStore
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
        """None when a shared file cannot be read or there is no cache folder (then nothing is cached)."""
        files = read_files(root, shared_files, max_bytes, _files_digest)
        store = CacheStore.open(root)
        if files is None or store is None:
            return None
        digest = new_digest()
        digest.update(FORMAT + code_digest() + engine.encode() + files.stamp.digest + repr(tuple(shared)).encode())
        return cls(store, digest.digest())

    def key(self, root: Path, files: Sequence[str], own: object, max_bytes: int) -> tuple[str, FilesRead] | None:
        """The key of one client (its files and `own`, its history, with the build fingerprint), and
        the files' bytes, so that a miss parses what was hashed instead of reading it again."""
        read = read_files(root, files, max_bytes, _files_digest)
        return None if read is None else (self.key_of(read.stamp.digest, own), read)

    def key_of(self, files_digest: bytes, own: object) -> str:
        """The key of one client whose files' digest is known (generator/source/stamps.py)."""
        digest = new_digest()
        digest.update(self.fingerprint + files_digest + repr(own).encode())
        return digest.hexdigest()

    @staticmethod
    def _rel(key: str) -> str:
        return f"{BUILD_FOLDER}/{key[:2]}/{key}"

    def has(self, key: str) -> bool:
        """Whether an entry is stored under `key` (whether it is whole is known only by `get`)."""
        return os.path.isfile(os.path.join(self.store.folder, self._rel(key)))

    def get(self, key: str) -> Any:
        """The stored value, or None (missing, damaged, forged or from another Python: a miss)."""
        return self.store.read_pickled(self._rel(key))

    def put(self, key: str, value: object) -> None:
        self.store.write(self._rel(key), pickling.dumps(value))

    def keep_only(self, used: set[str]) -> None:
        """Delete the entries this build did not use, so the cache does not grow without end."""
        try:
            shards = list((self.store.folder / BUILD_FOLDER).iterdir())
        except OSError:
            return
        for shard in shards:
            try:
                for entry in shard.iterdir():
                    if entry.name not in used:
                        entry.unlink(missing_ok=True)
            except OSError:
                continue


def read_checked(store: CacheStore, file: str = CHECK_FILE) -> dict[str, Any]:
    """`check`'s entries from its last run (empty when missing, damaged or forged: every client is a
    miss); with INSIGHTS_FILE, those of the last `due`, `health`, `stats` or `digest`."""
    entries = store.read_pickled(file)
    return entries if isinstance(entries, dict) else {}


def write_checked(store: CacheStore, entries: dict[str, Any], file: str = CHECK_FILE) -> None:
    """Keep exactly `entries` (this run's) for the next run."""
    store.write(file, pickling.dumps(entries))
