"""`diff`: what a change does to the portfolio, between two Git revisions."""

from __future__ import annotations

import sys

import click

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
from generator.build.config import Mode
from generator.cli.app import (
    Context,
    _format_option,
    announce_today,
    main,
)


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@_format_option(["text", "markdown", "json"], "markdown is ready to post as a pull-request comment.")
@click.option(
    "--fail-on",
    type=click.Choice(["red", "amber", "error"]),
    help="Exit 1 when a client turns red, gets worse (amber), or new errors appear.",
)
@click.pass_obj
def diff(ctx: Context, base: str, head: str | None, output_format: str, fail_on: str | None) -> None:
    """How clients' health and flags change from BASE to HEAD (default: the working tree)."""
    from generator.build.settings import read_settings
    from generator.diff.compare import diff_revisions, fails
    from generator.diff.report import FORMATTERS
    from generator.git.revisions import RevisionError

    settings = read_settings(ctx.root)
    today = announce_today(settings, ctx)
    try:
        result = diff_revisions(ctx.config(Mode.INSIGHTS, today), base, head)
    except RevisionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(FORMATTERS[output_format](result), nl=output_format != "markdown")
    sys.exit(1 if fails(result, fail_on) else 0)
