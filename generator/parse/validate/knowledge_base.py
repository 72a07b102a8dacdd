"""Checks that need the whole knowledge base: playbooks' references and kb.yaml's responses."""

from __future__ import annotations

from collections.abc import Iterator

from generator.model.records import KnowledgeBase
from generator.model.vocabulary import RESPONDABLE_FLAGS
from generator.parse.actions import RUN_ROLES
from generator.parse.errors import did_you_mean
from generator.parse.validate.refs import References, at, unknown_handle
from generator.source.problems import Problem, error


def playbook_references(kb: KnowledgeBase) -> Iterator[Problem]:
    refs = References(kb.settings, kb.client_ids)
    segments = list(kb.settings.segments)
    for playbook in kb.playbooks:
        meta = playbook.meta
        if meta.owner is not None and meta.owner not in refs.handles:
            yield unknown_handle(refs, playbook.source, ("owner",), meta.owner, "owner")
        for index, segment in enumerate(meta.applies_to.segments):
            if segment not in kb.settings.segments:
                yield at(
                    playbook.source,
                    ("applies_to", "segments", index),
                    "error",
                    "unknown-segment",
                    f"segment {segment!r} is not defined in kb.yaml{did_you_mean(segment, segments)}",
                )
        if meta.review_every is not None and meta.last_reviewed is None:
            yield at(
                playbook.source,
                ("review_every",),
                "warning",
                "never-reviewed",
                "review_every is set but last_reviewed is not",
                "add last_reviewed: YYYY-MM-DD",
            )


def playbook_stages_resolve(kb: KnowledgeBase) -> Iterator[Problem]:
    """A playbook's `stage:` is a stage of kb.yaml's journey (or `any`)."""
    stages = [s.id for s in kb.settings.journey]
    for playbook in kb.playbooks:
        stage = playbook.meta.stage
        if stage != "any" and stage not in stages:
            yield at(
                playbook.source,
                ("stage",),
                "error",
                "unknown-stage",
                f"{stage!r} is not a stage of the journey{did_you_mean(stage, stages)}",
                f"stages (kb.yaml journey): {', '.join(stages)}, or any",
            )


def journey_stages_unique(kb: KnowledgeBase) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, stage in enumerate(kb.settings.journey):
        if stage.id in seen:
            yield at(
                kb.settings_source,
                ("journey", index, "key"),
                "error",
                "duplicate-stage",
                f"the stage {stage.id!r} is listed twice",
            )
        seen.add(stage.id)


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
            yield at(
                source,
                ("responses", code, "playbook"),
                "error",
                "unknown-playbook",
                f"there is no playbook {response.playbook!r}{did_you_mean(response.playbook, list(playbooks))}",
                "a playbook is named by its file name in playbooks/, without .md",
            )
        elif not playbook.steps:
            yield at(
                source,
                ("responses", code, "playbook"),
                "error",
                "playbook-without-checklist",
                f"the playbook {response.playbook!r} has no checklist to run",
                "add steps to it as task-list items, e.g. '- [ ] Call the sponsor @owner +2d'",
            )
