"""Files known unchanged by their stamps (generator/source/stamps.py): a warm run reads no file it read
before, and a file whose bytes changed is always read again, even with its size and times put back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.workers import PARALLEL_FROM
from generator.build.write import PageWriter
from generator.source import cache
from generator.source.stamps import RACY_MARGIN, TRUST_ENV, FilesStamp
from tests.conftest import CLIENT_YAML, REPO_ROOT, Run
from tests.test_incremental import tree

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate

NOTE = "clients/acme/meetings/2026-11-02-check-in.md"
BETA_NOTE = "clients/beta/meetings/2026-11-02-call.md"
BETA_NOTE_MD = """---
date: 2026-11-02
type: check-in
attendees: [dana]
---
## Actions
- [ ] Send the brief @dana due:2026-11-25
"""


def _age_files() -> None:
    # A file's change time cannot be set back: its stamp is trusted only once it is older than the margin.
    time.sleep(RACY_MARGIN / 1e9 + 0.2)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The client files read and hashed for a cache key."""
    found: list[str] = []
    real = cache.read_files

    def counting(root: Path, rels: tuple[str, ...], *args: object) -> object:
        found.extend(r for r in rels if r.startswith("clients/"))
        return real(root, rels, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "read_files", counting)
    return found


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Bakery"), BETA_NOTE: BETA_NOTE_MD}
    )


COMMANDS = [
    ("--today", "2026-11-20", "due", "--format", "json"),
    ("check", "--format", "json"),
    ("--today", "2026-11-20", "build"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=["due", "check", "build"])
def test_a_warm_run_reads_no_file_that_is_as_it_was(
    repo: Path, cli: Callable[..., Run], reads: list[str], command: tuple[str, ...]
) -> None:
    _age_files()
    first = cli(*command, root=repo)
    assert first.exit_code in (0, 1) and BETA_NOTE in reads  # read once, stamped
    reads.clear()
    site = tree(repo / "site") if "build" in command else None
    again = cli(*command, root=repo)
    assert again.exit_code == first.exit_code and reads == []
    if site is None:
        assert again.stdout == first.stdout
    else:
        assert "(0 changed)" in again.stdout and tree(repo / "site") == site


def test_a_file_written_back_with_its_size_and_times_is_read_again(
    repo: Path, cli: Callable[..., Run], reads: list[str]
) -> None:
    _age_files()
    due = ("--today", "2026-11-20", "due", "--format", "json")
    assert "Send the brief" in cli(*due, root=repo).stdout
    note = repo / BETA_NOTE
    before = note.stat()
    note.write_text(BETA_NOTE_MD.replace("- [ ]", "- [x]"), encoding="utf-8")  # the same size
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same modification time
    assert note.stat().st_size == before.st_size and note.stat().st_mtime_ns == before.st_mtime_ns
    reads.clear()
    ticked = cli(*due, root=repo)
    assert BETA_NOTE in reads and "Send the brief" not in ticked.stdout
    assert ticked.stdout == cli(*due, "--no-cache", root=repo).stdout


def test_a_file_replaced_by_a_symbolic_link_is_not_taken_as_unchanged(
    repo: Path, cli: Callable[..., Run], reads: list[str]
) -> None:
    _age_files()
    first = cli("check", "--format", "json", root=repo)
    assert first.exit_code == 0
    note = repo / BETA_NOTE
    target = repo / "elsewhere.md"
    note.rename(target)
    note.symlink_to(target)
    reads.clear()
    linked = cli("check", "--format", "json", root=repo)
    assert linked.stdout == cli("check", "--format", "json", "--no-cache", root=repo).stdout
    assert BETA_NOTE in reads  # tried, and refused by the read: the loader says what it makes of a link


def test_stamps_can_be_turned_off(
    repo: Path, cli: Callable[..., Run], reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _age_files()
    cli("check", root=repo)
    monkeypatch.setenv(TRUST_ENV, "0")
    reads.clear()
    assert cli("check", root=repo).exit_code == 0
    assert BETA_NOTE in reads and NOTE in reads


def test_a_stamp_is_trusted_only_for_a_file_changed_well_before_it_was_read() -> None:
    read_at = 10 * RACY_MARGIN

    def stamp(mtime: int, ctime: int) -> FilesStamp:
        return FilesStamp(("a.md",), ((10, mtime, ctime, 1, 1),), b"digest", read_at)

    assert stamp(read_at - 2 * RACY_MARGIN, read_at - 2 * RACY_MARGIN).trusted()
    assert not stamp(read_at - 2 * RACY_MARGIN, read_at - RACY_MARGIN // 2).trusted()  # changed just before
    assert not stamp(read_at - RACY_MARGIN // 2, read_at - 2 * RACY_MARGIN).trusted()
    assert not stamp(read_at + RACY_MARGIN, read_at - 2 * RACY_MARGIN).trusted()  # a date in the future


def test_a_warm_build_reads_no_page_of_the_previous_site_and_still_sees_one_edited_there(
    repo: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    build = ("--today", "2026-11-20", "build")
    assert cli(*build, root=repo).exit_code == 0  # renders every page
    _age_files()
    assert cli(*build, root=repo).exit_code == 0  # links them, each read and hashed once, and stamps them
    opened: list[str] = []
    real = PageWriter._same_file
    monkeypatch.setattr(PageWriter, "_same_file", staticmethod(lambda old, same: opened.append(old) or real(old, same)))
    site = tree(repo / "site")
    assert "(0 changed)" in cli(*build, root=repo).stdout
    clients_pages = [o for o in opened if "/site/clients/acme/" in o or "/site/clients/beta/" in o]
    assert clients_pages == [] and tree(repo / "site") == site
    page = repo / "site" / "clients" / "beta" / "index.html"
    text = page.read_bytes()
    page.write_bytes(text.replace(b"Beta Bakery", b"Beta Bakerz"))  # in place, the same size
    assert cli(*build, root=repo).exit_code == 0
    assert tree(repo / "site") == site  # the edit was seen, the page rendered again


RENDERERS_LOADED = """
import sys
from generator.__main__ import run
sys.argv = ["clientkb", *sys.argv[1:]]
try:
    run()
finally:
    print("renderers:", "generator.site.client_pages" in sys.modules)
"""


def test_a_warm_build_in_which_nothing_changed_loads_no_renderer(tmp_path: Path) -> None:
    """Workers fork after the page modules and templates are loaded, but only when one may render."""
    root = tmp_path / "kb"
    generate(root, 2 * PARALLEL_FROM, 4 * PARALLEL_FROM)
    _age_files()

    def build() -> bool:
        args = ["--root", str(root), "--today", "2026-11-20", "--jobs", "2", "build", "--out", str(tmp_path / "site")]
        done = subprocess.run([sys.executable, "-c", RENDERERS_LOADED, *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return "renderers: True" in done.stdout

    assert build()  # the first renders every page
    assert not build()
    note = next((root / "clients").glob("*/meetings/*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert build()
