"""Writing the site: into a staging folder beside the output, then swapped in at once.

A build never leaves a half-written site: pages go to `.<out>.clientkb-new-*` next to the output;
only a complete build replaces the output, by an atomic exchange of the two folders (Linux
`renameat2(RENAME_EXCHANGE)`), else by two renames in a row. A folder is only ever replaced when it
is empty or is a previous clientkb build (it holds the marker file), so `--out` cannot delete a
folder of the user's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from generator.build.interrupts import deferred
from generator.source.cache import file_digest, new_digest, page_digest
from generator.source.stamps import PageStamp, page_stamp, page_unchanged

MARKER = ".clientkb-site"
MARKER_TEXT = b"This folder is built by clientkb and replaced on every build: do not edit it.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def count_pages(paths: Iterable[str]) -> int:
    """How many of `paths` are HTML pages (the rest are feeds, exports and assets)."""
    return sum(1 for path in paths if path.endswith(".html"))


def _inside(path: str) -> str:
    """`path` when it names a file inside the site (relative, no `..`); a ValueError otherwise."""
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or all(part in ("", ".") for part in parts):
        raise ValueError(f"refusing to write outside the site: {path!r}")
    return path


class OutputRefused(Exception):
    """The output folder exists and is not a clientkb build: it will not be replaced."""


class PageWriter:
    """Writes pages under one folder, refusing paths outside it or written twice.

    With `in_place=True` (a site that is being served) a page is replaced atomically (written to a
    temporary file, then renamed over the old one) and only when its bytes changed, so a reader never
    sees half a page and unchanged pages keep their time stamps.

    With `previous` (the site a build replaces), a page whose bytes are the same as there is
    hard-linked from it instead of written: the new site shares the file, which keeps its time stamp,
    and nothing is written to the disk but a directory entry. `digests` records each page's digest
    (outside `in_place`).
    """

    def __init__(self, folder: Path, in_place: bool = False, previous: Path | None = None) -> None:
        self.folder = folder
        self.in_place = in_place
        self.previous = previous
        self.written: set[str] = set()
        self.changed: set[str] = set()
        self.digests: dict[str, str] = {}
        self.stamps: dict[str, PageStamp] = {}
        """The stamps of the pages linked from the previous site, as `link_previous` checked them."""
        self._folders: set[str] = set()
        """Folders made (or found) for linked pages."""

    def target(self, path: str) -> Path:
        return self.folder.joinpath(*PurePosixPath(_inside(path)).parts)

    def write(self, path: str, data: bytes) -> None:
        target = self.target(path)
        if path in self.written:
            raise ValueError(f"two pages would be written to {path!r}")
        self.written.add(path)
        if self.in_place:
            try:
                if target.read_bytes() == data:
                    return
            except OSError:
                pass
        if not self.in_place:
            self.digests[path] = page_digest(data)
        if self.previous is not None and self._link(path, lambda old: old == data):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        self.changed.add(path)
        if not self.in_place:
            target.unlink(missing_ok=True)  # never write through a hard link into the previous site
            target.write_bytes(data)
            return
        temporary = target.with_name(f".{target.name}.clientkb-tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def write_chunks(self, path: str, chunks: Iterable[bytes]) -> None:
        """Write a file made piece by piece (a whole-site feed or export of hundreds of megabytes),
        never whole in memory; otherwise as `write`: linked from the previous site, or left as it
        is in a served site, when its bytes are the same."""
        target = self.target(path)
        if path in self.written:
            raise ValueError(f"two pages would be written to {path!r}")
        self.written.add(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.clientkb-tmp")
        digest = new_digest()
        with temporary.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
                digest.update(chunk)
        made = digest.hexdigest()
        if not self.in_place:
            self.digests[path] = made
        same_as = target if self.in_place else None
        if self.previous is not None:
            same_as = self.previous.joinpath(*PurePosixPath(path).parts)
        try:
            if same_as is not None and not same_as.is_symlink() and file_digest(same_as) == made:
                if not self.in_place:
                    os.link(same_as, target)
                temporary.unlink()
                return
        except OSError:
            pass  # missing, or no hard links here: the new file is used
        self.changed.add(path)
        os.replace(temporary, target)

    def link_previous(self, path: str, digest: str, stamp: PageStamp | None = None) -> bool:
        """Take the page from the previous site if it still has `digest` (a cached client's page):
        known from `stamp` when it vouches for it (generator/source/stamps.py), else read and hashed."""
        if path in self.written or self.previous is None:
            return False
        old = os.path.join(self.previous, _inside(path))
        if stamp is not None and page_unchanged(old, digest, stamp):
            if not self._link_file(path, old):
                return False
        else:
            checked_at = time.time_ns()
            status = self._same_file(old, lambda data: page_digest(data) == digest)
            if status is None or not self._link_file(path, old):
                return False
            stamp = page_stamp(digest, status, checked_at)
        self.written.add(path)
        self.digests[path] = digest
        self.stamps[path] = stamp
        return True

    def _link(self, path: str, same: Callable[[bytes], bool]) -> bool:
        assert self.previous is not None
        old = os.path.join(self.previous, path)
        return self._same_file(old, same) is not None and self._link_file(path, old)

    @staticmethod
    def _same_file(old: str, same: Callable[[bytes], bool]) -> os.stat_result | None:
        """The status of the previous site's file when `same` accepts its bytes; None when it does not,
        or it is missing, unreadable or a symbolic link (never read through a link)."""
        # Plain string paths and descriptors: a warm build links every page of the site this way,
        # and pathlib's parsing was a third of that work.
        try:
            with open(os.open(old, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
                status = os.fstat(file.fileno())
                return status if same(file.read()) else None
        except OSError:
            return None

    def _link_file(self, path: str, old: str) -> bool:
        new = os.path.join(self.folder, path)
        try:
            parent = os.path.dirname(new)
            if parent not in self._folders:
                os.makedirs(parent, exist_ok=True)
                self._folders.add(parent)
            os.link(old, new)
        except OSError:
            return False  # no hard links here: write it
        return True

    def take(self, other: PageWriter) -> None:
        """Record as this writer's the pages `other` wrote into the same folder (another process's,
        or pages taken together or not at all)."""
        twice = self.written & other.written
        if twice:
            raise ValueError(f"two pages would be written to {min(twice)!r}")
        self.written |= other.written
        self.changed |= other.changed
        self.digests.update(other.digests)

    def unlink_all(self) -> None:
        """Undo this writer's pages in its folder (a cached client whose pages were not all there)."""
        for path in self.written:
            self.target(path).unlink(missing_ok=True)
        self.written.clear()
        self.digests.clear()

    def remove(self, path: str) -> None:
        """Remove a page that is no longer produced (in a served site)."""
        target = self.target(path)
        try:
            target.unlink()
            self.changed.add(path)
        except FileNotFoundError:
            pass


