"""One client loaded, checked and computed in this process, with its notes: what `clientkb qbr` and
`new meeting --type qbr` read, without loading the whole knowledge base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.build.clients import process_one_client
from generator.compute.insights import ClientInsight
from generator.model.records import Client
from generator.model.settings import Settings
from generator.parse.validate import References
from generator.source.load import client_files, playbook_files
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


def load_one_client(root: Path, client_id: str, settings: Settings, today: dt.date) -> OneClient:
    """The client's record, notes and insight for `today`; its problems instead where it has errors."""
    files, found = client_files(root, client_id)
    if files is None:
        return OneClient(None, None, found)
    playbooks, _ = playbook_files(root)
    slugs = frozenset(Path(rel).stem for rel in playbooks)
    refs = References(settings, frozenset(client_ids(root)), slugs)
    result = process_one_client(root, files, refs, today)
    problems = found + result.problems
    if any(p.severity is Severity.ERROR for p in problems):
        return OneClient(result.client, None, problems)
    return OneClient(result.client, result.insight, problems)
