"""Full-text search, indexed by clientkb as it builds the site, into `search/` (searched by site.js).

Pages opt in with `data-search-body` on `<main>`; inside it `data-search-title` marks the title (and
its `data-search-context`, what a result shows beside the title to tell it apart: a note's client
and date), `data-search-filter="name"` a filter value (kind, status, segment, owner, health) and
`data-search-ignore` a block that is not indexed: the page's chrome (last change, edit link,
breadcrumbs, evidence paths) and what other pages hold (tables of them, charts, history).

Why not Pagefind, which clientkb used first: it needs about 165 KB of memory per page while it
indexes, has no incremental mode, took 30 of the 47 seconds of a build of 20,000 notes and cannot
index 200,000 on a 24 GiB machine (docs/performance.md). This index is made from the same rendered
pages, where they are rendered (in the workers, cached with them), and merged in bounded memory.

Files (JSON, byte-stable, written only when their bytes change):

- `search/index.json`: `{"version", "docs", "chunk", "shards": [...], "filters": {name: {value: count}}}`
- `search/filters.json`: `{name: {value: [start, end, start, end, ...]}}`, document number ranges
- `search/docs/<n>.json`: `[[path, title, kind, context], ...]` for documents `n * chunk` to `(n + 1) * chunk - 1`
- `search/terms/<shard>.json`: `{term: [[base, i, weight, i, weight, ...], ...]}`; document = base + i

A term is a run of Unicode letters and digits, lower-cased, with accents removed (NFKD, combining
marks dropped); site.js splits a query the same way. A term's shard is its first three characters
(the whole term when shorter; `_` and the UTF-8 in hex for a name that is not ASCII), so a query
word of three characters or more also finds the words it begins.

A weight is BM25's term-frequency part (k1 = 1.2, b = 0.75) times ten, rounded; length is measured
against a fixed reference (the corpus' average is not known where a page is indexed), and title
words count `TITLE_WEIGHT` times. The browser multiplies by each term's idf, from its document count.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

FOLDER = "search"
FORMAT_VERSION = 2


class Writer(Protocol):
    """Where the index's files go: the build's PageWriter (generator/build/write.py), which the
    site stage does not import."""

    def write(self, path: str, data: bytes) -> None: ...


BUCKETS = 64
"""Spool files the terms are spread over before their shards are made, one bucket at a time."""
SHARD_CHARACTERS = 3
MAX_TERM_BYTES = 60
"""Longer runs (hashes, encoded data) are not words anyone types: they are left out."""
DOCS_PER_CHUNK = 500
K1 = 1.2
B = 0.75
REFERENCE_LENGTH = 400
"""Words in a page of typical length, for BM25's length normalisation."""
TITLE_WEIGHT = 5

_BODY = b"data-search-body"
_IGNORED = re.compile(rb"<(section|div|p|ul|ol|table|span|nav)\b[^>]*\bdata-search-ignore\b[^>]*>.*?</\1>", re.S)
_HIDDEN_FILTER = re.compile(rb"<span hidden data-search-filter=\"[a-z]+\">.*?</span>", re.S)
_TITLE = re.compile(rb"<h1\b([^>]*\bdata-search-title\b[^>]*)>(.*?)</h1>", re.S)
_CONTEXT = re.compile(rb'\bdata-search-context="([^"]*)"')
_FILTER = re.compile(rb'<span\b[^>]*\bdata-search-filter="([a-z]+)"[^>]*>(.*?)</span>', re.S)
_TAG = re.compile(rb"<[^>]*>")
_ENTITY = re.compile(rb"&#?\w+;")
_ESCAPES = (b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&#34;", b"&#39;", b"&#x27;")
"""What Jinja and the Markdown renderers escape (all punctuation, so each is a word break)."""
_SPACE = re.compile(r"\s+")
# ASCII letters lower-cased, digits kept, every other ASCII byte a separator; bytes of UTF-8
# sequences are kept, and the few words holding them are split again by _fold_word.
_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32 for c in range(256)
)
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")


@lru_cache(maxsize=1 << 14)
def _fold_word(raw: bytes) -> tuple[bytes, ...]:
    text = _MARKS.sub("", unicodedata.normalize("NFKD", raw.decode("utf-8", "replace").lower()))
    return tuple(word.encode() for word in _WORD.findall(text))


def _non_ascii_words(folded: bytes) -> list[bytes]:
    """The words of folded text that hold UTF-8 (separators are single spaces there)."""
    words: list[bytes] = []
    end = 0
    for match in _HIGH_BYTES.finditer(folded):
        if match.start() < end:
            continue  # a further run of the same word
        start = folded.rfind(b" ", 0, match.start()) + 1
        end = folded.find(b" ", match.end())
        end = len(folded) if end < 0 else end
        words.append(folded[start:end])
    return words


