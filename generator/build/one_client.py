"""One client loaded, checked and computed in this process, with its notes: what `clientkb qbr` and
`new meeting --type qbr` read, without loading the whole knowledge base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from generator.build.clients import process_one_client
from generator.compute.insights import ClientInsight
from generator.model.records import Client
from generator.model.settings import Settings
from generator.parse.loader import disk_reader
from generator.parse.validate import References
from generator.source.load import SourceText, client_files, playbook_files
from generator.source.problems import Problem, Severity


@dataclass(frozen=True, slots=True)
class OneClient:
    client: Client | None
    insight: ClientInsight | None
    """None when the client has errors (`problems` lists them)."""
    problems: list[Problem]


def client_ids(root: Path) -> list[str]:
    folder = root / "clients"
    return sorted(p.parent.name for p in folder.glob("*/client.yaml")) if folder.is_dir() else []


def load_one_client(
    root: Path, client_id: str, settings: Settings, today: dt.date, changed: Mapping[str, str] | None = None
) -> OneClient:
    """The client's record, notes and insight for `today`; its problems instead where it has errors.
    `changed` gives files' text (from the root) in place of the disk's, a new event file among them:
    the client as a `clientkb log` command would leave it."""
    files, found = client_files(root, client_id)
    if files is None:
        return OneClient(None, None, found)
    playbooks, _ = playbook_files(root)
    slugs = frozenset(Path(rel).stem for rel in playbooks)
    refs = References(settings, frozenset(client_ids(root)), slugs)
    read = None
    if changed:
        added = tuple(rel for rel in changed if "/events/" in rel and rel not in files.events)
        files = replace(files, events=tuple(sorted((*files.events, *added))))
        disk = disk_reader(root, settings.limits)

        def read(rel: str) -> tuple[SourceText | None, list[Problem]]:
            return (SourceText(rel, changed[rel]), []) if rel in changed else disk(rel)

    result = process_one_client(root, files, refs, today, read)
    problems = found + result.problems
    if any(p.severity is Severity.ERROR for p in problems):
        return OneClient(result.client, None, problems)
    return OneClient(result.client, result.insight, problems)
