"""Where each value of a YAML document came from: file, line and column for every key path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

KeyPath = tuple[str | int, ...]
"""A path into a document, e.g. `("contacts", 0, "email")`."""


class Position(NamedTuple):
    line: int
    """1-based line in the file (front matter offsets already applied)."""
    column: int
    """1-based column."""


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Positions of every value and key of one YAML document, so any field can be traced to its line."""

    file: str
    # Plain (line, column) tuples: there is one per YAML value, and they pickle fast between processes.
    values: Mapping[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: Mapping[KeyPath, tuple[int, int]] = field(default_factory=dict)
    raw: Mapping[KeyPath, str] = field(default_factory=dict)
    """The source text of scalars that YAML did not read as text (to quote them back to the user)."""

    def position(self, path: KeyPath) -> Position:
        """Position of the value at `path`, else of its nearest recorded parent, else line 1."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return Position(*found)
        return Position(1, 1)

    def key_position(self, path: KeyPath) -> Position:
        """Position of the key that introduces `path` (for unknown or duplicated keys)."""
        found = self.keys.get(path)
        return Position(*found) if found else self.position(path)

    def line(self, *path: str | int) -> int:
        return self.position(path).line
