"""Safe YAML with positions: plain Python data plus a `SourceMap`, and every fault as a `Problem`.

PyYAML's composer (the C one when libyaml is present) builds the node graph; this module then builds
the values itself so that it can:

* record the line and column of every key and value (pydantic errors are mapped back through them);
* refuse duplicate keys, which PyYAML accepts silently (the last one would win);
* refuse every tag outside the YAML core schema (`!!python/object` and friends);
* bound the expansion of aliases (alias bombs) and the nesting depth (recursion);
* report `2026-02-30`, which PyYAML turns into a bare ValueError with no line, at its line.

Keys are always taken as the text written (`no:` is the key "no", not False).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent, DocumentStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.model.sourcemap import KeyPath, SourceMap
from generator.model.vocabulary import CONTROL_CHARACTERS
from generator.source.problems import Problem, error

try:  # the C loader is several times faster (docs/performance.md); fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 200_000
"""Default values built per document, counting every alias expansion: a 1 MiB file has far fewer."""
MAX_DEPTH = 64
"""Default nesting depth of collections; real records use under 5 levels."""
TOO_DEEP_HINT = "records need only a few levels; check for a recursive alias or runaway brackets"

_CONTROL = re.compile(CONTROL_CHARACTERS)

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")}


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    source: SourceMap
    has_custom_keys: bool = False
    """True when some mapping has an `x-` key (lets validation skip stripping them)."""


class _Abort(Exception):
    """Stops construction of one document; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks to YAML (and so in PyYAML's and libyaml's marks), but not to editors, Git or clientkb."""


def _line_starts(text: str) -> list[int] | None:
    """The offset of each line's first character, when the marks' own line numbers cannot be used
    (the text holds a break that only YAML counts); None when they can."""
    if not any(mark in text for mark in _OTHER_BREAKS):
        return None
    return [0, *(index + 1 for index, char in enumerate(text) if char == "\n")]


def _line_column(mark: yaml.Mark, starts: list[int] | None) -> tuple[int, int]:
    """The 0-based line and column of a mark, counting only '\n' as a line break."""
    if starts is None:
        return mark.line, mark.column
    line = bisect.bisect_right(starts, mark.index) - 1
    return line, mark.index - starts[line]


class _Builder:
    def __init__(
        self, file: str, line_offset: int, max_values: int, max_depth: int, starts: list[int] | None = None
    ) -> None:
        self.file = file
        self.line_offset = line_offset
        self.starts = starts
        self.max_values = max_values
        self.max_depth = max_depth
        self.values: dict[KeyPath, tuple[int, int]] = {}
        self.keys: dict[KeyPath, tuple[int, int]] = {}
        self.raw: dict[KeyPath, str] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.has_custom_keys = False
        self.scalars = yaml.constructor.SafeConstructor()

    def position(self, node: Node) -> tuple[int, int]:
        if self.starts is None:
            mark = node.start_mark
            return (mark.line + 1 + self.line_offset, mark.column + 1)
        line, column = _line_column(node.start_mark, self.starts)
        return (line + 1 + self.line_offset, column + 1)

    def control_characters(self, node: Node, text: str) -> Problem:
        line, column = self.position(node)
        found = ", ".join(sorted({f"U+{ord(char):04X}" for char in _CONTROL.findall(text)}))
        return error(
            self.file,
            line,
            column,
            "control-character",
            f"the text holds control characters ({found}), which no page, export or terminal can show",
            "remove them (in double quotes they are written as escapes such as \\0 or \\x01)",
        )

    def fail(self, node: Node, code: str, message: str, hint: str = "") -> _Abort:
        line, column = self.position(node)
        return _Abort(error(self.file, line, column, code, message, hint))

    def build(self, node: Node, path: KeyPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.max_values:
            raise self.fail(
                node,
                "yaml-too-large",
                f"the document expands to more than {self.max_values:,} values",
                "this is usually an alias bomb (anchors referring to anchors); write the values out",
            )
        if depth > self.max_depth:
            raise self.fail(
                node,
                "yaml-too-deep",
                f"values are nested more than {self.max_depth} levels deep",
                TOO_DEEP_HINT,
            )
        self.values[path] = self.position(node)
        if isinstance(node, ScalarNode):
            return self.build_scalar(node, path)
        if isinstance(node, SequenceNode):
            self.check_tag(node, f"{_TAG}seq")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self.check_tag(node, f"{_TAG}map")
            return self.build_mapping(node, path, depth)
        raise self.fail(node, "yaml-syntax", "unsupported YAML node")  # pragma: no cover

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail(
                node,
                "yaml-tag",
                f"the YAML tag {node.tag!r} is not allowed",
                "clientkb reads plain data only; remove the '!' tag",
            )

    def build_scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.check_tag(node, f"{_TAG}str")
        if tag == f"{_TAG}str":
            if _CONTROL.search(node.value):
                self.problems.append(self.control_characters(node, node.value))
                return InvalidScalar(node.value)
            if node.style in ("'", '"'):  # so that a message can show the value as it was written
                self.raw[path] = f"{node.style}{node.value}{node.style}"
            elif not node.style and _CORE_NOT_TEXT.fullmatch(node.value):  # plain: None, or "" from libyaml
                self.problems.append(self.ambiguous(node, node.value))  # e.g. 1e3, 0o17: text to PyYAML
                return InvalidScalar(node.value)
            return node.value
        self.raw[path] = node.value
        try:
            # Straight to PyYAML's constructor for the tag: construct_object's bookkeeping costs 2x.
            value = self.scalars.yaml_constructors[tag](self.scalars, node)
        except (ValueError, OverflowError) as exc:
            # PyYAML raises a bare ValueError for 2026-02-30: no line, so give it ours.
            line, column = self.position(node)
            what = "date" if tag == f"{_TAG}timestamp" else "value"
            self.problems.append(
                error(
                    self.file,
                    line,
                    column,
                    "invalid-date" if what == "date" else "invalid-value",
                    f"{node.value!r} is not a valid {what} ({exc})",
                    "write dates as YYYY-MM-DD with a day that exists in that month",
                )
            )
            return InvalidScalar(node.value)
        if tag != f"{_TAG}timestamp" and not _same_in_yaml_12(value, node.value):
            self.problems.append(self.ambiguous(node, value))
            return InvalidScalar(node.value)
        return value

    def ambiguous(self, node: ScalarNode, value: object) -> Problem:
        """A plain scalar that YAML 1.1 (PyYAML) and YAML 1.2 (editors, most other tools) read
        differently, or a whole number not written in decimal."""
        line, column = self.position(node)
        other = _yaml_12(node.value)
        if isinstance(value, bool) or isinstance(other, bool):
            hint = "write true or false, or put text in quotes"
        else:
            hint = "write numbers in plain decimal digits (e.g. 90, 1500, 0.5), or put text in quotes"
        if _shown(value) == _shown(other):
            message = f"{node.value} is not written as a plain decimal number (YAML reads it as {_shown(value)})"
        else:
            message = f"YAML tools disagree on {node.value}: some read it as {_shown(value)}, others as {_shown(other)}"
        return error(self.file, line, column, "ambiguous-value", message, hint)

    def build_mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "yaml-key", "a key must be plain text, not a list or mapping")
            if key_node.tag == f"{_TAG}merge":
                raise self.fail(
                    key_node,
                    "yaml-merge",
                    "merge keys ('<<') are not supported",
                    "write the keys out in full so each record reads on its own",
                )
            if key_node.tag not in _SCALAR_TAGS:
                self.check_tag(key_node, f"{_TAG}str")
            key = str(key_node.value)
            if _CONTROL.search(key):
                self.problems.append(self.control_characters(key_node, key))
                continue
            if key.startswith("x-"):
                self.has_custom_keys = True
            key_pos = self.position(key_node)
            if key in result:
                self.problems.append(
                    error(
                        self.file,
                        key_pos[0],
                        key_pos[1],
                        "duplicate-key",
                        f"duplicate key {key!r} (first on line {first_line[key]})",
                        "YAML would silently keep only the last one; remove or merge the two",
                    )
                )
                continue
            first_line[key] = key_pos[0]
            self.keys[(*path, key)] = key_pos
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


_CORE_NULL = re.compile(r"(null|Null|NULL|~|)")
_CORE_BOOL = re.compile(r"(true|True|TRUE|false|False|FALSE)")
_CORE_INT = re.compile(r"[-+]?[0-9]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_CORE_NOT_TEXT = re.compile(
    r"null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
"""Every plain scalar that YAML 1.2's core schema reads as something other than text."""


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    return repr(value)


