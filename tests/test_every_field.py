"""Every field of every record kind refuses a value of the wrong type, at the line of that value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model.schema import json_schemas
from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, PLAYBOOK_MD, Run

CLIENT = "clients/acme/client.yaml"
NOTE = "clients/acme/meetings/2026-11-02-check-in.md"
PLAYBOOK = "playbooks/onboarding.md"
WRONG = {"string": "true", "integer": '"seven"', "number": "true", "array": "7", "object": "7", "boolean": "maybe"}


def _kind(spec: dict[str, object]) -> str:
    if "$ref" in spec or "properties" in spec:
        return "object"
    for option in spec.get("anyOf", []):  # type: ignore[attr-defined]
        if isinstance(option, dict) and option.get("type") != "null":
            return _kind(option)
    kind = spec.get("type", "string")
    return str(kind[0] if isinstance(kind, list) else kind)


def _ref(spec: dict[str, object]) -> str | None:
    """The model a field holds (directly, in a list, or optional), if any."""
    keyed = list(spec.get("patternProperties", {}).values())  # type: ignore[attr-defined]
    for candidate in (spec, spec.get("items"), *keyed, *spec.get("anyOf", [])):  # type: ignore[misc]
        if isinstance(candidate, dict) and "$ref" in candidate:
            return str(candidate["$ref"]).rsplit("/", 1)[-1]
    return None


def cases() -> list[tuple[str, str, str]]:
    """(file, field, wrong value) for every field, and every field of every nested record."""
    found = []
    for schema_name, file in (("client.schema.json", CLIENT), ("note.schema.json", NOTE),
                              ("playbook.schema.json", PLAYBOOK), ("kb.schema.json", "kb.yaml")):  # fmt: skip
        schema = json.loads(json_schemas()[schema_name])
        for field, spec in schema["properties"].items():
            found.append((file, field, WRONG[_kind(spec)]))
            model = _ref(spec)
            if model is None:
                continue
            listed = _kind(spec) == "array" or "items" in spec
            keyed = "patternProperties" in spec
            for sub, sub_spec in schema["$defs"][model]["properties"].items():
                value = f"{{{sub}: {WRONG[_kind(sub_spec)]}}}"
                found.append((file, field, f"[{value}]" if listed else f"{{key: {value}}}" if keyed else value))
    return found


def _replace_or_add(text: str, field: str, value: str, front_matter: bool) -> tuple[str, int]:
    lines = text.split("\n")
    start = 1 if front_matter else 0
    end = lines.index("---", 1) if front_matter else len(lines)
    kept: list[str] = []
    dropping = False
    for line in lines[start:end]:
        if line.startswith(f"{field}:"):
            dropping = True  # the field and its indented continuation lines go
            continue
        if dropping and line.startswith((" ", "\t")):
            continue
        dropping = False
        kept.append(line)
    body = lines[end:] if front_matter else []
    head = ["---"] if front_matter else []
    new = [*head, f"{field}: {value}", *kept, *body]
    return "\n".join(new), (2 if front_matter else 1)


@pytest.mark.parametrize(("file", "field", "value"), cases())
def test_wrong_type_for_every_field(
    make_repo: Callable[..., Path], cli: Callable[..., Run], file: str, field: str, value: str
) -> None:
    base = {CLIENT: CLIENT_YAML, NOTE: NOTE_MD, PLAYBOOK: PLAYBOOK_MD, "kb.yaml": KB_YAML}[file]
    text, line = _replace_or_add(base, field, value, front_matter=file.endswith(".md"))
    root = make_repo({file: text})
    run = cli("check", "--format", "json", root=root)
    assert run.exit_code == 1, (field, run.stdout)
    problems = run.json()
    assert isinstance(problems, list)
    mine = [p for p in problems if p["file"] == file and p["line"] == line]
    assert mine, (field, value, problems)
    assert all(p["message"] and "Traceback" not in p["message"] for p in problems)
    assert "Traceback" not in run.stderr


def test_every_kind_has_cases() -> None:
    kinds = {file for file, _, _ in cases()}
    assert kinds == {CLIENT, NOTE, PLAYBOOK, "kb.yaml"}
    assert len(cases()) > 100
