"""`log`: record what happened in one command. Feedback, wins and escalations become new event files;
`close-escalation`, `done` and `set` edit the file that holds the fact, changing only its line.
Every command checks the client as it would be after the change (the same checks as `check`) and
writes nothing when that adds an error, or when a file changed since it was read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from generator.cli.app import Context, _DateParam, announce_today, main, one_client_settings
from generator.source.problems import Severity, format_text, sorted_problems

if TYPE_CHECKING:
    from generator.build.one_client import OneClient
    from generator.edit.guarded import ReadFile
    from generator.model.settings import Settings

SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Write:
    """One file a command writes: new (`read` None) or an edit of what was read."""

    rel: str
    text: str
    read: ReadFile | None = None


@dataclass(frozen=True, slots=True)
class Logging:
    """The client a command logs for, as it is now."""

    ctx: Context
    client_id: str
    settings: Settings
    today: dt.date
    now: OneClient


@main.group()
def log() -> None:
    """Log what happened: feedback, wins, escalations; close one, tick an action item, set a field."""


def _logging(ctx: Context, client: str) -> Logging:
    from generator.build.one_client import load_one_client

    settings, loaded = one_client_settings(ctx, client)
    today = announce_today(loaded, ctx)
    now = load_one_client(ctx.root, client, settings, today)
    if now.client is None:
        click.echo(format_text(sorted_problems(now.problems)), err=True)
        raise click.ClickException(f"{client} cannot be read; fix it first (clientkb check lists its problems)")
    return Logging(ctx, client, settings, today, now)


def _errors(one: OneClient) -> set[tuple[str, str, str]]:
    return {(p.file, p.code, p.message) for p in one.problems if p.severity is Severity.ERROR}


def _commit(logging: Logging, writes: list[Write], summary: str) -> None:
    """Check the client with `writes` applied; write them only if that adds no error."""
    from generator.build.one_client import load_one_client
    from generator.edit.guarded import EditError, write_if_unchanged, write_new

    if all(w.read is not None and w.read.text == w.text for w in writes):
        click.echo(f"unchanged {writes[0].rel}: it already says {summary}")
        return
    after = load_one_client(
        logging.ctx.root, logging.client_id, logging.settings, logging.today, {w.rel: w.text for w in writes}
    )
    added = _errors(after) - _errors(logging.now)
    if added:
        shown = [p for p in after.problems if (p.file, p.code, p.message) in added]
        click.echo(format_text(sorted_problems(shown)), err=True)
        raise click.ClickException("the change does not check, so nothing was written")
    try:
        for write in writes:
            if write.read is None:
                write_new(logging.ctx.root, write.rel, write.text)
            else:
                write_if_unchanged(logging.ctx.root, write.read, write.text)
    except EditError as exc:
        raise click.ClickException(str(exc)) from None
    verb = "wrote" if writes[0].read is None else "changed"
    click.echo(f"{verb} {writes[0].rel}: {summary}")


def _event(ctx: Context, client: str, kind: str, when: dt.date | None, fields: dict[str, object], about: str) -> None:
    """A new event file; `about` (a contact, a summary) names it and ends the printed summary."""
    from generator.edit.changes import event_file

    logging = _logging(ctx, client)
    date = when or logging.today
    rel, text = event_file(client, kind, date, fields, about)
    score = f" {fields['score']}" if "score" in fields else ""
    _commit(logging, [Write(rel, text)], f"{kind}{score} on {date}" + (f": {about}" if about else ""))


DATE_OPTION = click.option("--date", "when", type=_DateParam(), help="When it happened (default: today).")


def _answer_command(kind: str, scale: str) -> None:
    """`log nps` and `log csat`: a score, and who said what, as a new event file."""

    @log.command(kind, help=f"An answer ({scale}), as clients/CLIENT/events/<date>-{kind}-....yaml.")
    @click.argument("client")
    @click.argument("score", type=int)
    @click.option("--comment", help="What they said.")
    @click.option("--contact", help="Who answered (a contact's name).")
    @DATE_OPTION
    @click.pass_obj
    def answer(
        ctx: Context, client: str, score: int, comment: str | None, contact: str | None, when: dt.date | None
    ) -> None:
        _event(ctx, client, kind, when, {"score": score, "comment": comment, "contact": contact}, contact or "")


_answer_command("nps", "NPS, 0-10")
_answer_command("csat", "satisfaction, 1-5")


@log.command("win")
@click.argument("client")
@click.argument("text")
@DATE_OPTION
@click.pass_obj
def log_win(ctx: Context, client: str, text: str, when: dt.date | None) -> None:
    """A win worth celebrating, as clients/CLIENT/events/<date>-win-....yaml."""
    _event(ctx, client, "win", when, {"summary": text}, text)


@log.command("escalation")
@click.argument("client")
@click.argument("summary")
@click.option("--severity", type=click.Choice(SEVERITIES), default="medium", show_default=True)
@DATE_OPTION
@click.pass_obj
def log_escalation(ctx: Context, client: str, summary: str, severity: str, when: dt.date | None) -> None:
    """An escalation opened, as clients/CLIENT/events/<date>-escalation-....yaml."""
    _event(ctx, client, "escalation", when, {"summary": summary, "severity": severity}, summary)


def _one(found: list[str], what: str, match: str | None) -> int:
    """The index of the single candidate; refused when there are none or several."""
    if len(found) == 1:
        return 0
    asked = f" matching {match!r}" if match else ""
    if not found:
        raise click.ClickException(f"no {what}{asked}; nothing was written")
    listed = "\n".join(f"  {item}" for item in found)
    raise click.ClickException(f"{len(found)} {what}s{asked}; say which with more of its words:\n{listed}")


@log.command("close-escalation")
@click.argument("client")
@click.option("--match", help="Words of its summary (needed when several are open).")
@DATE_OPTION
@click.pass_obj
def log_close_escalation(ctx: Context, client: str, match: str | None, when: dt.date | None) -> None:
    """Close CLIENT's open escalation: `closed:` added where it was logged."""
    from generator.edit.changes import close_escalation
    from generator.edit.guarded import EditError, read_for_edit
    from generator.model.logged import escalation_history

    logging = _logging(ctx, client)
    assert logging.now.client is not None
    escalations = [
        e
        for e in escalation_history(logging.now.client)
        if e.closed is None and (match is None or match.casefold() in e.summary.casefold())
    ]
    chosen = escalations[_one([f"{e.summary} ({e.file}:{e.line})" for e in escalations], "open escalation", match)]
    date = when or logging.today
    try:
        read = read_for_edit(ctx.root, chosen.file)
        text = close_escalation(read, chosen.path, date)
    except EditError as exc:
        raise click.ClickException(str(exc)) from None
    _commit(logging, [Write(chosen.file, text, read)], f"closed {chosen.summary!r} on {date}")


