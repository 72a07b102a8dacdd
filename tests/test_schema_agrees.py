"""The JSON Schemas (what an editor and check-jsonschema say) and `check` agree on every field of every
file kind, for the values that trip people up, except where docs/format.md says why they cannot.

The schema side reads the YAML as editors do (YAML 1.2, ruamel.yaml) and validates with jsonschema;
the check side is clientkb's own reading and validation of that one file."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from generator.model.schema import json_schemas
from generator.parse.documents import (
    parse_client,
    parse_document,
    parse_note,
    parse_playbook,
    parse_run,
    parse_settings,
)
from generator.source.load import SourceText
from generator.source.problems import Severity
from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, PLAYBOOK_MD
from tests.test_every_field import _kind, _ref

TRICKY = [
    "NO", "yes", "on", "Off", "1e3", "0o17", "0x10", "040", "1:30", "1_000", ".nan", ".inf", "7.0", "7", "-1",
    "0.5", "true", "~", '""', '"x"', "x", "2024-01-15", '"2024-01-15"', "2026-02-30", "2026-01-15 10:00",
    "[]", "{}", "Mars/Olympus", "ana@example.com", '"javascript:x//@a.example"', "7d", "2 MiB",
]  # fmt: skip
WRITTEN_FORMS = {"NO", "yes", "on", "Off", "1e3", "0o17", "0x10", "040", "1:30", "1_000"}
"""Bare values YAML 1.1 and 1.2 read differently (or numbers not in decimal): check refuses them as
written; the schema sees only the YAML 1.2 value (docs/format.md, "What you wrote")."""

DOCUMENT_MD = "---\ntitle: Scope of work\n---\n# Scope\n"
RUN_MD = (
    "---\nplaybook: onboarding\nstarted: 2026-11-16\nowner: dana\nbecause: nps-detractor\n"
    "title: Welcome\n---\n- [ ] Call\n"
)
KINDS: dict[str, tuple[str, bool, Callable[[SourceText], list[Any]]]] = {
    "kb.schema.json": (KB_YAML, False, lambda s: parse_settings(s).problems),
    "client.schema.json": (CLIENT_YAML, False, lambda s: parse_client(s).problems),
    "note.schema.json": (NOTE_MD, True, lambda s: parse_note("acme", s)[1]),
    "playbook.schema.json": (PLAYBOOK_MD, True, lambda s: parse_playbook(s)[1]),
    "document.schema.json": (DOCUMENT_MD, True, lambda s: parse_document("acme", s)[1]),
    "run.schema.json": (RUN_MD, True, lambda s: parse_run("acme", s)[1]),
}
FILES = {
    "kb.schema.json": "kb.yaml",
    "client.schema.json": "clients/acme/client.yaml",
    "note.schema.json": "clients/acme/meetings/2026-11-02-check-in.md",
    "playbook.schema.json": "playbooks/onboarding.md",
    "document.schema.json": "clients/acme/scope.md",
    "run.schema.json": "clients/acme/runs/2026-11-16-onboarding.md",
}


def fields(schema_name: str) -> list[tuple[str, str | None, str]]:
    """(field, nested field or None, how a nested value is wrapped) for every field and nested field."""
    schema = json.loads(_schemas()[schema_name])
    found: list[tuple[str, str | None, str]] = []
    for field, spec in schema["properties"].items():
        found.append((field, None, "{}"))
        model = _ref(spec)
        if model is None:
            continue
        wrap = "[{{{}}}]" if (_kind(spec) == "array" or "items" in spec) else "{{key: {{{}}}}}"
        if "patternProperties" not in spec and wrap.startswith("{{key"):
            wrap = "{{{}}}"
        definition = schema["$defs"][model]
        # A record that may also be null or a value (a note's `escalation:`, `nps: 9` or `nps: {score:
        # 9}`): its required fields come along, or the union would refuse the mapping for their absence.
        union = "anyOf" in spec
        for sub in definition["properties"]:
            required = [r for r in definition.get("required", []) if r != sub] if union else []
            siblings = "".join(f", {r}: {REQUIRED_SAMPLES[r]}" for r in required)
            found.append((field, sub, wrap.replace("{{{}}}", "{{{}" + siblings + "}}") if siblings else wrap))
    return found


REQUIRED_SAMPLES = {"score": "5", "summary": "Something happened"}
"""Valid values for the required fields of a union's record branch."""


