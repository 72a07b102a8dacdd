from __future__ import annotations

import datetime as dt
import pickle

import pytest
import yaml

from generator.model.sourcemap import Position
from generator.source import yamlsource
from generator.source.yamlsource import MAX_DEPTH, InvalidScalar, parse_yaml


def test_positions_of_values_and_keys_deep_in_lists() -> None:
    doc, problems = parse_yaml("a: 1\nitems:\n  - {x: 2}\n  - y: 3\n    z: [4, 5]\n", "f.yaml")
    assert not problems and doc is not None
    assert doc.data == {"a": 1, "items": [{"x": 2}, {"y": 3, "z": [4, 5]}]}
    assert doc.source.values[("items", 0, "x")] == Position(3, 9)
    assert doc.source.values[("items", 1, "z", 1)] == Position(5, 12)
    assert doc.source.keys[("items", 1, "z")] == Position(5, 5)
    # An unknown path falls back to its nearest recorded parent.
    assert doc.source.position(("items", 1, "nope")) == Position(4, 5)


def test_line_offset_for_front_matter() -> None:
    doc, _ = parse_yaml("date: 2026-01-01\n", "n.md", line_offset=1)
    assert doc is not None
    assert doc.source.values[("date",)] == Position(2, 7)


def test_keys_are_the_text_written() -> None:
    doc, problems = parse_yaml("no: 1\n1: 2\nnull: 3\n", "f.yaml")
    assert not problems and doc is not None
    assert doc.data == {"no": 1, "1": 2, "null": 3}


def test_values_keep_their_raw_text() -> None:
    doc, problems = parse_yaml('a: 1.10\nb: "1000"\nc: text\n', "f.yaml")
    assert doc is not None and not problems
    assert doc.data == {"a": 1.1, "b": "1000", "c": "text"}
    assert doc.source.raw == {("a",): "1.10", ("b",): '"1000"'}


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1:30", 'some read it as 90, others as the text "1:30"'),  # sexagesimal in YAML 1.1
        ("040", "some read it as 32, others as 40"),  # octal in YAML 1.1
        ("0x10", "not written as a plain decimal number (YAML reads it as 16)"),
        ("0b11", 'some read it as 3, others as the text "0b11"'),
        ("1_000", 'some read it as 1000, others as the text "1_000"'),
        ("00", "not written as a plain decimal number"),
        ("1e3", 'some read it as the text "1e3", others as 1000.0'),  # YAML 1.2 only
        ("0o17", 'some read it as the text "0o17", others as 15'),
        ("1.5e3", 'some read it as the text "1.5e3", others as 1500.0'),
        ("yes", 'some read it as true, others as the text "yes"'),
        ("NO", 'some read it as false, others as the text "NO"'),
        ("on", 'some read it as true, others as the text "on"'),
        ("Off", 'some read it as false, others as the text "Off"'),
    ],
)
def test_values_yaml_tools_read_differently_are_refused(written: str, message: str) -> None:
    doc, problems = parse_yaml(f"n: 1\nvalue: {written}\n", "f.yaml")
    assert doc is not None and isinstance(doc.data["value"], InvalidScalar)
    assert [(p.code, p.line, p.column) for p in problems] == [("ambiguous-value", 2, 8)]
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("written", "value"),
    [("90", 90), ("-3", -3), ("+5", 5), ("0", 0), ("1.5", 1.5), (".5", 0.5), ("1.5e+3", 1500.0), ("true", True),
     ("False", False), ("~", None), ("null", None), ("", None), ('"yes"', "yes"), ("'040'", "040"), ("Acme", "Acme")],
)  # fmt: skip
def test_values_every_yaml_tool_reads_alike_are_kept(written: str, value: object) -> None:
    doc, problems = parse_yaml(f"value: {written}\n", "f.yaml")
    assert doc is not None and not problems
    assert doc.data["value"] == value and type(doc.data["value"]) is type(value)


def test_impossible_date_is_reported_at_its_line() -> None:
    doc, problems = parse_yaml("a: 1\nd: 2026-02-30\n", "f.yaml")
    assert doc is not None
    assert isinstance(doc.data["d"], InvalidScalar)
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 4, "invalid-date")]


def test_leap_day_is_a_date() -> None:
    doc, problems = parse_yaml("d: 2028-02-29\n", "f.yaml")
    assert doc is not None and not problems
    assert doc.data["d"] == dt.date(2028, 2, 29)


