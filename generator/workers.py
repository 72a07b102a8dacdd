"""Worker processes: how many, from when it pays, and a pool that starts fast."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

PARALLEL_FROM = 200
"""Client folders below which one process is faster than starting a pool."""


def default_jobs() -> int:
    """Two workers per CPU: while one waits for the disk, the other parses (cold reads are I/O-bound)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return 2 * cpus


def pool(jobs: int | None) -> ProcessPoolExecutor:
    # fork: workers inherit the imported modules, so a pool starts in milliseconds.
    return ProcessPoolExecutor(max_workers=jobs or default_jobs(), mp_context=multiprocessing.get_context("fork"))


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
