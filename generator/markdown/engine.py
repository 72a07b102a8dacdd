"""One configured Markdown renderer: CommonMark with tables, task lists, heading anchors, footnotes.

Safety: raw HTML is not passed through (it shows as text); `javascript:`, `vbscript:`, `file:` and
`data:` links, and links to root paths (`/etc/...`), are not made into links; images are shown as
links, so a page never loads anything a note names. Links to other Markdown files of the knowledge base point at their
pages (`.md` -> `.html`).

Two engines give the same HTML (docs/performance.md lists the measured differences): markdown-it-py
is the reference, with the rules above as render rules; markdown-it-pyrs (the Rust build of
markdown-it, about 10x faster) is used when installed, its output rewritten by the same rules after
rendering. CLIENTKB_MARKDOWN=markdown-it-py forces the reference.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engines are imported when a page is first rendered, not by `check`
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:|^//", re.IGNORECASE)
_MD_LINK = re.compile(r"^(?P<path>[^?#]*?)\.md(?P<rest>[?#].*)?$")
_TITLE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*#*\s*$")


def slug_words(text: str) -> str:
    """Lowercase ASCII words joined by '-', accents and wide letters folded ('' when none is left)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def slugify(text: str) -> str:
    """Heading anchors and stable ids: never empty."""
    return slug_words(text) or "section"


_ROOT_PATH = re.compile(r"^\s*/(?!/)")


def _validate_link(url: str) -> bool:
    # A root path ("/etc/passwd") points into the reader's own disk when the site is opened from
    # file://, and breaks on a sub-path: links in a note are relative or have a scheme.
    return not _BAD_SCHEME.match(url) and not _ROOT_PATH.match(url)


def _leaves_site(href: str, env: EnvType) -> bool:
    """A relative link that climbs above the site root (into the reader's disk, from file://)."""
    if _HAS_SCHEME.match(href) or href.startswith("#"):
        return False
    path = href.split("#", 1)[0].split("?", 1)[0]
    if ".." not in path:
        return False  # without a ".." segment nothing climbs
    depth = int(env.get("depth", 0))
    return posixpath.normpath(posixpath.join(*(["d"] * depth), path or ".")).startswith("..")


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # Never an <img>: an image from another host would be a request to that host, and one from the
    # disk (../../etc/...) a read of the reader's files when opened from file://. A link instead.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if _leaves_site(src, env):
        return _escape(alt or src)
    rel = ' rel="noopener noreferrer"' if _HAS_SCHEME.match(src) else ""
    return f'<a href="{_escape(src)}"{rel}>{_escape(alt or src)}</a>'


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _leaves_site(href, env):
        del token.attrs["href"]  # an <a> without href is text, not a way out of the site
    elif _HAS_SCHEME.match(href):
        token.attrSet("rel", "noopener noreferrer")
    else:
        match = _MD_LINK.match(href)
        if match and match["path"]:
            token.attrSet("href", f"{match['path']}.html{match['rest'] or ''}")
    return str(self.renderToken(tokens, idx, options, env))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@cache
def markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(tasklists_plugin, enabled=False)
        .use(anchors_plugin, min_level=1, max_level=4, slug_func=slugify)
        .use(footnote_plugin)
    )
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    return md


def render_markdown_reference(text: str, depth: int = 0) -> str:
    """markdown-it-py's HTML for a page `depth` folders below the site root."""
    env: dict[str, Any] = {"depth": depth}
    return _label_task_boxes(str(markdown().render(text, env)))


_OPEN_BOX = '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">'
_DONE_BOX = '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox">'


def _label_task_boxes(rendered: str) -> str:
    """A task's box says what it is to a screen reader (WCAG 4.1.2: a form field has a name); the
    item's text follows it."""
    return rendered.replace(_OPEN_BOX, _OPEN_BOX[:-1] + ' aria-label="open">').replace(
        _DONE_BOX, _DONE_BOX[:-1] + ' aria-label="done">'
    )


# markdown-it's CommonMark rules without raw HTML, plus our extensions (no heading_anchors: its ids and
# link icons are not ours; ids are added below with our slug function).
_FAST_RULES: list[Any] = [  # the package types them as a Literal of its rule names
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "table", "strikethrough", "tasklist", "footnote",
]  # fmt: skip


@cache
def fast_engine() -> Any:
    """The markdown_it_pyrs module, or None when it is not installed or not wanted."""
    if os.environ.get("CLIENTKB_MARKDOWN", "") == "markdown-it-py":
        return None
    try:
        import markdown_it_pyrs  # optional accelerator, imported when first needed
    except ImportError:
        return None
    return markdown_it_pyrs


@cache
def _fast_markdown() -> Any:
    """markdown-it-pyrs configured like `markdown()`, or None when it is not installed or not wanted."""
    engine = fast_engine()
    return None if engine is None else engine.MarkdownIt("zero").enable_many(_FAST_RULES)


