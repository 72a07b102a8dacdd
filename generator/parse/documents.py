"""Parse one file's text into its typed record: YAML -> plain data -> pydantic -> frozen dataclass.

Every pydantic error becomes a `Problem` at the line of the offending value (generator/parse/errors.py).
Nothing here looks at other files: references between records are checked in `validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar, cast

from pydantic import TypeAdapter, ValidationError

from generator.markdown.engine import MAX_NESTING
from generator.markdown.facts import BodyFacts, body_facts
from generator.model.records import (
    ActionItem,
    ClientRecord,
    Document,
    DocumentMeta,
    Note,
    NoteMeta,
    Playbook,
    PlaybookMeta,
    Run,
    RunMeta,
)
from generator.model.settings import Limits, Settings
from generator.model.sourcemap import SourceMap
from generator.model.vocabulary import SLUG_PATTERN
from generator.parse.actions import parse_action_items, parse_playbook_steps
from generator.parse.errors import kind_word, problems_of
from generator.source.frontmatter import split_front_matter
from generator.source.load import SourceText
from generator.source.problems import Problem, error
from generator.source.yamlsource import YamlDocument, parse_yaml

R = TypeVar("R")
T = TypeVar("T")

NOTE_NAME = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(-(?P<slug>[a-z0-9][a-z0-9-]*))?\.md$")
_SLUG = re.compile(SLUG_PATTERN)
RESERVED_NAMES = frozenset({"index", "404", "meetings", "runs", "search", "qbr"})
"""Document and playbook names that would overwrite a generated page or folder."""


@dataclass(frozen=True, slots=True)
class Parsed(Generic[R]):
    value: R | None
    source: SourceMap
    problems: list[Problem]
    custom: dict[str, Any]


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def parse_settings(source: SourceText) -> Parsed[Settings]:
    """kb.yaml, with every problem it has: the checks within kb.yaml run on what was read even when
    a field is invalid (a bad time zone must not hide a duplicate handle)."""
    document, problems = parse_yaml(source.text, source.file)
    parsed = validated(Settings, document, source.file, problems, "kb.yaml")
    if document is not None:
        parsed.problems.extend(_duplicate_handles(document, source.file))
    return parsed


def _duplicate_handles(document: YamlDocument, file: str) -> list[Problem]:
    team = document.data.get("team") if isinstance(document.data, dict) else None
    seen: set[str] = set()
    problems = []
    for index, member in enumerate(team if isinstance(team, list) else []):
        handle = member.get("handle") if isinstance(member, dict) else None
        if not isinstance(handle, str):
            continue
        if handle in seen:
            pos = document.source.position(("team", index, "handle"))
            problems.append(
                error(
                    file,
                    pos.line,
                    pos.column,
                    "duplicate-handle",
                    f"the handle {handle!r} is used twice in team",
                    "each person needs their own handle",
                )
            )
        seen.add(handle)
    return problems


def parse_client(source: SourceText, limits: Limits | None = None) -> Parsed[ClientRecord]:
    limits = limits or Limits()
    document, problems = parse_yaml(source.text, source.file, 0, limits.max_yaml_values, limits.max_yaml_depth)
    return validated(ClientRecord, document, source.file, problems, "client.yaml")


def _action_items(
    client_id: str, file: str, body: str, body_line: int, written: dt.date
) -> tuple[tuple[ActionItem, ...], list[Problem]]:
    """A note's or a run's action items, and the problems of its body (dates, nesting)."""
    facts = body_facts(body)
    actions, problems = parse_action_items(client_id, file, body, body_line, facts, written)
    return actions, problems + _nesting_problems(file, facts, body_line)


def parse_note(client_id: str, source: SourceText, limits: Limits | None = None) -> tuple[Note | None, list[Problem]]:
    name = source.file.rsplit("/", 1)[-1]
    match = NOTE_NAME.match(name)
    if not match:
        return None, [
            error(
                source.file,
                0,
                0,
                "invalid-note-name",
                f"{name!r} is not a meeting note name",
                "name notes YYYY-MM-DD-short-title.md, e.g. 2026-11-02-quarterly-review.md",
            )
        ]
    parsed, body, body_line = _front_matter(NoteMeta, source, True, limits)
    problems = parsed.problems
    meta = parsed.value
    if meta is None:
        return None, problems
    try:
        named_date: dt.date | None = dt.date.fromisoformat(match["date"])
    except ValueError:
        named_date = None
        problems.append(
            error(source.file, 0, 0, "invalid-note-name", f"{match['date']!r} in the file name is not a real date")
        )
    if named_date is not None and meta.date != named_date:
        pos = parsed.source.position(("date",))
        problems.append(
            error(
                source.file,
                pos.line,
                pos.column,
                "date-mismatch",
                f"the note is dated {meta.date} but its file name says {named_date}",
                "make the front matter date and the file name agree (rename the file with `git mv`)",
            )
        )
    actions, found = _action_items(client_id, source.file, body, body_line, meta.date)
    problems.extend(found)
    note = Note(
        client_id=client_id,
        file=source.file,
        slug=name[:-3],
        meta=meta,
        body=body,
        body_line=body_line,
        source=parsed.source,
        actions=actions,
    )
    return note, problems


RUN_NAME = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<playbook>[a-z0-9][a-z0-9-]*)\.md$")


def parse_run(client_id: str, source: SourceText, limits: Limits | None = None) -> tuple[Run | None, list[Problem]]:
    """A run of a playbook: `runs/<started>-<playbook>.md`, its steps action items like a note's."""
    name = source.file.rsplit("/", 1)[-1]
    match = RUN_NAME.match(name)
    if not match:
        return None, [
            error(
                source.file,
                0,
                0,
                "invalid-run-name",
                f"{name!r} is not a run's name",
                "runs are named YYYY-MM-DD-playbook.md; clientkb new run CLIENT PLAYBOOK makes one",
            )
        ]
    parsed, body, body_line = _front_matter(RunMeta, source, True, limits)
    problems = parsed.problems
    meta = parsed.value
    if meta is None:
        return None, problems
    if meta.started.isoformat() != match["date"] or meta.playbook != match["playbook"]:
        pos = parsed.source.position(("started",))
        problems.append(
            error(
                source.file,
                pos.line,
                pos.column,
                "run-name-mismatch",
                f"the run of {meta.playbook!r} started {meta.started} is named {name!r}",
                f"name it {meta.started}-{meta.playbook}.md (rename it with `git mv`)",
            )
        )
    actions, found = _action_items(client_id, source.file, body, body_line, meta.started)
    problems.extend(found)
    run = Run(
        client_id=client_id,
        file=source.file,
        slug=name[:-3],
        meta=meta,
        body=body,
        body_line=body_line,
        source=parsed.source,
        actions=actions,
    )
    return run, problems