def test_duplicate_keys_are_reported_and_the_first_kept() -> None:
    doc, problems = parse_yaml("a: 1\nb: {c: 1, c: 2}\na: 3\n", "f.yaml")
    assert doc is not None
    assert doc.data == {"a": 1, "b": {"c": 1}}
    assert [(p.line, p.code) for p in problems] == [(2, "duplicate-key"), (3, "duplicate-key")]
    assert "first on line 1" in problems[1].message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: !!python/object/apply:os.system ['ls']\n", "yaml-tag"),
        ("a: !!binary aGVsbG8=\n", "yaml-tag"),
        ("a: !!set {x}\n", "yaml-tag"),
        ("a: &x [1]\nb: {<<: *x}\n", "yaml-merge"),
        ("? [a, b]\n: 1\n", "yaml-key"),
        ("a: &a [*a]\n", "yaml-too-deep"),
        ("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "yaml-too-deep"),
        ("a: " + "[" * 20000 + "]" * 20000 + "\n", "yaml-too-deep"),
        ("a: 1\n---\nb: 2\n", "yaml-documents"),
        ("a:\n\tb: 1\n", "yaml-tab"),
    ],
)
def test_refused_documents(text: str, code: str) -> None:
    doc, problems = parse_yaml(text, "f.yaml")
    assert doc is None
    assert [p.code for p in problems] == [code]
    assert problems[0].line >= 1


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
        "a:\n" + "".join("  " * level + "k:\n" for level in range(1, 1200)),
        "a: 1\n---\nb: 2\n",
        "a:\n\tb: 1\n",
        'a: "open\nb: 2\n',
    ],
)
def test_codes_do_not_depend_on_libyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml's messages and its own depth limit change between PyYAML releases (6.0.4 stops at
    1,000 levels with a message of its own): the code must be the same with PyYAML's pure-Python
    parser, which has neither."""
    with_libyaml = parse_yaml(text, "f.yaml")[1]
    monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    pure_python = parse_yaml(text, "f.yaml")[1]
    assert [(p.code, p.hint) for p in with_libyaml] == [(p.code, p.hint) for p in pure_python]
    assert with_libyaml[0].code != "yaml-syntax" or with_libyaml[0].hint


def test_alias_bomb_is_bounded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    doc, problems = parse_yaml("\n".join(lines) + "\n", "f.yaml")
    assert doc is None
    assert [p.code for p in problems] == ["yaml-too-large"]


def test_empty_document_is_none() -> None:
    doc, problems = parse_yaml("# only a comment\n", "f.yaml")
    assert doc is not None and doc.data is None and not problems


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize("other_break", ["\u2028", "\u2029", "\x85"])
def test_lines_count_only_newlines(other_break: str, loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """YAML counts U+2028, U+2029 and U+0085 as line breaks; editors, Git and clientkb do not."""
    if loader == "python":
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    text = f'name: "Acme{other_break}Corp"\nnotes: "a{other_break}b{other_break}c"\nbad: !!set {{x}}\n'
    doc, problems = parse_yaml(text, "f.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml-tag", 3, 6)]
    doc, _ = parse_yaml(text.replace("bad: !!set {x}", "bad: 1"), "f.yaml")
    assert doc is not None and doc.source.values[("bad",)] == Position(3, 6)
    _, problems = parse_yaml(f'a: "x{other_break}y"\nb: [1,\n', "f.yaml", line_offset=1)
    assert problems[0].line >= 3  # the fault is on the file's third line or after, not a later one
    assert problems[0].line <= 4


def test_a_map_that_crossed_processes_reads_the_same_and_stays_packed() -> None:
    """The main process holds every client's map as it came from a worker: reading lines must not
    leave it decoded (eight times the size), and reads of two maps in turn answer each its own."""
    first, _ = parse_yaml("a: 1\nitems:\n  - x: 2\n", "one.yaml")
    second, _ = parse_yaml("\n\nitems:\n  - x: 2\na: 1\n", "two.yaml")
    assert first is not None and second is not None
    one, two = pickle.loads(pickle.dumps(first.source)), pickle.loads(pickle.dumps(second.source))
    for _ in range(2):
        assert (one.line("a"), one.line("items", 0, "x")) == (1, 3)
        assert (two.line("a"), two.line("items", 0, "x")) == (5, 4)
    assert one == first.source and two == second.source
    assert one.file == "one.yaml" and one.raw == {("a",): "1", ("items", 0, "x"): "2"}
    assert all(m._tables is None for m in (one, two))