def document(schema_name: str, field: str, sub: str | None, wrap: str, value: str) -> str:
    """The kind's small valid file with `field` (or `field.sub`) set to `value`, on the first line."""
    base, front_matter, _ = KINDS[schema_name]
    written = value if sub is None else wrap.format(f"{sub}: {value}")
    lines = base.split("\n")
    start, end = (1, lines.index("---", 1)) if front_matter else (0, len(lines))
    kept, dropping = [], False
    for line in lines[start:end]:
        if line.startswith(f"{field}:"):
            dropping = True
            continue
        if dropping and line.startswith((" ", "\t")):
            continue
        dropping = False
        kept.append(line)
    head = [f"{field}: {written}", *kept]
    if front_matter:
        return "\n".join(["---", *head, *lines[end:]])
    return "\n".join(head)


def yaml_part(text: str, front_matter: bool) -> str:
    return text.split("---\n")[1] if front_matter else text


def jsonable(value: Any) -> Any:
    """What a YAML 1.2 tool hands to a JSON Schema validator: dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def _schemas() -> dict[str, str]:
    return json_schemas()


@functools.cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads(_schemas()[schema_name]), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_accepts(schema_name: str, text: str, path: tuple[str, ...]) -> bool:
    """Whether the schema accepts the value at `path` (a missing sibling of a nested value is not
    the value's fault: only errors about the value itself count)."""
    _, front_matter, _ = KINDS[schema_name]
    try:
        data = jsonable(YAML(typ="safe", pure=True).load(yaml_part(text, front_matter)))
    except Exception:  # not YAML to an editor either
        return False
    for problem in _validator(schema_name).iter_errors(data):
        where = tuple(str(p) for p in problem.absolute_path if not isinstance(p, int) and p != "key")
        if problem.validator == "required" and where != path:
            continue
        if where[: len(path)] == path:
            return False
        if problem.validator in ("anyOf", "oneOf", "type") and path[: len(where)] == where and where:
            return False  # the value made its parent the wrong shape
    return True


def check_verdict(schema_name: str, text: str, nested: bool) -> tuple[bool, set[str]]:
    """Whether check accepts the value on the file's first field line, and the codes if not (a
    missing sibling of a nested value is not the value's fault)."""
    _, front_matter, parse = KINDS[schema_name]
    line = 2 if front_matter else 1
    errors = [p for p in parse(SourceText(FILES[schema_name], text)) if p.severity is Severity.ERROR]
    # Not about the value: a nested record's missing siblings, the list it is in, the note's file name.
    mine = {
        p.code
        for p in errors
        if p.line == line
        and p.code not in ("missing-field", "date-mismatch", "run-name-mismatch")
        and not (nested and "needs at least one" in p.message)
    }
    return not mine, mine


def allowed_difference(field: str, sub: str | None, value: str, check_codes: set[str]) -> str | None:
    """Why the two may differ here, as docs/format.md says; None when they must agree."""
    name = sub or field
    if (value in WRITTEN_FORMS and "ambiguous-value" in check_codes) or (
        value == "2024-01-15" and "wrong-type" in check_codes  # a bare date in a text field
    ):
        return "written form: YAML 1.1 and 1.2 read it differently; the schema sees the 1.2 value"
    if value == "7.0" and check_codes & {"wrong-type", "invalid-value"}:
        return "7.0: JSON Schema counts it as an integer; check wants a whole number written as one"
    if value == "{}" and name in ("escalation", "nps", "csat", "win"):
        return "an empty record: check reports its missing field (missing-field, not counted above)"
    if value == "[]" and name == "statuses":
        return "a stage with no status: check says it needs at least one, which this test counts as the list's"
    if value == ".nan":
        return "NaN: JSON has no such number, and jsonschema lets Python's through"
    if name == "timezone":
        return "time zones: check knows the tz database, the schema only that it is text"
    if name == "email" and check_codes == {"invalid-value"}:
        return "email: check asks email-validator, which knows more than a pattern (reserved domains)"
    return None


CASES = [
    (schema_name, field, sub, wrap)
    for schema_name in KINDS
    for field, sub, wrap in fields(schema_name)
]  # fmt: skip


@pytest.mark.parametrize(("schema_name", "field", "sub", "wrap"), CASES)
def test_schema_and_check_agree_on_tricky_values(schema_name: str, field: str, sub: str | None, wrap: str) -> None:
    path = (field,) if sub is None else (field, sub)
    disagreements = []
    for value in TRICKY:
        text = document(schema_name, field, sub, wrap, value)
        by_schema = schema_accepts(schema_name, text, path)
        by_check, codes = check_verdict(schema_name, text, sub is not None)
        if by_schema != by_check and allowed_difference(field, sub, value, codes) is None:
            disagreements.append(
                f"{value!r}: schema {'accepts' if by_schema else 'refuses'}, check {codes or 'accepts'}"
            )
    assert not disagreements, "\n".join(disagreements)


def test_every_kind_and_many_fields_are_covered() -> None:
    assert {name for name, *_ in CASES} == set(KINDS)
    assert len(CASES) > 110
