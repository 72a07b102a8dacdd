"""Which of a client's files are as they were when last read, known from their status alone, the way
Git's index knows which files to hash again (its "racily clean" rule included).

A cache key needs the digest of every file a client is made of. Reading and hashing them all is most
of a warm run's work (opening a file costs far more than hashing a few kilobytes), so each read also
records every file's stamp: size, modification and change times in nanoseconds, inode and device.
The next run `lstat`s the files: when every stamp is the same, the digest recorded with them is
still the files' digest, without reading them.

A change to a file's bytes changes its change time (`ctime`), which no program can set back; so a
file whose stamp is the same has not been written since, with one exception: a write in the same
tick of the file system's clock as the read. A stamp is trusted only when the file's last change is
older than the read by more than `RACY_MARGIN` (the coarsest timestamp a common file system keeps, FAT's
two seconds); a file changed that recently is read and hashed again, and so once more on the next
run, until it is old enough. A file renamed over another has another inode, and a file on another
device another device number; a symbolic link or anything but a plain file is never trusted.

Stamps are kept per knowledge base in the cache folder (`stamps`), sealed like every cache file,
and shared by `check`, `due` and the build: each run adds what it read and drops the clients that
are gone. Set `CLIENTKB_TRUST_STAMPS=0` to read and hash every file every time.

A warm build takes each unchanged page from the previous site, after checking that it still has the
bytes the cache says (someone may have edited the output). Pages are vouched for the same way, with
one difference: hard-linking a page into the new site changes its change time, so a page's stamp
is its size, modification time, inode and device (the test of rsync and make, and Git's with
`core.trustctime` off), tied to the digest it was checked against. An edit gives a page a new
modification time and an editor's save a new inode; only an edit whose modification time was then
set back by hand goes unseen (`--no-cache`, or deleting the output, renders every page). Kept per
output folder (`pages-<digest of its path>`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.model import pickling

if TYPE_CHECKING:
    from generator.source.cache import CacheStore

RACY_MARGIN = 2_000_000_000
"""Nanoseconds: a file changed this close to the time it was read is read again."""
STAMPS_FILE = "stamps"
TRUST_ENV = "CLIENTKB_TRUST_STAMPS"

Stamp = tuple[int, int, int, int, int]
"""size, mtime_ns, ctime_ns, inode, device."""

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""Opening a symbolic link fails with it; where there is none (Windows), links are looked for first."""
_OPEN_FLAGS = os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _stamp(status: os.stat_result) -> Stamp:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


@dataclass(frozen=True, slots=True)
class FilesStamp:
    """What one read of a client's files found: each file's stamp and the digest of them all."""

    files: tuple[str, ...]
    stamps: tuple[Stamp, ...]
    digest: bytes
    read_at: int
    """time.time_ns() before the first file was opened."""

    def trusted(self) -> bool:
        """False when a file changed too close to the read for its stamp to say it has not changed since."""
        return all(max(s[1], s[2]) + RACY_MARGIN < self.read_at for s in self.stamps)


@dataclass(frozen=True, slots=True)
class FilesRead:
    contents: dict[str, bytes]
    stamp: FilesStamp


def read_files(
    root: Path, rels: Iterable[str], max_bytes: int, digest_of: Callable[[dict[str, bytes]], bytes]
) -> FilesRead | None:
    """The bytes of `rels` with their stamps and digest (`digest_of(contents)`), or None when one cannot
    be cached (a symbolic link, not a plain file, over the size limit, or unreadable: the loader reads
    it itself and says why). One `open` and `fstat` per file, the fewest system calls that can tell."""
    read_at = time.time_ns()
    contents: dict[str, bytes] = {}
    stamps: list[Stamp] = []
    base = os.fspath(root)
    for rel in rels:
        path = f"{base}/{rel}"
        try:
            if not _NO_FOLLOW and os.path.islink(path):
                return None
            descriptor = os.open(path, _OPEN_FLAGS)
        except OSError:
            return None
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or status.st_size > max_bytes:
                return None
            contents[rel] = _read_all(descriptor, status.st_size)
        except OSError:
            return None
        finally:
            os.close(descriptor)
        stamps.append(_stamp(status))
    files = tuple(contents)
    return FilesRead(contents, FilesStamp(files, tuple(stamps), digest_of(contents), read_at))


