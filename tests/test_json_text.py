"""The hand-written indenting JSON encoder writes exactly what `json.dumps(indent=2, ensure_ascii=False)` does."""

from __future__ import annotations

import enum
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.json_text import indented_json


class Level(enum.IntEnum):
    LOW = 1


class Tag(str):
    pass


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.just(Level.LOW),
    st.builds(Tag, st.text(max_size=5)),
)
KEYS = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=3),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_due_list_of_records_is_written_as_json_dumps_writes_it() -> None:
    records = [
        {"kind": "action", "client": "acme", "date": None, "line": 12, "text": 'say "hi"\n\u2028é', "done": False},
        {},
        {"nested": {"list": [1, [], {}, 2.5]}},
    ]
    assert indented_json(records) == json.dumps(records, indent=2, ensure_ascii=False)


RECORDS = st.lists(
    st.dictionaries(st.text(alphabet='{}[],\n "\\:ab\u2028é'), SCALARS, min_size=1, max_size=5), min_size=1, max_size=5
)


@settings(max_examples=300, deadline=None)
@given(RECORDS, st.integers(min_value=0, max_value=2))
def test_lists_of_flat_records_at_any_depth_are_written_as_json_dumps_writes_them(
    records: list[dict[str, Any]], depth: int
) -> None:
    """Records are written in one call of the C encoder and its separators put right afterwards;
    strings made of braces, commas, quotes and line breaks must not be mistaken for separators."""
    value: Any = records
    for _ in range(depth):
        value = {"items": value, "n": 1}
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Opaque:
    def __str__(self) -> str:
        return "opaque\n{value}"


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(SCALARS, st.dates(), st.just(Opaque())),
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=20,
    )
)
def test_values_json_cannot_write_are_given_to_default_as_json_dumps_does(value: Any) -> None:
    """`client_export` writes dates and other values through `default=str`."""
    assert indented_json(value, default=str) == json.dumps(value, indent=2, ensure_ascii=False, default=str)
