"""Full-text search: Pagefind indexes the built pages, offline, into `pagefind/` inside the site.

Pages opt in with `data-pagefind-body` (clients, notes, documents, playbooks) and carry filters
(kind, status, segment, owner, health). The index loads over HTTP only; on `file://` the search page
says how to serve the site.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path


def index_search(site: Path) -> str:
    """Index `site` in place. Returns 'pagefind', or a reason why search was not indexed."""
    if importlib.util.find_spec("pagefind") is None:
        return "not indexed: the pagefind package is not installed"
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"not indexed: pagefind could not run ({exc})"
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        return f"not indexed: pagefind failed ({detail[-1] if detail else result.returncode})"
    return "pagefind"
