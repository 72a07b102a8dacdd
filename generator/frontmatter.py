"""Split a Markdown file into its YAML front matter and body, keeping the body's line numbers."""

from __future__ import annotations

from dataclasses import dataclass

_OPEN = "---"
_CLOSE = ("---", "...")


@dataclass(frozen=True, slots=True)
class Split:
    front_matter: str | None
    """The YAML text between the fences, or None when the file has no front matter."""
    front_matter_line: int
    """1-based line of the first YAML line (the line after the opening fence)."""
    body: str
    body_line: int
    """1-based line of the file on which the body starts."""
    closed: bool = True
    """False when the opening fence has no closing fence."""


def split_front_matter(text: str) -> Split:
    """`text` has already had its BOM removed and its line ends normalised to `\\n`."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _OPEN:
        return Split(None, 0, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSE:
            front = "\n".join(lines[1:index]) + "\n"
            return Split(front, 2, "\n".join(lines[index + 1 :]), index + 2)
    return Split(None, 2, text, 1, closed=False)
