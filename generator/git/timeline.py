"""Health over time: each client's health at the last 12 month ends, from the knowledge base as it
stood then in Git history, each month end computed with that date as `today`.

A month end's answer depends only on the commit, the date and clientkb's code, so it is cached (in
the user's cache folder, generator/source/cache.py) under the three: a rebuild computes only months it has
not seen, and a new clientkb computes them all again.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.compute.digest import PastFlags
from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight, client_insight
from generator.git.history import HealthTimeline, shallow_boundary
from generator.git.revisions import RevisionError, git, lines, read_blobs, tree_files
from generator.git.status import StatusHistory, status_history, status_set_on
from generator.model.dates import add_months, shift_days
from generator.model.records import Client
from generator.model.settings import Settings
from generator.parse.documents import parse_settings
from generator.parse.loader import load_client
from generator.parse.validate import References, validate_client
from generator.source.cache import HEALTH_FOLDER, CacheStore, code_digest
from generator.source.load import KB_FILE, SourceText, classify_client_files, decode_source
from generator.source.problems import Problem, Severity

MONTHS = 12


def month_ends(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `count` months before today's month, oldest first."""
    first = today.replace(day=1)
    return [shift_days(add_months(first, -back), -1) for back in range(count - 1, -1, -1)]


def commits_at(root: Path, dates: Sequence[dt.date]) -> dict[dt.date, str]:
    """The commit that was current at the end of each date (first-parent history of HEAD)."""
    log = lines(git(root, "log", "--first-parent", "--format=%H %cs", "HEAD"))
    history = [(dt.date.fromisoformat(day), commit) for commit, day in (line.split(" ", 1) for line in log)]
    found: dict[dt.date, str] = {}
    for date in dates:
        current = next((commit for day, commit in history if day <= date), None)  # newest first
        if current is not None:
            found[date] = current
    return found


def _cache_file(commit: str, date: dt.date) -> str:
    return f"{HEALTH_FOLDER}/{code_digest().hex()[:20]}/{commit}-{date}.json"


def _read_cache(store: CacheStore, commit: str, date: dt.date) -> dict[str, str | None] | None:
    payload = store.read(_cache_file(commit, date))
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str | None) for v in data.values()):
        return None
    return data


def _forget_other_code(store: CacheStore) -> None:
    """Months computed by another clientkb are never read again: remove them."""
    current = code_digest().hex()[:20]
    try:
        folders = [p for p in (store.folder / HEALTH_FOLDER).iterdir() if p.name != current]
    except OSError:
        return
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _write_cache(store: CacheStore, commit: str, date: dt.date, health: Mapping[str, str | None]) -> None:
    store.write(_cache_file(commit, date), json.dumps(dict(health), sort_keys=True).encode())


