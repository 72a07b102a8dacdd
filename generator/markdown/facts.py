"""Facts about a Markdown body, from the block parse of the engine that renders it: its task-list
items (line, box ticked or not, text) and where quotes and lists nest too deeply to render.

The same engine and block rules as generator/markdown/engine.py, without the inline rules (a fact here is
about blocks: which line is a list item, inside what), so an action item indented under a numbered
list or inside a quote is an action item, and a line in a fenced or indented code block never is.
markdown-it-pyrs gives a tree with byte offsets, markdown-it-py tokens with line maps; both apply
GitHub's task-list rule to a list item's first paragraph (`[ ]`, `[x]` or `[X]`, then a space), and a
test compares the two on every Markdown file of the repository.

A body with no `[ ]`/`[x]` and no line that could nest past the limit is not parsed at all: most of
`check`'s notes then cost nothing here (docs/performance.md gives the cost of the rest).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from generator.markdown.engine import MAX_NESTING, fast_engine, nesting_depth

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_TASK_BOX = re.compile(r"\[[ xX]\](?:[ \t]|$)")
"""GitHub's task-list item: its first paragraph starts with a box, then a space (or nothing)."""
_MAYBE_TASK = re.compile(r"\[[ xX]\]")
_CONTAINERS = frozenset({"blockquote", "bullet_list", "ordered_list", "list_item"})
_BLOCK_RULES: list[Any] = [  # the package types them as a Literal of its rule names
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference", "table",
    "footnote",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class TaskFact:
    line: int
    """0-based line of the body where the item's text starts."""
    checked: bool
    text: str
    """The item's first line after the box, as written (Markdown and all)."""


@dataclass(frozen=True, slots=True)
class BodyFacts:
    tasks: tuple[TaskFact, ...] = ()
    too_deep: int | None = None
    """0-based line of the first quote or list nested past MAX_NESTING, if any."""


NO_FACTS = BodyFacts()


def body_facts(text: str) -> BodyFacts:
    if not _MAYBE_TASK.search(text) and not any(nesting_depth(line) > MAX_NESTING for line in text.split("\n")):
        return NO_FACTS  # nesting_depth over-counts (indentation as lists): nothing can be found here
    fast = _fast_blocks()
    if fast is not None:
        try:
            return _from_tree(fast.tree(text), text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a Rust panic is a BaseException (pyo3): the reference parses instead
            pass
    return _from_tokens(_reference_blocks().parse(text))


def _task(content: str, line: Callable[[], int]) -> TaskFact | None:
    """The task of a list item whose first paragraph is `content`, if it starts with a box; `line` is
    asked only then (in the tree, counting a line scans the text before it)."""
    if not _TASK_BOX.match(content):
        return None
    first = content.split("\n", 1)[0]
    return TaskFact(line(), first[1] != " ", first[4:].strip())


@cache
def _fast_blocks() -> Any:
    engine = fast_engine()
    return None if engine is None else engine.MarkdownIt("zero").enable_many(_BLOCK_RULES)


@cache
def _reference_blocks() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return (
        MarkdownIt("commonmark", {"html": False})
        .enable(["table"])
        .use(footnote_plugin)
        .disable(["inline", "text_join"])
    )


def _from_tree(root: Any, text: str) -> BodyFacts:
    """markdown-it-pyrs's tree: containers nest, offsets are in UTF-8 bytes.

    Each attribute of a node is made anew as a Python object when read: this reads a node's children
    once, and counts a node's line only for the few nodes that are facts (a rich note has 25 list
    items and three tasks)."""
    encoded: bytes | None = None

    def line_of(node: Any) -> int:
        nonlocal encoded
        if encoded is None:
            encoded = text.encode("utf-8")
        return encoded.count(b"\n", 0, node.srcmap[0])  # a few nodes a note: no table of lines

    tasks: list[TaskFact] = []
    too_deep: int | None = None
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.children
        stack.extend((child, depth + 1) for child in children if child.name in _CONTAINERS)
        if depth > MAX_NESTING:
            line = line_of(node)
            too_deep = line if too_deep is None else min(too_deep, line)
        if children and node.name == "list_item":
            first = children[0]
            if first.name == "paragraph":
                inline = first.children
                first = inline[0] if inline else first
            if first.name == "text" and first.srcmap is not None:
                task = _task(str(first.meta.get("content", "")), partial(line_of, first))
                if task is not None:
                    tasks.append(task)
    return BodyFacts(tuple(sorted(tasks, key=lambda t: t.line)), too_deep)


def _from_tokens(tokens: list[Token]) -> BodyFacts:
    """markdown-it-py's tokens: container tokens open and close, maps are 0-based lines."""
    tasks: list[TaskFact] = []
    too_deep: int | None = None
    depth = 0
    for index, token in enumerate(tokens):
        if token.type.endswith("_open") and token.type[:-5] in _CONTAINERS:
            depth += 1
            if depth > MAX_NESTING and too_deep is None and token.map is not None:
                too_deep = token.map[0]
        elif token.type.endswith("_close") and token.type[:-6] in _CONTAINERS:
            depth -= 1
        if token.type == "list_item_open":
            inline = _first_inline(tokens, index)
            if inline is not None and inline.map is not None:
                task = _task(inline.content, partial(int, inline.map[0]))
                if task is not None:
                    tasks.append(task)
    return BodyFacts(tuple(tasks), too_deep)


def _first_inline(tokens: list[Token], item: int) -> Token | None:
    """The inline content of a list item's first paragraph (None when it starts otherwise)."""
    following = tokens[item + 1 : item + 3]
    if len(following) == 2 and following[0].type == "paragraph_open" and following[1].type == "inline":
        return following[1]
    return None
