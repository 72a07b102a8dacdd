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
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != _OPEN:
        return Split(None, 0, text, 1)
    # Scan line by line only through the front matter: bodies can be long.
    start = first_end + 1
    line = 2
    while 0 < start <= len(text):
        end = text.find("\n", start)
        current = text[start:] if end < 0 else text[start:end]
        if current.rstrip() in _CLOSE:
            front = text[first_end + 1 : start]
            body = "" if end < 0 else text[end + 1 :]
            return Split(front, 2, body, line + 1)
        if end < 0:
            break
        start = end + 1
        line += 1
    return Split(None, 2, text, 1, closed=False)
