"""One build per output folder at a time: a lock file beside the output, held from the first look at
the output until its publish.

Two builds into one folder would otherwise remove each other's staging folders and publish half a
site. The lock is `flock(2)` on `.<out>.clientkb-lock`: the kernel releases it when its holder dies,
however it dies, so a killed build never blocks the next one. The holder writes its process id into
the file, for the message of a build that gave up waiting. The file is removed on release (so no
lock file is left in the knowledge base); a waiter that locked a file since removed tries again on
the new one.

Written on `fcntl` rather than the filelock package: filelock truncates the lock file each time it
tries to take it, which would erase the holder's process id that the waiting build must name.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

WAIT_SECONDS = 30.0
"""How long a build waits for another build of the same output before it gives up."""
_POLL_SECONDS = 0.05


class OutputBusy(Exception):
    """Another clientkb kept the output folder longer than this one would wait."""


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.clientkb-lock"


def _holder(descriptor: int) -> str:
    try:
        text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


def _same_file(descriptor: int, path: Path) -> bool:
    """The locked file is still the one at `path` (not one a previous holder removed on release)."""
    try:
        return os.path.samestat(os.fstat(descriptor), path.stat())
    except FileNotFoundError:
        return False


@contextlib.contextmanager
def output_lock(out: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the output's lock, waiting up to `wait` seconds for another holder; OutputBusy after."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    deadline = time.monotonic() + wait
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            if time.monotonic() >= deadline:
                who = f"process {holder}" if holder else "another process"
                raise OutputBusy(
                    f"{out} is being built by another clientkb ({who}); waited {wait:.0f} s. "
                    "Let it finish, or stop it, then build again"
                ) from None
            time.sleep(_POLL_SECONDS)
            continue
        if _same_file(descriptor, path):
            break
        os.close(descriptor)  # the holder we waited for removed this file: lock the current one
    try:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still locked: a waiter then sees it is gone and opens the new one
        os.close(descriptor)
