"""Walk a repository and read its files as text: the only stage that touches the input folder.

Everything that can be wrong with a file as bytes is reported here, each with its file: a symlink
leaving the repository (refused), a symlink loop, a file over the size limit, bytes that are not
UTF-8. A UTF-8 byte-order mark and CRLF line ends are accepted and normalised away.
"""

from __future__ import annotations

import operator
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.model.vocabulary import CLIENT_ID_PATTERN, CONTROL_CHARACTERS
from generator.source.problems import Problem, error

_CONTROL = re.compile(CONTROL_CHARACTERS)

KB_FILE = "kb.yaml"
CLIENT_FILE = "client.yaml"
SUBFOLDERS = {
    "meetings": ("one Markdown file per meeting", "a meeting note"),
    "runs": ("one Markdown file per run of a playbook", "a playbook run"),
    "events": ("one YAML file per event logged", "an event"),
}
"""A client's folders of files: what each holds, and what one of its files is."""
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
_NAME = operator.attrgetter("name")
_JUNK_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part")


@dataclass(frozen=True, slots=True)
class SourceText:
    file: str
    """Path relative to the repository root, with forward slashes."""
    text: str
    """Decoded text, without BOM, with `\\n` line ends."""


@dataclass(frozen=True, slots=True)
class ClientFiles:
    """The files of one client folder, as paths relative to the root (read later, in parallel)."""

    id: str
    folder: str
    record: str
    notes: tuple[str, ...]
    documents: tuple[str, ...]
    runs: tuple[str, ...] = ()
    events: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        """Every file, the record first (the order of a cache key)."""
        return (self.record, *self.notes, *self.documents, *self.runs, *self.events)


@dataclass(frozen=True, slots=True)
class RepositoryFiles:
    clients: tuple[ClientFiles, ...] = ()
    playbooks: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def is_editor_junk(name: str) -> bool:
    """Hidden files, editor backups and lock files: never part of the knowledge base."""
    return name.startswith((".", "#")) or name.endswith(_JUNK_SUFFIXES)


def read_source(root: Path, rel: str, max_bytes: int) -> tuple[SourceText | None, list[Problem]]:
    """Read `root/rel` as UTF-8 text, or explain why it cannot be read."""
    path = root / rel
    refusal = _outside_repository(root, rel)
    if refusal:
        return None, [refusal]
    try:
        size = path.stat().st_size
        if size > max_bytes:  # checked before reading: a runaway file is never loaded
            return None, [_too_large(rel, size, max_bytes)]
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror or exc}")]
    return decode_source(rel, data, max_bytes)


def decode_source(rel: str, data: bytes, max_bytes: int) -> tuple[SourceText | None, list[Problem]]:
    """File bytes (from disk or from Git) as UTF-8 text, or why they cannot be read."""
    if len(data) > max_bytes:
        return None, [_too_large(rel, len(data), max_bytes)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            error(
                rel,
                line,
                column,
                "not-utf8",
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                "save the file with UTF-8 encoding",
            )
        ]
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        return None, [
            error(
                rel,
                line,
                column,
                "control-character",
                f"the file holds a control character (U+{ord(control.group()):04X}), which no page can show",
                "remove it; a file with such characters is usually not text (or was pasted from a terminal)",
            )
        ]
    return SourceText(rel, text), []


def _too_large(rel: str, size: int, max_bytes: int) -> Problem:
    return error(
        rel,
        0,
        0,
        "file-too-large",
        f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
        "split it up, or raise limits.max_file_size in kb.yaml",
    )


def _outside_repository(root: Path, rel: str, entry: os.DirEntry[str] | None = None) -> Problem | None:
    # Only `rel` itself is checked: the walk enters each folder through a checked entry (whose
    # scan already says whether it is a link, without another system call).
    if not (_is_link(entry) if entry is not None else (root / rel).is_symlink()):
        return None
    path = root / rel
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return error(rel, 0, 0, "bad-symlink", "the symbolic link is broken or loops on itself")
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return error(
            rel,
            0,
            0,
            "symlink-outside",
            "the symbolic link leads outside the repository, so it is refused",
            "copy the file into the repository instead",
        )
    return None


