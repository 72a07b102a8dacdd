"""`new client`, `new meeting`, `new playbook`, `new run`: files from templates, never overwriting."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from generator.model.vocabulary import MEETING_TYPES, STATUSES
from generator.source.problems import format_text, sorted_problems

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
if TYPE_CHECKING:
    from generator.model.settings import Settings
    from generator.scaffold.new import Created
from generator.cli.app import (
    Context,
    _DateParam,
    announce_today,
    main,
)


@main.group()
def new() -> None:
    """Create a client, a meeting note, a playbook or a run of one from a template (never overwrites)."""


def _scaffold_settings(ctx: Context) -> tuple[Settings, dt.date]:
    from generator.build.settings import read_settings

    settings = read_settings(ctx.root)
    if settings.settings is None:
        click.echo(format_text(sorted_problems(settings.problems)), err=True)
        raise click.ClickException("kb.yaml has errors; fix them first (clientkb check lists them)")
    return settings.settings, announce_today(settings, ctx)


def _created(created: Created) -> None:
    click.echo(created.rel)


@new.command("client")
@click.argument("name")
@click.option("--owner", metavar="HANDLE", help="Account owner (default: the first team member).")
@click.option("--segment", help="Segment key (default: the first segment of kb.yaml).")
@click.option("--status", type=click.Choice(STATUSES), default="prospect", show_default=True)
@click.pass_obj
def new_client_command(ctx: Context, name: str, owner: str | None, segment: str | None, status: str) -> None:
    """Create clients/<id>/client.yaml, the id made from NAME."""
    from generator.scaffold.new import ClientDraft, ScaffoldError, new_client

    settings, today = _scaffold_settings(ctx)
    try:
        draft = ClientDraft(name=name, status=status, owner=owner, segment=segment)
        _created(new_client(ctx.root, settings, draft, today))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None


@new.command("meeting")
@click.argument("client")
@click.option("--type", "meeting_type", type=click.Choice(MEETING_TYPES), default="check-in", show_default=True)
@click.option("--date", "date", type=_DateParam(), help="Meeting date (default: today).")
@click.option("--title", help="Title (default: the type and the month).")
@click.pass_obj
def new_meeting_command(ctx: Context, client: str, meeting_type: str, date: dt.date | None, title: str | None) -> None:
    """Create clients/CLIENT/meetings/<date>-<slug>.md."""
    from generator.parse.loader import client_owner
    from generator.scaffold.new import MeetingDraft, ScaffoldError, new_meeting

    settings, today = _scaffold_settings(ctx)
    owner = client_owner(ctx.root, client) or settings.team[0].handle
    try:
        draft = MeetingDraft(
            client_id=client,
            date=date or today,
            meeting_type=meeting_type,
            owner=owner,
            title=title,
            agenda=_review_agenda(ctx, client, today) if meeting_type == "qbr" else "",
        )
        _created(new_meeting(ctx.root, draft))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None


def _review_agenda(ctx: Context, client: str, today: dt.date) -> str:
    """A quarterly review's agenda: the client's review pack; none (said on stderr) when it has errors."""
    from generator.cli.qbr import review_pack
    from generator.qbr.report import agenda

    if not (ctx.root / "clients" / client / "client.yaml").is_file():
        return ""  # new_meeting says there is no such client
    try:
        return agenda(review_pack(ctx, client, today))
    except click.ClickException as exc:
        click.echo(f"note: the note is written without the review pack: {exc.message}", err=True)
        return ""


@new.command("playbook")
@click.argument("title")
@click.pass_obj
def new_playbook_command(ctx: Context, title: str) -> None:
    """Create playbooks/<slug>.md from TITLE."""
    from generator.scaffold.new import ScaffoldError, new_playbook

    settings, today = _scaffold_settings(ctx)
    try:
        _created(new_playbook(ctx.root, settings, title, today))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None


@new.command("run")
@click.argument("client")
@click.argument("playbook")
@click.option("--date", "date", type=_DateParam(), help="The day the run starts (default: today).")
@click.option("--because", metavar="FLAG", help="The flag it answers, e.g. nps-detractor.")
@click.pass_obj
def new_run_command(ctx: Context, client: str, playbook: str, date: dt.date | None, because: str | None) -> None:
    """Start PLAYBOOK for CLIENT: clients/CLIENT/runs/<date>-<playbook>.md, its checklist with names and dates."""
    from generator.scaffold.new import RunDraft, ScaffoldError, new_run

    settings, today = _scaffold_settings(ctx)
    try:
        _created(
            new_run(
                ctx.root,
                settings,
                RunDraft(client_id=client, playbook=playbook, started=date or today, because=because),
            )
        )
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
