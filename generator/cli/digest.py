"""`digest`: what each person must act on, and what changed for their clients, over a period."""

from __future__ import annotations

import click

from generator.cli.app import Context, _format_option, main
from generator.cli.insights import Asked, _DurationParam, _loaded, computed_of, due_in_window, insight_options
from generator.model.dates import Duration


@main.command()
@click.option("--owner", metavar="HANDLE", help="Only this team member's digest (what they must act on).")
@click.option(
    "--since", "since", type=_DurationParam(), default="7d", show_default=True, help="The period, back from today."
)
@_format_option(["text", "markdown", "json"], "markdown is ready for a CI job summary or a chat message.")
@insight_options
@click.pass_obj
def digest(ctx: Context, owner: str | None, since: Duration, output_format: str, asked: Asked) -> None:
    """Each person's digest: due and overdue, flags raised and cleared (from Git), renewals, wins."""
    from generator.build.digest import DigestRequest, digests
    from generator.digest.report import format_json, format_markdown, format_text
    from generator.parse.errors import did_you_mean

    loaded, today = _loaded(ctx, asked)
    computed = computed_of(loaded, today, asked)
    settings = computed.kb.settings
    handles = [m.handle for m in settings.team]
    if owner is not None and owner not in handles:
        raise click.BadParameter(f"{owner!r} is not a team handle{did_you_mean(owner, handles)}", param_hint="--owner")
    request = DigestRequest(since, owner, cache=asked.cache)
    found = digests(ctx.root, settings, computed.insights, today, request, due_in_window(loaded, asked))
    if output_format == "json":
        click.echo(format_json(found, single=owner is not None), nl=False)
    elif output_format == "markdown":
        click.echo(format_markdown(found), nl=False)
    else:
        click.echo(format_text(found), nl=False)
