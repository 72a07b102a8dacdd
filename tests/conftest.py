"""Fixtures: small knowledge bases written into tmp_path, and the real CLI to run against them."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.source.cache import CACHE_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent

KB_YAML = """\
name: Test Studio
team:
  - {handle: dana, name: Dana Ruiz}
  - {handle: marco, name: Marco Bellini}
segments:
  growth: {label: Growth, checkin_every: 1m, review_every: 3m}
  standard: {label: Standard, checkin_every: 3m}
"""

CLIENT_YAML = """\
name: Acme Corp
status: active
segment: growth
owner: dana
since: 2025-01-01
contacts:
  - {name: Ana Lima, primary: true}
"""

NOTE_MD = """\
---
date: 2026-11-02
type: check-in
attendees: [dana, Ana Lima]
---
## Summary
All good.
"""

PLAYBOOK_MD = """\
---
title: Onboarding
stage: onboarding
---
- [ ] Send the welcome email
"""


@pytest.fixture(autouse=True, scope="session")
def _cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Caches go to a folder of the test run's (subprocesses inherit it), never the user's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache-home")))
        yield


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def base_files() -> dict[str, str | bytes]:
    return {
        "kb.yaml": KB_YAML,
        "clients/acme/client.yaml": CLIENT_YAML,
        "clients/acme/meetings/2026-11-02-check-in.md": NOTE_MD,
        "playbooks/onboarding.md": PLAYBOOK_MD,
    }


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """make_repo({"path": "text", ...}) writes a valid small repo, overridden by the given files.

    A value of None removes that file from the base set.
    """

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True) -> Path:
        merged: dict[str, str | bytes | None] = {**(base_files() if base else {}), **(files or {})}
        root = tmp_path / "kb"
        root.mkdir(exist_ok=True)
        return write_files(root, {k: v for k, v in merged.items() if v is not None})

    return make


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run the real click command in-process; a Python exception escaping it fails the test."""

    def run(*args: str, root: Path | None = None) -> Run:
        argv = (["--root", str(root)] if root is not None else []) + list(args)
        result = CliRunner().invoke(main, argv, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return run
