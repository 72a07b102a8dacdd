"""Watching the knowledge base (watchdog): changed paths in debounced batches, ignoring the output,
`.git/` and editors' temporary files."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.source.load import is_editor_junk

DEBOUNCE_SECONDS = 0.05
"""Quiet time after the last file event before rebuilding (editors save in several steps)."""
MAX_WAIT_SECONDS = 0.5
"""A burst of saves is rebuilt at least this often."""


class Watcher(FileSystemEventHandler):
    """Collects changed paths (relative to the root) and hands them over in debounced batches."""

    def __init__(self, root: Path, ignored: Iterable[Path]) -> None:
        self.root = root.resolve()
        self.ignored = [p.resolve() for p in ignored]
        self.events: queue.Queue[str] = queue.Queue()
        self.observer = Observer()
        self.observer.schedule(self, str(self.root), recursive=True)

    def relevant(self, path: str) -> str | None:
        try:
            absolute = Path(path).resolve()
            rel = absolute.relative_to(self.root)
        except (ValueError, OSError):
            return None
        if any(absolute == ignored or ignored in absolute.parents for ignored in self.ignored):
            return None
        parts = rel.parts
        if not parts or parts[0] in (".git", ".clientkb-cache") or any(is_editor_junk(part) for part in parts):
            return None
        if ".clientkb-new-" in str(rel) or ".clientkb-old-" in str(rel) or "__pycache__" in parts:
            return None
        return rel.as_posix()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                rel = self.relevant(path if isinstance(path, str) else path.decode())
                if rel is not None:
                    self.events.put(rel)

    def batches(self, stop: threading.Event) -> Iterator[set[str]]:
        """Sets of changed paths: after a quiet moment, or at the latest MAX_WAIT after the first."""
        while not stop.is_set():
            try:
                first = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = {first}
            deadline = time.monotonic() + MAX_WAIT_SECONDS
            while time.monotonic() < deadline:
                try:
                    batch.add(self.events.get(timeout=DEBOUNCE_SECONDS))
                except queue.Empty:
                    break
            yield batch

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
