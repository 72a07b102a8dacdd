"""Which pages a change touches: the dependency rules of the site, explicit and tested on their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from generator.source.load import KB_FILE

SITE_TEMPLATE_FILES = frozenset({"templates/meeting.md", "templates/feedback.yaml"})


@dataclass(frozen=True, slots=True)
class RebuildPlan:
    """What to rebuild for a set of changed files (paths relative to the root)."""

    full: bool = False
    """kb.yaml, a playbook, or the set of clients changed: rebuild everything."""
    clients: frozenset[str] = frozenset()
    """Clients whose own files changed: their pages, then every page made from all clients."""
    reason: str = ""

    @property
    def empty(self) -> bool:
        return not self.full and not self.clients


def plan_rebuild(changed: Iterable[str], known_clients: Iterable[str], current_clients: Iterable[str]) -> RebuildPlan:
    """The dependency rules of the site, explicit:

    - `kb.yaml` -> everything (settings reach every page);
    - `playbooks/*` -> everything (every client page lists the playbooks that apply);
    - a client folder added, removed or renamed -> everything (references between clients, lists);
    - a file in `clients/<id>/` -> that client's pages, and the pages made from every client
      (dashboard, client list, owners, actions, audit, journey, feeds, exports, search);
    - `templates/meeting.md`, `templates/feedback.yaml` -> everything (each client page's "Log a
      meeting" and "Log feedback" links are filled from them);
    - anything else (README, the other `templates/` of `clientkb new`, ...) -> nothing.
    """
    known = set(known_clients)
    current = set(current_clients)
    if known != current:
        added, removed = sorted(current - known), sorted(known - current)
        return RebuildPlan(full=True, reason=f"clients added {added} / removed {removed}")
    clients: set[str] = set()
    for path in changed:
        parts = PurePosixPath(path).parts
        if not parts:
            continue
        if parts == (KB_FILE,):
            return RebuildPlan(full=True, reason="kb.yaml changed")
        if parts[0] == "playbooks" or path in SITE_TEMPLATE_FILES:
            return RebuildPlan(full=True, reason=f"{path} changed")
        if parts[0] == "clients" and len(parts) >= 3 and parts[1] in current:
            clients.add(parts[1])
    return RebuildPlan(clients=frozenset(clients), reason="client files changed" if clients else "")
