"""Git history of the knowledge base, from one `git log` pass over the whole repository.

Absent (empty) when the folder is not in a Git repository or git is not installed: the site then
simply shows no "last changed" lines.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_RECORD = "\x1e"
_FIELD = "\x1f"


@dataclass(frozen=True, slots=True)
class Change:
    date: dt.date
    author: str
    subject: str


def parse_log(output: str) -> dict[str, Change]:
    """`git log --name-only` output in our format -> the latest change of each file."""
    latest: dict[str, Change] = {}
    for record in output.split(_RECORD):
        lines = record.strip("\n").split("\n")
        if not lines or _FIELD not in lines[0]:
            continue
        date, author, subject = lines[0].split(_FIELD, 2)
        change = Change(dt.date.fromisoformat(date), author, subject)
        for name in lines[1:]:
            if name and name not in latest:  # the log is newest first
                latest[name] = change
    return latest


def last_changes(root: Path) -> Mapping[str, Change]:
    """File (relative to `root`, forward slashes) -> its latest commit. Empty outside Git."""
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
        f"--format={_RECORD}%ad{_FIELD}%an{_FIELD}%s",
        "--date=short",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    return parse_log(result.stdout)
