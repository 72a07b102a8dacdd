"""A build in which nothing changed takes the whole-site pages from the previous site.

The whole-site pages (dashboards, digests, lists, owners' pages, calendars, exports, assets) are made
from every client's results and the site context alone. When every client folder was a build cache
hit, those results are the ones a recorded earlier build used if the cache keys are the same: a key
covers the client's files, its Git history and health timeline, and the build fingerprint (kb.yaml,
the playbooks, the set of clients, `today`, clientkb's code and libraries). The only other input is
the site context's Git facts (the history, the timeline, the flags at the digests' period start),
hashed into the record's key too. So an equal key means equal pages: each is hard-linked from the
previous site after checking its digest, as a cached client's pages are, and any page that is
missing or changed there makes the build render them all again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.build.write import PageWriter
from generator.model import pickling
from generator.source.cache import BuildCache, new_digest

if TYPE_CHECKING:
    from generator.site.context import SiteContext
    from generator.site.search import SearchPart

WHOLE_SITE_FILE = "whole-site"
"""The one record kept (the last build's), in the knowledge base's cache folder."""


@dataclass(frozen=True, slots=True)
class WholeSite:
    key: str
    pages: tuple[tuple[str, str], ...]
    """Each whole-site page and file: its path and the digest of its bytes."""
    search: SearchPart
    """The playbooks' and people's pages' share of the search index."""
    names: dict[str, str]
    """Client id -> display name (`SiteContext.names`), so that taking the pages needs no insight."""


def whole_site_key(cache: BuildCache, client_keys: set[str], clients: int, site: SiteContext) -> str | None:
    """The key of the whole-site pages; None unless every one of `clients` folders has a cache key."""
    if len(client_keys) != clients:
        return None
    digest = new_digest()
    digest.update(cache.fingerprint)
    for key in sorted(client_keys):
        digest.update(key.encode())
    digest.update(repr((site.history, site.timeline, site.past)).encode())
    return digest.hexdigest()


def take_whole_site(cache: BuildCache, key: str, writer: PageWriter) -> WholeSite | None:
    """Link the recorded whole-site pages from the previous site into `writer`'s folder; the record
    (their share of the search index, the clients' names), or None (no record for `key`, or a page
    missing or changed: nothing linked)."""
    record = cache.store.read_pickled(WHOLE_SITE_FILE)
    if not isinstance(record, WholeSite) or record.key != key or writer.previous is None:
        return None
    taken = PageWriter(writer.folder, previous=writer.previous)
    for path, digest in record.pages:
        if path in writer.written or not taken.link_previous(path, digest):
            taken.unlink_all()
            return None
    writer.take(taken)
    return record


def keep_whole_site(
    cache: BuildCache, key: str, writer: PageWriter, paths: set[str], search: SearchPart, names: Mapping[str, str]
) -> None:
    """Record the whole-site pages `writer` wrote (`paths`) under `key`, for the next build."""
    pages = tuple(sorted((path, writer.digests[path]) for path in paths))
    record = WholeSite(key, pages, search, dict(names))
    cache.store.write(WHOLE_SITE_FILE, pickling.dumps(record))
