"""Checks of one client: its references resolve, and its fields agree with each other."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from generator.model.records import PRIMARY_CONTACT_STATUSES, Client
from generator.model.sourcemap import KeyPath, SourceMap
from generator.model.vocabulary import FLAG_CODES, HANDLE_PATTERN
from generator.parse.errors import did_you_mean
from generator.parse.validate.refs import References, at, unknown_handle
from generator.source.problems import Problem, error, warning

_HANDLE = re.compile(HANDLE_PATTERN)


def client_people_resolve(client: Client, refs: References) -> Iterator[Problem]:
    handles = set(refs.handles)
    if client.record.owner not in handles:
        yield unknown_handle(refs, client.source, ("owner",), client.record.owner, "owner")
    for index, handle in enumerate(client.record.team):
        if handle not in handles:
            yield unknown_handle(refs, client.source, ("team", index), handle, "team member")


def client_segment_resolves(client: Client, refs: References) -> Iterator[Problem]:
    segments = list(refs.settings.segments)
    if client.record.segment not in refs.settings.segments:
        yield at(
            client.source,
            ("segment",),
            "error",
            "unknown-segment",
            f"segment {client.record.segment!r} is not defined in kb.yaml"
            f"{did_you_mean(client.record.segment, segments)}",
            f"segments: {', '.join(segments)}",
        )


def referrals_resolve(client: Client, refs: References) -> Iterator[Problem]:
    ids = sorted(refs.client_ids)
    advocacy = client.record.advocacy
    links: list[tuple[KeyPath, str]] = []
    if advocacy.referred_by is not None:
        links.append((("advocacy", "referred_by"), advocacy.referred_by))
    links.extend((("advocacy", "referrals", i), ref) for i, ref in enumerate(advocacy.referrals))
    for path, ref in links:
        if ref == client.id:
            yield at(client.source, path, "error", "self-reference", "a client cannot refer itself")
        elif ref not in refs.client_ids:
            yield at(
                client.source,
                path,
                "error",
                "unknown-client",
                f"there is no client {ref!r}{did_you_mean(ref, ids)}",
                "refer to a client by its folder name under clients/",
            )


def lifecycle_dates(client: Client, refs: References) -> Iterator[Problem]:
    record = client.record
    if record.status == "former" and record.until is None:
        yield at(
            client.source,
            ("status",),
            "error",
            "missing-until",
            "a former client needs 'until', the date the relationship ended",
            "add e.g. until: 2026-06-30",
        )
    if record.until is not None:
        if record.until < record.since:
            yield at(
                client.source,
                ("until",),
                "error",
                "until-before-since",
                f"until ({record.until}) is before since ({record.since})",
            )
        if record.status != "former":
            yield at(
                client.source,
                ("until",),
                "warning",
                "until-not-former",
                f"'until' is set but the status is {record.status!r}",
                "set status: former, or remove 'until'",
            )


def primary_contacts(client: Client, refs: References) -> Iterator[Problem]:
    primaries = [i for i, c in enumerate(client.record.contacts) if c.primary]
    if len(primaries) > 1:
        yield at(
            client.source,
            ("contacts", primaries[1], "primary"),
            "warning",
            "several-primary-contacts",
            f"{len(primaries)} contacts are marked primary; one is expected",
            "keep primary: true on the person who speaks for the client",
        )
    elif not primaries and client.record.status in PRIMARY_CONTACT_STATUSES:
        path: KeyPath = ("contacts",) if client.record.contacts else ()
        yield at(
            client.source,
            path,
            "warning",
            "no-primary-contact",
            "no contact is marked primary: true",
            "mark the person who speaks for the client",
        )


def escalation_dates(client: Client, refs: References) -> Iterator[Problem]:
    for index, item in enumerate(client.record.escalations):
        if item.closed is not None and item.closed < item.opened:
            yield at(
                client.source,
                ("escalations", index, "closed"),
                "error",
                "closed-before-opened",
                f"the escalation is closed ({item.closed}) before it was opened ({item.opened})",
            )


def note_attendees_and_dates(client: Client, refs: References) -> Iterator[Problem]:
    handles = set(refs.handles)
    for note in client.notes:
        for index, person in enumerate(note.meta.attendees):
            # One lowercase word reads as a handle; people outside the team go by full name.
            if _HANDLE.match(person) and person not in handles:
                yield unknown_handle(refs, note.source, ("attendees", index), person, "attendee")
        for item in note.actions:
            if item.assignee is not None and item.assignee not in handles:
                yield warning(
                    note.file,
                    item.line,
                    0,
                    "unknown-assignee",
                    f"@{item.assignee} is not a team handle{did_you_mean(item.assignee, refs.handles)}; "
                    "the item goes to the client's owner",
                    "use a handle from kb.yaml, or @client for the client's side",
                )
        if note.meta.next is not None and note.meta.next < note.meta.date:
            yield at(
                note.source,
                ("next",),
                "warning",
                "next-before-date",
                f"the next meeting ({note.meta.next}) is before this one ({note.meta.date})",
            )


def runs_resolve(client: Client, refs: References) -> Iterator[Problem]:
    """A run names a playbook that exists, a team member who runs it, and the flag it answers."""
    handles = set(refs.handles)
    for run in client.runs:
        meta = run.meta
        if refs.playbooks is not None and meta.playbook not in refs.playbooks:
            yield at(
                run.source,
                ("playbook",),
                "error",
                "unknown-playbook",
                f"there is no playbook {meta.playbook!r}{did_you_mean(meta.playbook, sorted(refs.playbooks))}",
            )
        if meta.owner not in handles:
            yield unknown_handle(refs, run.source, ("owner",), meta.owner, "owner")
        if meta.because is not None and meta.because not in FLAG_CODES:
            yield at(
                run.source,
                ("because",),
                "error",
                "unknown-flag",
                f"{meta.because!r} is not a flag{did_you_mean(meta.because, FLAG_CODES)}",
            )
        for item in run.actions:
            if item.assignee is not None and item.assignee not in handles:
                yield error(
                    run.file,
                    item.line,
                    0,
                    "unknown-handle",
                    f"@{item.assignee} is not a team handle{did_you_mean(item.assignee, refs.handles)}",
                    "a run's steps name team handles, or @client for the client's side",
                )


def _invisible(text: str) -> list[str]:
    """Control, format (bidi, zero-width) and unassigned characters, as U+XXXX."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cn", "Co")]


def _visible_name(source: SourceMap, path: KeyPath, text: str | None, what: str) -> Iterator[Problem]:
    hidden = _invisible(text or "")
    if hidden:
        yield at(
            source,
            path,
            "warning",
            "invisible-characters",
            f"the {what} holds invisible or direction-changing characters ({', '.join(sorted(set(hidden)))})",
            "they can make two names look alike or reverse text on screen; retype the name",
        )


def names_are_visible(client: Client, refs: References) -> Iterator[Problem]:
    yield from _visible_name(client.source, ("name",), client.record.name, "client's name")
    for index, contact in enumerate(client.record.contacts):
        yield from _visible_name(client.source, ("contacts", index, "name"), contact.name, "contact's name")
    for note in client.notes:
        yield from _visible_name(note.source, ("title",), note.meta.title, "note's title")
