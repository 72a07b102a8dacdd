"""Checks that span records: references that must resolve and rules between fields.

Each check is a small function returning problems, listed in a table (Beancount's
`ops/validation.py` is the model). Checks of one client need only that client and the `References`
it may point at, so they run beside the client's loading, in parallel; `KB_VALIDATIONS` are the few
that need the whole knowledge base.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.model.records import PRIMARY_CONTACT_STATUSES, Client, KnowledgeBase
from generator.model.settings import Settings
from generator.model.sourcemap import KeyPath, SourceMap
from generator.model.vocabulary import FLAG_CODES, HANDLE_PATTERN, RESPONDABLE_FLAGS
from generator.parse.actions import RUN_ROLES
from generator.parse.errors import did_you_mean
from generator.source.problems import Problem, error, warning

_HANDLE = re.compile(HANDLE_PATTERN)


@dataclass(frozen=True, slots=True)
class References:
    """What records may refer to: team handles, segments, client ids and playbooks."""

    settings: Settings
    client_ids: frozenset[str]
    playbooks: frozenset[str] | None = None
    """Playbook slugs (None: not checked, as when past revisions are computed for the timeline)."""

    @property
    def handles(self) -> list[str]:
        return [m.handle for m in self.settings.team]


def _at(source: SourceMap, path: KeyPath, severity: str, code: str, message: str, hint: str = "") -> Problem:
    pos = source.position(path)
    make = error if severity == "error" else warning
    return make(source.file, pos.line, pos.column, code, message, hint)


def _unknown_handle(refs: References, source: SourceMap, path: KeyPath, handle: str, what: str) -> Problem:
    return _at(
        source,
        path,
        "error",
        "unknown-handle",
        f"{what} {handle!r} is not a team handle{did_you_mean(handle, refs.handles)}",
        f"team handles are listed in kb.yaml: {', '.join(refs.handles)}",
    )


def client_people_resolve(client: Client, refs: References) -> Iterator[Problem]:
    handles = set(refs.handles)
    if client.record.owner not in handles:
        yield _unknown_handle(refs, client.source, ("owner",), client.record.owner, "owner")
    for index, handle in enumerate(client.record.team):
        if handle not in handles:
            yield _unknown_handle(refs, client.source, ("team", index), handle, "team member")


def client_segment_resolves(client: Client, refs: References) -> Iterator[Problem]:
    segments = list(refs.settings.segments)
    if client.record.segment not in refs.settings.segments:
        yield _at(
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
            yield _at(client.source, path, "error", "self-reference", "a client cannot refer itself")
        elif ref not in refs.client_ids:
            yield _at(
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
        yield _at(
            client.source,
            ("status",),
            "error",
            "missing-until",
            "a former client needs 'until', the date the relationship ended",
            "add e.g. until: 2026-06-30",
        )
    if record.until is not None:
        if record.until < record.since:
            yield _at(
                client.source,
                ("until",),
                "error",
                "until-before-since",
                f"until ({record.until}) is before since ({record.since})",
            )
        if record.status != "former":
            yield _at(
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
        yield _at(
            client.source,
            ("contacts", primaries[1], "primary"),
            "warning",
            "several-primary-contacts",
            f"{len(primaries)} contacts are marked primary; one is expected",
            "keep primary: true on the person who speaks for the client",
        )
    elif not primaries and client.record.status in PRIMARY_CONTACT_STATUSES:
        path: KeyPath = ("contacts",) if client.record.contacts else ()
        yield _at(
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
            yield _at(
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
                yield _unknown_handle(refs, note.source, ("attendees", index), person, "attendee")
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
            yield _at(
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
            yield _at(
                run.source,
                ("playbook",),
                "error",
                "unknown-playbook",
                f"there is no playbook {meta.playbook!r}{did_you_mean(meta.playbook, sorted(refs.playbooks))}",
            )
        if meta.owner not in handles:
            yield _unknown_handle(refs, run.source, ("owner",), meta.owner, "owner")
        if meta.because is not None and meta.because not in FLAG_CODES:
            yield _at(
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
        yield _at(
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


def playbook_references(kb: KnowledgeBase) -> Iterator[Problem]:
    refs = References(kb.settings, kb.client_ids)
    segments = list(kb.settings.segments)
    for playbook in kb.playbooks:
        meta = playbook.meta
        if meta.owner is not None and meta.owner not in refs.handles:
            yield _unknown_handle(refs, playbook.source, ("owner",), meta.owner, "owner")
        for index, segment in enumerate(meta.applies_to.segments):
            if segment not in kb.settings.segments:
                yield _at(
                    playbook.source,
                    ("applies_to", "segments", index),
                    "error",
                    "unknown-segment",
                    f"segment {segment!r} is not defined in kb.yaml{did_you_mean(segment, segments)}",
                )
        if meta.review_every is not None and meta.last_reviewed is None:
            yield _at(
                playbook.source,
                ("review_every",),
                "warning",
                "never-reviewed",
                "review_every is set but last_reviewed is not",
                "add last_reviewed: YYYY-MM-DD",
            )


def playbook_steps_resolve(kb: KnowledgeBase) -> Iterator[Problem]:
    """A step's `@who` is `@owner`, `@client` or a team handle: a run gives it to a real person."""
    handles = [m.handle for m in kb.settings.team]
    for playbook in kb.playbooks:
        for step in playbook.steps:
            if step.who is not None and step.who not in RUN_ROLES and step.who not in handles:
                yield error(
                    playbook.file,
                    step.line,
                    0,
                    "unknown-handle",
                    f"the step's @{step.who} is not a team handle{did_you_mean(step.who, [*handles, *RUN_ROLES])}",
                    "write @owner (the client's owner), @client (the client's side) or a handle from kb.yaml",
                )


