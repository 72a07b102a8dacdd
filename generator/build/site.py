"""A build: check, compute and render the whole site into a staging folder, then publish it at once.

On any error nothing is published and the output folder stays exactly as it was. One build per
output at a time (generator/build/outputlock.py).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from generator.build.config import BuildConfig, Mode
from generator.build.load import Loaded, RenderTarget, load_knowledge_base, pages_digest
from generator.build.outputlock import output_lock
from generator.build.portfolio_workers import write_in_workers, write_outputs
from generator.build.settings import SettingsLoad, read_settings
from generator.build.whole_site_cache import keep_whole_site, take_whole_site, whole_site_key
from generator.build.workers import PARALLEL_FROM, WHOLE_SITE_WORKERS_UP_TO
from generator.build.write import (
    MARKER,
    PageWriter,
    check_output,
    count_pages,
    discard,
    publish,
    remove_leftovers,
    staging_folder,
)
from generator.compute.insights import ClientInsight
from generator.compute.metrics import portfolio
from generator.model import pickling
from generator.model.settings import Settings
from generator.site.compiled_templates import load_renderers, use_compiled_templates
from generator.site.search import FOLDER as SEARCH_FOLDER
from generator.site.search import SearchIndexWriter, SearchPart, search_part
from generator.source.problems import Problem

# Rendering (Jinja, icalendar, Markdown, Git) is imported where it is used, so that `check`, `due`,
# `health` and `stats` start without it.
if TYPE_CHECKING:
    from generator.site.actions import ActionRowCache
    from generator.site.client_pages import ClientFragments
    from generator.site.context import SiteContext


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    problems: list[Problem]
    """Errors (nothing was published) or warnings (the site was published)."""
    published: bool
    pages: int = 0
    """HTML pages written."""
    searchable: int | None = None
    """Pages in the search index; None when search is off or nothing was published."""
    loaded: Loaded | None = None
    site: SiteContext | None = None
    """What was rendered from: `serve` keeps both to rebuild only what a change touches."""
    changed: int = 0
    """HTML pages whose bytes changed (written; the others were linked from the previous site)."""
    search_parts: dict[str, SearchPart] = field(default_factory=dict)
    """Client id -> its share of the search index (with `keep_search_parts`), and the playbooks'
    under PLAYBOOKS_PART."""


PLAYBOOKS_PART = "playbooks/"
"""The key of the playbooks' share of the search index (never a client id: ids hold no slash)."""
SEARCH_KEY = ".clientkb-search"
"""Beside the marker: the digest of the pages the search index was made from, and its size."""


def site_context(root: Path, settings: Settings, today: dt.date, cache: bool = True) -> SiteContext:
    """History and health over time come from Git: the same for every page, computed once (the
    health timeline's months taken from the cache unless `cache` is False)."""
    from generator.git.history import read_history
    from generator.git.timeline import flags_at, health_timeline
    from generator.site.context import SiteContext
    from generator.site.digest_pages import DIGEST_PERIOD

    return SiteContext(
        settings,
        today,
        (),
        read_history(root),
        {},
        health_timeline(root, today, cache),
        flags_at(root, DIGEST_PERIOD.before(today), cache),
    )


def write_portfolio(
    writer: PageWriter,
    insights: Sequence[ClientInsight],
    site: SiteContext,
    fragments: Mapping[str, ClientFragments] | None = None,
    row_cache: ActionRowCache | None = None,
    jobs: int | None = 1,
) -> tuple[SiteContext, SearchPart]:
    """Render the pages made from every client (dashboard, lists, feeds, exports) and the assets, in
    worker processes from PARALLEL_FROM to WHOLE_SITE_WORKERS_UP_TO clients unless `jobs` is 1 (never
    with `row_cache`, which `serve` keeps from one round to the next in this process).

    `site` holds the playbooks. Returns the site context completed with the client names, and
    the search index of the searchable ones of these pages (the playbooks and people's pages).
    """
    from generator.site.portfolio import portfolio_producers, static_assets

    site = replace(site, names={i.id: i.record.name for i in insights})
    computed = portfolio(insights, site.today, site.settings)
    producers = portfolio_producers(insights, computed, site, fragments, row_cache)
    if jobs != 1 and row_cache is None and PARALLEL_FROM <= len(insights) <= WHOLE_SITE_WORKERS_UP_TO:
        searchable = write_in_workers(writer, producers, jobs)
    else:
        searchable = {}
        for producer in producers:
            searchable.update(write_outputs(writer, producer))
        if row_cache is not None:
            row_cache.next_round()
    for asset in sorted(static_assets()):
        writer.write(f"assets/{asset.name}", asset.read_bytes())
    return site, search_part(searchable)


