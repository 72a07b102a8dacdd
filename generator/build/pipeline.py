"""The only module that chains the stages: load -> parse records -> validate -> compute (-> render).

A client folder is the unit of parallel work: worker processes read, parse, validate and compute
one client at a time and send back only what the main process needs (problems; records without
their Markdown; computed insights). The main process reads kb.yaml first, because every worker
needs the settings, and runs the few checks that need the whole knowledge base.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.outputlock import output_lock
from generator.build.workers import PARALLEL_FROM, chunks, default_jobs, pool, stopping
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
from generator.compute.insights import ClientInsight, client_insight, client_insights
from generator.compute.metrics import Portfolio, portfolio
from generator.markdown.engine import markdown_engine
from generator.model.records import Client, KnowledgeBase, Limits, Playbook, Settings
from generator.model.sourcemap import SourceMap
from generator.parse.documents import Reader, load_client, load_playbook, parse_settings
from generator.parse.validate import References, validate_client, validate_knowledge_base
from generator.site.search import FOLDER as SEARCH_FOLDER
from generator.site.search import SearchIndexWriter, SearchPart, search_part
from generator.source.cache import BuildCache, committed_cache_problems, page_digest, read_checked, write_checked
from generator.source.load import KB_FILE, ClientFiles, SourceText, decode_source, read_source, walk_repository
from generator.source.problems import Problem, error, sorted_problems

# Rendering (Jinja, icalendar, Markdown, Git) is imported where it is used, so that `check`, `due`,
# `health` and `stats` start without it.
if TYPE_CHECKING:
    from generator.site.render import ActionRowCache, ClientFragments, SiteContext


@dataclass(frozen=True, slots=True)
class SettingsLoad:
    settings: Settings | None
    """None when kb.yaml is missing or invalid."""
    source: SourceMap
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A knowledge base as read and checked: `kb` is None when kb.yaml itself is unusable."""

    kb: KnowledgeBase | None
    settings: Settings | None
    problems: list[Problem]
    clients: int
    notes: int
    playbooks: int
    insights: tuple[ClientInsight, ...] = ()
    """Computed in the workers when `load_knowledge_base` was given `today`, in client order."""
    client_pages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Client id -> the pages the workers rendered for it (with `render`)."""
    fragments: dict[str, ClientFragments] = field(default_factory=dict)
    """Client id -> its parts of the whole-site files (with `render`)."""
    digests: dict[str, str] = field(default_factory=dict)
    """Client id -> one digest of its pages' paths and bytes (with `render`)."""
    cache_keys: set[str] = field(default_factory=set)
    """The build cache entries this load used or made (with `cache`)."""
    cache: BuildCache | None = None
    pages_changed: int = 0
    """Client HTML pages written, not linked from the previous site (with `render`)."""
    checked: dict[str, list[Problem]] | None = None
    """Each client's problems by cache key, for `check`'s next run (with `cache`, without `render`)."""


def read_settings(root: Path) -> SettingsLoad:
    if not (root / KB_FILE).is_file():
        problem = error(
            KB_FILE,
            0,
            0,
            "missing-settings",
            f"no {KB_FILE} in {root}",
            "run clientkb in the knowledge base's folder, or pass --root DIR",
        )
        return SettingsLoad(None, SourceMap(KB_FILE), [problem])
    text, problems = read_source(root, KB_FILE, Limits().max_file_size)
    if text is None:
        return SettingsLoad(None, SourceMap(KB_FILE), problems)
    parsed = parse_settings(text)
    return SettingsLoad(parsed.value, parsed.source, problems + parsed.problems)


def static_assets() -> list[Path]:
    folder = Path(__file__).parent.parent / "static"
    return [p for p in folder.iterdir() if p.is_file()]


