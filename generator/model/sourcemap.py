"""Where each value of a YAML document came from: file, line and column for every key path."""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from typing import Any, NamedTuple

KeyPath = tuple[str | int, ...]
"""A path into a document, e.g. `("contacts", 0, "email")`."""


class Position(NamedTuple):
    line: int
    """1-based line in the file (front matter offsets already applied)."""
    column: int
    """1-based column."""


_Tables = tuple[dict[KeyPath, tuple[int, int]], dict[KeyPath, tuple[int, int]], dict[KeyPath, str]]

_last_read: tuple[bytes, _Tables] | None = None
"""The packed map read last (its bytes, the map's identity) and its tables."""


class SourceMap:
    """Positions of every value and key of one YAML document, so any field can be traced to its line.

    Immutable. Positions are plain `(line, column)` tuples: there is one per YAML value. Between
    processes a map travels packed (`marshal`), and a packed map stays packed: a read decodes it
    (the map read last is kept decoded, for the next reads of the same client). The main process
    holds every client's map, read a few lines of each: decoded, a map is eight times the size of
    its packed bytes (most of what the main process held per client on a large base).
    """

    __slots__ = ("_packed", "_tables", "file")

    def __init__(
        self,
        file: str,
        values: Mapping[KeyPath, tuple[int, int]] | None = None,
        keys: Mapping[KeyPath, tuple[int, int]] | None = None,
        raw: Mapping[KeyPath, str] | None = None,
    ) -> None:
        self.file = file
        self._tables: _Tables | None = (dict(values or {}), dict(keys or {}), dict(raw or {}))
        self._packed: bytes | None = None

    @classmethod
    def _unpickle(cls, file: str, packed: bytes) -> SourceMap:
        source = cls.__new__(cls)
        source.file = file
        source._tables = None
        source._packed = packed
        return source

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._packed if self._packed is not None else marshal.dumps(self._tables)
        return (SourceMap._unpickle, (self.file, packed))

    def _unpacked(self) -> _Tables:
        if self._tables is not None:
            return self._tables
        global _last_read
        packed = self._packed
        assert packed is not None
        last = _last_read
        if last is not None and last[0] is packed:
            return last[1]
        tables: _Tables = marshal.loads(packed)
        _last_read = (packed, tables)
        return tables

    @property
    def values(self) -> Mapping[KeyPath, tuple[int, int]]:
        return self._unpacked()[0]

    @property
    def keys(self) -> Mapping[KeyPath, tuple[int, int]]:
        return self._unpacked()[1]

    @property
    def raw(self) -> Mapping[KeyPath, str]:
        """The source text of scalars that YAML did not read as text (to quote them back to the user)."""
        return self._unpacked()[2]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceMap):
            return NotImplemented
        return self.file == other.file and self._unpacked() == other._unpacked()

    def __hash__(self) -> int:
        return hash(self.file)

    def __repr__(self) -> str:
        return f"SourceMap({self.file!r}, {len(self.values)} values)"

    def position(self, path: KeyPath) -> Position:
        """Position of the value at `path`, else of its nearest recorded parent, else line 1."""
        values = self.values
        for end in range(len(path), -1, -1):
            found = values.get(path[:end])
            if found is not None:
                return Position(*found)
        return Position(1, 1)

    def key_position(self, path: KeyPath) -> Position:
        """Position of the key that introduces `path` (for unknown or duplicated keys)."""
        found = self.keys.get(path)
        return Position(*found) if found else self.position(path)

    def line(self, *path: str | int) -> int:
        return self.position(path).line