_SEPARATORS = tuple(
    mark.encode() for mark in "\u00b7\u203a\u2039\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u2610\u2611"
)
"""Punctuation the pages are full of (the templates' separators, typographic quotes and dashes, the
task boxes): word breaks, as in _fold_word, made spaces first so that a page of ASCII words and these
takes no Unicode folding at all."""


def terms(text: bytes) -> Counter[bytes]:
    """How often each term occurs in UTF-8 text (site.js `terms` splits a query the same way)."""
    if not text.isascii():
        for mark in _SEPARATORS:
            if mark in text:
                text = text.replace(mark, b" ")
    folded = text.translate(_FOLD)
    counts = Counter(folded.split())
    if not text.isascii():
        # Only the few words holding UTF-8 go through Unicode folding, one by one.
        for word in _non_ascii_words(folded):
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
            counts.update(_fold_word(word))
    return counts


@lru_cache(maxsize=1 << 14)
def shard_name(term: bytes) -> str:
    key = term[:SHARD_CHARACTERS] if term.isascii() else term.decode()[:SHARD_CHARACTERS].encode()
    return key.decode() if key.isascii() else "_" + key.hex()


@lru_cache(maxsize=1 << 14)
def _bucket(term: bytes) -> int:
    return zlib.crc32(shard_name(term).encode()) % BUCKETS


def _plain(markup: bytes) -> bytes:
    """HTML without its tags and character references (each a space: a word break)."""
    text = _TAG.sub(b" ", markup)
    for escape in _ESCAPES:
        if escape in text:
            text = text.replace(escape, b" ")
    return _ENTITY.sub(b" ", text) if b"&" in text else text


def _text(fragment: bytes) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(b"", fragment).decode("utf-8", "replace"))).strip()


@dataclass(frozen=True, slots=True)
class SearchDoc:
    path: str
    title: str
    filters: tuple[tuple[str, str], ...]
    """(name, value) pairs, sorted."""
    context: str = ""
    """Shown beside the title, to tell results apart (a note's client and date)."""

    @property
    def kind(self) -> str:
        return dict(self.filters).get("kind", "")


@dataclass(frozen=True, slots=True)
class SearchPart:
    """The index of a few pages (one client's, or the playbooks'): merged into the site's index."""

    docs: tuple[SearchDoc, ...]
    buckets: tuple[bytes, ...]
    """Per bucket, lines `term<TAB>i,weight,i,weight...` where i numbers `docs` from 0."""


def index_page(path: str, page: bytes) -> tuple[SearchDoc, Counter[bytes]] | None:
    """A page's document and term counts; None for a page that is not searchable."""
    start = page.find(b"<main")
    if start < 0 or _BODY not in page[start : page.find(b">", start)]:
        return None
    body = page[start : page.rfind(b"</main>")]
    title_match = _TITLE.search(body)
    title = _text(title_match.group(2)) if title_match else path
    context_match = _CONTEXT.search(title_match.group(1)) if title_match else None
    context = html.unescape(context_match.group(1).decode("utf-8", "replace")) if context_match else ""
    filters = tuple(sorted({(name.decode(), _text(value)) for name, value in _FILTER.findall(body)}))
    body = _HIDDEN_FILTER.sub(b" ", body)
    if b"data-search-ignore" in body:
        body = _IGNORED.sub(b" ", body)
    counts = terms(_plain(body))
    if title_match:
        for term, count in terms(_plain(title_match.group(2))).items():
            counts[term] += count * (TITLE_WEIGHT - 1)
    if context:
        counts.update(terms(context.encode()))
    return SearchDoc(path, title, filters, context), counts


def search_part(pages: Mapping[str, bytes]) -> SearchPart:
    """Index the searchable ones of `pages` (path -> bytes), in path order."""
    docs: list[SearchDoc] = []
    postings: dict[bytes, list[bytes]] = {}
    for path in sorted(pages):
        if not path.endswith(".html"):
            continue
        indexed = index_page(path, pages[path])
        if indexed is None:
            continue
        doc, counts = indexed
        number = len(docs)
        docs.append(doc)
        norm = K1 * (1 - B + B * sum(counts.values()) / REFERENCE_LENGTH)
        weights: dict[int, bytes] = {}
        for term, count in counts.items():
            if len(term) > MAX_TERM_BYTES:
                continue
            posting = weights.get(count)
            if posting is None:
                weight = max(1, round(10 * count * (K1 + 1) / (count + norm)))
                posting = weights[count] = b"%d,%d" % (number, weight)
            postings.setdefault(term, []).append(posting)
    lines: list[list[bytes]] = [[] for _ in range(BUCKETS)]
    for term, items in postings.items():
        lines[_bucket(term)].append(term + b"\t" + b",".join(items))
    return SearchPart(tuple(docs), tuple(b"".join(line + b"\n" for line in bucket) for bucket in lines))


