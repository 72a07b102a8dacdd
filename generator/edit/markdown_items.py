"""Ticking one task item of a note or a run: `- [ ] Send the deck` -> `- [x] Send the deck`, on the
line the parser found it (its position comes from markdown-it's tokens), and nothing else."""

from __future__ import annotations

import re

from generator.edit.guarded import EditError

_OPEN_BOX = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]|[0-9]{1,9}[.)])\s+\[) \]")


def tick(text: str, line: int) -> str:
    """`text` with the open task box on 1-based `line` ticked."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        raise EditError(f"line {line} is not in the file")
    current = lines[line - 1]
    ticked, count = _OPEN_BOX.subn(r"\1x]", current, count=1)
    if not count:
        raise EditError(f"line {line} holds no open task item: {current.strip()!r}")
    lines[line - 1] = ticked
    return "\n".join(lines)
