"""What records may refer to, and the shape of a problem found at a key of a YAML record."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.settings import Settings
from generator.model.sourcemap import KeyPath, SourceMap
from generator.parse.errors import did_you_mean
from generator.source.problems import Problem, error, warning


@dataclass(frozen=True, slots=True)
class References:
    """What records may refer to: team handles, segments, client ids and playbooks."""

    settings: Settings
    client_ids: frozenset[str]
    playbooks: frozenset[str] | None = None
    """Playbook slugs (None: not checked, as when past revisions are computed for the timeline)."""

    @property
    def handles(self) -> list[str]:
        return [m.handle for m in self.settings.team]


def at(source: SourceMap, path: KeyPath, severity: str, code: str, message: str, hint: str = "") -> Problem:
    pos = source.position(path)
    make = error if severity == "error" else warning
    return make(source.file, pos.line, pos.column, code, message, hint)


def unknown_handle(refs: References, source: SourceMap, path: KeyPath, handle: str, what: str) -> Problem:
    return at(
        source,
        path,
        "error",
        "unknown-handle",
        f"{what} {handle!r} is not a team handle{did_you_mean(handle, refs.handles)}",
        f"team handles are listed in kb.yaml: {', '.join(refs.handles)}",
    )
