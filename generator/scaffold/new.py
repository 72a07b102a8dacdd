"""Create a client, a meeting note or a playbook from a template. Never overwrites."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from generator.markdown.engine import slug_words
from generator.model.settings import Settings
from generator.model.vocabulary import CLIENT_ID_PATTERN, FLAG_CODES
from generator.parse.documents import RESERVED_NAMES
from generator.parse.errors import did_you_mean
from generator.parse.loader import load_playbook, read_client_record

MEETING_LABELS = {
    "kickoff": "Kickoff",
    "check-in": "Check-in",
    "review": "Review",
    "qbr": "Quarterly business review",
    "workshop": "Workshop",
    "escalation": "Escalation",
    "offboarding": "Offboarding",
    "other": "Meeting",
}
TEMPLATE_NAMES = {
    "client": "client.yaml",
    "meeting": "meeting.md",
    "playbook": "playbook.md",
    "run": "run.md",
    "feedback": "feedback.yaml",
}
_ID = re.compile(CLIENT_ID_PATTERN)


class ScaffoldError(Exception):
    """Why nothing was created (the file exists, the name is unusable, the client is unknown...)."""


@dataclass(frozen=True, slots=True)
class Created:
    path: Path
    rel: str


def slugify(name: str, max_length: int = 63) -> str:
    """Folded to ASCII lowercase words joined by '-': 'Café Zürich GmbH' -> 'cafe-zurich-gmbh'."""
    return slug_words(name)[:max_length].rstrip("-")


SITE_TEMPLATES = ("meeting", "feedback")
"""The templates the site's "Log a meeting" and "Log feedback" links fill in."""


def repository_templates(root: Path) -> tuple[str, ...]:
    """The repository's own templates that the site uses (their bytes belong to its cache keys)."""
    return tuple(
        f"templates/{TEMPLATE_NAMES[kind]}"
        for kind in SITE_TEMPLATES
        if (root / "templates" / TEMPLATE_NAMES[kind]).is_file()
    )


