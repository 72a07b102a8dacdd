"""Problems are values: every fault in the input becomes a `Problem` naming its file and line.

Stages return `(output, problems)`; nothing is raised through the CLI for bad input. This module also
holds the three output formats of `clientkb check`: text, GitHub workflow annotations and JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from generator.model.vocabulary import CONTROL_CHARACTERS


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One fault in the input, located as precisely as the input allows."""

    file: str
    """Path relative to the repository root, with forward slashes."""
    line: int
    """1-based line; 0 when the problem concerns the whole file (or a missing file)."""
    column: int
    """1-based column; 0 when unknown."""
    severity: Severity
    code: str
    """A short stable identifier, e.g. `unknown-field`, usable to grep and to silence."""
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


def error(file: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(file=file, line=line, column=column, severity=Severity.ERROR, code=code, message=message, hint=hint)


def warning(file: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(
        file=file, line=line, column=column, severity=Severity.WARNING, code=code, message=message, hint=hint
    )


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order by file, then position, so output is stable whatever order stages ran in."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file, p.line, p.column, p.code, p.message))


def count(problems: Iterable[Problem], severity: Severity) -> int:
    return sum(1 for p in problems if p.severity is severity)


_CONTROL = re.compile(CONTROL_CHARACTERS)


def _shown(text: str) -> str:
    """Text for a terminal or a log: a control character (from a file name, say) is shown as an
    escape, never sent (an escape sequence could rewrite the screen)."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def format_text(problems: Sequence[Problem]) -> str:
    lines: list[str] = []
    for p in problems:
        lines.append(_shown(f"{p.location}: {p.severity}: {p.message} [{p.code}]"))
        if p.hint:
            lines.append(_shown(f"    hint: {p.hint}"))
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    # https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
    return _shown(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem], prefix: str = "") -> str:
    """Workflow commands; `prefix` is the knowledge base's folder in the repository (`kb/`), since
    GitHub places an annotation by its path from the repository's root."""
    lines: list[str] = []
    for p in problems:
        props = [f"file={_escape_property(prefix + p.file)}"]
        if p.line > 0:
            props.append(f"line={p.line}")
        if p.column > 0:
            props.append(f"col={p.column}")
        props.append(f"title={_escape_property(f'clientkb [{p.code}]')}")
        message = p.message + (f"\n{p.hint}" if p.hint else "")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
