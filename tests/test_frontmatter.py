from __future__ import annotations

from generator.source.frontmatter import split_front_matter


def test_body_keeps_its_line_numbers() -> None:
    split = split_front_matter("---\ndate: 2026-01-01\ntype: qbr\n---\n## Summary\ntext\n")
    assert split.front_matter == "date: 2026-01-01\ntype: qbr\n"
    assert split.front_matter_line == 2
    assert split.body_line == 5
    assert split.body.splitlines()[0] == "## Summary"


def test_dots_close_front_matter() -> None:
    split = split_front_matter("---\na: 1\n...\nbody")
    assert split.front_matter == "a: 1\n" and split.body == "body" and split.body_line == 4


def test_no_front_matter() -> None:
    split = split_front_matter("# Title\n---\n")
    assert split.front_matter is None and split.closed and split.body_line == 1


def test_unclosed_front_matter() -> None:
    split = split_front_matter("---\na: 1\n")
    assert split.front_matter is None and not split.closed


def test_empty_front_matter() -> None:
    split = split_front_matter("---\n---\nbody\n")
    assert split.front_matter == "" and split.body_line == 3
