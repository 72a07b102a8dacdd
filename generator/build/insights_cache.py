"""`due`, `health`, `stats` and `digest` keep each client's problems and insight for one `today`
(docs/performance.md): a second run on the same day takes every unchanged client from here.

Two sealed files in the user's cache folder (generator/source/cache.py): the keys alone, small, which
the workers are given (a worker that finds its client's key sends back only the key), and the
entries, which the main process unpickles in a thread while it finds and checks the files (should
workers be needed, the thread's work is waited for before they fork: a fork must never copy a
thread in the middle of its work). Should the
entries lack a key the keys file has (one file damaged or deleted), the run is made again without
the cache, which never answers with a client left out.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from generator.model import pickling
from generator.source.cache import INSIGHTS_FILE, CacheStore, read_checked, write_checked

if TYPE_CHECKING:
    from generator.source.problems import Problem

KEYS_FILE = f"{INSIGHTS_FILE}-keys"

Entry = tuple["list[Problem]", bytes | None, bytes | None]
"""A client's problems, and when it has no error its insight (with no fragments, as `ClientOutcomes`
unpacks a cached client) and its due entries (`ClientDue`), each pickled on its own: `due` unpickles
only the latter, the others only the former."""


class InsightsCache:
    def __init__(self, store: CacheStore) -> None:
        self.store = store
        found = store.read_pickled(KEYS_FILE)
        self.keys: frozenset[str] = frozenset(found) if isinstance(found, (list, frozenset)) else frozenset()
        self._entries: dict[str, Any] = {}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin reading the entries, in a thread (no process may fork until `wait` returns)."""
        if self.keys and self._thread is None:
            self._thread = threading.Thread(target=self._read, name="clientkb-insights-cache", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Until the entries are read (before a fork)."""
        if self._thread is not None:
            self._thread.join()

    def _read(self) -> None:
        self._entries = read_checked(self.store, INSIGHTS_FILE)

    def entry(self, key: str) -> Entry | None:
        """A hit's problems, insight and due entries; None when the entries lack it (then run without the cache)."""
        if self._thread is None:
            self.start()
        self.wait()
        found = self._entries.get(key)
        return found if isinstance(found, tuple) and len(found) == 3 else None

    def save(self, entries: dict[str, Entry]) -> None:
        """Keep exactly this run's entries, when they differ from the last run's."""
        if set(entries) == self.keys:
            return
        write_checked(self.store, entries, INSIGHTS_FILE)
        self.store.write(KEYS_FILE, pickling.dumps(sorted(entries)))

    def forget(self) -> None:
        self.store.write(KEYS_FILE, pickling.dumps([]))
