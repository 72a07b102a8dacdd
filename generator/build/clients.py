"""One client folder, the unit of parallel work: a worker reads, parses, checks and computes one
client at a time (and renders its pages in a build), and sends back only what the main process
needs: problems, the insight, the paths and digests of its pages, its parts of the whole-site files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.workers import PARALLEL_FROM, chunks, pool, stopping
from generator.build.write import PageWriter, count_pages
from generator.compute.due import ClientDue
from generator.compute.insights import ClientInsight, client_insight
from generator.git.status import StatusHistory, status_set_on
from generator.model import pickling
from generator.model.collector import no_cyclic_gc
from generator.model.records import Client
from generator.model.settings import Limits
from generator.parse.loader import Reader, load_client
from generator.parse.validate import References, validate_client
from generator.site.search import SearchPart, search_part
from generator.source.cache import BuildCache
from generator.source.load import ClientFiles, SourceText, decode_source
from generator.source.problems import Problem
from generator.source.stamps import FilesStamp, PageStamp

# Rendering (Jinja, icalendar, Markdown) is imported where it is used, so that `check`, `due`,
# `health` and `stats` start without it.
if TYPE_CHECKING:
    from generator.site.client_pages import ClientFragments
    from generator.site.context import SiteContext


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientJob:
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
    """`check`'s (or `due`'s...) entries from its last run (key -> problems), with `cache` for the keys."""
    status_history: StatusHistory = field(default_factory=dict)
    """When statuses changed, from Git (with `today`): rules count from the day it was set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientResult:
    id: str
    client: Client | None = None
    insight: ClientInsight | None = None
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
    packed: bytes | None = None
    """From the build cache, still pickled: the insight and the fragments (see `ClientOutcomes`)."""
    packed_search: bytes | None = None
    """From the build cache, still pickled: the search part, when the job indexes."""
    stamp: FilesStamp | None = None
    """The stamps and digest of the client's files, when they were read (generator/source/stamps.py)."""
    page_stamps: tuple[PageStamp, ...] | None = None
    """From the build cache: the stamps of its pages, each as linked from the previous site."""


@dataclass(frozen=True, slots=True)
class Known:
    """What the main process knows of a client before it is processed (generator/source/stamps.py)."""

    files: bytes | None = None
    """The digest of its files, when their stamps say they are as last read."""
    pages: Mapping[str, PageStamp] = field(default_factory=dict)
    """The stamps of its pages in the previous site, by path."""


NOTHING_KNOWN = Known()


@dataclass(frozen=True, slots=True, kw_only=True)
class _CachedClient:
    """A build cache entry as a worker reads it: the pages to take from the previous site, the
    problems, and the rest still pickled. The worker passes those bytes on and the main process
    unpickles them once, when it needs them (a warm build whose whole-site pages are linked never
    does): decoding them in the worker to encode them again for the trip would do it three times."""

    pages: tuple[str, ...]
    digests: tuple[str, ...]
    problems: list[Problem]
    packed: bytes
    """A pickled (insight, fragments), read under the cache's seal."""
    search: bytes | None
    """A pickled SearchPart, when the build that cached it indexed."""


class ClientOutcomes:
    """Each client's insight and whole-site fragments, in client order. Those of cached clients
    stay pickled until first asked for (clientkb's own bytes: the worker read them under the seal)."""

    def __init__(self) -> None:
        self._items: list[tuple[str, ClientInsight | None, ClientFragments | None] | tuple[str, bytes]] = []
        self._unpacked: tuple[tuple[ClientInsight, ...], dict[str, ClientFragments]] | None = None
        self._due: list[ClientDue | bytes] = []

    def add_due(self, due: ClientDue | bytes) -> None:
        """A client's due entries (INSIGHTS), still pickled when they come from the cache."""
        self._due.append(due)

    @property
    def due(self) -> tuple[ClientDue, ...]:
        """Each client's due entries in kb.yaml's window (INSIGHTS), in client order."""
        with no_cyclic_gc():  # for the whole loop: between two clients' pickles it would rescan the others
            return tuple([pickling.loads(due) if isinstance(due, bytes) else due for due in self._due])

    def add(self, result: ClientResult) -> None:
        self._unpacked = None
        if result.packed is not None:
            self._items.append((result.id, result.packed))
        elif result.insight is not None or result.fragments is not None:
            self._items.append((result.id, result.insight, result.fragments))

    def _unpack(self) -> tuple[tuple[ClientInsight, ...], dict[str, ClientFragments]]:
        if self._unpacked is None:
            insights: list[ClientInsight] = []
            fragments: dict[str, ClientFragments] = {}
            with no_cyclic_gc():  # for the whole loop: between two clients' pickles it would rescan the others
                unpacked = [(item[0], *pickling.loads(item[1])) if len(item) == 2 else item for item in self._items]
            for client_id, insight, fragment in unpacked:
                if insight is not None:
                    insights.append(insight)
                if fragment is not None:
                    fragments[client_id] = fragment
            self._unpacked = (tuple(insights), fragments)
        return self._unpacked

    @property
    def insights(self) -> tuple[ClientInsight, ...]:
        return self._unpack()[0]

    @property
    def fragments(self) -> dict[str, ClientFragments]:
        return self._unpack()[1]