def _yaml_12(text: str) -> object:
    """A plain scalar as YAML 1.2's core schema reads it (what editors and most other tools do)."""
    if _CORE_NULL.fullmatch(text):
        return None
    if _CORE_BOOL.fullmatch(text):
        return text.lower() == "true"
    if _CORE_INT.fullmatch(text):
        return int(text)
    if text.startswith("0o") and re.fullmatch(r"0o[0-7]+", text):
        return int(text[2:], 8)
    if text.startswith("0x") and re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text[2:], 16)
    if _CORE_FLOAT.fullmatch(text):
        return float(text)
    if re.fullmatch(r"[-+]?\.(inf|Inf|INF)", text):
        return float("-inf") if text.startswith("-") else float("inf")
    if re.fullmatch(r"\.(nan|NaN|NAN)", text):
        return float("nan")
    return text


def _same_in_yaml_12(value: object, text: str) -> bool:
    """Whether YAML 1.1 (PyYAML: `value`) and YAML 1.2 read the plain scalar `text` alike, and, for
    a whole number, whether it is written in decimal (hex, octal, binary, `1_000` and `1:30` are
    read differently by different tools, or differently from what a person means)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return bool(_DECIMAL_INT.fullmatch(text))
    other = _yaml_12(text)
    if isinstance(value, bool) or value is None:
        return other == value and type(other) is type(value)
    if isinstance(value, float):
        return isinstance(other, float) and (other == value or (other != other and value != value))
    return True


@dataclass(frozen=True, slots=True)
class InvalidScalar:
    """Stands in for a scalar that could not be read; its problem has already been reported."""

    text: str


def parse_yaml(
    text: str, file: str, line_offset: int = 0, max_values: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document. Returns None (and problems) when it cannot be read at all.

    `line_offset` is added to every line, for front matter that starts below line 1 of its file.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, file, line_offset, max_depth)]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all known faults
        return None, [error(file, 1 + line_offset, 0, "yaml-syntax", f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [_too_deep(file, 1 + line_offset, 0, "the YAML is nested too deeply to read")]
    finally:
        loader.dispose()
    builder = _Builder(file, line_offset, max_values, max_depth, _line_starts(text))
    if node is None:
        return YamlDocument(None, SourceMap(file)), []
    try:
        data = builder.build(node, (), 0)
    except _Abort as abort:
        return None, [*builder.problems, abort.problem]
    source = SourceMap(file, builder.values, builder.keys, builder.raw)
    return YamlDocument(data, source, builder.has_custom_keys), builder.problems


def _shape_before_error(text: str, max_depth: int) -> tuple[int, int]:
    """How deeply collections were nested (up to `max_depth + 1`), and how many documents had begun,
    before the parse failed.

    The error is classified from the events that came before it, never from the wording of libyaml's
    message: that wording, and whether libyaml itself stops at some nesting depth, change between
    versions. PyYAML's pure-Python parser is used here, on the error path only, because it has no
    depth limit of its own; it stops as soon as the depth is known to be too much."""
    depth = deepest = documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > max_depth:
                    break
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            elif isinstance(event, DocumentStartEvent):
                documents += 1
    except (yaml.YAMLError, RecursionError):
        pass
    return deepest, documents


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str, line_offset: int, max_depth: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    lines = text.split("\n")
    starts = _line_starts(text)
    mark_line, mark_column = _line_column(mark, starts) if mark else (0, -1)
    source_line = lines[mark_line] if mark_line < len(lines) else ""
    line = mark_line + 1 + line_offset
    column = mark_column + 1
    what = exc.problem or str(exc)
    deepest, documents = _shape_before_error(text, max_depth)
    if deepest > max_depth:
        return _too_deep(file, line, column, f"values are nested more than {max_depth} levels deep")
    if documents > 1:
        return error(
            file,
            line,
            column,
            "yaml-documents",
            "the file holds more than one YAML document ('---')",
            "keep one record per file",
        )
    if "\t" in source_line[: mark_column + 1]:
        return error(
            file,
            line,
            column,
            "yaml-tab",
            "a tab character is used where YAML expects spaces",
            "YAML indentation must use spaces, not tabs",
        )
    hint = ""
    marked_lines = [_line_column(m, starts)[0] for m in (exc.context_mark, exc.problem_mark) if m is not None]
    marked = [lines[number] for number in marked_lines if number < len(lines)]
    if any(text_line.count('"') % 2 or text_line.count("'") % 2 for text_line in marked):
        hint = "a quote is probably not closed"
    elif ": " in source_line.partition(": ")[2]:
        hint = "a value containing ': ' must be put in quotes"
    context = f" {exc.context}" if exc.context and exc.context not in what else ""
    return error(file, line, column, "yaml-syntax", f"invalid YAML: {what}{context}".strip(), hint)


def _too_deep(file: str, line: int, column: int, message: str) -> Problem:
    return error(file, line, column, "yaml-too-deep", message, TOO_DEEP_HINT)
