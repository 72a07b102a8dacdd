"""Worker processes: how many, from when it pays, and a pool that starts fast and stops at once.

Ctrl-C reaches every process of the terminal's process group. The workers ignore it: the main
process alone decides. On any exception (KeyboardInterrupt included) it cancels the jobs not started
and sets the pool's stop event; a worker checks it between clients (`stopping`) and returns what it
has, so the pool ends within one client's work. Killing the workers instead can leave the executor's
manager thread blocked for ever on a half-sent result, and the interpreter waits for that thread at
exit; `ProcessPoolExecutor`'s default, waiting for every job already submitted (a whole build's, as
`map` submits them all), is what made Ctrl-C hang.

The stop event reaches a worker at its start (a multiprocessing Event can be inherited, not sent in a
job) and is kept in the one module-level variable of this module, in the worker process only.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.synchronize import Event
from typing import TypeVar

from generator.build.interrupts import deferred, ignore_in_this_process
from generator.model import pickling

T = TypeVar("T")

PARALLEL_FROM = 16
"""Client folders below which one process is faster than starting a pool (forked workers start in
milliseconds; docs/performance.md has the figures that set it)."""

WHOLE_SITE_WORKERS_UP_TO = 2_000
"""Clients above which the whole-site pages are made in one process: each worker forked to make
them touches the clients' results it inherits, and so copies the memory pages they are on (at
10,000 clients, 2.5 GiB for two workers against 1.1 GiB in one process; docs/performance.md)."""

_stop_event: Event | None = None
"""In a worker process: its pool's stop event (None in the main process)."""


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_jobs() -> int:
    """Two workers per CPU: while one waits for the disk, the other parses (cold reads are I/O-bound)."""
    return 2 * cpus()


def _start_worker(stop: Event) -> None:
    global _stop_event
    _stop_event = stop
    ignore_in_this_process()


def stopping() -> bool:
    """In a worker: the main process is stopping the pool early (Ctrl-C); return what is done."""
    return _stop_event is not None and _stop_event.is_set()


@contextlib.contextmanager
def pool(jobs: int | None) -> Iterator[ProcessPoolExecutor]:
    """Worker processes for the `with` block; on any exception they stop after their current client."""
    # fork: workers inherit the imported modules, so a pool starts in milliseconds, and the
    # registered picklers of the records they send back.
    pickling.register_loaded()
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    executor = ProcessPoolExecutor(
        max_workers=jobs or default_jobs(), mp_context=context, initializer=_start_worker, initargs=(stop,)
    )
    try:
        with deferred():
            # With fork every worker starts at the first submit, here: with Ctrl-C held back, so that
            # none can receive it before it ignores it.
            executor.submit(int)
        yield executor
    except BaseException:
        stop.set()
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
