"""kb.yaml, read first: every worker needs the settings, and `today` may come from them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from generator.model import pickling
from generator.model.settings import Limits, Settings
from generator.model.sourcemap import SourceMap
from generator.parse.documents import Parsed, parse_settings
from generator.source.cache import SETTINGS_FILE, CacheStore, code_digest
from generator.source.load import KB_FILE, SourceText, read_source
from generator.source.problems import Problem, error


@dataclass(frozen=True, slots=True)
class SettingsLoad:
    settings: Settings | None
    """None when kb.yaml is missing or invalid."""
    source: SourceMap
    problems: list[Problem]


def read_settings(root: Path, cache: bool = True) -> SettingsLoad:
    """kb.yaml read and checked; with `cache`, its parse is kept for the next run (`_parsed`)."""
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
    parsed = _parsed(root, text) if cache else parse_settings(text)
    return SettingsLoad(parsed.value, parsed.source, problems + parsed.problems)


def _parsed(root: Path, text: SourceText) -> Parsed[Settings]:
    """kb.yaml parsed and validated, taken from the cache when its text is the one parsed last by this
    clientkb (a warm command then neither validates it nor loads the email validator, 0.07 s)."""
    store = CacheStore.open(root)
    if store is None:
        return parse_settings(text)
    key = hashlib.sha256(code_digest() + text.text.encode()).hexdigest()
    found = store.read_pickled(SETTINGS_FILE)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == key and isinstance(found[1], Parsed):
        return found[1]
    parsed = parse_settings(text)
    store.write(SETTINGS_FILE, pickling.dumps((key, parsed)))
    return parsed
