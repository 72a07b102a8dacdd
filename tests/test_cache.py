"""The build cache and the warm build: never a stale page, and only pages whose bytes changed are written."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import clients
from generator.build.config import BuildConfig, Mode
from generator.build.load import check_knowledge_base, load_knowledge_base
from generator.build.site import build_site
from generator.build.workers import PARALLEL_FROM
from generator.source.cache import BUILD_FOLDER, CHECK_FILE, INSIGHTS_FILE, SETTINGS_FILE, CacheStore, read_checked
from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, PLAYBOOK_MD, REPO_ROOT, Run, base_files, write_files
from tests.test_incremental import EDITS, NOTE, tree

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

TODAY = dt.date(2026, 11, 20)
RENAMED = "clients/acme/meetings/2026-11-03-check-in.md"
KB_CHANGE = ("write", "kb.yaml", KB_YAML.replace("Dana Ruiz", "Dana R. Ruiz"))  # shown on every page of hers
CACHE_EDITS = st.one_of(
    EDITS,
    st.sampled_from([("rename", NOTE, RENAMED), ("rename", RENAMED, NOTE), KB_CHANGE, ("today", "", "2026-12-31")]),
)


def _store(root: Path) -> CacheStore:
    store = CacheStore.open(root)
    assert store is not None
    return store


def _config(root: Path, out: Path, today: dt.date, cache: bool = True) -> BuildConfig:
    return BuildConfig(root=root, mode=Mode.SITE, today=today, output=out, jobs=1, search=False, cache=cache)


def _site(folder: Path) -> dict[str, bytes]:
    return tree(folder)


def _apply(root: Path, action: str, rel: str, text: str) -> None:
    path = root / rel
    if action == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    elif action == "rename" and path.exists():
        path.rename(root / text)
    elif action == "remove" and path.exists():
        path.unlink()
        if not any(path.parent.iterdir()):
            path.parent.rmdir()


@settings(max_examples=30, deadline=None)
@given(edits=st.lists(CACHE_EDITS, min_size=1, max_size=5))
def test_cached_build_after_any_edits_equals_a_clean_build(edits: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder) / "kb", dict(base_files()))
        out = Path(folder) / "site"
        today = TODAY
        assert build_site(_config(root, out, today)).published
        for action, rel, text in edits:
            if action == "today":
                today = dt.date.fromisoformat(text)
            else:
                _apply(root, action, rel, text)
            warm = build_site(_config(root, out, today))
            clean_out = Path(folder) / "clean"
            clean = build_site(_config(root, clean_out, today, cache=False))
            assert warm.published == clean.published
            assert warm.problems == clean.problems
            if clean.published:
                assert _site(out) == _site(clean_out)


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*.html")}


def test_a_warm_build_writes_only_the_pages_whose_bytes_changed(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo({"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Ltd")})
    first = cli("build", root=root)
    assert first.exit_code == 0 and "changed)" in first.stdout
    site = root / "site"
    before_inodes, before_bytes = _inodes(site), _site(site)

    again = cli("build", root=root)
    assert "(0 changed)" in again.stdout
    assert _inodes(site) == before_inodes  # every page is the same file as before

    (root / NOTE).write_text(NOTE_MD.replace("All good.", "All good, and a new line."), encoding="utf-8")
    third = cli("build", root=root)
    after_inodes, after_bytes = _inodes(site), _site(site)
    new_files = {path for path in after_inodes if after_inodes[path] != before_inodes.get(path)}
    changed_bytes = {path for path in after_inodes if after_bytes[path] != before_bytes.get(path)}
    assert "clients/acme/meetings/2026-11-02-check-in.html" in changed_bytes
    assert not any(path.startswith("clients/beta/") for path in new_files)  # the other client was not touched
    assert new_files == changed_bytes
    assert f"({len(changed_bytes)} changed)" in third.stdout


def test_search_index_is_reused_when_no_page_changed_and_rewritten_only_where_it_changed(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo()
    assert cli("build", root=root).exit_code == 0
    search = root / "site" / "search"
    inodes = {p.relative_to(search): p.stat().st_ino for p in search.rglob("*.json")}
    assert len(inodes) > 10
    assert cli("build", root=root).exit_code == 0
    assert {p.relative_to(search): p.stat().st_ino for p in search.rglob("*.json")} == inodes  # linked
    (root / NOTE).write_text(NOTE_MD.replace("All good.", "Findable zebra."), encoding="utf-8")
    assert cli("build", root=root).exit_code == 0
    after = {p.relative_to(search): p.stat().st_ino for p in search.rglob("*.json")}
    assert b'"zebra"' in (search / "terms" / "zeb.json").read_bytes()
    assert after[Path("index.json")] != inodes[Path("index.json")]  # it lists the new shard
    kept = [path for path, inode in after.items() if inodes.get(path) == inode]
    assert Path("docs/0.json") in kept and len(kept) > len(after) // 2


def test_a_page_changed_in_the_output_is_rendered_again(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo()
    assert cli("build", root=root).exit_code == 0
    page = root / "site" / "clients" / "acme" / "meetings" / "2026-11-02-check-in.html"
    good = page.read_bytes()
    page.write_bytes(b"tampered")
    (root / "site" / "clients" / "acme" / "index.html").unlink()
    assert cli("build", root=root).exit_code == 0
    assert page.read_bytes() == good
    assert (root / "site" / "clients" / "acme" / "index.html").is_file()


def test_damaged_cache_entries_are_misses(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    assert cli("build", root=root).exit_code == 0
    clean = _site(root / "site")
    entries = [p for p in (_store(root).folder / BUILD_FOLDER).rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x80\x05not a pickle")
    (root / "site" / "index.html").write_bytes(b"stale")
    assert cli("build", root=root).exit_code == 0
    assert _site(root / "site") == clean


def test_a_rebuild_never_writes_through_a_linked_page(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    """Unchanged pages are hard links to the previous site's files: a changed page must be a new file,
    or a reader (or backup) holding the old file would see it change under it."""
    root = make_repo()
    assert cli("build", root=root).exit_code == 0
    page = root / "site" / "clients" / "acme" / "meetings" / "2026-11-02-check-in.html"
    held = root / "held.html"
    os.link(page, held)
    old = held.read_bytes()
    (root / NOTE).write_text(NOTE_MD.replace("All good.", "Different."), encoding="utf-8")
    assert cli("build", root=root).exit_code == 0
    assert b"Different." in page.read_bytes()
    assert held.read_bytes() == old


def test_unused_cache_entries_are_removed(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Ltd")})
    assert cli("build", root=root).exit_code == 0

    def entries() -> int:
        return sum(1 for p in (_store(root).folder / BUILD_FOLDER).rglob("*") if p.is_file())

    assert entries() == 2
    (root / "clients/beta/client.yaml").unlink()
    (root / "clients/beta").rmdir()
    (root / NOTE).write_text(NOTE_MD.replace("All good.", "Changed."), encoding="utf-8")
    assert cli("build", root=root).exit_code == 0
    assert entries() == 1
    assert cli("build", "--no-cache", root=root).exit_code == 0
    assert not (root / ".clientkb-cache").exists()  # nothing of the cache is in the repository


# ---- check's cache ------------------------------------------------------------------------------------

NO_DANA = ("write", "kb.yaml", KB_YAML.replace("  - {handle: dana, name: Dana Ruiz}\n", ""))  # her clients' owner
CHECK_EDITS = st.one_of(EDITS, st.sampled_from([NO_DANA, KB_CHANGE, ("write", "kb.yaml", KB_YAML)]))


@settings(max_examples=40, deadline=None)
@given(edits=st.lists(CHECK_EDITS, min_size=1, max_size=6))
def test_cached_check_after_any_edits_equals_a_check_without_cache(edits: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder) / "kb", dict(base_files()))
        check_knowledge_base(BuildConfig(root=root, jobs=1))
        for action, rel, text in edits:
            if action != "today":
                _apply(root, action, rel, text)
            cached = check_knowledge_base(BuildConfig(root=root, jobs=1))
            assert cached.problems == check_knowledge_base(BuildConfig(root=root, jobs=1, cache=False)).problems


def test_check_takes_unchanged_clients_from_its_cache_and_keeps_only_current_entries(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Bakery")})
    assert cli("check", root=root).exit_code == 0
    assert len(read_checked(_store(root))) == 2
    loads: list[str] = []
    real = clients._load_client
    monkeypatch.setattr(
        clients, "_load_client", lambda job, files, read=None: loads.append(files.id) or real(job, files, read)
    )
    (root / "clients/beta/client.yaml").write_text(CLIENT_YAML.replace("owner: dana", "owner: nobody"))
    run = cli("check", root=root)
    assert run.exit_code == 1 and "nobody" in run.stdout
    assert loads == ["beta"]  # acme came from the cache
    assert cli("check", "--no-cache", root=root).stdout == run.stdout
    shutil.rmtree(root / "clients/beta")
    assert cli("check", root=root).exit_code == 0
    assert len(read_checked(_store(root))) == 1  # beta's entry is gone
    (_store(root).folder / CHECK_FILE).write_bytes(b"\x80\x05not a pickle")
    assert cli("check", root=root).exit_code == 0  # a damaged cache is a miss


# ---- due's (and health's, stats', digest's) cache -------------------------------------------------------

RUN = "clients/acme/runs/2026-11-16-onboarding.md"
RUN_MD = "---\nplaybook: onboarding\nstarted: 2026-11-16\nowner: dana\n---\n- [ ] Call @dana due:2026-11-18\n"
INSIGHT_EDITS = st.one_of(
    CHECK_EDITS,
    st.sampled_from(
        [
            ("write", RUN, RUN_MD),
            ("remove", "playbooks/onboarding.md", ""),  # the run's playbook: an error, no insight
            ("write", "playbooks/onboarding.md", PLAYBOOK_MD),
            ("today", "", "2026-12-31"),
            ("today", "", "2026-11-20"),
        ]
    ),
)


def _insights(root: Path, today: dt.date, cache: bool) -> tuple[object, ...]:
    loaded = load_knowledge_base(BuildConfig(root=root, mode=Mode.INSIGHTS, today=today, jobs=1, cache=cache))
    return (loaded.problems, loaded.insights)


@settings(max_examples=40, deadline=None)
@given(edits=st.lists(INSIGHT_EDITS, min_size=1, max_size=6))
def test_cached_insights_after_any_edits_equal_those_computed_without_cache(
    edits: list[tuple[str, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder) / "kb", dict(base_files()))
        today = TODAY
        _insights(root, today, True)
        for action, rel, text in edits:
            if action == "today":
                today = dt.date.fromisoformat(text)
            else:
                _apply(root, action, rel, text)
            assert _insights(root, today, True) == _insights(root, today, False)


def test_due_takes_unchanged_clients_from_its_cache_and_a_damaged_file_costs_only_time(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Bakery"), RUN: RUN_MD})
    first = cli("--today", "2026-11-20", "due", "--format", "json", root=root)
    assert first.exit_code == 0 and "Call" in first.stdout
    loads: list[str] = []
    real = clients._load_client
    monkeypatch.setattr(
        clients, "_load_client", lambda job, files, read=None: loads.append(files.id) or real(job, files, read)
    )
    assert cli("--today", "2026-11-20", "due", "--format", "json", root=root).stdout == first.stdout
    assert loads == []  # both from the cache
    for command in ("due", "health", "stats", "digest"):
        loads.clear()
        bypassed = cli("--today", "2026-11-20", command, "--format", "json", "--no-cache", root=root)
        assert bypassed.exit_code == 0 and sorted(loads) == ["acme", "beta"]  # --no-cache computes everyone
    assert bypassed.stdout == cli("--today", "2026-11-20", "digest", "--format", "json", root=root).stdout
    loads.clear()
    (root / RUN).write_text(RUN_MD.replace("- [ ] Call", "- [x] Call"), encoding="utf-8")
    ticked = cli("--today", "2026-11-20", "due", "--format", "json", root=root)
    assert loads == ["acme"] and "Call" not in ticked.stdout
    (_store(root).folder / INSIGHTS_FILE).write_bytes(b"\x80\x05not a pickle")  # the keys file is intact
    loads.clear()
    assert cli("--today", "2026-11-20", "due", "--format", "json", root=root).stdout == ticked.stdout
    assert sorted(loads) == ["acme", "beta"]  # computed again, nobody left out
    (root / "playbooks/onboarding.md").unlink()  # the run now names a playbook that is gone
    refused = cli("--today", "2026-11-20", "due", root=root)
    assert refused.exit_code == 1 and "onboarding" in refused.stderr
    assert cli("check", root=root).exit_code == 1  # check's cache knows which playbooks exist too


def test_a_warm_due_reads_each_clients_due_entries_and_never_unpickles_an_insight(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each client's due entries in kb.yaml's window are kept beside its insight; a warm `due`
    (filtered or not) answers from them alone, as `--no-cache` does. Another window, and `digest`,
    take the insights, with the same answers."""
    beta = CLIENT_YAML.replace("Acme Corp", "Beta Bakery").replace("status: active", "status: onboarding")
    beta = beta.replace("owner: dana", "owner: marco")
    root = make_repo({"clients/beta/client.yaml": beta, RUN: RUN_MD})
    today = ("--today", "2026-11-20")
    asked = [(), ("--owner", "dana"), ("--status", "onboarding"), ("--account-owner", "dana", "--health", "red")]
    due = (*today, "due", "--format", "json")
    uncached = {flags: cli(*due, *flags, "--no-cache", root=root).stdout for flags in asked}
    assert len(set(uncached.values())) == len(asked)  # each filter makes a difference here (the last: none)
    assert cli(*today, "due", root=root).exit_code == 0  # every client's entries now in the cache
    unpickled: list[int] = []
    real = clients.ClientOutcomes._unpack
    monkeypatch.setattr(clients.ClientOutcomes, "_unpack", lambda self: unpickled.append(1) or real(self))
    for flags in asked:
        assert cli(*due, *flags, root=root).stdout == uncached[flags]
    assert unpickled == []
    wider = ("due", "--format", "json", "--within", "6m")
    assert cli(*today, *wider, root=root).stdout == cli(*today, *wider, "--no-cache", root=root).stdout
    assert unpickled  # another window: computed from the insights
    for flags in [(), ("--owner", "marco"), ("--status", "onboarding")]:
        digest = ("digest", "--format", "json", *flags)
        assert cli(*today, *digest, root=root).stdout == cli(*today, *digest, "--no-cache", root=root).stdout


