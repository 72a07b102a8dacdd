"""kb.yaml, read first: every worker needs the settings, and `today` may come from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.model.settings import Limits, Settings
from generator.model.sourcemap import SourceMap
from generator.parse.documents import parse_settings
from generator.source.load import KB_FILE, read_source
from generator.source.problems import Problem, error


@dataclass(frozen=True, slots=True)
class SettingsLoad:
    settings: Settings | None
    """None when kb.yaml is missing or invalid."""
    source: SourceMap
    problems: list[Problem]


def read_settings(root: Path) -> SettingsLoad:
    if not (root / KB_FILE).is_file():
        problem = error(
            KB_FILE,
            0,
            0,
            "missing-settings",
            f"no {KB_FILE} in {root}",
            "run clientkb in the knowledge base's folder, or pass --root DIR",
        )
        return SettingsLoad(None, SourceMap(KB_FILE), [problem])
    text, problems = read_source(root, KB_FILE, Limits().max_file_size)
    if text is None:
        return SettingsLoad(None, SourceMap(KB_FILE), problems)
    parsed = parse_settings(text)
    return SettingsLoad(parsed.value, parsed.source, problems + parsed.problems)
