"""One run's configuration: what to read, how far down the pipeline to go, and where to write.

Commands make one `BuildConfig` from their options and pass it down, instead of a dozen flags whose
combinations meant a mode (as MkDocs passes its `config` and Hugo its site configuration).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path


class Mode(enum.Enum):
    """How far a run goes; each mode does what the one before it does, and more."""

    RECORDS = "records"
    """Read, parse and check, and keep every record with its Markdown in this process."""
    CHECK = "check"
    """Read, parse and check; keep only the problems (`check`)."""
    INSIGHTS = "insights"
    """And compute each client's insight for `today` (`due`, `health`, `stats`, `diff`)."""
    SITE = "site"
    """And render the site into `output` (`build`, `serve`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildConfig:
    root: Path
    """The knowledge base's folder (where kb.yaml is)."""
    mode: Mode = Mode.RECORDS
    today: dt.date | None = None
    """The date every rule is computed for: needed by INSIGHTS and SITE (`serve` sets it for each
    full build, since the date can change while it runs)."""
    jobs: int | None = None
    """Worker processes; None for one per core."""
    output: Path | None = None
    """The site's folder: needed by SITE."""
    cache: bool = True
    """Take unchanged clients from the cache in the user's cache folder (CHECK and SITE)."""
    search: bool = True
    """Index the site for search (SITE)."""
