"""The site being served and everything it was made from; applying a rebuild plan to it. It holds the
output's lock (generator/build/outputlock.py) only while it builds or writes pages."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.build.clients import process_one_client
from generator.build.config import BuildConfig
from generator.build.drafts import log_drafts
from generator.build.outputlock import output_lock
from generator.build.settings import SettingsLoad, read_settings
from generator.build.site import PLAYBOOKS_PART, SEARCH_KEY, build_site, write_portfolio
from generator.build.write import PageWriter
from generator.compute.insights import ClientInsight
from generator.model.settings import Settings
from generator.parse.validate import References
from generator.serve.plan import RebuildPlan, plan_rebuild
from generator.site.actions import ActionRowCache
from generator.site.client_pages import ClientFragments, client_fragments, client_pages
from generator.site.context import SiteContext
from generator.site.search import FOLDER as SEARCH_FOLDER
from generator.site.search import SearchPart, search_part, write_search_index
from generator.source.load import client_files, is_editor_junk
from generator.source.problems import Problem, Severity, sorted_problems


@dataclass
class RebuildOutcome:
    ok: bool
    problems: list[Problem]
    seconds: float
    plan: RebuildPlan
    changed: int = 0
    """Files written or removed."""


@dataclass
class SiteState:
    """A site being served: the output folder and everything it was built from."""

    config: BuildConfig
    """A SITE configuration with its output; `today` is set for each full build."""
    today_of: Callable[[Settings | None], dt.date]
    settings: SettingsLoad | None = None
    today: dt.date | None = None
    site: SiteContext | None = None
    insights: dict[str, ClientInsight] = field(default_factory=dict)
    pages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fragments: dict[str, ClientFragments] = field(default_factory=dict)
    row_cache: ActionRowCache = field(default_factory=ActionRowCache)
    search_parts: dict[str, SearchPart] = field(default_factory=dict)
    """Each client's share of the search index, and the playbooks' (under PLAYBOOKS_PART)."""
    client_problems: dict[str, list[Problem]] = field(default_factory=dict)
    global_problems: list[Problem] = field(default_factory=list)
    clients: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)
    """Clients changed while the knowledge base had errors: rebuilt once it checks again."""
    needs_full: bool = False
    problems: list[Problem] = field(default_factory=list)
    """The current errors: non-empty means the served site is the last good one."""

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def out(self) -> Path:
        assert self.config.output is not None
        return self.config.output

    @property
    def search(self) -> bool:
        return self.config.search

    def write_search_index(self) -> int:
        """Index the served pages again from every client's share (after a rebuild of some clients).

        Files are replaced one at a time and only when their bytes changed; files the new index
        does not have are removed after it is written."""
        parts = dict(self.search_parts)  # a copy: the rebuild thread may replace a share meanwhile
        order = [parts[key] for key in sorted(parts) if key != PLAYBOOKS_PART]
        if PLAYBOOKS_PART in parts:
            order.append(parts[PLAYBOOKS_PART])
        writer = PageWriter(self.out, in_place=True)
        with output_lock(self.out), tempfile.TemporaryDirectory(prefix="clientkb-search-") as spool:
            docs = write_search_index(writer, order, Path(spool))
            folder = self.out / SEARCH_FOLDER
            for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
                rel = path.relative_to(self.out).as_posix()
                if rel not in writer.written:
                    writer.remove(rel)
        return docs

    def current_clients(self) -> set[str]:
        """Every client folder name, valid or not (a new or removed folder means a full rebuild)."""
        folder = self.root / "clients"
        if not folder.is_dir():
            return set()
        return {p.name for p in folder.iterdir() if p.is_dir() and not is_editor_junk(p.name)}

    def full(self) -> RebuildOutcome:
        started = time.monotonic()
        plan = RebuildPlan(full=True, reason="full build")
        settings = read_settings(self.root)
        today = self.today_of(settings.settings)
        # The folders as they are before the build reads them: one added or removed while it runs
        # is then a change to the next batch (taken after the build, the build would miss it and
        # the next batch would not see it either).
        self.clients = self.current_clients()
        result = build_site(replace(self.config, today=today), settings, keep_search_parts=True)
        errors = [p for p in result.problems if p.severity is Severity.ERROR]
        if not result.published or result.loaded is None or result.site is None:
            self.needs_full = True
            self.problems = sorted_problems(errors)
            return RebuildOutcome(False, self.problems, time.monotonic() - started, plan)
        loaded = result.loaded
        self.settings, self.today, self.site = settings, today, result.site
        self.insights = {i.id: i for i in loaded.insights}
        self.pages = dict(loaded.client_pages)
        self.fragments = dict(loaded.fragments)
        self.search_parts = dict(result.search_parts)
        self.client_problems = {}
        self.global_problems = []
        self.pending = set()
        self.needs_full = False
        self.problems = []
        return RebuildOutcome(True, [], time.monotonic() - started, plan, changed=result.pages)

    def apply(self, changed: Iterable[str]) -> RebuildOutcome | None:
        """Rebuild what `changed` touches; None when nothing the site shows changed."""
        current = self.current_clients()
        plan = plan_rebuild(changed, self.clients, current)
        settings = self.settings.settings if self.settings else None
        if settings is not None and self.today_of(settings) != self.today:
            plan = RebuildPlan(full=True, reason="the date changed")
        if self.needs_full or self.site is None:
            plan = RebuildPlan(full=True, reason="the last full build failed")
        if plan.full:
            return self.full()
        if plan.empty and not self.pending:
            return None
        with output_lock(self.out):  # a `build` into the same folder waits for this rebuild
            return self._clients(plan, set(plan.clients) | self.pending)

    def _clients(self, plan: RebuildPlan, dirty: set[str]) -> RebuildOutcome:
        started = time.monotonic()
        assert self.site is not None and self.settings is not None and self.settings.settings is not None
        settings = self.settings.settings
        processed = {}
        for client_id in sorted(dirty):
            files, found = client_files(self.root, client_id)
            if files is None:
                self.client_problems[client_id] = found
                continue
            refs = References(settings, frozenset(self.clients), frozenset(p.slug for p in self.site.playbooks))
            result = process_one_client(self.root, files, refs, self.site.today)
            self.client_problems[client_id] = found + result.problems
            processed[client_id] = result
        errors = [
            p
            for p in [*self.global_problems, *(p for ps in self.client_problems.values() for p in ps)]
            if p.severity is Severity.ERROR
        ]
        if errors:
            self.pending |= dirty
            self.problems = sorted_problems(errors)
            return RebuildOutcome(False, self.problems, time.monotonic() - started, plan)
        # The pages change under the search index: the next build must not take it as up to date.
        (self.out / SEARCH_KEY).unlink(missing_ok=True)
        writer = PageWriter(self.out, in_place=True)
        # The whole-site pages are made from the clients' insights and fragments only: when a save
        # changed neither (most edits of a note's text), they are as they were and are not remade.
        portfolio_changed = set(processed) != dirty
        for client_id, result in processed.items():
            assert result.client is not None and result.insight is not None
            fragments = client_fragments(result.insight, self.site)
            if self.insights.get(client_id) != result.insight or self.fragments.get(client_id) != fragments:
                portfolio_changed = True
            self.insights[client_id] = result.insight
            pages = client_pages(
                result.client, result.insight, self.site, log_drafts(self.root, result.client, self.site.today)
            )
            for path, data in pages.items():
                writer.write(path, data)
            for stale in set(self.pages.get(client_id, ())) - set(pages):
                writer.remove(stale)
            self.pages[client_id] = tuple(sorted(pages))
            self.fragments[client_id] = fragments
            if self.search:
                self.search_parts[client_id] = search_part(pages)
        if portfolio_changed:
            insights = tuple(self.insights[i] for i in sorted(self.insights))
            self.site, portfolio_part = write_portfolio(writer, insights, self.site, self.fragments, self.row_cache)
            if self.search:  # people's pages list the clients they own: their share may have changed
                self.search_parts[PLAYBOOKS_PART] = portfolio_part
        self.pending = set()
        self.problems = []
        return RebuildOutcome(True, [], time.monotonic() - started, plan, changed=len(writer.changed))
