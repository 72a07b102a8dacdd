"""JSON indented by two spaces, byte for byte what `json.dumps(value, indent=2, ensure_ascii=False)`
writes, in a third of the time for the long lists of small records `--format json` prints.

Hand-written for speed: Python's json module encodes in C only without indentation, and its
indenting encoder in Python makes a generator per container and a call per token (0.35 s of `due`'s
0.4 s output on 1,000 clients). Here a dict whose values are all scalars (the records of those
lists) is written by that module's C encoder in one call, its item separator being the line break
and indentation that its depth needs (the indenting encoder writes a scalar as the C one does);
other strings are escaped by the module's own C function, and whatever is not a plain dict, list,
tuple, string, int, bool or None (subclasses, other keys) is handed to `json.dumps` itself, its
lines indented to their depth (JSON text has no raw newline inside a string, so every newline is a
line break).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import chain
from json.encoder import encode_basestring
from typing import Any

_STEP = "  "
_STRING = frozenset({str})
_DICT = frozenset({dict})
_FLAT = frozenset({str, int, float, bool, type(None)})
"""Value types the C encoder writes as the indenting one does (exact types: a subclass of dict or
list is a container)."""
_flat_encoders: dict[str, Callable[[Any], str]] = {}


def _flat_encoder(inner: str) -> Callable[[Any], str]:
    """The C encoder writing a dict's items one per line, each starting with `inner` (made once per
    depth: `JSONEncoder.encode` would make it again for every dict)."""
    separator = ",\n" + inner
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the same text, slower
        return json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(separator, ": ")).encode
    chunks = make(None, _unreachable, encode_basestring, None, ": ", separator, False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _unreachable(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not a JSON scalar")


def _encoder(inner: str) -> Callable[[Any], str]:
    encode = _flat_encoders.get(inner)
    if encode is None:
        encode = _flat_encoders[inner] = _flat_encoder(inner)
    return encode


def _all_records(values: list[Any] | tuple[Any, ...]) -> bool:
    """Whether every value is a non-empty dict of string keys and `_FLAT` values (the loops in C)."""
    return (
        _DICT.issuperset(map(type, values))
        and all(values)
        and _STRING.issuperset(map(type, chain.from_iterable(values)))
        and _FLAT.issuperset(map(type, chain.from_iterable(map(dict.values, values))))
    )


def _record(value: dict[str, Any], indent: str) -> str:
    inner = indent + _STEP
    return "{\n" + inner + _encoder(inner)(value)[1:-1] + "\n" + indent + "}"


def _records(value: list[Any] | tuple[Any, ...], indent: str) -> str:
    """A non-empty list of records in one call of the C encoder. Its item separator (the line break
    and indentation of a record's items) also comes between the records, and is replaced there: a
    line break is only ever a separator (a JSON string escapes its own), and within a record the next
    item starts with a key's quote, never with a brace."""
    inner, deeper = indent + _STEP, indent + 2 * _STEP
    text = _encoder(deeper)(value)[2:-2]
    between = "\n" + inner + "},\n" + inner + "{\n" + deeper
    return (
        "[\n"
        + inner
        + "{\n"
        + deeper
        + text.replace("},\n" + deeper + "{", between)
        + "\n"
        + inner
        + "}\n"
        + indent
        + "]"
    )


def indented_json(value: Any, indent: str = "", default: Callable[[Any], Any] | None = None) -> str:
    """`value` as `json.dumps(value, indent=2, ensure_ascii=False, default=default)` writes it, its
    lines after the first starting with `indent`."""
    kind = type(value)
    if kind is dict and _STRING.issuperset(map(type, value)):
        if not value:
            return "{}"
        if _FLAT.issuperset(map(type, value.values())):
            return _record(value, indent)
        inner = indent + _STEP
        items = [
            f"{inner}{encode_basestring(k)}: {_scalar(v) or indented_json(v, inner, default)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if _all_records(value):
            return _records(value, indent)
        inner = indent + _STEP
        items = [inner + (_scalar(v) or indented_json(v, inner, default)) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    text = _scalar(value) or json.dumps(value, indent=2, ensure_ascii=False, default=default)
    return text.replace("\n", "\n" + indent)


def _scalar(value: Any) -> str:
    """A string, int, bool or None as JSON; "" for anything else (never the JSON of a value)."""
    kind = type(value)
    if kind is str:
        return str(encode_basestring(value))
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return ""