def parse_document(
    client_id: str, source: SourceText, limits: Limits | None = None
) -> tuple[Document | None, list[Problem]]:
    name = source.file.rsplit("/", 1)[-1][:-3]
    refused = _check_page_name(source.file, name)
    if refused:
        return None, [refused]
    parsed, body, body_line = _front_matter(DocumentMeta, source, False, limits)
    if parsed.value is None:
        return None, parsed.problems
    document = Document(
        client_id=client_id,
        file=source.file,
        name=name,
        meta=parsed.value,
        body=body,
        body_line=body_line,
        source=parsed.source,
    )
    return document, parsed.problems + _nesting_problems(source.file, body_facts(body), body_line)


def parse_playbook(source: SourceText, limits: Limits | None = None) -> tuple[Playbook | None, list[Problem]]:
    slug = source.file.rsplit("/", 1)[-1][:-3]
    refused = _check_page_name(source.file, slug)
    if refused:
        return None, [refused]
    parsed, body, body_line = _front_matter(PlaybookMeta, source, True, limits)
    if parsed.value is None:
        return None, parsed.problems
    facts = body_facts(body)
    steps = parse_playbook_steps(facts, body_line)
    playbook = Playbook(slug, source.file, parsed.value, body, body_line, parsed.source, steps)
    return playbook, parsed.problems + _nesting_problems(source.file, facts, body_line)