def load_playbooks(root: Path, files: Sequence[str], limits: Limits) -> tuple[list[Playbook], list[Problem]]:
    playbooks: list[Playbook] = []
    problems: list[Problem] = []
    for rel in files:
        playbook, found = load_playbook(root, rel, limits)
        problems.extend(found)
        if playbook is not None:
            playbooks.append(playbook)
    return playbooks, problems


@dataclass(frozen=True, slots=True)
class _ClientJob:
    """What every worker needs to load, check and compute one client folder."""

    root: Path
    limits: Limits
    refs: References | None
    """None when kb.yaml is unusable: references cannot be checked then."""
    keep_records: bool
    """False unless the caller needs the records (with their Markdown) in this process."""
    today: dt.date | None
    """Compute each client's insight for this date (needs valid settings)."""
    site: SiteContext | None = None
    staging: Path | None = None
    """With `site`, render each client's pages into this folder (the build's staging folder)."""
    previous: Path | None = None
    """The site being replaced: unchanged pages are hard-linked from it instead of written."""
    cache: BuildCache | None = None
    search: bool = False
    """With `site`, index each client's pages for search too."""
    checked: Mapping[str, list[Problem]] | None = None
    """`check`'s entries from its last run (key -> problems), with `cache` for the keys."""


@dataclass(frozen=True, slots=True)
class ClientResult:
    id: str
    client: Client | None
    insight: ClientInsight | None
    problems: list[Problem]
    pages: tuple[str, ...] = ()
    """Paths of the pages rendered for this client."""
    fragments: ClientFragments | None = None
    """Its parts of the whole-site files (calendars, export), made with its pages."""
    digests: tuple[str, ...] = ()
    """The digest of each of `pages`."""
    changed: int = 0
    """How many of its HTML pages were written (the others were linked from the previous site)."""
    cache_key: str | None = None
    search: SearchPart | None = None
    """Its pages' share of the search index (when the job indexes)."""


@dataclass(frozen=True, slots=True)
class _CachedClient:
    problems: list[Problem]
    insight: ClientInsight
    fragments: ClientFragments
    pages: tuple[str, ...]
    digests: tuple[str, ...]
    search: SearchPart | None


def _cache_key(job: _ClientJob, files: ClientFiles) -> tuple[str, dict[str, bytes]] | None:
    if job.cache is None:
        return None
    rels = (files.record, *files.notes, *files.documents)
    if job.site is None:  # `check`: the problems depend on the files alone (and the fingerprint)
        return job.cache.key(job.root, rels, (), job.limits.max_file_size)
    history = job.site.history
    own = (
        history.clients.get(files.id, ()),
        tuple(history.last_changes.get(rel) for rel in rels),
        job.site.timeline.clients.get(files.id),
    )
    return job.cache.key(job.root, rels, own, job.limits.max_file_size)


def _from_cache(job: _ClientJob, files: ClientFiles, key: str) -> ClientResult | None:
    """The client's results as cached, with its pages linked from the previous site; None on a miss."""
    assert job.cache is not None and job.staging is not None
    cached = job.cache.get(key)
    if not isinstance(cached, _CachedClient) or (job.search and cached.search is None):
        return None
    writer = PageWriter(job.staging, previous=job.previous)
    for path, digest in zip(cached.pages, cached.digests, strict=True):
        if not writer.link_previous(path, digest):
            writer.unlink_all()
            return None
    return ClientResult(
        files.id,
        None,
        cached.insight,
        cached.problems,
        cached.pages,
        cached.fragments,
        cached.digests,
        0,
        key,
        cached.search if job.search else None,
    )


