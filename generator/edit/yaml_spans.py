"""Exact-span edits of YAML text: replace one scalar, or add one key to a mapping, touching no other
character of the file. Hand-written on PyYAML's node positions (`yaml.compose`) because exactness is
the point: a round-trip library (ruamel.yaml) re-emits the whole document, and may re-wrap a long
flow mapping, re-indent a sequence or change a quote elsewhere; here comments, order, quoting and
flow style stay as written, and a Git diff shows only the line that changed (docs/authoring.md)."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from generator.model.sourcemap import KeyPath


class SpanError(ValueError):
    """The text has no place for the edit (not YAML, or the path is not there)."""


def yaml_value(value: object) -> str:
    """`value` as a YAML scalar that reads back as the same value (quoted only where needed)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _root(text: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise SpanError(f"not readable YAML: {exc}") from None
    if node is None:
        raise SpanError("the document is empty")
    return node


def _find(node: yaml.Node, path: KeyPath) -> yaml.Node | None:
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next((value for key, value in node.value if getattr(key, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            return None
        node = found
    return node


def has_key(text: str, path: KeyPath) -> bool:
    return _find(_root(text), path) is not None


def set_scalar(text: str, path: KeyPath, value: str) -> str:
    """`text` with the scalar at `path` written as `value` (YAML text, e.g. from `yaml_value`)."""
    node = _find(_root(text), path)
    if not isinstance(node, yaml.ScalarNode):
        raise SpanError(f"{'.'.join(map(str, path))} is not a single value")
    return text[: node.start_mark.index] + value + text[node.end_mark.index :]


def insert_key(text: str, path: KeyPath, key: str, value: str, after: str | None = None, newline: str = "\n") -> str:
    """`text` with `key: value` added to the mapping at `path`: inside its braces for a flow mapping
    (`{a: 1}` -> `{a: 1, key: value}`), else as a line of its own with the keys' indentation, after
    the line of `after`'s value (default: the mapping's last value)."""
    mapping = _find(_root(text), path)
    if not isinstance(mapping, yaml.MappingNode):
        raise SpanError(f"{'.'.join(map(str, path)) or 'the document'} is not a mapping")
    if any(getattr(k, "value", None) == key for k, _ in mapping.value):
        raise SpanError(f"{key} is already there")
    if mapping.flow_style:
        close = text.rindex("}", mapping.start_mark.index, mapping.end_mark.index)
        before = text[mapping.start_mark.index + 1 : close].rstrip()
        entry = f"{key}: {value}" if not mapping.value else f", {key}: {value}"
        cut = mapping.start_mark.index + 1 + len(before)
        return text[:cut] + entry + text[cut:]
    if not mapping.value:
        raise SpanError("an empty block mapping has no place for a key")
    values: Sequence[tuple[yaml.Node, yaml.Node]] = mapping.value
    anchor = next((v for k, v in values if getattr(k, "value", None) == after), values[-1][1])
    indent = values[0][0].start_mark.column
    end = anchor.end_mark.index
    if end > 0 and text[end - 1] == "\n":
        at = end  # a block value ends at the start of the next line
    else:
        found = text.find("\n", end)
        at = len(text) if found < 0 else found + 1
    line = " " * indent + f"{key}: {value}" + newline
    if at == len(text) and text and not text.endswith("\n"):
        line = newline + line
    return text[:at] + line + text[at:]