def _nesting_problems(file: str, facts: BodyFacts, body_line: int) -> list[Problem]:
    if facts.too_deep is None:
        return []
    return [
        error(
            file,
            body_line + facts.too_deep,
            1,
            "too-deep",
            f"quotes and lists are nested more than {MAX_NESTING} levels deep here; "
            "Markdown would silently drop the deepest text",
            "flatten the quotes or lists",
        )
    ]


def _check_page_name(file: str, name: str) -> Problem | None:
    if not _SLUG.match(name):
        return error(
            file,
            0,
            0,
            "invalid-file-name",
            f"{name!r} is not a valid page name",
            "use lowercase letters, digits and '-', e.g. scope-of-work.md",
        )
    if name in RESERVED_NAMES:
        return error(
            file,
            0,
            0,
            "reserved-name",
            f"{name!r} is the name of a generated page",
            "rename the file, e.g. to overview.md",
        )
    return None


def _front_matter(
    kind: type[R], source: SourceText, required: bool, limits: Limits | None = None
) -> tuple[Parsed[R], str, int]:
    limits = limits or Limits()
    split = split_front_matter(source.text)
    if not split.closed:
        problem = error(
            source.file,
            1,
            1,
            "front-matter",
            "the front matter opened with '---' on line 1 is never closed",
            "end the front matter with a line holding only '---'",
        )
        return Parsed(None, SourceMap(source.file), [problem], {}), split.body, split.body_line
    if split.front_matter is None:
        if not required:
            return Parsed(kind(), SourceMap(source.file), [], {}), split.body, split.body_line
        example = "---\ndate: 2026-11-02\ntype: check-in\n---" if kind is NoteMeta else "---\ntitle: ...\n---"
        problem = error(
            source.file,
            1,
            1,
            "missing-front-matter",
            "the file has no front matter",
            f"start the file with a YAML block between '---' lines, e.g. {example!r}",
        )
        return Parsed(None, SourceMap(source.file), [problem], {}), split.body, split.body_line
    document, problems = parse_yaml(
        split.front_matter, source.file, split.front_matter_line - 1, limits.max_yaml_values, limits.max_yaml_depth
    )
    parsed = validated(kind, document, source.file, problems, "the front matter")
    return parsed, split.body, split.body_line


def validated(kind: type[R], document: YamlDocument | None, file: str, problems: list[Problem], what: str) -> Parsed[R]:
    if document is None:
        return Parsed(None, SourceMap(file), problems, {})
    data = document.data
    source = document.source
    if data is None:
        data = {}
    if not isinstance(data, dict):
        pos = source.position(())
        problems.append(
            error(
                file,
                pos.line,
                pos.column,
                "not-a-mapping",
                f"{what} must be a mapping of fields (key: value lines), not a {kind_word(data)}",
            )
        )
        return Parsed(None, source, problems, {})
    custom = {k: v for k, v in data.items() if k.startswith("x-")}
    plain = _without_custom(data) if document.has_custom_keys else data
    try:
        value = _adapter(cast(Hashable, kind)).validate_python(plain)
    except ValidationError as exc:
        problems.extend(problems_of(exc.errors(), kind, data, source))
        return Parsed(None, source, problems, custom)
    return Parsed(value, source, problems, custom)


def _without_custom(value: Any) -> Any:
    """Remove `x-` keys at every level: they are free custom fields, not part of the schema."""
    if isinstance(value, dict):
        return {k: _without_custom(v) for k, v in value.items() if not k.startswith("x-")}
    if isinstance(value, list):
        return [_without_custom(v) for v in value]
    return value
