"""Read a client folder's files and parse them into one `Client` (the unit of work that runs in
parallel), or a playbook; and the small reads `clientkb new` makes of a record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from generator.model.records import Client, ClientRecord, Playbook
from generator.model.settings import Limits
from generator.parse.documents import Parsed, parse_client, parse_document, parse_note, parse_playbook, parse_run
from generator.parse.events import parse_event
from generator.source.load import ClientFiles, SourceText, read_source
from generator.source.problems import Problem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ClientLoad:
    """One client folder read and parsed: the unit of work that runs in parallel."""

    client: Client | None
    problems: list[Problem]


Reader = Callable[[str], tuple[SourceText | None, list[Problem]]]
"""Reads one file (a path from the root) as text: from disk, or from Git objects."""


def disk_reader(root: Path, limits: Limits) -> Reader:
    return lambda rel: read_source(root, rel, limits.max_file_size)


def load_client(root: Path, files: ClientFiles, limits: Limits, read: Reader | None = None) -> ClientLoad:
    """Read and parse a client's record, notes and documents (no cross-record checks)."""
    read = read or disk_reader(root, limits)
    problems: list[Problem] = []
    record: Parsed[ClientRecord] | None = None
    source, found = read(files.record)
    problems.extend(found)
    if source is not None:
        record = parse_client(source, limits)
        problems.extend(record.problems)
    notes = _read_all(read, files.notes, lambda source: parse_note(files.id, source, limits), problems)
    documents = _read_all(read, files.documents, lambda source: parse_document(files.id, source, limits), problems)
    runs = _read_all(read, files.runs, lambda source: parse_run(files.id, source, limits), problems)
    events = _read_all(read, files.events, lambda source: parse_event(files.id, source, limits), problems)
    if record is None or record.value is None:
        return ClientLoad(None, problems)
    notes.sort(key=lambda n: (n.meta.date, n.file))
    runs.sort(key=lambda r: (r.meta.started, r.file))
    events.sort(key=lambda e: (e.date, e.file))
    client = Client(
        id=files.id,
        file=files.record,
        record=record.value,
        source=record.source,
        notes=tuple(notes),
        documents=tuple(documents),
        custom=record.custom,
        runs=tuple(runs),
        events=tuple(events),
    )
    return ClientLoad(client, problems)


def load_playbook(root: Path, rel: str, limits: Limits) -> tuple[Playbook | None, list[Problem]]:
    problems: list[Problem] = []
    found = _read_all(disk_reader(root, limits), (rel,), lambda source: parse_playbook(source, limits), problems)
    return (found[0] if found else None), problems


def _read_all(
    read: Reader,
    rels: Sequence[str],
    parse: Callable[[SourceText], tuple[T | None, list[Problem]]],
    problems: list[Problem],
) -> list[T]:
    """Read and parse each file; every problem goes to `problems`, every parsed value is returned."""
    values: list[T] = []
    for rel in rels:
        source, found = read(rel)
        problems.extend(found)
        if source is not None:
            value, found = parse(source)
            problems.extend(found)
            if value is not None:
                values.append(value)
    return values


def read_client_record(root: Path, client_id: str) -> ClientRecord | None:
    """A client's record, or None when it cannot be read (`clientkb new` fills templates from it)."""
    source, _ = read_source(root, f"clients/{client_id}/client.yaml", Limits().max_file_size)
    return parse_client(source).value if source is not None else None


def client_owner(root: Path, client_id: str) -> str | None:
    """The owner named in a client's record, or None when it cannot be read."""
    record = read_client_record(root, client_id)
    return record.owner if record else None