def _process_client(job: _ClientJob, files: ClientFiles) -> ClientResult:
    keyed = _cache_key(job, files)
    key = None
    read = None
    if keyed is not None:
        key, contents = keyed
        assert job.cache is not None
        if job.site is None:
            if job.checked is not None and key in job.checked:
                return ClientResult(files.id, None, None, job.checked[key], cache_key=key)
        else:
            cached = _from_cache(job, files, key)
            if cached is not None:
                return cached

        def read(rel: str) -> tuple[SourceText | None, list[Problem]]:
            return decode_source(rel, contents[rel], job.limits.max_file_size)

    result = _load_client(job, files, read)
    if key is not None and job.site is None:
        return replace(result, cache_key=key)  # the main process keeps its problems under `key`
    if key is not None and result.insight is not None and result.fragments is not None:
        assert job.cache is not None
        entry = _CachedClient(
            result.problems, result.insight, result.fragments, result.pages, result.digests, result.search
        )
        job.cache.put(key, entry)
        result = replace(result, cache_key=key)
    return result


def _load_client(job: _ClientJob, files: ClientFiles, read: Reader | None = None) -> ClientResult:
    load = load_client(job.root, files, job.limits, read)
    client = load.client
    problems = load.problems
    if client is None:
        return ClientResult(files.id, None, None, problems)
    insight = None
    if job.refs is not None:
        problems = problems + validate_client(client, job.refs)
        # Insights need resolved references (segment, owner): only for a client without errors.
        if job.today is not None and not any(p.severity == "error" for p in problems):
            insight = client_insight(client, job.refs.settings, job.today)
    pages: tuple[str, ...] = ()
    digests: tuple[str, ...] = ()
    changed = 0
    fragments = None
    search = None
    if insight is not None and job.site is not None and job.staging is not None:
        from generator.site.render import client_fragments, client_pages

        writer = PageWriter(job.staging, previous=job.previous)
        rendered = client_pages(client, insight, job.site)
        for path, data in rendered.items():
            writer.write(path, data)
        pages = tuple(sorted(writer.written))
        digests = tuple(writer.digests.get(path, "") for path in pages)
        changed = count_pages(writer.changed)
        fragments = client_fragments(insight, job.site)
        search = search_part(rendered) if job.search else None
    record = client if job.keep_records else None
    return ClientResult(files.id, record, insight, problems, pages, fragments, digests, changed, None, search)


def process_one_client(
    root: Path, files: ClientFiles, settings: Settings, client_ids: frozenset[str], today: dt.date
) -> ClientResult:
    """Load, check and compute one client in this process, keeping its record and notes (for `serve`)."""
    job = _ClientJob(root, settings.limits, References(settings, client_ids), True, today)
    return _process_client(job, files)


