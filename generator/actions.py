"""Action items: the task-list items of a meeting note's body, with their line numbers.

A line scan rather than a Markdown parse: `check` reads 20,000 notes in seconds, and a task item is a
line-level construct (`- [ ] text`). Fenced code blocks are skipped, as Markdown would.
"""

from __future__ import annotations

import datetime as dt
import re

from generator.model import ActionItem
from generator.problems import Problem, error

_TASK = re.compile(r"^\s{0,3}(?:[-*+]|[0-9]{1,9}[.)])\s+\[(?P<mark>[ xX])\]\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")
_HANDLE = re.compile(r"(?<![\w.@])@(?P<handle>[a-z0-9][a-z0-9_.-]*[a-z0-9_]|[a-z0-9])")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DUE = re.compile(r"(?<!\S)due:(?P<date>\S+)")
CLIENT_HANDLE = "client"


def parse_action_items(
    client_id: str, file: str, body: str, body_line: int
) -> tuple[tuple[ActionItem, ...], list[Problem]]:
    items: list[ActionItem] = []
    problems: list[Problem] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match["fence"]
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        task = _TASK.match(line)
        if not task:
            continue
        number = body_line + offset
        text = task["text"]
        due: dt.date | None = None
        due_match = _DUE.search(text)
        if due_match:
            try:
                if not _ISO_DATE.match(due_match["date"]):
                    raise ValueError("not YYYY-MM-DD")
                due = dt.date.fromisoformat(due_match["date"])
            except ValueError:
                problems.append(
                    error(
                        file,
                        number,
                        line.index("due:") + 1,
                        "invalid-date",
                        f"the action item's due date {due_match['date']!r} is not a date",
                        "write it as due:YYYY-MM-DD, with a day that exists",
                    )
                )
        handles = [m["handle"] for m in _HANDLE.finditer(text)]
        for_client = CLIENT_HANDLE in handles
        assignee = next((h for h in handles if h != CLIENT_HANDLE), None)
        clean = _HANDLE.sub("", _DUE.sub("", text))
        clean = " ".join(clean.split())
        items.append(
            ActionItem(
                client_id=client_id,
                file=file,
                line=number,
                text=clean,
                done=task["mark"] != " ",
                assignee=None if for_client else assignee,
                for_client=for_client,
                due=due,
            )
        )
    return tuple(items), problems
