"""Action items: the task-list items of a meeting note's body, with their line numbers.

Which lines are task items comes from the Markdown parse (generator/markdown/facts.py); this module
reads each item's text: its assignee (`@handle`, `@client`) and due date (`due:YYYY-MM-DD`, as a word
of its own: `overdue:` is not one).
"""

from __future__ import annotations

import datetime as dt
import re

from generator.markdown.facts import BodyFacts
from generator.model.dates import Duration
from generator.model.records import ActionItem, PlaybookStep
from generator.source.problems import Problem, error

MENTION = re.compile(r"(?<![\w.@])@(?P<handle>[a-z0-9][a-z0-9_.-]*[a-z0-9_]|[a-z0-9])")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DUE = re.compile(r"(?<!\S)due:(?P<date>\S+)")
"""`due:YYYY-MM-DD` as a word of its own."""
"""`@handle` in an action item's text (not in an email address)."""
CLIENT_HANDLE = "client"


def parse_action_items(
    client_id: str, file: str, body: str, body_line: int, facts: BodyFacts, written: dt.date | None = None
) -> tuple[tuple[ActionItem, ...], list[Problem]]:
    items: list[ActionItem] = []
    problems: list[Problem] = []
    for task in facts.tasks:
        number = body_line + task.line
        text = task.text
        due: dt.date | None = None
        due_match = DUE.search(text)
        if due_match:
            try:
                if not _ISO_DATE.match(due_match["date"]):
                    raise ValueError("not YYYY-MM-DD")
                due = dt.date.fromisoformat(due_match["date"])
            except ValueError:
                lines = body.split("\n")  # only for the column of a fault
                source_line = lines[task.line] if task.line < len(lines) else ""
                problems.append(
                    error(
                        file,
                        number,
                        source_line.find(f"due:{due_match['date']}") + 1,
                        "invalid-date",
                        f"the action item's due date {due_match['date']!r} is not a date",
                        "write it as due:YYYY-MM-DD, with a day that exists",
                    )
                )
        handles = [m["handle"] for m in MENTION.finditer(text)]
        for_client = CLIENT_HANDLE in handles
        assignee = next((h for h in handles if h != CLIENT_HANDLE), None)
        clean = MENTION.sub("", DUE.sub("", text))
        clean = " ".join(clean.split())
        items.append(
            ActionItem(
                client_id=client_id,
                file=file,
                line=number,
                text=clean,
                done=task.checked,
                assignee=None if for_client else assignee,
                for_client=for_client,
                due=due,
                written=written,
            )
        )
    return tuple(items), problems


OFFSET = re.compile(r"(?<!\S)\+(?P<count>[0-9]{1,4})(?P<unit>[dwm])(?!\S)")
"""`+2d`, `+1w`, `+1m` in a playbook step: due this long after the run starts."""
RUN_ROLES = frozenset({"owner", CLIENT_HANDLE})
"""`@owner` (the client's owner) and `@client` (the client's side) in a playbook step."""


def parse_playbook_steps(facts: BodyFacts, body_line: int) -> tuple[PlaybookStep, ...]:
    """A playbook's checklist, each item with who does it and when, relative to a run's start."""
    steps = []
    for task in facts.tasks:
        text = task.text
        offset_match = OFFSET.search(text)
        offset = Duration.parse(offset_match[0][1:]) if offset_match else None
        who = next((m["handle"] for m in MENTION.finditer(text)), None)
        clean = " ".join(MENTION.sub("", OFFSET.sub("", text)).split())
        steps.append(PlaybookStep(line=body_line + task.line, text=clean, who=who, offset=offset))
    return tuple(steps)