def _process_chunk(job: _ClientJob, chunk: Sequence[ClientFiles]) -> list[ClientResult]:
    results = []
    for files in chunk:
        if stopping():  # Ctrl-C: the main process discards the results; end the chunk now
            break
        results.append(_process_client(job, files))
    return results


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while records pile up.

    Loading makes millions of small acyclic objects; each of them counts towards the collector's
    thresholds, so it would rescan everything loaded so far again and again (about 15% of a load).
    Reference counting still frees memory as usual; forked workers inherit the pause.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _process_clients(job: _ClientJob, folders: Sequence[ClientFiles], jobs: int) -> Generator[list[ClientResult]]:
    """Results chunk by chunk, in folder order (so a caller can show progress)."""
    if jobs <= 1 or len(folders) < PARALLEL_FROM:
        for chunk in chunks(folders, 50):
            yield _process_chunk(job, chunk)
        return
    size = max(1, min(50, len(folders) // (jobs * 8)))
    with pool(jobs) as workers:
        yield from workers.map(partial(_process_chunk, job), chunks(folders, size))


def _pages_digest(pages: Iterable[tuple[str, str]]) -> str:
    """One digest for pages given as (path, digest of their bytes)."""
    return page_digest("".join(f"{path}\0{digest}\n" for path, digest in sorted(pages)).encode())


def load_knowledge_base(
    root: Path,
    jobs: int | None = None,
    keep_records: bool = True,
    today: dt.date | None = None,
    settings: SettingsLoad | None = None,
    render: tuple[SiteContext, Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
    only: frozenset[str] | None = None,
    client_ids: frozenset[str] | None = None,
    previous: Path | None = None,
    cache: bool = False,
    search: Callable[[str, SearchPart], None] | None = None,
) -> Loaded:
    """Read, parse and validate everything under `root`; with `today`, compute insights too.

    `keep_records=False` sends back problems, counts and insights only (`kb` then holds no clients):
    what `check`, `due`, `health` and `stats` need, without moving every record between processes.
    With `render=(site, folder)`, each client's pages are rendered where it was loaded and written
    into `folder`; `progress(done, total)` is called as client folders are done.
    `only` loads just those clients; `client_ids` says which clients exist, when the folder holds only
    some of them (references are checked against it). With `render`, `previous` is the site being
    replaced (unchanged pages are linked from it) and `cache` keeps each client's results in the
    build cache (generator/source/cache.py); `search(client_id, part)` is given each client's
    share of the search index as it comes, in folder order. Without `render` and `today` (`check`),
    `cache` takes each unchanged client's problems from `check`'s cache file, and
    `Loaded.checked` holds this run's for `check_knowledge_base` to write back.
    """
    settings = settings or read_settings(root)
    problems = list(settings.problems) + committed_cache_problems(root)
    limits = settings.settings.limits if settings.settings else Limits()
    files = walk_repository(root)
    problems.extend(files.problems)
    playbooks, found = load_playbooks(root, files.playbooks, limits)
    problems.extend(found)
    if client_ids is None:
        client_ids = frozenset(c.id for c in files.clients)
    folders = [c for c in files.clients if only is None or c.id in only]
    refs = References(settings.settings, client_ids) if settings.settings is not None else None
    site, staging = render if render else (None, None)
    build_cache = None
    if site is not None:
        site = replace(site, playbooks=tuple(playbooks))
        if cache and not keep_records and settings.settings is not None:
            shared = (site.today, sorted(client_ids), site.timeline.months)
            build_cache = BuildCache.open(
                root, markdown_engine(), shared, (KB_FILE, *files.playbooks), limits.max_file_size
            )
    checked = None
    if site is None and cache and not keep_records and today is None and settings.settings is not None:
        # "check" in place of a Markdown engine: a check's keys never match a build's.
        build_cache = BuildCache.open(root, "check", (sorted(client_ids),), (KB_FILE,), limits.max_file_size)
        checked = read_checked(build_cache.store) if build_cache is not None else None
    job = _ClientJob(
        root, limits, refs, keep_records, today, site, staging, previous, build_cache, search is not None, checked
    )
    clients: list[Client] = []
    insights: list[ClientInsight] = []
    pages: dict[str, tuple[str, ...]] = {}
    digests: dict[str, str] = {}
    cache_keys: set[str] = set()
    now_checked: dict[str, list[Problem]] = {}
    changed = 0
    fragments: dict[str, ClientFragments] = {}
    done = 0
    results = _process_clients(job, folders, default_jobs() if jobs is None else jobs)
    with _no_cyclic_gc(), closing(results):  # closed at once on Ctrl-C: the workers end with it
        for chunk in results:
            for result in chunk:
                problems.extend(result.problems)
                if result.pages:
                    pages[result.id] = result.pages
                    digests[result.id] = _pages_digest(zip(result.pages, result.digests, strict=True))
                if result.cache_key is not None:
                    cache_keys.add(result.cache_key)
                    if checked is not None:
                        now_checked[result.cache_key] = result.problems
                changed += result.changed
                if result.fragments is not None:
                    fragments[result.id] = result.fragments
                if result.search is not None and search is not None:
                    search(result.id, result.search)
                if result.client is not None:
                    clients.append(result.client)
                if result.insight is not None:
                    insights.append(result.insight)
            done += len(chunk)
            if progress is not None:
                progress(done, len(folders))

    kb = None
    if settings.settings is not None:
        kb = KnowledgeBase(settings.settings, settings.source, tuple(clients), tuple(playbooks), client_ids)
        problems.extend(validate_knowledge_base(kb))
    note_count = sum(len(c.notes) for c in files.clients)
    return Loaded(
        kb,
        settings.settings,
        sorted_problems(problems),
        len(files.clients),
        note_count,
        len(files.playbooks),
        tuple(insights),
        pages,
        fragments,
        digests,
        cache_keys,
        build_cache,
        changed,
        now_checked if checked is not None else None,
    )


def check_knowledge_base(
    root: Path, jobs: int | None = None, settings: SettingsLoad | None = None, cache: bool = True
) -> Loaded:
    """What `check` reports: every problem, taken from `check`'s cache file for the clients
    whose files, kb.yaml, set of clients and clientkb itself are as they were; this run's entries
    replace the file's (so it holds no entry no longer used)."""
    loaded = load_knowledge_base(root, jobs=jobs, keep_records=False, settings=settings, cache=cache)
    if loaded.checked is not None and loaded.cache is not None:
        write_checked(loaded.cache.store, loaded.checked)
    return loaded


@dataclass(frozen=True, slots=True)
class Computed:
    kb: KnowledgeBase
    today: dt.date
    insights: tuple[ClientInsight, ...]
    portfolio: Portfolio


def compute(kb: KnowledgeBase, today: dt.date) -> Computed:
    """Compute every client's insight and the portfolio in this process."""
    insights = client_insights(kb, today)
    return Computed(kb, today, insights, portfolio(insights, today))


def computed_from(loaded: Loaded, today: dt.date) -> Computed:
    """The computed model from insights the workers made (the knowledge base must have no errors)."""
    assert loaded.kb is not None
    return Computed(loaded.kb, today, loaded.insights, portfolio(loaded.insights, today))


@dataclass(frozen=True, slots=True)
class BuildResult:
    problems: list[Problem]
    """Errors (nothing was published) or warnings (the site was published)."""
    published: bool
    pages: int
    """HTML pages written."""
    searchable: int | None
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


def site_context(root: Path, settings: Settings, today: dt.date, cache: bool = True) -> SiteContext:
    """History and health over time come from Git: the same for every page, computed once (the
    health timeline's months taken from the cache unless `cache` is False)."""
    from generator.git.history import read_history
    from generator.git.timeline import health_timeline
    from generator.site.render import SiteContext

    return SiteContext(settings, today, (), read_history(root), {}, health_timeline(root, today, cache))


def write_portfolio(
    writer: PageWriter,
    insights: Sequence[ClientInsight],
    playbooks: tuple[Playbook, ...],
    site: SiteContext,
    fragments: Mapping[str, ClientFragments] | None = None,
    row_cache: ActionRowCache | None = None,
) -> tuple[SiteContext, SearchPart]:
    """Render the pages made from every client (dashboard, lists, feeds, exports) and the assets.

    Returns the site context completed with the playbooks and client names they were made from, and
    the search index of the searchable ones of these pages (the playbooks).
    """
    from generator.site.render import portfolio_pages

    site = replace(site, playbooks=playbooks, names={i.id: i.record.name for i in insights})
    searchable: dict[str, bytes] = {}
    for path, data in portfolio_pages(insights, portfolio(insights, site.today), site, fragments, row_cache):
        if not isinstance(data, bytes):
            writer.write_chunks(path, data)
            continue
        writer.write(path, data)
        if path.startswith("playbooks/"):
            searchable[path] = data
    for asset in sorted(static_assets()):
        writer.write(f"assets/{asset.name}", asset.read_bytes())
    return site, search_part(searchable)


def build_site(
    root: Path,
    out: Path,
    today: dt.date,
    settings: SettingsLoad | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    search: bool = True,
    cache: bool = True,
    keep_search_parts: bool = False,
) -> BuildResult:
    """Check, compute and render the whole site into a staging folder, then publish it at once.

    On any error nothing is published and `out` stays exactly as it was. `progress(done, total)`
    reports client folders as they are rendered. Pages whose bytes did not change are hard-linked
    from the previous site rather than written; with `cache`, unchanged clients are not even loaded.
    With `search`, the pages are indexed as they are rendered (generator/site/search.py);
    `keep_search_parts` returns each client's share of the index too (for `serve`). One build per
    output at a time (generator/build/outputlock.py): OutputBusy when another holds it for too long.
    """
    with output_lock(out):  # from here on, every staging folder beside `out` is a dead build's
        check_output(out)
        remove_leftovers(out)
        settings = settings or read_settings(root)
        if settings.settings is None:
            return BuildResult(settings.problems, False, 0, None)
        previous = out if (out / MARKER).is_file() else None
        staging = staging_folder(out)
        spool = tempfile.TemporaryDirectory(prefix="clientkb-search-")
        try:
            writer = PageWriter(staging, previous=previous)
            index = SearchIndexWriter(writer, Path(spool.name))
            parts: dict[str, SearchPart] = {}

            def take_part(client_id: str, part: SearchPart) -> None:
                index.add(part)
                if keep_search_parts:
                    parts[client_id] = part

            site = site_context(root, settings.settings, today, cache)
            loaded = load_knowledge_base(
                root,
                jobs=jobs,
                keep_records=False,
                today=today,
                settings=settings,
                render=(site, staging),
                progress=progress,
                previous=previous,
                cache=cache,
                search=take_part if search else None,
            )
            if any(p.severity == "error" for p in loaded.problems) or loaded.kb is None:
                discard(staging)
                return BuildResult(loaded.problems, False, 0, None, loaded)
            site, playbooks_part = write_portfolio(writer, loaded.insights, loaded.kb.playbooks, site, loaded.fragments)
            searchable = None
            if search:
                index.add(playbooks_part)
                if keep_search_parts:
                    parts[PLAYBOOKS_PART] = playbooks_part
                digests = {**{f"clients/{id}/": d for id, d in loaded.digests.items()}, **writer.digests}
                searchable = _finish_search_index(index, staging, previous, digests)
            index.close()
            publish(staging, out)
        except BaseException:
            discard(staging)
            raise
        finally:
            spool.cleanup()
        if loaded.cache is not None:
            loaded.cache.keep_only(loaded.cache_keys)
        written = [p for paths in loaded.client_pages.values() for p in paths] + sorted(writer.written)
        pages = count_pages(written)
        changed = loaded.pages_changed + count_pages(writer.changed)
        return BuildResult(loaded.problems, True, pages, searchable, loaded, site, changed, parts)


SEARCH_KEY = ".clientkb-search"
"""Beside the marker: the digest of the pages the search index was made from, and its size."""


def _finish_search_index(
    index: SearchIndexWriter, staging: Path, previous: Path | None, digests: Mapping[str, str]
) -> int:
    """Write the search index, or take the previous one when no page changed at all.

    The index is a function of the pages' bytes, so when every page has the bytes it had, the
    previous index is the index (hard-linked, file by file) and merging it again is skipped.
    `digests` maps a page, or a client's folder of pages, to the digest of its bytes."""
    key = _pages_digest(digests.items())
    if previous is not None and (previous / SEARCH_FOLDER).is_dir():
        try:
            same = (previous / SEARCH_KEY).read_text(encoding="utf-8") == f"{key} {index.docs}"
        except OSError:
            same = False
        if same and _link_tree(previous / SEARCH_FOLDER, staging / SEARCH_FOLDER):
            (staging / SEARCH_KEY).write_text(f"{key} {index.docs}", encoding="utf-8")
            return index.docs
    docs = index.finish()
    (staging / SEARCH_KEY).write_text(f"{key} {docs}", encoding="utf-8")
    return docs


def _link_tree(source: Path, target: Path) -> bool:
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except (OSError, shutil.Error):
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True
