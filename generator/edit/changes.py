"""What each `clientkb log` command writes, as text, before anything is written: a new event file, or
the edited text of an existing file. Pure: the command line checks the result and writes it."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping

from generator.edit.guarded import EditError, ReadFile
from generator.edit.yaml_spans import SpanError, has_key, insert_key, set_scalar, yaml_value
from generator.markdown.engine import slug_words
from generator.model.sourcemap import KeyPath
from generator.source.frontmatter import split_front_matter

SETTABLE = ("status", "owner", "segment", "contract.renewal")
"""The fields `log set` changes."""


def event_file(
    client_id: str, kind: str, date: dt.date, fields: Mapping[str, object], about: str = ""
) -> tuple[str, str]:
    """`clients/<id>/events/<date>-<kind>-<slug>-<random>.yaml` and its text. The random part makes
    two people's events of one kind on one day two files, whatever branch each is on."""
    slug = slug_words(about)[:24].rstrip("-") if about else ""
    suffix = f"{slug}-{secrets.token_hex(2)}" if slug else secrets.token_hex(3)
    rel = f"clients/{client_id}/events/{date}-{kind}-{suffix}.yaml"
    lines = ["# yaml-language-server: $schema=../../../schemas/event.schema.json"]
    lines += [f"{key}: {yaml_value(value)}" for key, value in fields.items() if value is not None]
    return rel, "\n".join(lines) + "\n"


def _in_yaml(read: ReadFile, front_matter: bool, change: Callable[[str], str]) -> str:
    """`change` applied to the file's YAML: the whole file, or a note's front matter."""
    try:
        if not front_matter:
            return change(read.text)
        split = split_front_matter(read.text)
        if split.front_matter is None:
            raise EditError(f"{read.rel} has no front matter")
        start = read.text.index("\n") + 1
        end = start + len(split.front_matter)
        return read.text[:start] + change(split.front_matter) + read.text[end:]
    except SpanError as exc:
        raise EditError(f"{read.rel}: {exc}") from None


def close_escalation(read: ReadFile, path: KeyPath, date: dt.date) -> str:
    """`closed: <date>` added to the escalation at `path` of a record, a note or an event file."""
    return _in_yaml(
        read,
        read.rel.endswith(".md"),
        lambda text: insert_key(text, path, "closed", yaml_value(date), newline=read.newline),
    )


def set_field(read: ReadFile, field: str, value: object, until: dt.date | None = None) -> str:
    """client.yaml with `field` (one of SETTABLE) set to `value`; for `status: former`, `until` set too."""
    parts = field.split(".")
    path: KeyPath = tuple(parts)

    def change(text: str) -> str:
        if has_key(text, path):
            text = set_scalar(text, path, yaml_value(value))
        elif len(path) == 2 and has_key(text, path[:1]):
            text = insert_key(text, path[:1], parts[1], yaml_value(value), newline=read.newline)
        else:
            text = insert_key(
                text, (), parts[0], yaml_value({parts[1]: value} if len(parts) == 2 else value), newline=read.newline
            )
        if until is not None:
            if has_key(text, ("until",)):
                text = set_scalar(text, ("until",), yaml_value(until))
            else:
                text = insert_key(text, (), "until", yaml_value(until), after="since", newline=read.newline)
        return text

    return _in_yaml(read, False, change)