def prepare_rendering() -> None:
    """Import the page modules and load every template in this process, before it forks workers that
    render, so that they share them instead of each loading its own (a warm build in which nothing
    changed renders nothing, and does not pay for it)."""
    load_renderers()
    import generator.build.drafts  # noqa: F401  (the client pages' "Log a meeting" drafts)


def build_site(
    config: BuildConfig,
    settings: SettingsLoad | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_search_parts: bool = False,
) -> BuildResult:
    """Check, compute and render the whole site into a staging folder, then publish it at once.

    `progress(done, total)` reports client folders as they are rendered. Pages whose bytes did not
    change are hard-linked from the previous site rather than written; with `config.cache`,
    unchanged clients are not even loaded. With `config.search`, the pages are indexed as they are
    rendered (generator/site/search.py); `keep_search_parts` returns each client's share of the
    index too (for `serve`). OutputBusy when another build holds the output for too long.
    """
    if config.mode is not Mode.SITE or config.output is None or config.today is None:
        raise ValueError("build_site needs a SITE configuration")
    out = config.output
    with output_lock(out):  # from here on, every staging folder beside `out` is a dead build's
        check_output(out)
        remove_leftovers(out)
        settings = settings or read_settings(config.root)
        if settings.settings is None:
            return BuildResult(problems=settings.problems, published=False)
        if config.cache:
            use_compiled_templates()
        site = site_context(config.root, settings.settings, config.today, config.cache)
        build = _Build(config, out if (out / MARKER).is_file() else None, staging_folder(out), keep_search_parts)
        try:
            result = build.run(settings, site, progress)
            if result.published:
                publish(build.staging, out)
        except BaseException:
            discard(build.staging)
            raise
        finally:
            build.close()
        if not result.published:
            discard(build.staging)
            return result
        assert result.loaded is not None
        if result.loaded.cache is not None:
            result.loaded.cache.keep_only(result.loaded.cache_keys)
        return result