def _own(job: ClientJob, files: ClientFiles) -> object:
    """What a client's cache key holds besides its files' bytes: its history, for what depends on it."""
    if job.site is None:  # `check`: the problems depend on the files alone (and the fingerprint)
        return job.status_history.get(files.id) if job.today is not None else None  # insights: and statuses
    history = job.site.history
    return (
        history.clients.get(files.id, ()),
        tuple(history.last_changes.get(rel) for rel in files.all),
        job.site.timeline.clients.get(files.id),
        job.status_history.get(files.id),
    )


def _hit(job: ClientJob, files: ClientFiles, key: str, known: Known = NOTHING_KNOWN) -> ClientResult | None:
    """The client's results when the cache has `key`: a build's entry, or `check`'s (`due`'s...) problems
    (the main process holds the insight of each key it sends)."""
    if job.site is not None:
        return _from_cache(job, files, key, known.pages)
    if job.checked is not None and key in job.checked:
        return ClientResult(id=files.id, problems=job.checked[key], cache_key=key)
    return None


def answered_here(job: ClientJob, files: ClientFiles, known: bytes) -> ClientResult | None:
    """`check`, `due` and the like: the cached results of a client whose files' digest is known from
    their stamps, without a worker (a build's hits link pages, which is the workers' work)."""
    if job.site is not None or job.cache is None:
        return None
    return _hit(job, files, job.cache.key_of(known, _own(job, files)))


def _from_cache(job: ClientJob, files: ClientFiles, key: str, pages: Mapping[str, PageStamp]) -> ClientResult | None:
    """The client's results as cached, with its pages linked from the previous site; None on a miss."""
    assert job.cache is not None and job.staging is not None
    cached = job.cache.get(key)
    if not isinstance(cached, _CachedClient) or (job.search and cached.search is None):
        return None
    writer = PageWriter(job.staging, previous=job.previous)
    for path, digest in zip(cached.pages, cached.digests, strict=True):
        if not writer.link_previous(path, digest, pages.get(path)):
            writer.unlink_all()
            return None
    return ClientResult(
        id=files.id,
        problems=cached.problems,
        pages=cached.pages,
        digests=cached.digests,
        cache_key=key,
        packed=cached.packed,
        packed_search=cached.search if job.search else None,
        page_stamps=tuple(writer.stamps[path] for path in cached.pages),
    )


def process_client(job: ClientJob, files: ClientFiles, known: Known = NOTHING_KNOWN) -> ClientResult:
    """One client, from the cache when it has the client's key. `known.files`, the digest of the client's
    files when their stamps say they are unchanged, spares reading them for a hit; a miss reads and
    hashes them (what is parsed is then exactly what was hashed)."""
    if job.cache is None:
        return _load_client(job, files)
    own = _own(job, files)
    if known.files is not None:
        hit = _hit(job, files, job.cache.key_of(known.files, own), known)
        if hit is not None:
            return hit
    keyed = job.cache.key(job.root, files.all, own, job.limits.max_file_size)
    if keyed is None:
        return _load_client(job, files)
    key, read = keyed
    hit = _hit(job, files, key, known)
    if hit is not None:
        return replace(hit, stamp=read.stamp)
    contents = read.contents

    def reader(rel: str) -> tuple[SourceText | None, list[Problem]]:
        return decode_source(rel, contents[rel], job.limits.max_file_size)

    result = replace(_load_client(job, files, reader), cache_key=key, stamp=read.stamp)
    if job.site is None:
        return result  # the main process keeps its problems under `key`
    if result.insight is not None and result.fragments is not None:
        job.cache.put(
            key,
            _CachedClient(
                pages=result.pages,
                digests=result.digests,
                problems=result.problems,
                packed=pickling.dumps((result.insight, result.fragments)),
                search=None if result.search is None else pickling.dumps(result.search),
            ),
        )
        return result
    return replace(result, cache_key=None)


