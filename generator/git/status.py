"""When each client's status was set, from the Git history of its client.yaml.

One `git log -G status --raw` lists the commits (first parent, so a merged branch counts from its
merge) that changed a line mentioning `status` in some client.yaml, with the blob of each version;
one `git cat-file --batch` reads them and the loader's YAML reader parses them. A client's status was
set on the day of the oldest commit of the newest run of versions with its current status, provided
an older version had another one: a client.yaml created with its status shows no change, and rules
then count from `since` (docs/health.md). Outside Git, or in a shallow clone whose oldest commit is
the only version, nothing is known.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from generator.git.revisions import RevisionError, git, read_blobs
from generator.source.yamlsource import parse_yaml

_RECORD = "\x1e"


def _versions(root: Path) -> dict[str, list[tuple[str, dt.date]]]:
    """client.yaml path -> (blob, date) of the versions whose commit may have changed its status,
    newest first (a deleted file's blob is all zeros)."""
    result = git(
        root,
        "-c",
        "core.quotePath=off",
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--relative",
        "--raw",
        "--no-abbrev",
        f"--format={_RECORD}%H %cs",
        "-G",
        "status",
        "--",
        "clients/*/client.yaml",
    )
    if result.returncode != 0:
        return {}
    versions: dict[str, list[tuple[str, dt.date]]] = {}
    for record in result.stdout.split(_RECORD):
        lines = [line for line in record.split("\n") if line]
        if not lines:
            continue
        _, day = lines[0].split(" ", 1)
        for line in lines[1:]:  # ":100644 100644 <old blob> <new blob> M\tpath"
            meta, _, path = line.partition("\t")
            fields = meta.split()
            if len(fields) >= 4 and path:
                versions.setdefault(path, []).append((fields[3], dt.date.fromisoformat(day)))
    return versions


def _status(data: bytes | None) -> object:
    if data is None:
        return None  # deleted in that commit
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    document, _ = parse_yaml(text, "client.yaml")
    if document is None or not isinstance(document.data, dict):
        return None
    return document.data.get("status")


StatusHistory = Mapping[str, tuple[tuple[dt.date, object], ...]]
"""Client id -> (date, status) of each version of its client.yaml that may have changed it, newest
first; only clients with more than one such version (one version shows no change)."""


def status_history(root: Path) -> dict[str, tuple[tuple[dt.date, object], ...]]:
    try:
        versions = {PurePosixPath(path).parts[1]: found for path, found in _versions(root).items() if len(found) > 1}
        contents = read_blobs(root, sorted({blob for found in versions.values() for blob, _ in found}))
    except RevisionError:
        return {}
    return {
        client_id: tuple((day, _status(contents.get(blob))) for blob, day in found)
        for client_id, found in sorted(versions.items())
    }


class HistoryInThread:
    """`status_history` read in a thread, beside the caller's own work (it mostly waits for Git, which
    runs on another core); `result` waits for it, and must be called before any fork."""

    def __init__(self, root: Path) -> None:
        self._found: dict[str, tuple[tuple[dt.date, object], ...]] = {}
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(root,), name="clientkb-status-history", daemon=True)
        self._thread.start()

    def _read(self, root: Path) -> None:
        try:
            self._found = status_history(root)
        except BaseException as failed:  # raised again in the caller's thread, as if read there
            self._failed = failed

    def result(self) -> dict[str, tuple[tuple[dt.date, object], ...]]:
        self._thread.join()
        if self._failed is not None:
            raise self._failed
        return self._found


def status_set_on(versions: tuple[tuple[dt.date, object], ...], current: str) -> dt.date | None:
    """The day the status became `current`, if an older version had another one."""
    since: dt.date | None = None
    for day, status in versions:  # newest first
        if status != current:
            return since
        since = day
    return None
