"""Two revisions of the knowledge base, loaded and computed with the same `today`, and compared:
clients added and removed, health changed, flags raised and cleared, problems new and fixed."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from generator.build.config import BuildConfig
from generator.build.load import Selection, load_knowledge_base
from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight
from generator.git.revisions import changed_files, client_folders, git, lines, materialize, resolve
from generator.source.problems import Problem, Severity

WORKING_TREE = "working tree"
HEALTH_RANK = {None: 0, "green": 1, "amber": 2, "red": 3}


@dataclass(frozen=True, slots=True)
class Snapshot:
    label: str
    insights: dict[str, ClientInsight]
    client_ids: frozenset[str]
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class ClientChange:
    client: str
    name: str
    before: str | None
    """Health before (None: former, or not computed)."""
    after: str | None
    raised: tuple[HealthFlag, ...]
    cleared: tuple[HealthFlag, ...]
    tier_before: str | None = None
    tier_after: str | None = None
    """Loyalty tiers (None: none); they differ when the change moved the client to another tier."""


@dataclass(frozen=True, slots=True)
class NotCompared:
    """A client whose health could not be compared: it has errors on one side or both."""

    client: str
    name: str
    errors_before: bool
    errors_after: bool
    after: str | None
    """Its health after the change, when it has no errors then."""

    @property
    def why(self) -> str:
        if self.errors_before and self.errors_after:
            return "errors before and after"
        return "errors before the change" if self.errors_before else "errors after the change"


@dataclass(frozen=True, slots=True, kw_only=True)
class KbDiff:
    base: str
    head: str
    today: dt.date
    added: list[ClientInsight] = field(default_factory=list)
    removed: list[ClientInsight] = field(default_factory=list)
    changed: list[ClientChange] = field(default_factory=list)
    new_problems: list[Problem] = field(default_factory=list)
    fixed_problems: int = 0
    not_compared: list[NotCompared] = field(default_factory=list)
    """Clients with errors on a side: said, not skipped."""

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.changed or self.new_problems or self.fixed_problems or self.not_compared
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """What must be loaded to compare two revisions: everything, or a few clients."""

    everything: bool
    clients: frozenset[str] = frozenset()


def diff_scope(root: Path, base: str, head: str | None, before: frozenset[str], after: frozenset[str]) -> Scope:
    """Only what a change can affect: the clients whose files changed and, when clients were removed,
    those that refer to them. kb.yaml or a playbook changed: everything."""
    changed = changed_files(root, base, head)
    clients: set[str] = set()
    for path in changed:
        parts = PurePosixPath(path).parts
        if parts and parts[0] == "clients" and len(parts) >= 3:
            clients.add(parts[1])
        elif parts and (parts[0] in ("kb.yaml", "playbooks")):
            return Scope(True)
    for other in sorted(before ^ after):
        # A client that refers to a removed one is now in error though its files did not change; one
        # that referred to a client not there yet has its error fixed by the added one.
        found = git(root, "grep", "-l", "--fixed-strings", other, *([head] if head else []), "--", "clients")
        for line in lines(found):
            parts = PurePosixPath(line.split(":", 1)[-1]).parts
            if len(parts) >= 2:
                clients.add(parts[1])
    return Scope(False, frozenset(clients))


def snapshot(config: BuildConfig, label: str, scope: Scope, client_ids: frozenset[str]) -> Snapshot:
    """The knowledge base at `config.root` computed (INSIGHTS), limited to `scope`."""
    only = None if scope.everything else scope.clients
    selection = Selection(only, client_ids) if only is not None else None
    loaded = load_knowledge_base(config, selection=selection)
    problems = loaded.problems
    if only is not None:
        # Problems of clients outside the scope are the same on both sides: leave them out of both.
        problems = [p for p in problems if _client_of(p.file) in only or _client_of(p.file) is None]
    return Snapshot(label, {i.id: i for i in loaded.insights}, client_ids, problems)


def _client_of(file: str) -> str | None:
    parts = PurePosixPath(file).parts
    return parts[1] if len(parts) >= 2 and parts[0] == "clients" else None


def snapshot_at(config: BuildConfig, rev: str | None, scope: Scope) -> Snapshot:
    """The knowledge base at `rev` (None: the working tree as it is), limited to `scope`."""
    root = config.root
    if rev is None:
        return snapshot(config, WORKING_TREE, scope, client_folders(root, None))
    commit = resolve(root, rev)
    folders = client_folders(root, commit)
    paths = ["."]
    if not scope.everything:
        present = sorted(scope.clients & folders)
        paths = ["kb.yaml", *(f"clients/{c}" for c in present)]
        if lines(git(root, "ls-tree", "--name-only", commit, "./playbooks")):
            paths.append("playbooks")
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="clientkb-diff-", dir=scratch) as folder:
        kb_root = materialize(root, commit, Path(folder), paths)
        return snapshot(replace(config, root=kb_root), f"{rev} ({commit[:7]})", scope, folders)


def _problem_key(problem: Problem) -> tuple[str, str, str]:
    # Lines move when a file is edited: a problem is "the same" by file, code and message.
    return (problem.file, problem.code, problem.message)


def compare(before: Snapshot, after: Snapshot, today: dt.date) -> KbDiff:
    added = [after.insights[c] for c in sorted(after.client_ids - before.client_ids) if c in after.insights]
    removed = [before.insights[c] for c in sorted(before.client_ids - after.client_ids) if c in before.insights]
    changed = []
    not_compared = [
        NotCompared(c, c, False, True, None) for c in sorted(after.client_ids - before.client_ids - set(after.insights))
    ]
    loaded_before, loaded_after = _loaded(before), _loaded(after)
    for client_id in sorted(before.client_ids & after.client_ids):
        old, new = before.insights.get(client_id), after.insights.get(client_id)
        if old is None or new is None:
            if client_id not in loaded_before and client_id not in loaded_after:
                continue  # outside the scope: neither side was loaded (its files did not change)
            name = new.record.name if new else old.record.name if old else client_id
            health = new.health if new else None
            not_compared.append(NotCompared(client_id, name, old is None, new is None, health))
            continue
        old_codes = {f.code for f in old.flags}
        new_codes = {f.code for f in new.flags}
        raised = tuple(f for f in new.flags if f.code not in old_codes)
        cleared = tuple(f for f in old.flags if f.code not in new_codes)
        tiers = (old.tier.name, new.tier.name)
        if raised or cleared or old.health != new.health or tiers[0] != tiers[1]:
            changed.append(ClientChange(client_id, new.record.name, old.health, new.health, raised, cleared, *tiers))
    old_errors = {_problem_key(p) for p in before.problems if p.severity is Severity.ERROR}
    new_errors = [p for p in after.problems if p.severity is Severity.ERROR]
    fresh = [p for p in new_errors if _problem_key(p) not in old_errors]
    fixed = len(old_errors - {_problem_key(p) for p in new_errors})
    return KbDiff(
        base=before.label,
        head=after.label,
        today=today,
        added=added,
        removed=removed,
        changed=changed,
        new_problems=fresh,
        fixed_problems=fixed,
        not_compared=not_compared,
    )


def _loaded(snapshot: Snapshot) -> set[str]:
    """The clients a snapshot loaded: computed, or named by one of its problems."""
    return set(snapshot.insights) | {c for p in snapshot.problems if (c := _client_of(p.file)) is not None}


def fails(diff: KbDiff, threshold: str | None) -> bool:
    """--fail-on: `red` (a client turned red), `amber` (a client got worse), `error` (new errors)."""
    if threshold == "error":
        return bool(diff.new_problems)
    if threshold in ("red", "amber"):
        worse = [(c.before, c.after) for c in diff.changed] + [(None, i.health) for i in diff.added]
        if threshold == "red":
            return any(after == "red" and before != "red" for before, after in worse)
        return any(HEALTH_RANK[after] > HEALTH_RANK[before] and after in ("amber", "red") for before, after in worse)
    return False


def diff_revisions(config: BuildConfig, base: str, head: str | None) -> KbDiff:
    """`base` against `head` (None: the working tree), computed for `config.today` (INSIGHTS)."""
    assert config.today is not None
    root = config.root
    base_commit = resolve(root, base)
    head_commit = resolve(root, head) if head is not None else None
    before_ids = client_folders(root, base_commit)
    after_ids = client_folders(root, head_commit)
    scope = diff_scope(root, base_commit, head_commit, before_ids, after_ids)
    if not scope.everything:
        scope = Scope(False, scope.clients | (before_ids ^ after_ids))
    before = snapshot_at(config, base, scope)
    after = snapshot_at(config, head, scope)
    return compare(before, after, config.today)
