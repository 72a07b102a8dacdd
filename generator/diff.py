"""`clientkb diff`: what a change does to the portfolio, between two Git revisions.

Each revision is read straight from Git objects (`git archive` into a temporary folder: the user's
working tree and index are never touched), loaded and computed with the same `today`, and the two
are compared: clients added and removed, health changed, flags raised and cleared, new problems.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.build.pipeline import load_knowledge_base
from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight
from generator.git.revisions import changed_files, client_folders, git, lines, materialize, resolve
from generator.source.problems import Problem, Severity

WORKING_TREE = "working tree"
NONE = "\u2013"  # an en dash in empty table cells
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


@dataclass(frozen=True, slots=True)
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


def snapshot(
    root: Path, label: str, today: dt.date, jobs: int | None, scope: Scope, client_ids: frozenset[str]
) -> Snapshot:
    only = None if scope.everything else scope.clients
    loaded = load_knowledge_base(root, jobs=jobs, keep_records=False, today=today, only=only, client_ids=client_ids)
    problems = loaded.problems
    if only is not None:
        # Problems of clients outside the scope are the same on both sides: leave them out of both.
        problems = [p for p in problems if _client_of(p.file) in only or _client_of(p.file) is None]
    return Snapshot(label, {i.id: i for i in loaded.insights}, client_ids, problems)


def _client_of(file: str) -> str | None:
    parts = PurePosixPath(file).parts
    return parts[1] if len(parts) >= 2 and parts[0] == "clients" else None


def snapshot_at(root: Path, rev: str | None, today: dt.date, jobs: int | None, scope: Scope) -> Snapshot:
    """The knowledge base at `rev` (None: the working tree as it is), limited to `scope`."""
    if rev is None:
        return snapshot(root, WORKING_TREE, today, jobs, scope, client_folders(root, None))
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
        return snapshot(kb_root, f"{rev} ({commit[:7]})", today, jobs, scope, folders)


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
        if raised or cleared or old.health != new.health:
            changed.append(ClientChange(client_id, new.record.name, old.health, new.health, raised, cleared))
    old_errors = {_problem_key(p) for p in before.problems if p.severity is Severity.ERROR}
    new_errors = [p for p in after.problems if p.severity is Severity.ERROR]
    fresh = [p for p in new_errors if _problem_key(p) not in old_errors]
    fixed = len(old_errors - {_problem_key(p) for p in new_errors})
    return KbDiff(before.label, after.label, today, added, removed, changed, fresh, fixed, not_compared)


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


def _health(value: str | None) -> str:
    return value or "none"


def _flag_text(flag: HealthFlag) -> str:
    return f"{flag.code}: {flag.reason}"


def _change_line(change: ClientChange) -> str:
    head = f"{change.name}: {_health(change.before)} -> {_health(change.after)}"
    if change.before == change.after:
        head = f"{change.name}: still {_health(change.after)}"
    reasons = "; ".join(_flag_text(f) for f in change.raised)
    return f"{head} ({reasons})" if reasons else head


def format_text(diff: KbDiff) -> str:
    lines = [f"Comparing {diff.base} -> {diff.head}, computed for {diff.today}"]
    if diff.empty:
        lines.append("No change to clients, health or problems.")
        return "\n".join(lines)
    for change in diff.changed:
        lines.append(_change_line(change))
        lines.extend(f"  + {f.code} ({f.severity}): {f.reason} [{f.file}:{f.line}]" for f in change.raised)
        lines.extend(f"  - {f.code}: cleared" for f in change.cleared)
    for insight in diff.added:
        lines.append(f"added: {insight.record.name} ({_health(insight.health)})")
    for insight in diff.removed:
        lines.append(f"removed: {insight.record.name}")
    for skipped in diff.not_compared:
        now = f"; now {skipped.after}" if skipped.after else ""
        lines.append(f"not compared: {skipped.name} ({skipped.why}{now})")
    if diff.new_problems:
        lines.append(f"new problems: {len(diff.new_problems)}")
        lines.extend(f"  {p.location}: {p.severity}: {p.message} [{p.code}]" for p in diff.new_problems)
    if diff.fixed_problems:
        lines.append(f"problems fixed: {diff.fixed_problems}")
    return "\n".join(lines)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-?\[-`{-~])")
"""ASCII punctuation but '@': a backslash before any of it makes it a literal character in CommonMark."""


def _md(text: str) -> str:
    """User text as literal Markdown (a client's name, a reason): no emphasis, link, HTML or table
    cell break. Every ASCII punctuation character is escaped, which also keeps `http://` and `www.`
    from becoming links; GitHub links an email address even when escaped, so its '@' goes in a code
    span (it still reads as an '@'). Line breaks would end a table row: they become spaces."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.splitlines()))
    return escaped.replace("@", "`@`")


def _code(text: str) -> str:
    """User text as a code span (a revision, a file's location): fenced by more backticks than it holds."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def format_markdown(diff: KbDiff) -> str:
    lines = ["### clientkb: what this change does to the portfolio", ""]
    lines.append(f"Comparing {_code(diff.base)} with {_code(diff.head)}, computed for {diff.today}.")
    lines.append("")
    if diff.empty:
        lines.append("No change to clients, health or problems.")
        return "\n".join(lines) + "\n"
    if diff.changed or diff.added or diff.removed:
        lines += ["| client | health | flags raised | flags cleared |", "|---|---|---|---|"]
        for change in diff.changed:
            health = f"{_health(change.before)} → {_health(change.after)}"
            raised = "<br>".join(_md(_flag_text(f)) for f in change.raised) or NONE
            cleared = ", ".join(_md(f.code) for f in change.cleared) or NONE
            lines.append(f"| {_md(change.name)} | {health} | {raised} | {cleared} |")
        for insight in diff.added:
            flags = "<br>".join(_md(_flag_text(f)) for f in insight.flags) or NONE
            lines.append(f"| {_md(insight.record.name)} (added) | {_health(insight.health)} | {flags} | {NONE} |")
        for insight in diff.removed:
            lines.append(f"| {_md(insight.record.name)} (removed) | {NONE} | {NONE} | {NONE} |")
        lines.append("")
    if diff.not_compared:
        lines.append("**Not compared** (a side has errors, listed below or fixed by this change):")
        lines.append("")
        for skipped in diff.not_compared:
            now = f"; now {skipped.after}" if skipped.after else ""
            lines.append(f"- {_md(skipped.name)} ({skipped.why}{now})")
        lines.append("")
    if diff.new_problems:
        lines.append(f"**New problems ({len(diff.new_problems)}):**")
        lines.append("")
        lines.extend(f"- {_code(p.location)}: {_md(p.message)} ({p.code})" for p in diff.new_problems)
        lines.append("")
    if diff.fixed_problems:
        lines.append(f"Problems fixed: {diff.fixed_problems}.")
    return "\n".join(lines) + "\n"


def _flag_json(flag: HealthFlag) -> dict[str, Any]:
    return {"code": flag.code, "severity": flag.severity, "reason": flag.reason, "file": flag.file, "line": flag.line}


def format_json(diff: KbDiff) -> str:
    def client(insight: ClientInsight) -> dict[str, Any]:
        return {"client": insight.id, "name": insight.record.name, "health": insight.health}

    data = {
        "base": diff.base,
        "head": diff.head,
        "today": diff.today.isoformat(),
        "added": [client(i) for i in diff.added],
        "removed": [client(i) for i in diff.removed],
        "changed": [
            {
                "client": c.client,
                "name": c.name,
                "before": c.before,
                "after": c.after,
                "raised": [_flag_json(f) for f in c.raised],
                "cleared": [_flag_json(f) for f in c.cleared],
            }
            for c in diff.changed
        ],
        "new_problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "severity": str(p.severity),
                "code": p.code,
                "message": p.message,
                "hint": p.hint,
            }
            for p in diff.new_problems
        ],
        "fixed_problems": diff.fixed_problems,
        "not_compared": [
            {
                "client": n.client,
                "name": n.name,
                "errors_before": n.errors_before,
                "errors_after": n.errors_after,
                "after": n.after,
            }
            for n in diff.not_compared
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Any] = {"text": format_text, "markdown": format_markdown, "json": format_json}


def diff_revisions(root: Path, base: str, head: str | None, today: dt.date, jobs: int | None = None) -> KbDiff:
    base_commit = resolve(root, base)
    head_commit = resolve(root, head) if head is not None else None
    before_ids = client_folders(root, base_commit)
    after_ids = client_folders(root, head_commit)
    scope = diff_scope(root, base_commit, head_commit, before_ids, after_ids)
    if not scope.everything:
        scope = Scope(False, scope.clients | (before_ids ^ after_ids))
    before = snapshot_at(root, base, today, jobs, scope)
    after = snapshot_at(root, head, today, jobs, scope)
    return compare(before, after, today)
