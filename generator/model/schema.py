"""JSON Schemas of every file kind, from the same pydantic records that validate them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from generator.model.dates import Duration
from generator.model.events import EventRecord
from generator.model.records import ClientRecord, DocumentMeta, NoteMeta, PlaybookMeta, RunMeta
from generator.model.settings import Settings

SCHEMA_FILES: dict[str, tuple[Any, str]] = {
    "kb.schema.json": (Settings, "clientkb settings (kb.yaml)"),
    "client.schema.json": (ClientRecord, "clientkb client record (clients/<id>/client.yaml)"),
    "note.schema.json": (NoteMeta, "clientkb meeting note front matter (clients/<id>/meetings/*.md)"),
    "playbook.schema.json": (PlaybookMeta, "clientkb playbook front matter (playbooks/*.md)"),
    "document.schema.json": (DocumentMeta, "clientkb client document front matter (clients/<id>/*.md)"),
    "run.schema.json": (RunMeta, "clientkb playbook run front matter (clients/<id>/runs/*.md)"),
    "event.schema.json": (EventRecord, "clientkb event (clients/<id>/events/<date>-<kind>-<suffix>.yaml)"),
}


class _SchemaGenerator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # Durations are written "7d" in YAML; pydantic would show the dataclass as an object.
        return super().encode_default(_as_written(dft))


def _as_written(value: Any) -> Any:
    """A default as a YAML file would write it: durations as "7d", records as mappings."""
    if isinstance(value, Duration):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_written(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_as_written(v) for v in value]
    return value


def json_schemas() -> dict[str, str]:
    """File name -> schema text, deterministic so that committed copies can be compared."""
    result: dict[str, str] = {}
    for name, (kind, title) in SCHEMA_FILES.items():
        schema = TypeAdapter(kind).json_schema(mode="validation", schema_generator=_SchemaGenerator)
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
        document["title"] = title
        result[name] = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return result