class _Build:
    """One build's staging folder, page writer and search index, until it is published."""

    def __init__(self, config: BuildConfig, previous: Path | None, staging: Path, keep_search_parts: bool) -> None:
        self.config = config
        self.previous = previous
        self.staging = staging
        self.keep_search_parts = keep_search_parts
        self.spool = tempfile.TemporaryDirectory(prefix="clientkb-search-")
        self.writer = PageWriter(staging, previous=previous)
        self.index = SearchIndexWriter(self.writer, Path(self.spool.name))
        self.parts: dict[str, SearchPart] = {}
        self.pending: BinaryIO | None = None
        """Cached clients' parts, still pickled, until a part that was not cached comes: when every
        page is as it was, the previous index is taken and these are never decoded."""
        self.deferring = not keep_search_parts

    def take_part(self, client_id: str, part: SearchPart | bytes) -> None:
        if isinstance(part, bytes) and self.deferring:
            if self.pending is None:
                self.pending = open(Path(self.spool.name) / "pending", "w+b")  # noqa: SIM115 - closed by add_pending or close
            self.pending.write(len(part).to_bytes(8, "little") + part)
            return
        self.add_pending()
        if isinstance(part, bytes):
            part = _search_part(part)
        self.index.add(part)
        if self.keep_search_parts:
            self.parts[client_id] = part

    def close(self) -> None:
        """Close and remove the spooled index files (the parts held back too, when the previous index
        was taken or the build failed)."""
        if self.pending is not None:
            self.pending.close()
        self.index.close()
        self.spool.cleanup()

    def add_pending(self) -> None:
        """Index the parts held back, in the order they came; from here on every part is indexed."""
        self.deferring = False
        if self.pending is None:
            return
        with self.pending as pending:
            pending.seek(0)
            while size := int.from_bytes(pending.read(8), "little"):
                self.index.add(_search_part(pending.read(size)))
        self.pending = None

    def run(
        self, settings: SettingsLoad, site: SiteContext, progress: Callable[[int, int], None] | None
    ) -> BuildResult:
        """Everything rendered and indexed into the staging folder (not yet published)."""
        target = RenderTarget(
            site=site,
            staging=self.staging,
            previous=self.previous,
            progress=progress,
            search=self.take_part if self.config.search else None,
            prepare=prepare_rendering,
        )
        loaded = load_knowledge_base(self.config, settings, target=target)
        if any(p.severity == "error" for p in loaded.problems) or loaded.kb is None:
            return BuildResult(problems=loaded.problems, published=False, loaded=loaded)
        writer = self.writer
        site = replace(site, playbooks=loaded.kb.playbooks)
        site, playbooks_part = self._whole_site(loaded, site)
        searchable = None
        if self.config.search:
            if self.keep_search_parts:
                self.parts[PLAYBOOKS_PART] = playbooks_part

            def rest() -> None:
                self.add_pending()
                self.index.add(playbooks_part)

            digests = {**{f"clients/{id}/": d for id, d in loaded.digests.items()}, **writer.digests}
            searchable = _finish_search_index(self.index, self.staging, self.previous, digests, rest)
        written = [p for paths in loaded.client_pages.values() for p in paths] + sorted(writer.written)
        return BuildResult(
            problems=loaded.problems,
            published=True,
            pages=count_pages(written),
            searchable=searchable,
            loaded=loaded,
            site=site,
            changed=loaded.pages_changed + count_pages(writer.changed),
            search_parts=self.parts,
        )

    def _whole_site(self, loaded: Loaded, site: SiteContext) -> tuple[SiteContext, SearchPart]:
        """The whole-site pages: linked from the previous site when nothing they are made from changed
        (generator/build/whole_site_cache.py), else rendered (and recorded for the next build)."""
        cache = loaded.cache
        key = None
        if cache is not None and not self.keep_search_parts:
            key = whole_site_key(cache, loaded.cache_keys, loaded.clients, site)
        if cache is not None and key is not None:
            taken = take_whole_site(cache, key, self.writer)
            if taken is not None:
                return replace(site, names=taken.names), taken.search
        before = set(self.writer.written)
        prepare_rendering()
        site, part = write_portfolio(self.writer, loaded.insights, site, loaded.fragments, jobs=self.config.jobs)
        if cache is not None and key is not None:
            keep_whole_site(cache, key, self.writer, self.writer.written - before, part, site.names)
        return site, part


def _finish_search_index(
    index: SearchIndexWriter,
    staging: Path,
    previous: Path | None,
    digests: Mapping[str, str],
    rest: Callable[[], None],
) -> int:
    """Write the search index, or take the previous one when no page changed at all; returns how many
    documents it holds.

    The index is a function of the pages' bytes, so when every page has the bytes it had, the
    previous index is the index (hard-linked, file by file) and merging it again is skipped.
    `digests` maps a page, or a client's folder of pages, to the digest of its bytes. `rest` gives
    `index` the parts it has not been given yet, when the index is to be made."""
    key = pages_digest(digests.items())
    if previous is not None and (previous / SEARCH_FOLDER).is_dir():
        try:
            recorded, _, docs_text = (previous / SEARCH_KEY).read_text(encoding="utf-8").partition(" ")
        except OSError:
            recorded, docs_text = "", ""
        if recorded == key and docs_text.isdigit() and _link_tree(previous / SEARCH_FOLDER, staging / SEARCH_FOLDER):
            (staging / SEARCH_KEY).write_text(f"{key} {docs_text}", encoding="utf-8")
            return int(docs_text)
    rest()
    docs = index.finish()
    (staging / SEARCH_KEY).write_text(f"{key} {docs}", encoding="utf-8")
    return docs


def _search_part(data: bytes) -> SearchPart:
    part = pickling.loads(data)  # clientkb's own bytes: a worker read them under the cache's seal
    assert isinstance(part, SearchPart)
    return part


def _link_tree(source: Path, target: Path) -> bool:
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except (OSError, shutil.Error):
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True
