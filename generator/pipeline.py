"""The only module that chains the stages: load -> parse records -> validate (-> compute -> render)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.insights import ClientInsight, client_insights
from generator.load import KB_FILE, ClientFiles, read_source, walk_repository
from generator.metrics import Portfolio, portfolio
from generator.model import Client, KnowledgeBase, Limits, Playbook, Settings
from generator.problems import Problem, error, sorted_problems
from generator.records import ClientLoad, load_client, load_playbook, parse_settings
from generator.sourcemap import SourceMap
from generator.validate import References, validate_client, validate_knowledge_base

PARALLEL_FROM = 200
"""Client folders below which one process is faster than starting a pool."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A knowledge base as read and checked: `kb` is None when kb.yaml itself is unusable."""

    kb: KnowledgeBase | None
    settings: Settings | None
    problems: list[Problem]
    clients: int
    notes: int
    playbooks: int


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class _ClientJob:
    """What every worker needs to load and check one client folder."""

    root: Path
    max_bytes: int
    refs: References | None
    """None when kb.yaml is unusable: references cannot be checked then."""
    keep_records: bool
    """False for `check`: send back problems only, which saves pickling every record."""


def _load_and_validate(job: _ClientJob, files: ClientFiles) -> ClientLoad:
    load = load_client(job.root, files, job.max_bytes)
    if load.client is None:
        return load
    problems = load.problems
    if job.refs is not None:
        problems = problems + validate_client(load.client, job.refs)
    return ClientLoad(load.client if job.keep_records else None, problems)


def _load_chunk(job: _ClientJob, chunk: Sequence[ClientFiles]) -> list[ClientLoad]:
    return [_load_and_validate(job, files) for files in chunk]


def _chunks(items: Sequence[ClientFiles], size: int) -> Iterator[Sequence[ClientFiles]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_clients(job: _ClientJob, folders: Sequence[ClientFiles], jobs: int) -> Iterable[ClientLoad]:
    if jobs <= 1 or len(folders) < PARALLEL_FROM:
        return _load_chunk(job, folders)
    size = max(1, len(folders) // (jobs * 8))
    # fork: workers inherit the imported modules, so a pool starts in milliseconds.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        loads = pool.map(partial(_load_chunk, job), _chunks(folders, size))
        return [load for chunk in loads for load in chunk]


def load_knowledge_base(root: Path, jobs: int | None = None, keep_records: bool = True) -> Loaded:
    """Read, parse and validate everything under `root`.

    With `keep_records=False` (for `check`) only problems and counts come back, and `kb` holds no
    clients: the records stay in the worker processes that checked them.
    """
    problems: list[Problem] = []
    settings: Settings | None = None
    settings_source = SourceMap(KB_FILE)
    if not (root / KB_FILE).is_file():
        problems.append(
            error(
                KB_FILE,
                0,
                0,
                "missing-settings",
                f"no {KB_FILE} in {root}",
                "run clientkb in the knowledge base's folder, or pass --root DIR",
            )
        )
    else:
        text, found = read_source(root, KB_FILE, Limits().max_file_size)
        problems.extend(found)
        if text is not None:
            parsed = parse_settings(text)
            problems.extend(parsed.problems)
            settings, settings_source = parsed.value, parsed.source
    max_bytes = settings.limits.max_file_size if settings else Limits().max_file_size

    files = walk_repository(root)
    problems.extend(files.problems)
    client_ids = frozenset(c.id for c in files.clients)
    refs = References(settings, client_ids) if settings is not None else None
    job = _ClientJob(root, max_bytes, refs, keep_records)
    clients: list[Client] = []
    for load in _load_clients(job, files.clients, default_jobs() if jobs is None else jobs):
        problems.extend(load.problems)
        if load.client is not None:
            clients.append(load.client)
    playbooks: list[Playbook] = []
    for rel in files.playbooks:
        playbook, found = load_playbook(root, rel, max_bytes)
        problems.extend(found)
        if playbook is not None:
            playbooks.append(playbook)

    kb = None
    if settings is not None:
        kb = KnowledgeBase(settings, settings_source, tuple(clients), tuple(playbooks), client_ids)
        problems.extend(validate_knowledge_base(kb))
    note_count = sum(len(c.notes) for c in files.clients)
    return Loaded(kb, settings, sorted_problems(problems), len(files.clients), note_count, len(files.playbooks))


@dataclass(frozen=True, slots=True)
class Computed:
    kb: KnowledgeBase
    today: dt.date
    insights: tuple[ClientInsight, ...]
    portfolio: Portfolio


def compute(kb: KnowledgeBase, today: dt.date) -> Computed:
    insights = client_insights(kb, today)
    return Computed(kb, today, insights, portfolio(insights, today))
