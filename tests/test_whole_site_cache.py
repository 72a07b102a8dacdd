"""The whole-site pages are taken from the previous site only when nothing they are made from changed:
the clients' files, kb.yaml, `today`, the Git history; a page changed in the previous site is made
again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.build.site as build_module
from generator.build.config import BuildConfig, Mode
from generator.build.site import build_site
from generator.compute.insights import ClientInsight
from generator.model import pickling
from generator.site.search import SearchPart
from tests.conftest import CLIENT_YAML, NOTE_MD
from tests.test_crash import tree
from tests.test_diff import commit, git

TODAY = dt.date(2026, 11, 20)


def test_whole_site_pages_are_made_again_exactly_when_an_input_changed(
    make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({".gitignore": "site/\n"})
    git(root, "init", "-q")
    commit(root, "Start")
    out = tmp_path / "site"
    rendered: list[int] = []
    original = build_module.write_portfolio

    def counting(*args: object, **kwargs: object) -> object:
        rendered.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "write_portfolio", counting)

    def build(today: dt.date = TODAY) -> bool:
        """Whether this build made the whole-site pages (rather than linking them)."""
        before = len(rendered)
        result = build_site(BuildConfig(root=root, mode=Mode.SITE, today=today, output=out, jobs=1))
        assert result.published, result.problems
        return len(rendered) > before

    assert build() is True
    first = tree(out)
    index = (out / "index.html").stat().st_ino
    assert build() is False  # nothing changed: linked from the previous site
    assert tree(out) == first and (out / "index.html").stat().st_ino == index

    (out / "index.html").write_text("changed by hand")  # a page changed in the previous site
    assert build() is True
    assert tree(out) == first

    assert build(TODAY + dt.timedelta(days=1)) is True  # another day: due dates move
    assert build() is True  # and back
    assert tree(out) == first and build() is False

    note = root / "clients/acme/meetings/2026-11-02-check-in.md"
    note.write_text(NOTE_MD.replace("All good.", "All good, and more."), encoding="utf-8")
    assert build() is True  # a client's file
    assert build() is False
    commit(root, "A note", date="2026-11-10T10:00:00")
    assert build() is True  # the Git history the pages show
    kb = root / "kb.yaml"
    kb.write_text(kb.read_text(encoding="utf-8").replace("name: ", "name: Renamed ", 1), encoding="utf-8")
    assert build() is True  # kb.yaml
    assert b"Renamed" in (out / "index.html").read_bytes()
    assert build() is False


def test_a_build_in_which_nothing_changed_decodes_no_cached_client(
    make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached clients' insights, fragments and search parts stay pickled when the whole-site pages and
    the search index are taken from the previous site; once a client changed, they are all decoded
    and the site is the one a build without the cache makes."""
    root = make_repo({"clients/beta/client.yaml": CLIENT_YAML.replace("Acme Corp", "Beta Bakery")})
    out = tmp_path / "site"
    decoded: list[object] = []
    real = pickling.loads

    def counting(data: bytes) -> object:
        value = real(data)
        if isinstance(value, SearchPart) or (isinstance(value, tuple) and isinstance(value[0], ClientInsight)):
            decoded.append(value)
        return value

    monkeypatch.setattr(pickling, "loads", counting)

    def build(cache: bool = True, where: Path = out) -> int:
        decoded.clear()
        config = BuildConfig(root=root, mode=Mode.SITE, today=TODAY, output=where, jobs=1, cache=cache)
        result = build_site(config)
        assert result.published, result.problems
        return len(decoded)

    build()
    first = tree(out)
    assert build() == 0  # every client and every whole-site page as it was
    assert tree(out) == first
    note = root / "clients/acme/meetings/2026-11-02-check-in.md"
    note.write_text(NOTE_MD.replace("All good.", "Search finds this word: quokka."), encoding="utf-8")
    assert build() == 2  # beta's insight and fragments, and its search part (acme's are made anew)
    build(cache=False, where=tmp_path / "clean")
    assert tree(out) == tree(tmp_path / "clean")
    assert b"quokka" in b"".join(p.read_bytes() for p in (out / "search/terms").iterdir())