def responses_resolve(kb: KnowledgeBase) -> Iterator[Problem]:
    """kb.yaml's `responses:` name flags that exist and playbooks that have a checklist to run."""
    source = kb.settings_source
    playbooks = {p.slug: p for p in kb.playbooks}
    for code, response in kb.settings.responses.items():
        if code not in RESPONDABLE_FLAGS:
            pos = source.key_position(("responses", code))
            yield error(
                source.file,
                pos.line,
                pos.column,
                "unknown-flag",
                f"{code!r} is not a flag{did_you_mean(code, RESPONDABLE_FLAGS)}",
                f"flags: {', '.join(RESPONDABLE_FLAGS)}",
            )
        playbook = playbooks.get(response.playbook)
        if playbook is None:
            yield _at(
                source,
                ("responses", code, "playbook"),
                "error",
                "unknown-playbook",
                f"there is no playbook {response.playbook!r}{did_you_mean(response.playbook, list(playbooks))}",
                "a playbook is named by its file name in playbooks/, without .md",
            )
        elif not playbook.steps:
            yield _at(
                source,
                ("responses", code, "playbook"),
                "error",
                "playbook-without-checklist",
                f"the playbook {response.playbook!r} has no checklist to run",
                "add steps to it as task-list items, e.g. '- [ ] Call the sponsor @owner +2d'",
            )


ClientValidation = Callable[[Client, References], Iterator[Problem]]
KbValidation = Callable[[KnowledgeBase], Iterator[Problem]]

CLIENT_VALIDATIONS: tuple[ClientValidation, ...] = (
    client_people_resolve,
    client_segment_resolves,
    referrals_resolve,
    lifecycle_dates,
    primary_contacts,
    escalation_dates,
    note_attendees_and_dates,
    names_are_visible,
    runs_resolve,
)
KB_VALIDATIONS: tuple[KbValidation, ...] = (playbook_references, playbook_steps_resolve, responses_resolve)


def validate_client(client: Client, refs: References) -> list[Problem]:
    return [problem for check in CLIENT_VALIDATIONS for problem in check(client, refs)]


def validate_knowledge_base(kb: KnowledgeBase) -> list[Problem]:
    """The checks that need the whole knowledge base (client checks run in `validate_client`)."""
    return [problem for check in KB_VALIDATIONS for problem in check(kb)]
