"""`check` (every problem at once) and `schema` (the JSON Schemas for editors)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
from generator.build.config import Mode
from generator.cli.app import (
    Context,
    SiteChoices,
    _color,
    _format_option,
    _out_option,
    announce_today,
    main,
)
from generator.source.problems import Severity, format_text


@main.command()
@_format_option(["text", "github", "json"], "text for people, github for workflow annotations, json for tools.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-cache", is_flag=True, help="Check every client again, ignoring the cache (the report is the same).")
@click.pass_obj
def check(ctx: Context, output_format: str, strict: bool, no_cache: bool) -> None:
    """Validate every record and report every problem at once.

    Clients whose files did not change since the last check are taken from the cache (in the user's
    cache folder, never in the repository)."""
    from generator.build.load import check_knowledge_base
    from generator.build.settings import read_settings
    from generator.source.problems import count, format_github, format_json

    settings = read_settings(ctx.root)
    announce_today(settings, ctx)
    loaded = check_knowledge_base(ctx.config(Mode.CHECK, choices=SiteChoices(cache=not no_cache)), settings)
    problems = loaded.problems
    errors = count(problems, Severity.ERROR)
    warnings = count(problems, Severity.WARNING)
    runs = f"{loaded.runs} run{'s' * (loaded.runs != 1)}, " if loaded.runs else ""
    runs += f"{loaded.events} event{'s' * (loaded.events != 1)}, " if loaded.events else ""
    summary = (
        f"checked {loaded.clients} client{'s' * (loaded.clients != 1)}, "
        f"{loaded.notes} note{'s' * (loaded.notes != 1)}, {runs}"
        f"{loaded.playbooks} playbook{'s' * (loaded.playbooks != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )
    if output_format == "json":
        click.echo(format_json(problems))
        click.echo(summary, err=True)
    elif output_format == "github":
        if problems:
            from generator.git.revisions import repository_prefix

            click.echo(format_github(problems, repository_prefix(ctx.root)))
        click.echo(summary)
    else:
        if problems:
            click.echo(_colour_text(format_text(problems)), color=_color())
        click.echo(summary)
    failed = errors > 0 or (strict and warnings > 0)
    sys.exit(1 if failed else 0)


def _colour_text(text: str) -> str:
    styled = []
    for line in text.split("\n"):
        for word, colour in ((": error: ", "red"), (": warning: ", "yellow")):
            if word in line:
                head, tail = line.split(word, 1)
                line = f"{head}: {click.style(word.strip(' :'), fg=colour, bold=True)}: {tail}"
                break
        styled.append(line)
    return "\n".join(styled)


@main.command()
@_out_option("Folder to write the schemas to (default: schemas/ in the knowledge base).")
@click.pass_obj
def schema(ctx: Context, out: Path | None) -> None:
    """Write JSON Schemas of every file kind, for editors and other tools."""
    from generator.model.schema import json_schemas

    target = out if out is not None else ctx.root / "schemas"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in json_schemas().items():
            path = target / name
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}")
    except OSError as exc:
        raise click.ClickException(f"cannot write the schemas to {target}: {exc.strerror or exc}") from None
