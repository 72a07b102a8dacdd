"""Git history of the knowledge base, from one `git log` pass over the whole repository.

Absent (empty) when the folder is not in a Git repository or git is not installed: the site then
simply shows no "last changed" lines and no history.

In a shallow clone (`actions/checkout`'s default) the oldest commit present looks as if it added every
file: it is never credited with a change, and `History.shallow_since` says where the history starts,
so that the site and the build can say what is missing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_RECORD = "\x1e"
_FIELD = "\x1f"


@dataclass(frozen=True, slots=True)
class Change:
    date: dt.date
    author: str
    subject: str
    commit: str = ""


@dataclass(frozen=True, slots=True)
class History:
    last_changes: Mapping[str, Change] = field(default_factory=dict)
    """File (relative to the knowledge base, forward slashes) -> its latest commit."""
    clients: Mapping[str, tuple[Change, ...]] = field(default_factory=dict)
    """Client id -> the commits that touched its folder, newest first."""
    shallow_since: dt.date | None = None
    """In a shallow clone: the date of its oldest commit; earlier history is not in the clone."""


def parse_log(output: str, boundary: frozenset[str] = frozenset()) -> History:
    """`git log --name-only` output in our format -> latest change per file, commits per client.

    `boundary`: a shallow clone's oldest commits, whose file lists are the whole tree rather than
    what they changed; they are credited with nothing."""
    latest: dict[str, Change] = {}
    clients: dict[str, list[Change]] = {}
    since: dt.date | None = None
    earliest: dt.date | None = None
    for record in output.split(_RECORD):
        lines = record.strip("\n").split("\n")
        if not lines or _FIELD not in lines[0]:
            continue
        commit, date, author, subject = lines[0].split(_FIELD, 3)
        change = Change(dt.date.fromisoformat(date), author, subject, commit)
        earliest = change.date if earliest is None else min(earliest, change.date)
        if commit in boundary:
            since = change.date if since is None else min(since, change.date)
            continue
        touched: set[str] = set()
        for name in lines[1:]:
            if not name:
                continue
            latest.setdefault(name, change)  # the log is newest first
            parts = PurePosixPath(name).parts
            if len(parts) >= 3 and parts[0] == "clients":
                touched.add(parts[1])
        for client_id in sorted(touched):
            clients.setdefault(client_id, []).append(change)
    if boundary and since is None:  # the oldest commits touched nothing here: the history starts after them
        since = earliest
    return History(latest, {k: tuple(v) for k, v in clients.items()}, since)


def shallow_boundary(root: Path) -> frozenset[str]:
    """The oldest commits of a shallow clone (empty for a whole repository)."""
    try:
        found = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--git-path", "shallow"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if found.returncode != 0:
            return frozenset()
        return frozenset((root / found.stdout.strip()).read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError, subprocess.TimeoutExpired):
        return frozenset()


def read_history(root: Path) -> History:
    """One `git log` over the repository, limited to `root` and with paths relative to it."""
    command = [
        "git",
        "-c",
        "core.quotePath=off",
        "-C",
        str(root),
        "log",
        "--no-renames",
        "--relative",
        "--name-only",
        f"--format={_RECORD}%H{_FIELD}%ad{_FIELD}%an{_FIELD}%s",
        "--date=short",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired):
        return History()
    if result.returncode != 0:
        return History()
    return parse_log(result.stdout, shallow_boundary(root))


@dataclass(frozen=True, slots=True)
class HealthTimeline:
    months: tuple[dt.date, ...] = ()
    """Month ends, oldest first; a month before the first commit is left out."""
    clients: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)
    """Client id -> its health at each month end ("" when the client did not exist then)."""

    def counts(self, only: Collection[str] | None = None) -> list[dict[str, int]]:
        """Clients by health at each month end, for the dashboard (of the clients `only` names)."""
        result = []
        for index in range(len(self.months)):
            count = {"red": 0, "amber": 0, "green": 0}
            for client, healths in self.clients.items():
                if only is not None and client not in only:
                    continue
                health = healths[index]
                if health in count:
                    count[health] += 1
            result.append(count)
        return result
