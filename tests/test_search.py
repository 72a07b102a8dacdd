"""The search index (generator/site/search.py): terms, pages, parts and the files of `search/`."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build.write import PageWriter
from generator.site import search
from generator.site.search import (
    BUCKETS,
    SearchDoc,
    index_page,
    search_part,
    shard_name,
    terms,
    write_search_index,
)
from tests.conftest import NOTE_MD, Run


def page(body: str, searchable: bool = True) -> bytes:
    attribute = " data-search-body" if searchable else ""
    return (
        f"<!doctype html><html><head><title>x</title></head><body><nav>Menu words</nav>"
        f'<main id="main"{attribute}>{body}</main><footer>Footer words</footer></body></html>'
    ).encode()


def test_terms_are_lower_cased_runs_of_letters_and_digits() -> None:
    assert terms(b"Q3 road-map: ACME's plan_b, v2.1!") == {
        b"q3": 1, b"road": 1, b"map": 1, b"acme": 1, b"s": 1, b"plan": 1, b"b": 1, b"v2": 1, b"1": 1,
    }  # fmt: skip


def test_terms_fold_accents_and_unicode_punctuation() -> None:
    text = "Café CRÈME — the client\u2019s Müller-Straße, naïve façade 東京".encode()
    assert terms(text) == {
        b"cafe": 1, b"creme": 1, b"the": 1, b"client": 1, b"s": 1, b"muller": 1, "straße".encode(): 1,
        b"naive": 1, b"facade": 1, "東京".encode(): 1,
    }  # fmt: skip


def test_terms_count_repeats() -> None:
    assert terms(b"risk Risk RISK budget") == {b"risk": 3, b"budget": 1}


def test_shard_names_are_the_first_three_characters() -> None:
    assert shard_name(b"roadmap") == "roa"
    assert shard_name(b"q3") == "q3"
    assert shard_name("東京".encode()) == "_" + "東京".encode().hex()
    assert shard_name("ßtraße".encode()) == "_" + "ßtr".encode().hex()


def test_a_page_without_the_body_marker_is_not_indexed() -> None:
    assert index_page("index.html", page("<h1>Dashboard</h1>", searchable=False)) is None
    assert index_page("x.html", b"not html at all") is None


def test_index_page_takes_title_filters_and_text_and_leaves_out_what_is_ignored() -> None:
    html = page(
        "<h1 data-search-title>Acme &amp; Co</h1>"
        '<p>Owner <span data-search-filter="owner"><a href="x">Dana Example</a></span></p>'
        '<span hidden data-search-filter="kind">meeting note</span>'
        '<span hidden data-search-filter="status">active</span>'
        "<p>Talked about the roadmap and the roadmap budget.</p>"
        '<section data-search-ignore aria-labelledby="x"><h2>Meetings</h2><p>unrelated zebra</p></section>'
    )
    indexed = index_page("clients/acme/index.html", html)
    assert indexed is not None
    doc, counts = indexed
    assert doc == SearchDoc(
        "clients/acme/index.html",
        "Acme & Co",
        (("kind", "meeting note"), ("owner", "Dana Example"), ("status", "active")),
    )
    assert doc.kind == "meeting note"
    assert counts[b"roadmap"] == 2
    assert counts[b"acme"] == search.TITLE_WEIGHT  # a title word counts more
    assert counts[b"dana"] == 1  # a visible filter is page text too
    for absent in (b"zebra", b"meetings", b"menu", b"footer", b"active", b"note", b"amp"):
        assert absent not in counts, absent


def test_the_chrome_of_a_page_is_not_indexed() -> None:
    """Breadcrumbs, the last change and edit link, and evidence paths are on every page: a search for
    "edit", "changed" or a colleague who commits would otherwise find every page."""
    html = page(
        '<nav class="crumbs" data-search-ignore><a href="x">Clients</a> / Acme</nav>'
        '<h1 data-search-title data-search-context="Acme · 5 Nov 2026">Check-in</h1>'
        "<p>We agreed the pilot.</p>"
        '<p class="meta" data-search-ignore>Last changed on 3 Nov 2026 by Robin Committer. '
        '<a href="e">Edit this file</a></p>'
        '<span class="evidence" data-search-ignore>Evidence: <a href="n">client.yaml, line 12</a></span>'
    )
    indexed = index_page("clients/acme/meetings/n.html", html)
    assert indexed is not None
    doc, counts = indexed
    assert doc.context == "Acme · 5 Nov 2026"
    assert counts[b"pilot"] == 1 and counts[b"acme"] == 1  # the client is found through the context
    for absent in (b"clients", b"changed", b"robin", b"committer", b"edit", b"evidence", b"yaml"):
        assert absent not in counts, absent


def test_search_part_numbers_pages_in_path_order_and_weighs_terms() -> None:
    part = search_part(
        {
            "b.html": page("<h1 data-search-title>Beta</h1><p>roadmap roadmap roadmap</p>"),
            "a.html": page("<h1 data-search-title>Alpha</h1><p>roadmap</p>"),
            "c.html": page("<p>not searchable</p>", searchable=False),
            "data.json": b"{}",
        }
    )
    assert [doc.path for doc in part.docs] == ["a.html", "b.html"]
    assert len(part.buckets) == BUCKETS
    lines = dict(line.split(b"\t") for blob in part.buckets for line in blob.splitlines())
    postings = [int(n) for n in lines[b"roadmap"].split(b",")]
    assert postings[0::2] == [0, 1]
    assert postings[3] > postings[1] > 0  # three times weighs more than once
    assert b"alpha" in lines and b"beta" in lines


def index_files(folder: Path) -> dict[str, object]:
    return {p.relative_to(folder).as_posix(): json.loads(p.read_bytes()) for p in sorted(folder.rglob("*.json"))}


def test_the_index_merges_parts_with_document_numbers_filters_and_shards(tmp_path: Path) -> None:
    first = search_part(
        {
            "clients/a/index.html": page(
                '<h1 data-search-title>Alpha</h1><span hidden data-search-filter="kind">client</span>'
                '<span hidden data-search-filter="status">active</span><p>roadmap review</p>'
            ),
            "clients/a/meetings/n.html": page(
                '<h1 data-search-title data-search-context="Alpha &amp; Co · 5 Nov 2026">Kick-off</h1>'
                '<span hidden data-search-filter="kind">meeting note</span>'
                '<span hidden data-search-filter="status">active</span><p>roadmap</p>'
            ),
        }
    )
    second = search_part(
        {
            "clients/b/index.html": page(
                '<h1 data-search-title>Beta</h1><span hidden data-search-filter="kind">client</span>'
                '<span hidden data-search-filter="status">paused</span><p>road trip</p>'
            )
        }
    )
    writer = PageWriter(tmp_path / "site")
    assert write_search_index(writer, [first, second], tmp_path / "spool") == 3
    files = index_files(tmp_path / "site" / "search")
    assert files["index.json"] == {
        "version": 2,
        "docs": 3,
        "chunk": search.DOCS_PER_CHUNK,
        "shards": sorted({"5", "alp", "bet", "co", "kic", "nov", "off", "rev", "roa", "tri", "202"}),
        "filters": {"kind": {"client": 2, "meeting note": 1}, "status": {"active": 2, "paused": 1}},
    }
    assert files["docs/0.json"] == [
        ["clients/a/index.html", "Alpha", "client", ""],
        ["clients/a/meetings/n.html", "Kick-off", "meeting note", "Alpha & Co · 5 Nov 2026"],
        ["clients/b/index.html", "Beta", "client", ""],
    ]
    assert files["filters.json"] == {
        "kind": {"client": [0, 1, 2, 3], "meeting note": [1, 2]},
        "status": {"active": [0, 2], "paused": [2, 3]},
    }
    shard = files["terms/roa.json"]
    assert isinstance(shard, dict) and sorted(shard) == ["road", "roadmap"]
    assert [group[0] for group in shard["roadmap"]] == [0]  # base 0: the first part's pages 0 and 1
    assert shard["roadmap"][0][1::2] == [0, 1]
    assert shard["road"] == [[2, 0, shard["road"][0][2]]]  # base 2: the second part's page 0
    assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == ["docs"]  # buckets are removed as merged


def test_documents_are_written_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "DOCS_PER_CHUNK", 2)
    pages = {f"p{n}.html": page(f"<h1 data-search-title>Page {n}</h1><p>word</p>") for n in range(5)}
    writer = PageWriter(tmp_path / "site")
    assert write_search_index(writer, [search_part(pages)], tmp_path / "spool") == 5
    files = index_files(tmp_path / "site" / "search")
    assert [len(files[f"docs/{n}.json"]) for n in range(3)] == [2, 2, 1]  # type: ignore[arg-type]
    assert files["docs/2.json"] == [["p4.html", "Page 4", "", ""]]


def test_an_empty_index_is_still_an_index(tmp_path: Path) -> None:
    writer = PageWriter(tmp_path / "site")
    assert write_search_index(writer, [], tmp_path / "spool") == 0
    files = index_files(tmp_path / "site" / "search")
    empty = {"version": search.FORMAT_VERSION, "docs": 0, "chunk": 500, "shards": [], "filters": {}}
    assert files == {"filters.json": {}, "index.json": empty}


def test_the_built_site_indexes_clients_notes_documents_and_playbooks(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo(
        {
            "clients/acme/meetings/2026-11-02-check-in.md": NOTE_MD.replace("All good.", "Discussed telematics."),
            "clients/acme/plan.md": "---\ntitle: Account plan\n---\nGrow the telematics work.\n",
        }
    )
    assert cli("build", root=root).exit_code == 0
    folder = root / "site" / "search"
    meta = json.loads((folder / "index.json").read_bytes())
    docs = json.loads((folder / "docs" / "0.json").read_bytes())
    assert meta["docs"] == len(docs)
    kinds = {kind for _, _, kind, _ in docs}
    assert {"client", "meeting note", "document", "playbook", "person"} <= kinds
    paths = [path for path, _, _, _ in docs]
    contexts = {path: context for path, _, _, context in docs}
    assert contexts["clients/acme/meetings/2026-11-02-check-in.html"] == "Acme Corp · 2 Nov 2026"
    assert contexts["clients/acme/plan.html"] == "Acme Corp"
    assert all((root / "site" / path).is_file() for path in paths)
    assert "index.html" not in paths and "clients/index.html" not in paths  # lists are not documents
    shard = json.loads((folder / "terms" / "tel.json").read_bytes())
    found = sorted(paths[group[0] + i] for group in shard["telematics"] for i in group[1::2])
    assert found == ["clients/acme/meetings/2026-11-02-check-in.html", "clients/acme/plan.html"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "risk",
                    "Plan",
                    "q3",
                    " ",
                    "-",
                    "_",
                    "&amp;",
                    "\u00b7",
                    "\u203a",
                    "\u2019",
                    "\u2013",
                    "\u2611",
                    "\u2026",
                    "é",
                    "Straße",
                ]
            ),
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=5),
        ),
        max_size=30,
    )
)
def test_terms_are_the_words_of_the_whole_text_folded_at_once(pieces: list[str]) -> None:
    """The fast path (ASCII words counted as bytes, separators made spaces, only the other non-ASCII
    words folded one by one) counts what folding the whole text in one pass finds."""
    text = "".join(pieces).encode()
    assert terms(text) == _expected(text)


def _expected(text: bytes) -> Counter[bytes]:
    decoded = text.decode("utf-8", "replace").lower()
    folded = search._MARKS.sub("", unicodedata.normalize("NFKD", decoded))
    return Counter(word.encode() for word in search._WORD.findall(folded))
