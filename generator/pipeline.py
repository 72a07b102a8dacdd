"""The only module that chains the stages: load -> parse records -> validate (-> compute -> render)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.load import KB_FILE, read_source, walk_repository
from generator.model import Client, KnowledgeBase, Limits, Note, Settings
from generator.problems import Problem, error, sorted_problems
from generator.records import parse_client, parse_document, parse_note, parse_playbook, parse_settings
from generator.sourcemap import SourceMap
from generator.validate import validate


@dataclass(frozen=True, slots=True)
class Loaded:
    """A knowledge base as read and checked: `kb` is None when kb.yaml itself is unusable."""

    kb: KnowledgeBase | None
    settings: Settings | None
    problems: list[Problem]
    clients: int
    notes: int
    playbooks: int


def load_knowledge_base(root: Path) -> Loaded:
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

    files = walk_repository(root, max_bytes)
    problems.extend(files.problems)
    clients: list[Client] = []
    note_count = 0
    for client_files in files.clients:
        record = parse_client(client_files)
        problems.extend(record.problems)
        notes: list[Note] = []
        for source in client_files.notes:
            note, found = parse_note(client_files.id, source)
            problems.extend(found)
            if note:
                notes.append(note)
        note_count += len(client_files.notes)
        documents = []
        for source in client_files.documents:
            document, found = parse_document(client_files.id, source)
            problems.extend(found)
            if document:
                documents.append(document)
        if record.value is not None:
            notes.sort(key=lambda n: (n.meta.date, n.file))
            clients.append(
                Client(
                    client_files.id,
                    client_files.record.file,
                    record.value,
                    record.source,
                    tuple(notes),
                    tuple(documents),
                    record.custom,
                )
            )
    playbooks = []
    for source in files.playbooks:
        playbook, found = parse_playbook(source)
        problems.extend(found)
        if playbook:
            playbooks.append(playbook)

    kb = None
    if settings is not None:
        kb = KnowledgeBase(
            settings, settings_source, tuple(clients), tuple(playbooks), frozenset(c.id for c in files.clients)
        )
        problems.extend(validate(kb))
    return Loaded(kb, settings, sorted_problems(problems), len(files.clients), note_count, len(files.playbooks))