def _read_all(descriptor: int, size: int) -> bytes:
    """Every byte, also of a file that grew since `fstat` (its stamp then differs next time)."""
    parts = [os.read(descriptor, size + 1)]
    while parts[-1]:
        parts.append(os.read(descriptor, 1 << 16))
    return b"".join(parts)


def _unchanged(base: str, known: FilesStamp, files: Sequence[str], max_bytes: int) -> bool:
    if known.files != tuple(files) or not known.trusted():
        return False
    lstat, regular = os.lstat, stat.S_ISREG
    for rel, (size, mtime, ctime, inode, device) in zip(files, known.stamps, strict=True):
        try:
            found = lstat(f"{base}/{rel}")
        except OSError:
            return False
        if (
            found.st_mtime_ns != mtime
            or found.st_ctime_ns != ctime
            or found.st_size != size
            or found.st_ino != inode
            or found.st_dev != device
            or not regular(found.st_mode)
            or size > max_bytes
        ):
            return False
    return True


class StampIndex:
    """Stamps by client, as last checked, from a file of the cache: the client's files (`STAMPS_FILE`:
    client id -> FilesStamp), or its pages in one output folder (`pages_file`: client id -> PageStamps)."""

    def __init__(self, store: CacheStore, file: str, entries: Mapping[str, Any]) -> None:
        self._store = store
        self._file = file
        self._entries = dict(entries)
        self._changed = False

    @classmethod
    def open(cls, store: CacheStore, file: str = STAMPS_FILE) -> StampIndex:
        found = store.read_pickled(file)
        usable = os.environ.get(TRUST_ENV, "1") != "0" and isinstance(found, dict)
        return cls(store, file, found if usable else {})

    def get(self, client_id: str) -> Any:
        return self._entries.get(client_id)

    def known(self, root: Path, clients: Mapping[str, Sequence[str]], max_bytes: int) -> dict[str, bytes]:
        """The files digest of each client whose files are all as stamped (client id -> digest)."""
        base = os.fspath(root)
        found = {}
        for client_id, files in clients.items():
            stamped = self._entries.get(client_id)
            if isinstance(stamped, FilesStamp) and _unchanged(base, stamped, files, max_bytes):
                found[client_id] = stamped.digest
        return found

    def record(self, client_id: str, stamp: object) -> None:
        if self._entries.get(client_id) != stamp:
            self._entries[client_id] = stamp
            self._changed = True

    def save(self, clients: Iterable[str]) -> None:
        """Write the index back when it changed, without the clients not in `clients` (those gone)."""
        keep = set(clients)
        gone = [c for c in self._entries if c not in keep]
        for client_id in gone:
            del self._entries[client_id]
        if self._changed or gone:
            self._store.write(self._file, pickling.dumps(self._entries))
            self._changed = False


PageStamp = tuple[str, int, int, int, int, int]
"""The digest a page was checked against, its size, mtime_ns, inode, device, and when it was checked."""


def pages_file(folder: Path) -> str:
    """The cache file of the page stamps of one output folder."""
    return "pages-" + hashlib.sha256(os.fsencode(folder.absolute())).hexdigest()[:16]


def page_stamp(digest: str, status: os.stat_result, checked_at: int) -> PageStamp:
    return (digest, status.st_size, status.st_mtime_ns, status.st_ino, status.st_dev, checked_at)


def page_unchanged(path: str, digest: str, stamp: PageStamp) -> bool:
    """Whether the page at `path` still has the bytes of `digest`, by its stamp alone."""
    checked_against, size, mtime, inode, device, checked_at = stamp
    if checked_against != digest or mtime + RACY_MARGIN >= checked_at:
        return False
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return (
        found.st_mtime_ns == mtime
        and found.st_size == size
        and found.st_ino == inode
        and found.st_dev == device
        and stat.S_ISREG(found.st_mode)
    )
