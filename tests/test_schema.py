"""The committed JSON Schemas are current, and they agree with the validator on the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import yaml

from generator.model.schema import json_schemas
from tests.conftest import REPO_ROOT, Run


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in json_schemas().items():
        committed = (REPO_ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `clientkb schema`"


def test_schema_command_writes_every_schema(
    tmp_path: Path, make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    run = cli("schema", "--out", str(out), root=make_repo())
    assert run.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(json_schemas())
    for path in out.iterdir():
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def _schema(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(json_schemas()[name]))


def test_demo_records_satisfy_the_schemas() -> None:
    client_schema = _schema("client.schema.json")
    for path in sorted((REPO_ROOT / "clients").glob("*/client.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # JSON Schema sees dates as strings, as an editor's YAML server does.
        errors = list(client_schema.iter_errors(json.loads(json.dumps(data, default=str))))
        assert not errors, (path, errors[0].message)
    kb = yaml.safe_load((REPO_ROOT / "kb.yaml").read_text(encoding="utf-8"))
    assert not list(_schema("kb.schema.json").iter_errors(json.loads(json.dumps(kb, default=str))))
    events = sorted((REPO_ROOT / "clients").glob("*/events/*.yaml"))
    assert len(events) >= 3
    for path in events:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _schema("event.schema.json").is_valid(data), path


def test_the_event_schema_refuses_what_check_refuses() -> None:
    event = _schema("event.schema.json")
    assert event.is_valid({"score": 9, "comment": "Good", "contact": "Ana"})
    assert event.is_valid({"summary": "Outage", "severity": "high", "closed": "2026-11-20"})
    assert not event.is_valid({"score": 11})
    assert not event.is_valid({"summary": "Outage", "severity": "huge"})
    assert not event.is_valid({"scroe": 9})
    assert not event.is_valid({})


def test_schema_rejects_what_the_validator_rejects() -> None:
    client_schema = _schema("client.schema.json")
    base = {"name": "A", "status": "active", "segment": "growth", "owner": "dana", "since": "2026-01-01"}
    assert client_schema.is_valid(base)
    assert client_schema.is_valid({**base, "x-crm": 1})
    assert not client_schema.is_valid({**base, "status": "activ"})
    assert not client_schema.is_valid({**base, "renwal": "2026-01-01"})
    assert not client_schema.is_valid({**base, "communication": {"cadence": "3 months"}})
    assert not client_schema.is_valid({**base, "nps": [{"date": "2026-01-01", "score": 11}]})


def test_demo_yaml_files_carry_the_schema_modeline() -> None:
    files = [
        REPO_ROOT / "kb.yaml",
        *sorted((REPO_ROOT / "clients").glob("*/client.yaml")),
        *sorted((REPO_ROOT / "clients").glob("*/events/*.yaml")),
    ]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), (path, target)


def test_check_jsonschema_accepts_the_demo_with_the_committed_schemas() -> None:
    """What a team's CI or pre-commit hook would run on the repository, with the schemas it ships."""
    for schema, pattern in (("client.schema.json", "*/client.yaml"), ("event.schema.json", "*/events/*.yaml")):
        files = [str(p) for p in sorted((REPO_ROOT / "clients").glob(pattern))]
        run = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--schemafile", str(REPO_ROOT / "schemas" / schema), *files],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr
