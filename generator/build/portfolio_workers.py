"""The whole-site pages (dashboards, digests, lists, owners, calendars, exports) rendered in worker
processes, each producer's outputs written into the staging folder by the worker that made them.

The workers are forked once the producers exist, so each inherits what the pages are made from and
nothing is sent to it but a producer's index; what comes back is small: which paths it wrote, their
digests, which changed, and the bytes of the pages the search index needs. The results are merged in
the producers' order, so the site and its index are the same bytes as from one process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.workers import cpus, pool, stopping
from generator.build.write import PageWriter

if TYPE_CHECKING:  # the site's modules are imported when a build renders, not by `check`
    from generator.site.portfolio import Producer

_producers: list[Producer] = []
"""The producers of the build in progress: set in the main process just before the workers fork
(they inherit it; a closure cannot be sent to a worker), emptied once they are done."""

SEARCHED = ("playbooks/", "owners/")
"""Whole-site pages the search index holds."""


@dataclass(frozen=True, slots=True)
class Written:
    """What one producer's worker wrote into the staging folder."""

    writer: PageWriter
    """Its writer, with the paths written, those that changed and their digests."""
    searchable: Mapping[str, bytes]


def write_outputs(writer: PageWriter, producer: Producer) -> dict[str, bytes]:
    """Write a producer's outputs with `writer`; the searchable pages' bytes."""
    searchable: dict[str, bytes] = {}
    for path, data in producer():
        if not isinstance(data, bytes):
            writer.write_chunks(path, data)
            continue
        writer.write(path, data)
        if path.startswith(SEARCHED):
            searchable[path] = data
    return searchable


def _write_in_worker(staging: Path, previous: Path | None, index: int) -> Written | None:
    if stopping():  # Ctrl-C: the main process discards the staging folder
        return None
    writer = PageWriter(staging, previous=previous)
    return Written(writer, write_outputs(writer, _producers[index]))


def write_in_workers(writer: PageWriter, producers: list[Producer], jobs: int | None) -> dict[str, bytes]:
    """Every producer's outputs written by workers into `writer`'s folder, and recorded in `writer`
    as if it had written them; the searchable pages' bytes, in the producers' order."""
    global _producers
    _producers = producers
    gc.freeze()  # the workers' collector then leaves the inherited objects alone (no copy, no scan)
    try:
        # One worker per CPU (unless told): the pages are made from memory, no disk to wait for, and
        # each worker that touches the inherited objects copies the memory pages they are on.
        with pool(jobs or cpus()) as workers:
            results: Iterable[Written | None] = list(
                workers.map(partial(_write_in_worker, writer.folder, writer.previous), range(len(producers)))
            )
    finally:
        _producers = []
        gc.unfreeze()
    searchable: dict[str, bytes] = {}
    for result in results:
        if result is None:
            raise KeyboardInterrupt  # a worker saw the stop: the build is being interrupted
        writer.take(result.writer)
        searchable.update(result.searchable)
    return searchable