def markdown_engine() -> str:
    return "markdown-it-py" if _fast_markdown() is None else "markdown-it-pyrs"


_HEADING = re.compile(r"<h([1-4])>(.*?)</h\1>", re.DOTALL)
_NOT_TITLE = re.compile(r'<sup class="footnote-ref">.*?</sup>|<img [^>]*>|<br />\n?|\n', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LINK_OR_IMAGE = re.compile(
    r'<a href="(?P<href>[^"]*)"(?P<attrs>[^>]*)>|<img src="(?P<src>[^"]*)" alt="(?P<alt>[^"]*)"[^>]*>'
)
_TASK_BOX = '<input class="task-list-item-checkbox" type="checkbox" />'
_TASK_DONE = '<input class="task-list-item-checkbox" type="checkbox" checked="" />'


def _rewrite_fast(rendered: str, depth: int) -> str:
    """Apply the reference engine's render rules to markdown-it-pyrs's HTML.

    Safe to do with regular expressions because the HTML comes from the renderer, not the author:
    raw HTML is off, so every tag is the renderer's own and every attribute value is escaped."""
    env: dict[str, Any] = {"depth": depth}
    slugs: set[str] = set()

    def heading(match: re.Match[str]) -> str:
        # The reference takes a heading's id from its text and inline code only (not image alts,
        # footnote marks or line breaks), made unique within the note.
        title = html.unescape(_TAG.sub("", _NOT_TITLE.sub("", match[2])))
        slug = base = slugify(title)
        suffix = 1
        while slug in slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.add(slug)
        return f'<h{match[1]} id="{slug}">{match[2]}</h{match[1]}>'

    def link_or_image(match: re.Match[str]) -> str:
        if match["src"] is None:
            raw = html.unescape(match["href"])
            if not _validate_link(raw) or _leaves_site(raw, env):
                return f"<a{match['attrs']}>"
            if _HAS_SCHEME.match(raw):
                return f'<a href="{match["href"]}"{match["attrs"]} rel="noopener noreferrer">'
            md_link = _MD_LINK.match(raw)
            if md_link and md_link["path"]:
                href = _escape(f"{md_link['path']}.html{md_link['rest'] or ''}")
                return f'<a href="{href}"{match["attrs"]}>'
            return match[0]
        src, alt = html.unescape(match["src"]), match["alt"]
        if not _validate_link(src) or _leaves_site(src, env):
            return alt or match["src"]
        rel = ' rel="noopener noreferrer"' if _HAS_SCHEME.match(src) else ""
        return f'<a href="{match["src"]}"{rel}>{alt or match["src"]}</a>'

    rewritten = _HEADING.sub(heading, rendered)
    rewritten = _LINK_OR_IMAGE.sub(link_or_image, rewritten)
    return _label_task_boxes(
        rewritten.replace(_TASK_BOX, _OPEN_BOX)
        .replace(_TASK_DONE, _DONE_BOX)
        .replace('class="footnote-item">\n<p>', 'class="footnote-item"><p>')
    )


def render_markdown(text: str, depth: int = 0) -> str:
    """HTML for a page `depth` folders below the site root (links may not climb above it)."""
    fast = _fast_markdown()
    if fast is not None:
        try:
            return _rewrite_fast(str(fast.render(text)), depth)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a Rust panic is a BaseException (pyo3): fall back to the reference
            pass
    return render_markdown_reference(text, depth)


def first_heading(text: str) -> str | None:
    """The text of the first ATX heading outside fenced code, for a page title."""
    fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if not fence:
            match = _TITLE_HEADING.match(line)
            if match:
                return match["title"]
    return None


MAX_NESTING = 18
"""markdown-it stops at 20 levels of block nesting (`maxNesting`) and silently drops what is nested
deeper. A quote is one level, a list item two (the list and the item): clientkb refuses a note that
goes past 18 instead of losing its text (measured: 9 nested lists render, 10 lose the innermost)."""
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|[0-9]{1,9}[.)])(?:[ ]+|$)")


def nesting_depth(line: str) -> int:
    """At most the block nesting a line can reach: quotes count 1, list items 2, and indentation
    counts as lists (over-counting code and continuation lines). Only decides whether a body needs
    parsing for its facts (generator/markdown/facts.py)."""
    expanded = line.expandtabs(4)
    rest = expanded.lstrip(" ")
    depth = (len(expanded) - len(rest)) // 2 * 2
    while True:
        quote = _QUOTE.match(rest)
        item = None if quote else _ITEM.match(rest)
        if not (quote or item):
            return depth
        depth += 1 if quote else 2
        rest = rest[(quote or item).end() :]  # type: ignore[union-attr]