@functools.lru_cache(maxsize=8)
def _environment(root: Path) -> jinja2.Environment:
    # The repository's templates/ first, then the package's. Plain text out: no HTML escaping.
    # Sandboxed: a template comes from the repository (a pull request can change it), and nothing read
    # from the repository may run code; Jinja's sandbox refuses attribute tricks such as __class__.
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(root / "templates")), jinja2.PackageLoader("generator.scaffold", "templates")]
    )
    env = SandboxedEnvironment(
        loader=loader, autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    env.filters["yaml"] = lambda text: json.dumps(str(text), ensure_ascii=False)
    return env


def _render(root: Path, kind: str, **values: object) -> str:
    """The template of `kind` filled in; a template that cannot be used is a ScaffoldError naming it."""
    name = TEMPLATE_NAMES[kind]
    try:
        return _environment(root).get_template(name).render(**values)
    except jinja2.TemplateSyntaxError as exc:
        raise ScaffoldError(f"templates/{name}, line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise ScaffoldError(f"templates/{name} cannot be used: {exc}") from None


def _write_new(root: Path, rel: str, text: str) -> Created:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{rel} already exists; clientkb never overwrites a file") from None
    return Created(path, rel)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientDraft:
    """A new client as `new client` is asked for it: owner and segment default to kb.yaml's first."""

    name: str
    status: str
    owner: str | None = None
    segment: str | None = None


def new_client(root: Path, settings: Settings, draft: ClientDraft, today: dt.date) -> Created:
    name, owner, segment, status = draft.name, draft.owner, draft.segment, draft.status
    client_id = slugify(name)
    if not client_id or not _ID.match(client_id):
        raise ScaffoldError(f"cannot make a client id from {name!r}; use letters or digits in the name")
    folder = root / "clients"
    existing = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    if client_id in existing or client_id.casefold() in {e.casefold() for e in existing}:
        raise ScaffoldError(f"a client with the id {client_id!r} already exists (clients/{client_id})")
    owner = owner or settings.team[0].handle
    if owner not in {m.handle for m in settings.team}:
        raise ScaffoldError(f"{owner!r} is not a team handle in kb.yaml")
    segment = segment or next(iter(settings.segments))
    if segment not in settings.segments:
        raise ScaffoldError(f"{segment!r} is not a segment in kb.yaml ({', '.join(settings.segments)})")
    text = _render(root, "client", name=name, status=status, segment=segment, owner=owner, today=today)
    return _write_new(root, f"clients/{client_id}/client.yaml", text)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingDraft:
    """A new meeting note as `new meeting` is asked for it; the title defaults to the type and month."""

    client_id: str
    date: dt.date
    meeting_type: str
    owner: str
    title: str | None = None
    agenda: str = ""
    """Markdown placed before the note's own sections: a quarterly review's pack (`clientkb qbr`)."""


def meeting_text(root: Path, draft: MeetingDraft) -> tuple[str, str]:
    """The new note's path and text (`new meeting`, and the site's "Log a meeting" link)."""
    title = draft.title or f"{MEETING_LABELS[draft.meeting_type]}, {draft.date.strftime('%B %Y')}"
    slug = slugify(title, 50) or draft.meeting_type
    text = _render(
        root, "meeting", date=draft.date, type=draft.meeting_type, title=title, owner=draft.owner, agenda=draft.agenda
    )
    return f"clients/{draft.client_id}/meetings/{draft.date}-{slug}.md", text


def feedback_text(root: Path, client_id: str, date: dt.date) -> tuple[str, str]:
    """An event file to fill in (the site's "Log feedback" link): an NPS answer by default."""
    return f"clients/{client_id}/events/{date}-nps-from-site.yaml", _render(root, "feedback", date=date)


def new_meeting(root: Path, draft: MeetingDraft) -> Created:
    client_id = draft.client_id
    if not (root / "clients" / client_id / "client.yaml").is_file():
        known = sorted(p.parent.name for p in (root / "clients").glob("*/client.yaml"))
        raise ScaffoldError(f"there is no client {client_id!r}{did_you_mean(client_id, known)}")
    return _write_new(root, *meeting_text(root, draft))


def new_playbook(root: Path, settings: Settings, title: str, today: dt.date) -> Created:
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"cannot make a file name from {title!r}")
    if slug in RESERVED_NAMES:
        raise ScaffoldError(f"{slug!r} is the name of a generated page; choose another title")
    text = _render(root, "playbook", title=title, owner=settings.team[0].handle, today=today)
    return _write_new(root, f"playbooks/{slug}.md", text)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunDraft:
    """A run of a playbook as `new run` is asked for it."""

    client_id: str
    playbook: str
    started: dt.date
    because: str | None = None


def new_run(root: Path, settings: Settings, draft: RunDraft) -> Created:
    """clients/<id>/runs/<started>-<playbook>.md: the playbook's checklist with real people and dates
    (`@owner` -> the client's owner, `@client` stays, `+2d` -> a date two days after the start)."""
    client_id = draft.client_id
    record = root / "clients" / client_id / "client.yaml"
    if not record.is_file():
        known = sorted(p.parent.name for p in (root / "clients").glob("*/client.yaml"))
        raise ScaffoldError(f"there is no client {client_id!r}{did_you_mean(client_id, known)}")
    client = read_client_record(root, client_id)
    owner = client.owner if client else settings.team[0].handle
    rel = f"playbooks/{draft.playbook}.md"
    playbook, problems = load_playbook(root, rel, settings.limits) if (root / rel).is_file() else (None, [])
    if playbook is None:
        known = sorted(p.stem for p in (root / "playbooks").glob("*.md"))
        if problems:
            raise ScaffoldError(f"{rel} has errors; fix them first (clientkb check lists them)")
        raise ScaffoldError(f"there is no playbook {draft.playbook!r}{did_you_mean(draft.playbook, known)}")
    if not playbook.steps:
        raise ScaffoldError(f"the playbook {draft.playbook!r} has no checklist to run (no '- [ ]' items)")
    if draft.because is not None and draft.because not in FLAG_CODES:
        raise ScaffoldError(f"{draft.because!r} is not a flag{did_you_mean(draft.because, FLAG_CODES)}")
    steps = [
        {
            "text": step.text,
            "who": owner if step.who in (None, "owner") else step.who,
            "due": step.offset.after(draft.started) if step.offset else None,
        }
        for step in playbook.steps
    ]
    text = _render(
        root,
        "run",
        playbook=draft.playbook,
        title=playbook.meta.title,
        started=draft.started,
        owner=owner,
        because=draft.because,
        client_name=client.name if client else client_id,
        steps=steps,
    )
    return _write_new(root, f"clients/{client_id}/runs/{draft.started}-{draft.playbook}.md", text)
