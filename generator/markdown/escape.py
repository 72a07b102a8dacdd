"""User text written into Markdown that people or GitHub will render (a pull-request comment, a job
summary): escaped so that it reads as written. The reports (diff, digest) use it."""

from __future__ import annotations

import re

_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-?\[-`{-~])")
"""ASCII punctuation but '@': a backslash before any of it makes it a literal character in CommonMark."""


def literal(text: str) -> str:
    """User text as literal Markdown (a client's name, a reason): no emphasis, link, HTML or table
    cell break. Every ASCII punctuation character is escaped, which also keeps `http://` and `www.`
    from becoming links; GitHub links an email address even when escaped, so its '@' goes in a code
    span (it still reads as an '@'). Line breaks would end a table row: they become spaces."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.splitlines()))
    return escaped.replace("@", "`@`")


def code_span(text: str) -> str:
    """User text as a code span (a revision, a file's location): fenced by more backticks than it holds."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"