def _load_client(job: ClientJob, files: ClientFiles, read: Reader | None = None) -> ClientResult:
    load = load_client(job.root, files, job.limits, read)
    client = load.client
    problems = load.problems
    if client is None:
        return ClientResult(id=files.id, problems=problems)
    insight = None
    if job.refs is not None:
        problems = problems + validate_client(client, job.refs)
        # Insights need resolved references (segment, owner): only for a client without errors.
        if job.today is not None and not any(p.severity == "error" for p in problems):
            versions = job.status_history.get(client.id)
            since = status_set_on(versions, client.record.status) if versions else None
            insight = client_insight(client, job.refs.settings, job.today, since)
    result = ClientResult(id=files.id, client=client if job.keep_records else None, insight=insight, problems=problems)
    if insight is not None and job.site is not None and job.staging is not None:
        result = _render_client(job, client, insight, result)
    return result


def _render_client(job: ClientJob, client: Client, insight: ClientInsight, result: ClientResult) -> ClientResult:
    """`result` with the client's pages written into the staging folder, and its fragments."""
    from generator.build.drafts import log_drafts
    from generator.site.client_pages import client_fragments, client_pages

    assert job.site is not None and job.staging is not None
    writer = PageWriter(job.staging, previous=job.previous)
    rendered = client_pages(client, insight, job.site, log_drafts(job.root, client, job.site.today))
    for path, data in rendered.items():
        writer.write(path, data)
    pages = tuple(sorted(writer.written))
    return replace(
        result,
        pages=pages,
        digests=tuple(writer.digests.get(path, "") for path in pages),
        changed=count_pages(writer.changed),
        fragments=client_fragments(insight, job.site),
        search=search_part(rendered) if job.search else None,
    )


def process_one_client(
    root: Path, files: ClientFiles, refs: References, today: dt.date, read: Reader | None = None
) -> ClientResult:
    """Load, check and compute one client in this process, keeping its record and notes (for `serve`,
    `qbr` and `log`); `read` may give some files' text instead of the disk's (what `log` would write)."""
    settings = refs.settings
    job = ClientJob(root=root, limits=settings.limits, refs=refs, keep_records=True, today=today)
    return process_client(job, files) if read is None else _load_client(job, files, read)


def _process_chunk(job: ClientJob, chunk: Sequence[tuple[ClientFiles, Known]]) -> list[ClientResult]:
    results = []
    for files, known in chunk:
        if stopping():  # Ctrl-C: the main process discards the results; end the chunk now
            break
        results.append(process_client(job, files, known))
    return results


def process_clients(
    job: ClientJob,
    folders: Sequence[ClientFiles],
    jobs: int,
    before_fork: Callable[[], None] | None = None,
    known: Mapping[str, Known] | None = None,
) -> Generator[list[ClientResult]]:
    """Results in folder order, a chunk at a time (so a caller can show progress). `before_fork` is
    called before worker processes are forked, if they are (in a build, only when one may render a
    client): it ends the caller's threads' work (a fork must never copy a thread in the middle of
    it), or loads what rendering needs for the workers to share. `known`: what the stamps say of some clients
    (client id -> Known); those that `answered_here` answers never go to a worker, and a pool is made
    only for enough of the others."""
    known = known or {}
    answered = {}
    for files in folders:
        digest = known.get(files.id, NOTHING_KNOWN).files
        hit = None if digest is None else answered_here(job, files, digest)
        if hit is not None:
            answered[files.id] = hit
    # A build's worker uses what is known (its hits link pages); for the others the main process
    # already looked the known digest up, and a worker would only find the same miss again.
    passed_on = known if job.site is not None else {}
    rest = [(files, passed_on.get(files.id, NOTHING_KNOWN)) for files in folders if files.id not in answered]
    with closing(_computed(job, rest, jobs, before_fork)) as computed:
        flat = (result for chunk in computed for result in chunk)
        results: list[ClientResult] = []
        for files in folders:
            result = answered.get(files.id) or next(flat, None)
            if result is None:  # Ctrl-C ended the workers' chunks early
                break
            results.append(result)
            if len(results) == 50:
                yield results
                results = []
        if results:
            yield results


def _may_render(job: ClientJob, work: Sequence[tuple[ClientFiles, Known]]) -> bool:
    """Whether a build's workers may render a client: one whose files are not known unchanged, or whose
    cache entry is missing (a page missing from the previous site can still make one render, in a
    worker that then loads the templates itself)."""
    if job.cache is None:
        return True
    cache = job.cache
    return any(k.files is None or not cache.has(cache.key_of(k.files, _own(job, f))) for f, k in work)


def _computed(
    job: ClientJob, work: Sequence[tuple[ClientFiles, Known]], jobs: int, before_fork: Callable[[], None] | None
) -> Generator[list[ClientResult]]:
    if jobs <= 1 or len(work) < PARALLEL_FROM:
        for chunk in chunks(work, 50):
            yield _process_chunk(job, chunk)
        return
    if before_fork is not None and (job.site is None or _may_render(job, work)):
        before_fork()
    size = max(1, min(50, len(work) // (jobs * 8)))
    with pool(jobs) as workers:
        yield from workers.map(partial(_process_chunk, job), chunks(work, size))