def merge_bucket(spooled: bytes) -> dict[str, bytes]:
    """Shard name -> shard file, from a bucket's spooled lines `term<TAB>base,i,weight,...`."""
    groups: dict[bytes, list[bytes]] = {}
    for line in spooled.split(b"\n"):
        if line:
            term, _, group = line.partition(b"\t")
            groups.setdefault(term, []).append(group)
    shards: dict[str, list[bytes]] = {}
    for term in sorted(groups):
        shards.setdefault(shard_name(term), []).append(b'"%s":[[%s]]' % (term, b"],[".join(groups[term])))
    return {name: b"{" + b",".join(entries) + b"}" for name, entries in shards.items()}


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class SearchIndexWriter:
    """Takes parts in document order and writes `search/` through `writer` when finished.

    Postings are spooled to BUCKETS files in `spool` as parts come, so memory holds one bucket at a
    time however large the site; documents are written a chunk at a time.
    """

    def __init__(self, writer: Writer, spool: Path) -> None:
        self.writer = writer
        self.spool = spool
        self.files: list[BinaryIO] = []
        self.docs_spool: BinaryIO
        self.docs = 0
        self.chunk: list[list[str]] = []
        self.ranges: dict[str, dict[str, list[int]]] = {}

    def add(self, part: SearchPart) -> None:
        if not self.files:
            self.spool.mkdir(parents=True, exist_ok=True)
            self.files = [(self.spool / f"{number:02d}").open("wb") for number in range(BUCKETS)]
            self.docs_spool = (self.spool / "docs").open("wb")
        base = b"\t%d," % self.docs
        for spool, lines in zip(self.files, part.buckets, strict=True):
            if lines:
                spool.write(lines.replace(b"\t", base))
        for doc in part.docs:
            self._add_doc(doc)

    def _add_doc(self, doc: SearchDoc) -> None:
        number = self.docs
        self.docs += 1
        for name, value in doc.filters:
            spans = self.ranges.setdefault(name, {}).setdefault(value, [])
            if spans and spans[-1] == number:
                spans[-1] = number + 1
            else:
                spans.extend((number, number + 1))
        self.chunk.append([doc.path, doc.title, doc.kind, doc.context])
        if len(self.chunk) == DOCS_PER_CHUNK:
            self._write_chunk()

    def _write_chunk(self) -> None:
        self.docs_spool.write(_json(self.chunk) + b"\n")
        self.chunk = []

    def close(self) -> None:
        """Close the spool files (`finish` does; a build that takes the previous index does not)."""
        for spool in self.files:
            spool.close()
        if self.files:
            self.docs_spool.close()

    def finish(self) -> int:
        """Write the index; returns how many documents it holds."""
        if self.chunk:
            self._write_chunk()
        self.close()
        if self.files:
            with (self.spool / "docs").open("rb") as chunks:
                for number, chunk in enumerate(chunks):
                    self.writer.write(f"{FOLDER}/docs/{number}.json", chunk.rstrip(b"\n"))
        shards: list[str] = []
        for number in range(BUCKETS if self.files else 0):
            path = self.spool / f"{number:02d}"
            merged = merge_bucket(path.read_bytes())
            path.unlink()
            for name in sorted(merged):
                self.writer.write(f"{FOLDER}/terms/{name}.json", merged[name])
            shards.extend(merged)
        filters = {name: {value: spans for value, spans in values.items()} for name, values in self.ranges.items()}
        counts = {
            name: {value: sum(spans[1::2]) - sum(spans[0::2]) for value, spans in values.items()}
            for name, values in self.ranges.items()
        }
        self.writer.write(f"{FOLDER}/filters.json", _json(filters))
        index = {
            "version": FORMAT_VERSION,
            "docs": self.docs,
            "chunk": DOCS_PER_CHUNK,
            "shards": sorted(shards),
            "filters": counts,
        }
        self.writer.write(f"{FOLDER}/index.json", _json(index))
        return self.docs


def write_search_index(writer: Writer, parts: Iterable[SearchPart], spool: Path) -> int:
    """Index `parts` in order into `writer`'s folder; returns how many documents it holds."""
    index = SearchIndexWriter(writer, spool)
    for part in parts:
        index.add(part)
    return index.finish()
