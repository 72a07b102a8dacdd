"""pydantic's validation errors in the user's terms: each at the line of the value it is about
(through the document's SourceMap), naming the field as written, in plain words with a hint. What
is decided comes from pydantic's error *types* and context, never from its message's wording (which
is only quoted, for the rare error types with no wording of ours)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from typing import Any

from pydantic_core import ErrorDetails

from generator.model.records import ClientRecord, DocumentMeta, NoteMeta, PlaybookMeta
from generator.model.settings import Settings
from generator.model.sourcemap import KeyPath, SourceMap
from generator.source.problems import Problem, error
from generator.source.yamlsource import InvalidScalar


def kind_word(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def _data_path(loc: Sequence[int | str], data: Any) -> tuple[KeyPath, list[int | str]]:
    """Split pydantic's `loc` into the part that exists in the data and the rest (union tags...)."""
    path: list[int | str] = []
    current = data
    for index, part in enumerate(loc):
        in_mapping = isinstance(current, dict) and isinstance(part, str) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if not (in_mapping or in_list):
            return tuple(path), list(loc[index:])
        current = current[part]
        path.append(part)
    return tuple(path), []


def dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _type_at(kind: Any, path: KeyPath) -> Any:
    """The declared type at `path` of record class `kind` (for the list of valid field names)."""
    current = kind
    for part in path:
        current = _unwrap(current, part)
        if current is None:
            return None
    return _unwrap(current, None)


def _unwrap(kind: Any, part: int | str | None) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(kind)[0], part)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(kind) if a is not type(None)]
        return _unwrap(members[0], part) if len(members) == 1 else None
    if part is None:
        return kind
    if isinstance(part, int) and origin in (tuple, list):
        return typing.get_args(kind)[0]
    if isinstance(part, str) and origin is dict:
        return typing.get_args(kind)[1]
    if isinstance(part, str) and is_dataclass(kind):
        return typing.get_type_hints(kind, include_extras=True).get(part)
    return None


def _field_names(kind: Any, path: KeyPath) -> list[str]:
    target = _type_at(kind, path)
    if isinstance(target, type) and is_dataclass(target):
        return [f.name for f in fields(target)]
    return []


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}

_TYPE_MESSAGES: dict[str, str] = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written YYYY-MM-DD, without a time",
    "tuple_type": "a list",
    "list_type": "a list",
    "dataclass_type": "a mapping of fields (key: value lines)",
    "dict_type": "a mapping of keys to values",
}