def _entries(folder: Path | str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            found = [e for e in scan if not is_editor_junk(e.name)]
    except OSError:
        return []
    found.sort(key=_NAME)
    return found


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True  # then checked the long way, which says what is wrong


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk_repository(root: Path) -> RepositoryFiles:
    """Find every client, note, document and playbook under `root` (kb.yaml is read by the caller).

    Only folders are checked here; files are read by `read_source`, one client at a time.
    """
    problems: list[Problem] = []
    clients: list[ClientFiles] = []
    for top in ("clients", "playbooks"):
        refusal = _outside_repository(root, top)
        if refusal:
            return RepositoryFiles(problems=(refusal,))
    if (root / "clients").exists() and not (root / "clients").is_dir():
        problems.append(_not_a_folder("clients", "one folder per client"))
    for entry in _entries(root / "clients"):
        if not _is_dir(entry):
            continue
        rel = f"clients/{entry.name}"
        if not _CLIENT_ID.match(entry.name):
            problems.append(
                error(
                    rel,
                    0,
                    0,
                    "invalid-client-id",
                    f"{entry.name!r} is not a valid client id, so this folder is not read",
                    "use lowercase letters, digits and '-', starting with a letter or digit, e.g. acme-corp",
                )
            )
            continue
        loaded, found = client_files(root, entry.name, entry)
        problems.extend(found)
        if loaded:
            clients.append(loaded)
    playbooks, found = playbook_files(root)
    return RepositoryFiles(tuple(clients), playbooks, tuple(problems + found))


def _not_a_folder(rel: str, holds: str) -> Problem:
    return error(
        rel,
        0,
        0,
        "not-a-folder",
        f"{rel} is a file, but it must be a folder ({holds}), so nothing in it is read",
        f"move the file away and make {rel} a folder",
    )


def _not_a_file(rel: str, what: str) -> Problem:
    return error(
        rel,
        0,
        0,
        "not-a-file",
        f"{rel} is a folder, but it must be a file ({what}), so it is not read",
        f"move the folder away, or rename it so that its name does not end in {Path(rel).suffix or rel}",
    )


def playbook_files(root: Path) -> tuple[tuple[str, ...], list[Problem]]:
    """The playbooks' paths, and the `.md` folders that stand where a playbook would."""
    folder = root / "playbooks"
    if folder.exists() and not folder.is_dir():
        return (), [_not_a_folder("playbooks", "one Markdown file per playbook")]
    files: list[str] = []
    problems: list[Problem] = []
    for entry in _entries(folder):
        if not entry.name.endswith(".md"):
            continue
        rel = f"playbooks/{entry.name}"
        if _is_dir(entry):
            problems.append(_not_a_file(rel, "a playbook in Markdown"))
        else:
            files.append(rel)
    return tuple(files), problems


def client_files(
    root: Path, client_id: str, scanned: os.DirEntry[str] | None = None
) -> tuple[ClientFiles | None, list[Problem]]:
    """The files of one client folder (its id already checked; `scanned`, its entry in `clients/`),
    or why it cannot be read."""
    folder = f"clients/{client_id}"
    refusal = _outside_repository(root, folder, scanned)
    if refusal:
        return None, [refusal]
    problems: list[Problem] = []
    paths: list[str] = []
    base = os.fspath(root)
    for entry in _entries(f"{base}/{folder}"):
        rel = f"{folder}/{entry.name}"
        if entry.name in SUBFOLDERS:
            if not _is_dir(entry):
                problems.append(_not_a_folder(rel, SUBFOLDERS[entry.name][0]))
                continue
            refusal = _outside_repository(root, rel, entry)
            if refusal:
                problems.append(refusal)
                continue
            for note in _entries(f"{base}/{rel}"):
                if not _is_dir(note):
                    paths.append(f"{rel}/{note.name}")
                elif note.name.endswith((".md", ".yaml")):
                    problems.append(_not_a_file(f"{rel}/{note.name}", SUBFOLDERS[entry.name][1]))
        elif not _is_dir(entry):
            paths.append(rel)
        elif entry.name == CLIENT_FILE:
            return None, [_not_a_file(rel, "the client's record")]
        elif entry.name.endswith(".md"):
            problems.append(_not_a_file(rel, "a document"))
    files, found = _sorted_into(client_id, paths)  # (the scan left out editor junk)
    return files, problems + found


def classify_client_files(client_id: str, paths: Iterable[str]) -> tuple[ClientFiles | None, list[Problem]]:
    """Sort a client folder's files (paths from the root) into record, notes and documents."""
    start = len(client_id) + len("clients//")
    return _sorted_into(client_id, [p for p in paths if not any(is_editor_junk(n) for n in p[start:].split("/"))])


def _sorted_into(client_id: str, paths: Iterable[str]) -> tuple[ClientFiles | None, list[Problem]]:
    folder = f"clients/{client_id}"
    notes: list[str] = []
    documents: list[str] = []
    runs: list[str] = []
    events: list[str] = []
    names: set[str] = set()
    for rel in sorted(paths):
        parts = rel[len(folder) + 1 :].split("/")
        names.add(parts[0])
        if len(parts) == 2 and parts[0] == "meetings" and parts[1].endswith(".md"):
            notes.append(rel)
        elif len(parts) == 2 and parts[0] == "runs" and parts[1].endswith(".md"):
            runs.append(rel)
        elif len(parts) == 2 and parts[0] == "events" and parts[1].endswith(".yaml"):
            events.append(rel)
        elif len(parts) == 1 and parts[0].endswith(".md"):
            documents.append(rel)
    if CLIENT_FILE not in names:
        near = next((n for n in sorted(names) if n.startswith("client.")), None)
        hint = f"rename {near!r} to {CLIENT_FILE!r}" if near else f"create {folder}/{CLIENT_FILE}"
        return None, [error(folder, 0, 0, "missing-record", f"the client folder has no {CLIENT_FILE}", hint)]
    record = f"{folder}/{CLIENT_FILE}"
    return ClientFiles(client_id, folder, record, tuple(notes), tuple(documents), tuple(runs), tuple(events)), []


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding a kb.yaml, like Git finds `.git`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / KB_FILE).is_file():
            return folder
    return None
