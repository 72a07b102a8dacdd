"""A cache cannot be turned into code execution: not by a pull request that commits one, not by a file
planted in the user's cache folder without this user's key."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from generator.site.compiled_templates import use_compiled_templates
from generator.site.context import environment
from generator.source.cache import CACHE_ENV, TEMPLATES_FOLDER, CacheStore, cache_home
from tests.conftest import KB_YAML, NOTE_MD, base_files, write_files
from tests.test_diff import commit, git
from tests.test_serve import start, stop

TODAY = "2026-11-20"


class _Payload:
    """Unpickling this writes the canary file: what an attacker would put in a pickled cache."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (f"open({str(self.canary)!r}, 'w').write('ran')",))


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "--jobs", "1", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_committed_or_planted_cache_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache-home"))  # its key is replaced below
    root = write_files(tmp_path / "kb", {**base_files(), ".gitignore": "site/\n"})
    git(root, "init", "-q")
    commit(root, "Start", date="2026-09-01T10:00:00")
    note = root / "clients/acme/meetings/2026-11-02-check-in.md"
    note.write_text(NOTE_MD.replace("All good.", "Still good."), encoding="utf-8")
    commit(root, "A note", date="2026-10-05T10:00:00")
    # Every kind of cache is made once, by clientkb itself: check, build (with its health timeline).
    assert run(root, "check").returncode == 0
    assert run(root, "build").returncode == 0
    store = CacheStore.open(root)
    assert store is not None
    made = [p for p in store.folder.rglob("*") if p.is_file() and p.name != ".gitignore"]
    assert {p.relative_to(store.folder).parts[0] for p in made} >= {"build", "check", "health"}
    templates = [p for p in (cache_home() / TEMPLATES_FOLDER).rglob("*") if p.is_file()]
    assert len(templates) >= 10  # the compiled templates, shared by every knowledge base

    canary = tmp_path / "canary"
    payload = pickle.dumps(_Payload(canary))
    pickle.loads(payload)  # the payload is live: unpickled, it writes the canary
    assert canary.read_text() == "ran"
    canary.unlink()

    # 1. A pull request commits a cache into the repository, where clientkb kept it before.
    legacy = root / ".clientkb-cache"
    for rel in ("check.pickle", "check", "build/ab/abcdef", "health/x.json"):
        write_files(legacy, {rel: payload})
    git(root, "add", "-f", ".clientkb-cache")
    commit(root, "Innocent-looking change", date="2026-10-06T10:00:00")
    # 2. Every file of the user's cache folder replaced by the payload, with or without a seal header
    #    (the key is not the attacker's to know), the key file included.
    for index, path in enumerate(made):
        path.write_bytes(payload if index % 2 else b"clientkb-sealed-1\n" + bytes(32) + payload)
    for path in templates:  # Jinja's own bytecode header, then the payload where its checksum goes
        path.write_bytes(b"clientkb-sealed-1\n" + bytes(32) + jinja2.bccache.bc_magic + payload)
    (cache_home() / "key").write_bytes(payload)

    checked = run(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "committed-cache" in checked.stdout and "git rm -r --cached .clientkb-cache" in checked.stdout
    assert run(root, "check", "--strict").returncode == 1  # a committed cache fails a strict check
    built = run(root, "build")
    assert built.returncode == 0, built.stderr
    assert run(root, "diff", "HEAD~2").returncode == 0
    server = start(root, tmp_path / "served")
    assert server.get("index.html")[0] == 200
    assert "Traceback" not in stop(server)
    assert not canary.exists(), "a cache file ran code"


def test_the_key_is_private_and_a_forged_seal_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache-home"))
    root = write_files(tmp_path / "kb", {"kb.yaml": KB_YAML})
    store = CacheStore.open(root)
    assert store is not None
    assert (cache_home() / "key").stat().st_mode & 0o077 == 0
    store.write("entry", b"payload")
    assert store.read("entry") == b"payload"
    sealed = (store.folder / "entry").read_bytes()
    (store.folder / "entry").write_bytes(sealed[:-1] + b"X")  # the payload changed under its seal
    assert store.read("entry") is None
    other = CacheStore(store.folder, os.urandom(32))  # another user's key
    other.write("entry", b"payload")
    assert store.read("entry") is None
    (cache_home() / "key").write_bytes(b"damaged")  # a damaged key is replaced: the old entries are misses
    renewed = CacheStore.open(root)
    assert renewed is not None and renewed.key != store.key and len(renewed.key) == 32


def test_templates_are_compiled_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process takes the compiled templates the first one kept; a file not under this
    user's seal is compiled again, never executed."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache-home"))
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name or "")
        return original(self, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def render_fresh() -> str:
        environment.cache_clear()  # what a new process starts with
        use_compiled_templates()
        return (
            environment()
            .get_template("base.html")
            .render(
                root="",
                section="",
                title="T",
                kb_name="K",
                today=None,
                shallow_since=None,
                nav=(),
                searchable=False,
                description=None,
            )
        )

    try:
        first = render_fresh()
        assert compiled == ["base.html"]
        kept = list((tmp_path / "cache-home" / TEMPLATES_FOLDER).rglob("*"))
        assert [p for p in kept if p.is_file()], "nothing was kept"
        assert render_fresh() == first and compiled == ["base.html"]  # taken from the cache
        for path in kept:
            if path.is_file():
                path.write_bytes(path.read_bytes()[:-1] + b"X")  # changed under its seal
        assert render_fresh() == first and compiled == ["base.html", "base.html"]
    finally:
        environment.cache_clear()