def check_output(out: Path) -> None:
    """Refuse an output that exists and is neither empty nor a previous build."""
    if not out.exists():
        return
    if not out.is_dir() or out.is_symlink():
        raise OutputRefused(f"{out} exists and is not a folder clientkb built; choose another --out")
    if (out / MARKER).is_file():
        return
    if any(out.iterdir()):
        raise OutputRefused(
            f"{out} is not empty and was not built by clientkb (no {MARKER} file), so it is left alone; "
            "choose another --out or empty it"
        )


def staging_folder(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with deferred():  # the caller removes the folder on Ctrl-C: it must have it first
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.clientkb-new-", dir=out.parent))
        (folder / MARKER).write_bytes(MARKER_TEXT)
    return folder


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux 3.15+); False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


class StagingLost(Exception):
    """The staging folder is not the complete build it should be (something removed it meanwhile)."""


def publish(staging: Path, out: Path) -> None:
    """Make `staging` the output: the old site is replaced whole, or left as it was.

    Publishes only a staging folder that still holds the marker it was made with: a folder emptied or
    recreated by something else is never swapped in."""
    if staging.is_symlink() or not (staging / MARKER).is_file():
        raise StagingLost(f"the staging folder {staging} lost its marker; nothing was published")
    with deferred():  # Ctrl-C after the swap, never between the two renames of the fallback
        old = _swap_in(staging, out)
    if old is not None:
        shutil.rmtree(old)  # if this is interrupted, the next build removes the rest


def _swap_in(staging: Path, out: Path) -> Path | None:
    """Put `staging` at `out`; returns the folder now holding the old site, to be removed."""
    check_output(out)
    if out.exists() and _exchange(staging, out):
        return staging
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.clientkb-old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        staging.rename(out)
        return old
    staging.rename(out)
    return None


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def remove_leftovers(out: Path) -> None:
    """Staging folders left by a build that was killed (SIGKILL cannot be cleaned up after). Called
    only while holding the output's lock, so no live build owns any of them."""
    if not out.parent.is_dir():
        return
    for entry in out.parent.iterdir():
        if entry.name.startswith((f".{out.name}.clientkb-new-", f".{out.name}.clientkb-old-")) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
