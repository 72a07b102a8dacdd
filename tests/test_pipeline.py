"""The pipeline gives the same answer whether clients are loaded in one process or in several."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.build.config import BuildConfig, Mode
from generator.build.load import load_knowledge_base
from generator.build.workers import PARALLEL_FROM
from tests.conftest import CLIENT_YAML, NOTE_MD


def _many_clients(count: int) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for index in range(count):
        record = CLIENT_YAML if index % 7 else CLIENT_YAML.replace("owner: dana", "owner: nobody")
        files[f"clients/c{index:04d}/client.yaml"] = record
        note = NOTE_MD if index % 5 else NOTE_MD.replace("type: check-in", "type: chat")
        files[f"clients/c{index:04d}/meetings/2026-11-02-check-in.md"] = note
    return files


def test_parallel_load_equals_serial_load(make_repo: Callable[..., Path]) -> None:
    count = max(2 * PARALLEL_FROM, 220)  # well past the point where workers are used
    root = make_repo(_many_clients(count))
    serial = load_knowledge_base(BuildConfig(root=root, jobs=1))
    parallel = load_knowledge_base(BuildConfig(root=root, jobs=2))
    assert serial.problems == parallel.problems
    assert len(serial.problems) > 50
    assert serial.kb is not None and parallel.kb is not None
    assert [c.id for c in serial.kb.clients] == [c.id for c in parallel.kb.clients]
    assert serial.kb.clients == parallel.kb.clients
    checked = load_knowledge_base(BuildConfig(root=root, jobs=2, mode=Mode.CHECK, cache=False))
    assert checked.problems == serial.problems
    assert checked.kb is not None and checked.kb.clients == ()
    assert (checked.clients, checked.notes) == (count + 1, count + 1)