def test_kb_yaml_is_validated_again_only_when_its_text_changed(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """kb.yaml's parse is kept in the cache under the digest of its text: a second run takes it from
    there, an edit (or --no-cache, or a damaged file) validates it again, and answers follow the edit."""
    from generator.build import settings as settings_module

    root = make_repo()
    parses: list[str] = []
    real = settings_module.parse_settings
    monkeypatch.setattr(settings_module, "parse_settings", lambda text: parses.append(text.file) or real(text))
    due = ("--today", "2026-11-20", "due", "--format", "json")
    first = cli(*due, root=root)
    assert first.exit_code == 0 and parses == ["kb.yaml"]
    assert cli(*due, root=root).stdout == first.stdout and parses == ["kb.yaml"]
    assert cli(*due, "--no-cache", root=root).stdout == first.stdout and len(parses) == 2
    kb = root / "kb.yaml"
    kb.write_text(kb.read_text(encoding="utf-8").replace("handle: dana", "handle: dina"), encoding="utf-8")
    edited = cli(*due, root=root)
    assert edited.exit_code == 1 and "dana" in edited.stderr and len(parses) == 3  # the owner is no longer in the team
    (_store(root).folder / SETTINGS_FILE).write_bytes(b"damaged")
    assert cli(*due, root=root).stderr == edited.stderr and len(parses) == 4


def test_due_with_workers_while_the_last_runs_insights_are_read(tmp_path: Path) -> None:
    """Enough clients for worker processes, and a cache of another day's insights: the main process
    reads that cache in a thread, waited for before the workers fork; the answer is the uncached one."""
    from corpus import generate  # benchmarks/corpus.py

    root = tmp_path / "kb"
    generate(root, 2 * PARALLEL_FROM, 4 * PARALLEL_FROM)

    def due(today: str, *flags: str) -> str:
        args = [sys.executable, "-m", "generator", "--root", str(root), "--today", today, "--jobs", "2"]
        done = subprocess.run([*args, "due", "--format", "json", *flags], capture_output=True, text=True)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    due("2026-11-20")  # the cache now holds that day's insights of every client
    assert _store(root).read_pickled(INSIGHTS_FILE + "-keys")
    assert due("2026-11-27") == due("2026-11-27", "--no-cache")