def problems_of(errors: list[ErrorDetails], kind: type[Any], data: dict[str, Any], source: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    located = [
        (err, *_data_path(err["loc"], data)) for err in errors if not isinstance(err.get("input"), InvalidScalar)
    ]
    # A field that is a value or a record (`nps: 9` or `nps: {score: 9}`): pydantic reports what each
    # branch of the union found wrong, tagged with the branch; only the branch of what was written
    # (a mapping, or not) is the user's, and its tag is not a field.
    records = {path for _, path, rest in located if rest and _is_record_tag(rest[0])}
    for err, path, rest in located:
        if path in records:
            written = _value_at(data, path)
            if rest and _is_record_tag(rest[0]) == isinstance(written, dict):
                inner, rest = _data_path(rest[1:] if _is_record_tag(rest[0]) else [], written)
                path = (*path, *inner)
            else:
                continue
        problems.append(_problem_of(err, kind, path, rest, source))
    return problems


def _is_record_tag(part: int | str) -> bool:
    """pydantic tags a union's record branch with the record's class name (NpsEvent)."""
    return isinstance(part, str) and part[:1].isupper()


def _value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _problem_of(err: ErrorDetails, kind: type[Any], path: KeyPath, rest: list[int | str], source: SourceMap) -> Problem:
    kind_name = err["type"]
    if kind_name == "missing":
        return _missing(path, rest, source)
    if kind_name in ("unexpected_keyword_argument", "extra_forbidden"):
        return _unknown_field(kind, path, rest, source)
    pos = source.position(path)
    value = err.get("input")
    file = source.file
    name = dotted(path)
    if kind_name == "string_type":
        return _not_text(value, path, source)
    if kind_name == "literal_error":
        return _not_a_choice(err, value, path, source)
    if kind_name in _BOUNDS:
        limit = next(iter(err.get("ctx", {}).values()), "?")
        return error(
            file,
            pos.line,
            pos.column,
            "out-of-range",
            f"{name} must be {_BOUNDS[kind_name]} {limit}, not {source.raw.get(path, value)}",
        )
    if kind_name == "too_short":
        if isinstance(value, str):
            return error(
                file, pos.line, pos.column, "empty-value", f"{name!r} is empty", "write a value, or remove the line"
            )
        return error(file, pos.line, pos.column, "empty-value", f"{name!r} needs at least one entry")
    if kind_name == "finite_number":
        return error(file, pos.line, pos.column, "wrong-type", f"{name!r} must be a finite number, not {value!r}")
    if kind_name == "date_value":
        return error(file, pos.line, pos.column, "invalid-date", f"{name!r}: {_lower(err['msg'])}")
    if kind_name in _TYPE_MESSAGES:
        expected_word = _TYPE_MESSAGES[kind_name]
        got = _as_written(value, source.raw.get(path))
        code = "invalid-date" if "date" in kind_name else "wrong-type"
        hint = ""
        if "date" in kind_name and isinstance(value, str):
            hint = "dates are written YYYY-MM-DD, e.g. 2026-11-02"
        return error(file, pos.line, pos.column, code, f"{name!r} must be {expected_word}, got {got}", hint)
    return error(file, pos.line, pos.column, "invalid-value", f"{name}: {_lower(err['msg'])}")


def _missing(path: KeyPath, rest: list[int | str], source: SourceMap) -> Problem:
    name = dotted(path)
    field_name = str(rest[0]) if rest else name
    pos = source.position(path)
    where = f" in {name}" if path else ""
    return error(source.file, pos.line, pos.column, "missing-field", f"{field_name!r} is required{where}")


def _unknown_field(kind: type[Any], path: KeyPath, rest: list[int | str], source: SourceMap) -> Problem:
    key = str(rest[0] if rest else path[-1])
    parent = path if rest else path[:-1]
    pos = source.key_position((*parent, key))
    choices = _field_names(kind, parent)
    owner = dotted(parent) or _describe_root(kind)
    hint = "custom fields are allowed when their name starts with 'x-'"
    if choices:
        hint = f"fields here: {', '.join(choices)}; {hint}"
    return error(
        source.file,
        pos.line,
        pos.column,
        "unknown-field",
        f"{key!r} is not a field of {owner}{did_you_mean(key, choices)}",
        hint,
    )


def _not_text(value: object, path: KeyPath, source: SourceMap) -> Problem:
    name = dotted(path)
    pos = source.position(path)
    file = source.file
    if value is None:
        return error(
            file, pos.line, pos.column, "empty-value", f"{name!r} is empty", "write a value, or remove the line"
        )
    raw = source.raw.get(path, str(value))
    if isinstance(value, dict):
        return error(
            file,
            pos.line,
            pos.column,
            "wrong-type",
            f"{name!r} must be text, but YAML reads a mapping",
            "text containing ': ' must be put in quotes",
        )
    if isinstance(value, list):
        return error(file, pos.line, pos.column, "wrong-type", f"{name!r} must be text, not a list")
    return error(
        file,
        pos.line,
        pos.column,
        "wrong-type",
        f"{name!r} must be text, but YAML reads {raw} as a {kind_word(value)}",
        f'put it in quotes: {path[-1] if path else name}: "{raw}"',
    )


def _not_a_choice(err: ErrorDetails, value: object, path: KeyPath, source: SourceMap) -> Problem:
    expected = err.get("ctx", {}).get("expected", "")
    choices = re.findall(r"'([^']*)'", expected)
    shown = value if not isinstance(value, str) else repr(value)
    suggestion = did_you_mean(value, choices) if isinstance(value, str) else ""
    pos = source.position(path)
    return error(
        source.file,
        pos.line,
        pos.column,
        "invalid-value",
        f"{shown} is not a valid {dotted(path)}{suggestion}",
        f"choose one of: {', '.join(choices)}",
    )


def _describe_root(kind: type[Any]) -> str:
    names = {
        Settings: "kb.yaml",
        ClientRecord: "a client record",
        NoteMeta: "a meeting note",
        PlaybookMeta: "a playbook",
        DocumentMeta: "a document",
    }
    return names.get(kind, kind.__name__)


def _as_written(value: object, raw: str | None) -> str:
    """A value as the user wrote it, and what YAML made of it: `"1000" (text in quotes)`, `lots (text)`."""
    if value is None:
        return "empty"
    if isinstance(value, str):
        if raw is not None:
            return f"{_short(raw)} (text in quotes)"
        return f"{_short(value)} (text)"
    if raw is not None:
        return raw
    return _short(value)


def _short(value: object) -> str:
    if isinstance(value, list | dict):
        return f"a {kind_word(value)}"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]
