from __future__ import annotations

import datetime as dt

import pytest

from generator.markdown.facts import body_facts
from generator.model.records import ActionItem
from generator.parse.actions import parse_action_items
from generator.source.problems import Problem


def items_of(body: str, body_line: int) -> tuple[tuple[ActionItem, ...], list[Problem]]:
    return parse_action_items("acme", "n.md", body, body_line, body_facts(body))


def parse(body: str) -> list[tuple[str, bool, str | None, bool, dt.date | None, int]]:
    items, problems = items_of(body, 10)
    assert not problems, problems
    return [(i.text, i.done, i.assignee, i.for_client, i.due, i.line) for i in items]


def test_task_list_items_with_handles_and_dates() -> None:
    body = (
        "## Action items\n"
        "- [ ] Send the revised proposal @dana due:2026-11-10\n"
        "- [x] Share dashboard access @client\n"
        "* [X] Star bullet\n"
        "1. [ ] Numbered, mail ana@example.com first\n"
        "- a plain bullet [ ] is not a task\n"
    )
    assert parse(body) == [
        ("Send the revised proposal", False, "dana", False, dt.date(2026, 11, 10), 11),
        ("Share dashboard access", True, None, True, None, 12),
        ("Star bullet", True, None, False, None, 13),
        ("Numbered, mail ana@example.com first", False, None, False, None, 14),
    ]


def test_fenced_code_is_skipped() -> None:
    body = "```\n- [ ] not a task @dana\n```\n~~~~\n- [ ] nor this\n```\n~~~~\n- [ ] a task\n"
    assert [text for text, *_ in parse(body)] == ["a task"]


@pytest.mark.parametrize("due", ["2026-02-30", "tomorrow", "2026-1-5", "20261105"])
def test_bad_due_date_is_a_problem_with_its_line(due: str) -> None:
    items, problems = items_of(f"text\n- [ ] Do it due:{due}\n", 5)
    assert len(items) == 1 and items[0].due is None
    assert [(p.line, p.column, p.code) for p in problems] == [(6, 13, "invalid-date")]


def test_items_nested_in_lists_and_quotes_are_items() -> None:
    """Drawn as checkboxes, so tracked: under a numbered list (indented four spaces), in a quote."""
    body = (
        "1. First call\n"
        "    - [ ] Send the deck @dana due:2026-12-01\n"
        "2. Second call\n"
        "\n"
        "> - [x] Quoted and done\n"
        ">\n"
        "> 1. [ ] Quoted, numbered\n"
        "\n"
        "    - [ ] indented code, not a list\n"
    )
    assert parse(body) == [
        ("Send the deck", False, "dana", False, dt.date(2026, 12, 1), 11),
        ("Quoted and done", True, None, False, None, 14),
        ("Quoted, numbered", False, None, False, None, 16),
    ]


def test_due_inside_a_word_is_not_a_due_date() -> None:
    assert parse("- [ ] Chase the overdue:2026-01-05 invoice\n") == [
        ("Chase the overdue:2026-01-05 invoice", False, None, False, None, 10)
    ]