class _PastClients:
    """Client folders as they were at past commits, each distinct folder (Git tree) loaded once.

    Between two month ends most client folders are unchanged: their tree ids are the same, so the
    parsed client is reused and only its health is computed again for the new date.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_tree: dict[str, Client | None] = {}
        self.valid: dict[tuple[str, str, frozenset[str]], bool] = {}
        """(client tree, settings, folders) -> the client checks without errors."""

    def settings(self, commit: str) -> tuple[Settings | None, str]:
        """kb.yaml at `commit`, and its text (which keys what was checked against it)."""
        shown = git(self.root, "show", f"{commit}:./{KB_FILE}")
        if shown.returncode != 0:
            return None, ""
        return parse_settings(SourceText(KB_FILE, shown.stdout)).value, shown.stdout

    def folders(self, commit: str) -> dict[str, str]:
        """Client folder name -> its tree id at `commit`."""
        listed = lines(git(self.root, "ls-tree", f"{commit}:./clients"))
        folders = {}
        for line in listed:
            meta, name = line.split("\t", 1)
            if meta.split()[1] == "tree":
                folders[name] = meta.split()[2]
        return folders

    def load(self, commit: str, folders: Mapping[str, str], settings: Settings) -> None:
        """Parse the client folders not seen yet, straight from Git objects (nothing is written)."""
        missing = sorted(name for name, tree in folders.items() if tree not in self.by_tree)
        if not missing:
            return
        paths = tree_files(self.root, commit, "clients")
        wanted = set(missing)
        by_client: dict[str, list[str]] = {}
        for path in paths:
            name = path.split("/", 2)[1]
            if name in wanted:
                by_client.setdefault(name, []).append(path)
        contents = read_blobs(self.root, [paths[p] for names in by_client.values() for p in names])
        limits = settings.limits

        def read(rel: str) -> tuple[SourceText | None, list[Problem]]:
            return decode_source(rel, contents[paths[rel]], limits.max_file_size)

        for name in missing:
            files, _ = classify_client_files(name, by_client.get(name, []))
            client = load_client(self.root, files, limits, read).client if files else None
            # Health needs no Markdown: keep the records, drop the text.
            self.by_tree[folders[name]] = client.without_text() if client else None

    def health(self, commit: str, date: dt.date) -> dict[str, str | None]:
        return {name: insight.health for name, insight in self.insights(commit, date).items()}

    def insights(self, commit: str, date: dt.date, statuses: StatusHistory | None = None) -> dict[str, ClientInsight]:
        """Each client without errors at `commit`, computed for `date` (with the status changes Git
        shows up to that day, when given)."""
        settings, settings_text = self.settings(commit)
        if settings is None:
            return {}
        folders = self.folders(commit)
        self.load(commit, folders, settings)
        names = frozenset(folders)
        refs = References(settings, names)
        insights: dict[str, ClientInsight] = {}
        for name, tree in sorted(folders.items()):
            client = self.by_tree.get(tree)
            if client is None:
                continue
            # Checks depend on the client's files, kb.yaml and which clients exist: reuse them when none changed.
            key = (tree, settings_text, names)
            if key not in self.valid:
                self.valid[key] = not any(p.severity is Severity.ERROR for p in validate_client(client, refs))
            if self.valid[key]:  # a client with errors then has no health that month
                versions = tuple(v for v in (statuses or {}).get(name, ()) if v[0] <= date)
                since = status_set_on(versions, client.record.status) if versions else None
                insights[name] = client_insight(client, settings, date, since)
        return insights


def health_timeline(root: Path, today: dt.date, cache: bool = True) -> HealthTimeline:
    """Empty outside a Git repository or before the first commit. Without `cache`, every month end is
    computed again (and nothing is kept)."""
    if git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return HealthTimeline()
    dates = month_ends(today)
    commits = commits_at(root, dates)
    months = [d for d in dates if d in commits]
    past = _PastClients(root)
    store = CacheStore.open(root) if cache else None
    if store is not None:
        _forget_other_code(store)
    snapshots = []
    for date in months:
        health = _read_cache(store, commits[date], date) if store is not None else None
        if health is None:
            try:
                health = past.health(commits[date], date)
            except RevisionError:
                health = {}
            if store is not None:
                _write_cache(store, commits[date], date, health)
        snapshots.append(health)
    ids = sorted({client for snapshot in snapshots for client in snapshot})
    clients = {client: tuple(snapshot.get(client, "") for snapshot in snapshots) for client in ids}
    return HealthTimeline(tuple(months), clients)


def _flags_file(commit: str, date: dt.date) -> str:
    return f"{HEALTH_FOLDER}/{code_digest().hex()[:20]}/{commit}-{date}-flags.json"


def _flag_record(flag: HealthFlag) -> dict[str, object]:
    return {
        "code": flag.code,
        "severity": flag.severity,
        "reason": flag.reason,
        "file": flag.file,
        "line": flag.line,
        "raised": flag.raised.isoformat(),
    }


def _read_flags(store: CacheStore, commit: str, date: dt.date) -> dict[str, tuple[HealthFlag, ...]] | None:
    """The flags a digest compares with, as JSON (only data: nothing in it is run)."""
    payload = store.read(_flags_file(commit, date))
    if payload is None:
        return None
    try:
        data = json.loads(payload)["flags"]
        return {
            client: tuple(
                HealthFlag(
                    code=str(f["code"]),
                    severity="risk" if f["severity"] == "risk" else "warn",
                    reason=str(f["reason"]),
                    file=str(f["file"]),
                    line=int(f["line"]),
                    raised=dt.date.fromisoformat(f["raised"]),
                )
                for f in flags
            )
            for client, flags in data.items()
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _read_tiers(store: CacheStore, commit: str, date: dt.date) -> dict[str, str | None] | None:
    payload = store.read(_flags_file(commit, date))
    try:
        tiers = json.loads(payload)["tiers"] if payload is not None else None
        return {str(k): (str(v) if v is not None else None) for k, v in tiers.items()} if tiers is not None else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def flags_at(root: Path, date: dt.date, cache: bool = True) -> PastFlags:
    """Every client's flags as the knowledge base stood at the end of `date`, computed for that day
    (the digest's start: generator/compute/digest.py); kept in the cache folder by commit, date and
    clientkb's code, like the health timeline's months."""
    if git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return PastFlags(date, None, "the knowledge base is not in a Git repository with commits")
    commit = commits_at(root, [date]).get(date)
    if commit is None:
        if shallow_boundary(root):
            why = f"this is a shallow clone without history back to {date} (fetch it with fetch-depth: 0)"
            return PastFlags(date, None, why)
        return PastFlags(date, None, f"the repository has no commit before {date}")
    store = CacheStore.open(root) if cache else None
    known = _read_flags(store, commit, date) if store is not None else None
    tiers = _read_tiers(store, commit, date) if store is not None else None
    if known is not None and tiers is not None:
        return PastFlags(date, known, tiers=tiers)
    try:
        insights = _PastClients(root).insights(commit, date, status_history(root))
    except RevisionError as exc:
        return PastFlags(date, None, f"Git cannot read {commit[:7]}: {exc}")
    flags = {name: insight.flags for name, insight in insights.items()}
    tiers = {name: insight.tier.name for name, insight in insights.items()}
    if store is not None:
        data = {
            "flags": {name: [_flag_record(f) for f in found] for name, found in sorted(flags.items())},
            "tiers": tiers,
        }
        store.write(_flags_file(commit, date), json.dumps(data, sort_keys=True).encode())
    return PastFlags(date, flags, tiers=tiers)
