"""The one Markdown renderer: features on, and nothing a note says can run or reach outside the site."""

from __future__ import annotations

import pytest

from generator.markdown import first_heading, render_markdown


def test_features() -> None:
    html = render_markdown(
        "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] open\n- [x] done\n\nText[^1]\n\n[^1]: foot\n"
    )
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
def test_hostile_markdown(source: str, absent: str) -> None:
    html = render_markdown(source, depth=3)
    assert absent not in html, html


def test_links_between_notes_and_documents_become_page_links() -> None:
    html = render_markdown("[plan](../account-plan.md#goals) [site](https://example.com)", depth=3)
    assert '<a href="../account-plan.html#goals">plan</a>' in html
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html


def test_first_heading_ignores_code() -> None:
    assert first_heading("```\n# not this\n```\n## Summary\n") == "Summary"
    assert first_heading("no heading") is None
