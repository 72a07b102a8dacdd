"""Ctrl-C: how the program ends after it, and held back for a moment around the few steps that must
not stop halfway.

A signal blocked with `pthread_sigmask` stays pending and is delivered when it is unblocked, so
Ctrl-C during `deferred()` takes effect right after the block, never inside it. Processes forked
inside the block start with it blocked too (workers then choose to ignore it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import NoReturn

HELD = frozenset({signal.SIGINT})
INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT, as shells report a program stopped by it)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C as clientkb's own handler raises it. A subclass, not KeyboardInterrupt itself: CPython
    notes a KeyboardInterrupt of that exact class that passes through any exec() of source text
    (dataclasses and namedtuples make their methods that way, so any import can be one) and, at exit,
    kills the process with SIGINT instead of returning its exit code, even when it was handled."""


_resend = threading.Event()
"""Set while a Ctrl-C that a callback swallowed waits to be raised again (see `_unraisable`)."""


def raise_interrupted(signum: int, frame: object) -> None:
    _resend.clear()
    raise Interrupted


def _send_again() -> None:
    while True:
        time.sleep(0.02)
        if not _resend.is_set():
            return
        os.kill(os.getpid(), signal.SIGINT)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    # Ctrl-C landed in a callback Python runs for itself (a weak reference's, which every import
    # makes), where an exception cannot propagate and is only printed. Sent again from a thread,
    # until it is raised where the program can handle it.
    if not _resend.is_set():
        _resend.set()
        threading.Thread(target=_send_again, name="clientkb-ctrl-c", daemon=True).start()


def handle_interrupts() -> None:
    """Ctrl-C raises Interrupted in the main thread from now on."""
    signal.signal(signal.SIGINT, raise_interrupted)
    sys.unraisablehook = _unraisable


def interrupted() -> NoReturn:
    """End the program after Ctrl-C: one line, exit 130, no traceback."""
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    raise SystemExit(INTERRUPTED)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_in_this_process() -> None:
    """For a worker: Ctrl-C is the main process's to act on (the pending one included)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
