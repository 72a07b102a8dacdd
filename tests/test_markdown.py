"""The Markdown renderer: features on, and nothing a note says can run or reach outside the site.

Every behaviour test runs on both engines (markdown-it-py, the reference, and markdown-it-pyrs, the
accelerator), and the engines are compared on every Markdown file of the demo and the test corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.markdown import engine as markdown_module
from generator.markdown import facts as markdown_facts
from generator.markdown.engine import first_heading, markdown_engine, render_markdown, render_markdown_reference

REPO = Path(__file__).resolve().parent.parent
Renderer = Callable[..., str]
fast_installed = pytest.mark.skipif(
    markdown_module._fast_markdown() is None, reason="markdown-it-pyrs is not installed (Python 3.13+ has no wheel)"
)


@pytest.fixture(params=["markdown-it-py", "markdown-it-pyrs"])
def render(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Renderer]:
    """render_markdown under each engine (the environment variable is how a user forces the reference)."""
    if request.param == "markdown-it-py":
        monkeypatch.setenv("CLIENTKB_MARKDOWN", "markdown-it-py")
    elif markdown_module._fast_markdown() is None:
        pytest.skip("markdown-it-pyrs is not installed")
    markdown_module._fast_markdown.cache_clear()
    markdown_module.fast_engine.cache_clear()
    markdown_facts._fast_blocks.cache_clear()
    assert markdown_engine() == request.param
    yield render_markdown
    monkeypatch.undo()
    markdown_module._fast_markdown.cache_clear()
    markdown_module.fast_engine.cache_clear()
    markdown_facts._fast_blocks.cache_clear()


def test_features(render: Renderer) -> None:
    html = render("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] open\n- [x] done\n\nText[^1]\n\n[^1]: foot\n")
    assert '<h1 id="title">Title</h1>' in html
    assert "<table>" in html
    assert html.count('type="checkbox"') == 2 and 'disabled="disabled"' in html and 'checked="checked"' in html
    assert 'class="footnotes"' in html


@pytest.mark.parametrize(
    ("source", "absent"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ("[x](JaVaScRiPt:alert(1))", "href="),
        ("[x](vbscript:msgbox(1))", "href="),
        ("[x](data:text/html,<script>alert(1)</script>)", "href="),
        ("[x](file:///etc/passwd)", "href="),
        ("[x](/etc/passwd)", "href="),
        ("[x](../../../../etc/passwd)", "href="),
        ("![x](https://evil.example/pixel.png)", "<img"),
        ("![x](../../../../etc/passwd)", 'etc/passwd"'),
        ("{{ 7 * 7 }}", "49"),
    ],
)
def test_hostile_markdown(render: Renderer, source: str, absent: str) -> None:
    html = render(source, depth=3)
    assert absent not in html, html


def test_links_between_notes_and_documents_become_page_links(render: Renderer) -> None:
    html = render("[plan](../account-plan.md#goals) [site](https://example.com)", depth=3)
    assert '<a href="../account-plan.html#goals">plan</a>' in html
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html


def test_first_heading_ignores_code() -> None:
    assert first_heading("```\n# not this\n```\n## Summary\n") == "Summary"
    assert first_heading("no heading") is None


def _markdown_files() -> list[Path]:
    folders = [REPO / "clients", REPO / "playbooks", REPO / "tests" / "corpus", REPO / "docs"]
    return sorted(path for folder in folders for path in folder.rglob("*.md") if path.is_file())


TRICKY = [
    "# H & <i>\n\n## H & <i>\n\n## H & <i>",
    "## `code` *em* [l](x) ![img](y)[^n]\n\n[^n]: f",
    "a\nb\n===",
    "Setext\n---\n\n# x #\n\n## \n\n# Ünïcödé 日本",
    "| a | b |\n|---|:-:|\n| 1 | 2 |",
    '[t](x.md#y "ti") [t](../x.md) [x](a%20b.md?q=1#f) [x](<a b.md>)',
    '![al *t*](http://x.png "T") ![](../../../x.png) ![](http://x.png) ![a "q" <x>](p.png)',
    "[x](../../../etc) [x](//evil.com/x) [x](mailto:a@b.c) [](http://x) <http://a.b> <javascript:alert(1)>",
    '[link](http://a.b/é?x=<y>) [a "b"](u "t \\"q\\"")',
    "* a\n\n  * b\n\n    > c\n\n    ```\n    x\n    ```\n\n1) a\n2) b\n\n    indented <b>\n\na  \nb\\\nc ~~s~~",
    "- [ ] task\n- [x] done\n\nText[^1]\n\n[^1]: foot *x*",
]


@fast_installed
def test_engines_agree_on_every_markdown_file_of_the_repository() -> None:
    """The accelerator is adopted because it gives the reference's HTML; a difference fails here."""
    sources = [path.read_text(encoding="utf-8") for path in _markdown_files()] + TRICKY
    assert len(sources) > 90
    for source in sources:
        facts = markdown_facts._from_tree(markdown_facts._fast_blocks().tree(source), source)
        assert facts == markdown_facts._from_tokens(markdown_facts._reference_blocks().parse(source)), source[:200]
        assert markdown_facts.body_facts(source) == facts, source[:200]  # what it skips has no facts
        if facts.too_deep is not None:
            continue  # refused by check before it is rendered (the engines nest to different depths)
        for depth in (0, 2):
            assert render_markdown(source, depth) == render_markdown_reference(source, depth), source[:200]


@fast_installed
@pytest.mark.parametrize(
    ("source", "reference", "fast"),
    [
        # Accepted differences (docs/performance.md): both are safe, neither makes a link or an image.
        ("[a](/etc/passwd)", "<p>[a](/etc/passwd)</p>\n", "<p><a>a</a></p>\n"),
        ("![d](data:image/png;base64,AA)", "<p>![d](data:image/png;base64,AA)</p>\n", "<p>d</p>\n"),
        # A footnote referred to twice: the reference numbers the second mark "1:1", the accelerator "1".
        ("a[^1] b[^1]\n\n[^1]: x", 'id="fnref1:1">[1:1]</a>', 'id="fnref2">[1]</a>'),
        # A footnote defined twice: the reference keeps the last text, the accelerator the first.
        ("[^x]\n\n[^x]: first\n[^x]: last", "<p>last <a", "<p>first <a"),
    ],
)
def test_documented_differences_between_engines(source: str, reference: str, fast: str) -> None:
    assert reference in render_markdown_reference(source)
    assert fast in render_markdown(source)
