"""The knowledge base read, checked and (from INSIGHTS on) computed: the one place that chains
source -> parse -> validate -> compute, a client folder per job (generator/build/clients.py).

The main process reads kb.yaml first, because every worker needs the settings, and runs the few
checks that need the whole knowledge base once the clients are in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.clients import (
    ClientJob,
    ClientOutcomes,
    ClientResult,
    Known,
    process_clients,
)
from generator.build.config import BuildConfig, Mode
from generator.build.insights_cache import Entry, InsightsCache
from generator.build.settings import SettingsLoad, read_settings
from generator.build.workers import default_jobs
from generator.compute.due import ClientDue, DueWindow, client_due_view
from generator.compute.insights import ClientInsight, client_insights
from generator.compute.metrics import Portfolio, portfolio
from generator.git.status import HistoryInThread
from generator.markdown.engine import markdown_engine
from generator.model import pickling
from generator.model.collector import no_cyclic_gc
from generator.model.records import Client, KnowledgeBase, Playbook
from generator.model.settings import Limits, Settings
from generator.parse.loader import load_playbook
from generator.parse.validate import References, validate_knowledge_base
from generator.site.search import SearchPart
from generator.source.cache import (
    CHECK_FILE,
    BuildCache,
    committed_cache_problems,
    page_digest,
    read_checked,
    write_checked,
)
from generator.source.load import KB_FILE, ClientFiles, RepositoryFiles, walk_repository
from generator.source.problems import Problem, sorted_problems
from generator.source.stamps import FilesStamp, PageStamp, StampIndex, pages_file

if TYPE_CHECKING:
    from generator.site.client_pages import ClientFragments
    from generator.site.context import SiteContext


@dataclass(frozen=True, slots=True)
class Selection:
    """Some of the clients (`diff` compares only those a change touched)."""

    only: frozenset[str]
    """The clients to load."""
    client_ids: frozenset[str]
    """Every client that exists, when the folder holds only some of them (references are checked
    against it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderTarget:
    """Where a SITE run renders each client's pages, as it loads it."""

    site: SiteContext
    staging: Path
    """The build's staging folder."""
    previous: Path | None = None
    """The site being replaced: unchanged pages are linked from it."""
    progress: Callable[[int, int], None] | None = None
    """Called with (done, total) as client folders are done."""
    search: Callable[[str, SearchPart | bytes], None] | None = None
    """Given each client's share of the search index as it comes, in folder order (still pickled
    when it comes from the build cache)."""
    prepare: Callable[[], None] | None = None
    """Loads what rendering a page needs, called before workers fork when a client may be rendered."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaded:
    """A knowledge base as read and checked: `kb` is None when kb.yaml itself is unusable."""

    kb: KnowledgeBase | None
    settings: Settings | None
    problems: list[Problem]
    clients: int
    notes: int
    playbooks: int
    runs: int = 0
    events: int = 0
    outcomes: ClientOutcomes = field(default_factory=ClientOutcomes)
    """Insights (INSIGHTS and SITE) and fragments (SITE), from the workers or the build cache."""
    client_pages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Client id -> the pages the workers rendered for it (SITE)."""
    digests: dict[str, str] = field(default_factory=dict)
    """Client id -> one digest of its pages' paths and bytes (SITE)."""
    cache_keys: set[str] = field(default_factory=set)
    """The build cache entries this load used or made (with `cache`)."""
    cache: BuildCache | None = None
    pages_changed: int = 0
    """Client HTML pages written, not linked from the previous site (SITE)."""
    checked: dict[str, list[Problem]] | None = None
    """Each client's problems by cache key, for `check`'s next run (CHECK with `cache`)."""

    @property
    def insights(self) -> tuple[ClientInsight, ...]:
        """Computed in the workers (INSIGHTS and SITE), in client order."""
        return self.outcomes.insights

    @property
    def fragments(self) -> dict[str, ClientFragments]:
        """Client id -> its parts of the whole-site files (SITE)."""
        return self.outcomes.fragments

    @property
    def due(self) -> tuple[ClientDue, ...]:
        """Each client's due entries in kb.yaml's window (INSIGHTS), in client order: from the cache,
        a warm `due` unpickles these alone, not the insights."""
        return self.outcomes.due


def load_playbooks(root: Path, files: Sequence[str], limits: Limits) -> tuple[list[Playbook], list[Problem]]:
    playbooks: list[Playbook] = []
    problems: list[Problem] = []
    for rel in files:
        playbook, found = load_playbook(root, rel, limits)
        problems.extend(found)
        if playbook is not None:
            playbooks.append(playbook)
    return playbooks, problems


def pages_digest(pages: Iterable[tuple[str, str]]) -> str:
    """One digest for pages given as (path, digest of their bytes)."""
    return page_digest("".join(f"{path}\0{digest}\n" for path, digest in sorted(pages)).encode())


def load_knowledge_base(
    config: BuildConfig,
    settings: SettingsLoad | None = None,
    selection: Selection | None = None,
    target: RenderTarget | None = None,
) -> Loaded:
    """Read, parse and check everything under `config.root`, and go as far as `config.mode` says.

    RECORDS keeps the records (with their Markdown) in `kb`; the other modes send back problems,
    counts and insights only (`kb` then holds no clients), without moving every record between
    processes. SITE needs `target`: each client's pages are rendered where it was loaded. With
    `config.cache`, CHECK takes each unchanged client's problems from `check`'s cache file (and
    `Loaded.checked` holds this run's for `check_knowledge_base` to write back), and SITE keeps each
    client's results in the build cache (generator/source/cache.py).
    """
    if (config.mode is Mode.SITE) != (target is not None):
        raise ValueError("a render target is for SITE, and SITE needs one")
    if config.mode is Mode.INSIGHTS and config.today is None:
        raise ValueError("INSIGHTS needs `today`")
    history = HistoryInThread(config.root) if config.mode in (Mode.INSIGHTS, Mode.SITE) else None
    settings = settings or read_settings(config.root)
    limits = settings.settings.limits if settings.settings else Limits()
    files = walk_repository(config.root)
    playbooks, found = load_playbooks(config.root, files.playbooks, limits)
    problems = [*settings.problems, *committed_cache_problems(config.root), *files.problems, *found]
    client_ids = selection.client_ids if selection else frozenset(c.id for c in files.clients)
    if target is not None:
        target = replace(target, site=replace(target.site, playbooks=tuple(playbooks)))
    job, remembered = _client_job(config, settings, files, client_ids, target, frozenset(p.slug for p in playbooks))
    if history is not None:  # waited for only now: read beside the walk and the opening of the caches
        job = replace(job, status_history=history.result())
    folders = [c for c in files.clients if selection is None or c.id in selection.only]
    collected = _collect(job, folders, config.jobs, remembered, target, files.clients)
    problems.extend(collected.problems)
    if remembered is not None:
        if collected.incomplete:  # a cache file damaged or deleted: never answer with a client missing
            remembered.forget()
            return load_knowledge_base(replace(config, cache=False), settings, selection, target)
        remembered.save(collected.entries)
    kb = None
    if settings.settings is not None:
        kb = KnowledgeBase(settings.settings, settings.source, tuple(collected.clients), tuple(playbooks), client_ids)
        problems.extend(validate_knowledge_base(kb))
    return Loaded(
        kb=kb,
        settings=settings.settings,
        problems=sorted_problems(problems),
        clients=len(files.clients),
        notes=sum(len(c.notes) for c in files.clients),
        runs=sum(len(c.runs) for c in files.clients),
        events=sum(len(c.events) for c in files.clients),
        playbooks=len(files.playbooks),
        outcomes=collected.outcomes,
        client_pages=collected.pages,
        digests=collected.digests,
        cache_keys=collected.cache_keys,
        cache=job.cache,
        pages_changed=collected.changed,
        checked=collected.checked if job.checked is not None else None,
    )


def _collect(
    job: ClientJob,
    folders: Sequence[ClientFiles],
    jobs: int | None,
    remembered: InsightsCache | None,
    target: RenderTarget | None,
    everyone: Sequence[ClientFiles],
) -> _Collected:
    """Every folder processed (in parallel from PARALLEL_FROM folders on), its results gathered; with
    the cache, the stamps of the files read are kept for the next run (`everyone`'s, the others' dropped)."""
    collected = _Collected(job.checked is not None, remembered, _due_of(job))
    workers = default_jobs() if jobs is None else jobs
    before_fork = None  # what must be done before workers fork: the insights read, or the renderers loaded
    if remembered is not None:
        before_fork = remembered.wait
    elif target is not None:
        before_fork = target.prepare
    stamps = _Stamps.open(job)
    results = process_clients(job, folders, workers, before_fork, stamps.known(job, folders))
    with no_cyclic_gc(), closing(results):  # closed at once on Ctrl-C: the workers end with it
        for chunk in results:
            collected.add(chunk, target.search if target else None)
            if target is not None and target.progress is not None:
                target.progress(collected.done, len(folders))
    stamps.save(collected, [c.id for c in everyone])
    return collected


def _due_of(job: ClientJob) -> Callable[[ClientInsight], ClientDue] | None:
    """INSIGHTS: how a client's due entries in kb.yaml's window are made from its insight."""
    if job.today is None or job.site is not None or job.refs is None:
        return None
    settings = job.refs.settings
    handles = frozenset(m.handle for m in settings.team)
    return partial(client_due_view, handles=handles, today=job.today, window=DueWindow.of(settings))


@dataclass(frozen=True, slots=True)
class _Stamps:
    """With the cache: the stamps of the clients' files, and in a build those of the pages of the site
    it replaces (generator/source/stamps.py)."""

    files: StampIndex | None = None
    pages: StampIndex | None = None

    @classmethod
    def open(cls, job: ClientJob) -> _Stamps:
        if job.cache is None:
            return cls()
        pages = None
        if job.site is not None and job.previous is not None:
            pages = StampIndex.open(job.cache.store, pages_file(job.previous))
        return cls(StampIndex.open(job.cache.store), pages)

    def known(self, job: ClientJob, folders: Sequence[ClientFiles]) -> dict[str, Known]:
        if self.files is None:
            return {}
        digests = self.files.known(job.root, {c.id: c.all for c in folders}, job.limits.max_file_size)
        if self.pages is None:
            return {client_id: Known(files=digest) for client_id, digest in digests.items()}
        known = {}
        for files in folders:
            pages = self.pages.get(files.id)
            known[files.id] = Known(digests.get(files.id), dict(pages) if pages else {})  # (path, stamp) pairs
        return known

    def save(self, collected: _Collected, everyone: Sequence[str]) -> None:
        if self.files is not None:
            for client_id, stamp in collected.stamps.items():
                self.files.record(client_id, stamp)
            self.files.save(everyone)
        if self.pages is not None:
            for client_id, pages in collected.page_stamps.items():
                self.pages.record(client_id, pages)
            self.pages.save(collected.page_stamps)


def _client_job(
    config: BuildConfig,
    settings: SettingsLoad,
    files: RepositoryFiles,
    client_ids: frozenset[str],
    target: RenderTarget | None,
    playbooks: frozenset[str],
) -> tuple[ClientJob, InsightsCache | None]:
    """What each worker is given; with the cache it is opened here, keyed by what every client shares.
    INSIGHTS with the cache: and the last run's problems and insights, which the workers are not sent."""
    limits = settings.settings.limits if settings.settings else Limits()
    usable = settings.settings is not None
    build_cache = None
    checked = None
    remembered = None
    if target is not None and config.cache and usable:
        from generator.scaffold.new import repository_templates  # (Jinja: `check` and `due` start without it)

        shared = (target.site.today, sorted(client_ids), target.site.timeline.months)
        build_cache = BuildCache.open(
            config.root,
            markdown_engine(),
            shared,
            (KB_FILE, *files.playbooks, *repository_templates(config.root)),
            limits.max_file_size,
        )
    if config.mode in (Mode.CHECK, Mode.INSIGHTS) and config.cache and usable:
        # The mode in place of a Markdown engine: these keys never match a build's, nor each other's.
        # A client's checks depend on which clients and playbooks exist (references), insights on `today`.
        common = (sorted(client_ids), sorted(playbooks), config.today if config.mode is Mode.INSIGHTS else None)
        build_cache = BuildCache.open(config.root, config.mode.value, common, (KB_FILE,), limits.max_file_size)
        if build_cache is not None and config.mode is Mode.CHECK:
            checked = read_checked(build_cache.store, CHECK_FILE)
        elif build_cache is not None:
            remembered = InsightsCache(build_cache.store)
            remembered.start()  # read beside the rest of the loading
            checked = {key: [] for key in remembered.keys}  # a hit's problems come from `remembered`
    job = ClientJob(
        root=config.root,
        limits=limits,
        refs=References(settings.settings, client_ids, playbooks) if settings.settings is not None else None,
        keep_records=config.mode is Mode.RECORDS,
        today=config.today if config.mode in (Mode.INSIGHTS, Mode.SITE) else None,
        site=target.site if target else None,
        staging=target.staging if target else None,
        previous=target.previous if target else None,
        cache=build_cache,
        search=target is not None and target.search is not None,
        checked=checked,
    )
    return job, remembered


class _Collected:
    """The workers' results, gathered in the main process as they come."""

    def __init__(
        self, keep_checked: bool, remembered: InsightsCache | None, due_of: Callable[[ClientInsight], ClientDue] | None
    ) -> None:
        self.keep_checked = keep_checked
        self.remembered = remembered
        """INSIGHTS with the cache: a hit's problems, insight and due entries come from here."""
        self.due_of = due_of
        """INSIGHTS: a client's due entries, from its insight."""
        self.entries: dict[str, Entry] = {}
        self.incomplete = False
        self.problems: list[Problem] = []
        self.clients: list[Client] = []
        self.outcomes = ClientOutcomes()
        self.pages: dict[str, tuple[str, ...]] = {}
        self.digests: dict[str, str] = {}
        self.cache_keys: set[str] = set()
        self.checked: dict[str, list[Problem]] = {}
        self.stamps: dict[str, FilesStamp] = {}
        self.page_stamps: dict[str, tuple[tuple[str, PageStamp], ...]] = {}
        self.changed = 0
        self.done = 0

    def add(self, chunk: Sequence[ClientResult], search: Callable[[str, SearchPart | bytes], None] | None) -> None:
        for result in chunk:
            result, entry = self._remembered(result)
            self.problems.extend(result.problems)
            if result.pages:
                self.pages[result.id] = result.pages
                self.digests[result.id] = pages_digest(zip(result.pages, result.digests, strict=True))
            key = result.cache_key
            if key is not None:
                self.cache_keys.add(key)
                if self.keep_checked:
                    self.checked[key] = result.problems
            if self.due_of is not None:
                entry = self._due(result, entry, self.due_of)
                if key is not None and self.remembered is not None:
                    self.entries[key] = entry
            self.changed += result.changed
            part = result.search if result.packed_search is None else result.packed_search
            if part is not None and search is not None:
                search(result.id, part)
            if result.client is not None:
                self.clients.append(result.client)
            if result.stamp is not None:
                self.stamps[result.id] = result.stamp
            if result.page_stamps is not None:
                self.page_stamps[result.id] = tuple(zip(result.pages, result.page_stamps, strict=True))
            self.outcomes.add(result)
        self.done += len(chunk)

    def _remembered(self, result: ClientResult) -> tuple[ClientResult, Entry | None]:
        """A hit of INSIGHTS's cache with its problems and (still pickled) insight, and its entry."""
        key = result.cache_key
        if self.remembered is None or key is None or key not in self.remembered.keys:
            return result, None
        entry = self.remembered.entry(key)
        if entry is None:
            self.incomplete = True
            return result, None
        return replace(result, problems=entry[0], packed=entry[1]), entry

    def _due(self, result: ClientResult, entry: Entry | None, due_of: Callable[[ClientInsight], ClientDue]) -> Entry:
        """INSIGHTS: the client's due entries, kept in `outcomes`; its cache entry, made for a miss."""
        if entry is not None:
            if entry[2] is not None:
                self.outcomes.add_due(entry[2])
            return entry
        if result.insight is None:
            return (result.problems, None, None)
        due = due_of(result.insight)
        self.outcomes.add_due(due)
        if self.remembered is None:
            return (result.problems, None, None)
        return (result.problems, pickling.dumps((result.insight, None)), pickling.dumps(due))


def check_knowledge_base(config: BuildConfig, settings: SettingsLoad | None = None) -> Loaded:
    """What `check` reports: every problem, taken from `check`'s cache file for the clients
    whose files, kb.yaml, set of clients and clientkb itself are as they were; this run's entries
    replace the file's (so it holds no entry no longer used)."""
    loaded = load_knowledge_base(replace(config, mode=Mode.CHECK), settings)
    if loaded.checked is not None and loaded.cache is not None:
        write_checked(loaded.cache.store, loaded.checked)
    return loaded


@dataclass(frozen=True, slots=True)
class Computed:
    kb: KnowledgeBase
    today: dt.date
    insights: tuple[ClientInsight, ...]

    @property
    def portfolio(self) -> Portfolio:
        """The portfolio of `insights`, computed when asked (`due` and `digest` never need it)."""
        return portfolio(self.insights, self.today, self.kb.settings)


def compute(kb: KnowledgeBase, today: dt.date) -> Computed:
    """Compute every client's insight in this process."""
    return Computed(kb, today, client_insights(kb, today))


def computed_from(loaded: Loaded, today: dt.date) -> Computed:
    """The computed model from insights the workers made (the knowledge base must have no errors)."""
    assert loaded.kb is not None
    return Computed(loaded.kb, today, loaded.insights)
