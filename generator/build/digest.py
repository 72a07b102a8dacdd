"""Everyone's digest for a period: today's insights, and the knowledge base as it stood at the
period's start, read from Git (generator/git/timeline.py) and computed for that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.compute.digest import Digest, DigestInput, person_digest
from generator.compute.due import DueEntry, DueWindow
from generator.compute.insights import ClientInsight
from generator.git.timeline import flags_at
from generator.model.dates import Duration
from generator.model.settings import Settings


@dataclass(frozen=True, slots=True)
class DigestRequest:
    """What `clientkb digest` was asked: the period back from today, whose digest, with the cache."""

    since: Duration
    owner: str | None = None
    cache: bool = True


def digests(
    root: Path,
    settings: Settings,
    insights: Sequence[ClientInsight],
    today: dt.date,
    request: DigestRequest,
    due: Sequence[DueEntry] | None = None,
) -> list[Digest]:
    """One digest per team member in kb.yaml's order, or `request.owner`'s alone; `due`: the
    clients' due entries in kb.yaml's window, when they were made with the insights."""
    owner = request.owner
    given = DigestInput(
        insights=insights,
        past=flags_at(root, request.since.before(today), request.cache),
        handles=frozenset(m.handle for m in settings.team),
        today=today,
        window=DueWindow.of(settings),
    ).with_due(due, owner)
    people = [owner] if owner is not None else [m.handle for m in settings.team]
    return [person_digest(person, given) for person in people]
