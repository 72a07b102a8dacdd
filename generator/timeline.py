"""Health over time: each client's health at the last 12 month ends, from the knowledge base as it
stood then in Git history, each month end computed with that date as `today`.

A month end's answer depends only on the commit and the date, so it is cached in
`.clientkb-cache/health/` (git-ignored) under the commit id and the date: a rebuild computes only
months it has not seen.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.dates import add_months
from generator.history import HealthTimeline
from generator.pipeline import load_knowledge_base
from generator.revisions import RevisionError, git, lines, materialize

MONTHS = 12
CACHE = ".clientkb-cache"


def month_ends(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `count` months before today's month, oldest first."""
    first = today.replace(day=1)
    return [add_months(first, -back) - dt.timedelta(days=1) for back in range(count - 1, -1, -1)]


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


def _cache_file(root: Path, commit: str, date: dt.date) -> Path:
    return root / CACHE / "health" / f"{commit}-{date}-{__version__}.json"


def _health_at(root: Path, commit: str, date: dt.date, jobs: int | None) -> dict[str, str | None]:
    cached = _cache_file(root, commit, date)
    try:
        data: dict[str, str | None] = json.loads(cached.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        pass
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="clientkb-month-", dir=scratch) as folder:
        kb_root = materialize(root, commit, Path(folder))
        loaded = load_knowledge_base(kb_root, jobs=jobs, keep_records=False, today=date)
    health: dict[str, str | None] = {i.id: i.health for i in loaded.insights}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        ignore = root / CACHE / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# clientkb's cache: never commit it\n*\n", encoding="utf-8")
        cached.write_text(json.dumps(health, sort_keys=True), encoding="utf-8")
    except OSError:
        pass  # a read-only checkout still builds, only slower
    return health


def health_timeline(root: Path, today: dt.date, jobs: int | None = None) -> HealthTimeline:
    """Empty outside a Git repository or before the first commit."""
    if git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return HealthTimeline()
    dates = month_ends(today)
    commits = commits_at(root, dates)
    months = [d for d in dates if d in commits]
    snapshots = []
    for date in months:
        try:
            snapshots.append(_health_at(root, commits[date], date, jobs))
        except RevisionError:
            snapshots.append({})
    ids = sorted({client for snapshot in snapshots for client in snapshot})
    clients = {client: tuple(snapshot.get(client, "") for snapshot in snapshots) for client in ids}
    return HealthTimeline(tuple(months), clients)