@log.command("done")
@click.argument("client")
@click.argument("text")
@click.pass_obj
def log_done(ctx: Context, client: str, text: str) -> None:
    """Tick CLIENT's open action item whose text holds TEXT, in its note or run."""
    from generator.edit.guarded import EditError, read_for_edit
    from generator.edit.markdown_items import tick

    logging = _logging(ctx, client)
    record = logging.now.client
    assert record is not None
    written = (*(a for n in record.notes for a in n.actions), *(a for r in record.runs for a in r.actions))
    items = [item for item in written if not item.done and text.casefold() in item.text.casefold()]
    chosen = items[_one([f"{i.text} ({i.file}:{i.line})" for i in items], "open action item", text)]
    try:
        read = read_for_edit(ctx.root, chosen.file)
        changed = tick(read.text, chosen.line)
    except EditError as exc:
        raise click.ClickException(str(exc)) from None
    _commit(logging, [Write(chosen.file, changed, read)], f"done: {chosen.text}")


@log.command("set")
@click.argument("client")
@click.argument("field", type=click.Choice(["status", "owner", "segment", "contract.renewal"]))
@click.argument("value")
@click.option("--until", "until", type=_DateParam(), help="With status former: the day it ended (default: today).")
@click.pass_obj
def log_set(ctx: Context, client: str, field: str, value: str, until: dt.date | None) -> None:
    """Set CLIENT's status, owner, segment or contract.renewal in its client.yaml."""
    from generator.edit.changes import set_field
    from generator.edit.guarded import EditError, read_for_edit

    if until is not None and (field, value) != ("status", "former"):
        raise click.BadParameter("--until goes with status former", param_hint="--until")
    written: object = value
    if field == "contract.renewal":
        written = _DateParam().convert(value, None, None)
    logging = _logging(ctx, client)
    ended = (until or logging.today) if (field, value) == ("status", "former") else None
    rel = f"clients/{client}/client.yaml"
    try:
        read = read_for_edit(ctx.root, rel)
        text = set_field(read, field, written, ended)
    except EditError as exc:
        raise click.ClickException(str(exc)) from None
    _commit(logging, [Write(rel, text, read)], f"{field} {written}" + (f", until {ended}" if ended else ""))
