"""`qbr`: a client's quarterly review pack, as Markdown or JSON."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from generator.cli.app import Context, _format_option, announce_today, main, one_client_settings
from generator.source.problems import Severity, format_text, sorted_problems

if TYPE_CHECKING:
    from generator.compute.qbr import QbrPack


def review_pack(ctx: Context, client: str, today: dt.date | None = None) -> QbrPack:
    """CLIENT's pack for `today` (else the run's date, announced); refused (with the problems) when
    CLIENT or kb.yaml has errors."""
    from generator.build.one_client import load_one_client
    from generator.compute.qbr import qbr_pack

    settings, read = one_client_settings(ctx, client)
    today = today or announce_today(read, ctx)
    loaded = load_one_client(ctx.root, client, settings, today)
    if loaded.client is None or loaded.insight is None:
        errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
        click.echo(format_text(sorted_problems(errors)), err=True)
        raise click.ClickException(f"{client} has errors; fix them first (clientkb check lists them)")
    return qbr_pack(loaded.client, loaded.insight, today)


@main.command()
@click.argument("client")
@_format_option(["markdown", "json"], "markdown to print or paste; json for scripts.")
@click.pass_obj
def qbr(ctx: Context, client: str, output_format: str) -> None:
    """CLIENT's quarterly review pack: goals and wins, feedback, hours, milestones, risks, renewal."""
    from generator.qbr.report import format_json, format_markdown

    pack = review_pack(ctx, client)
    click.echo(format_json(pack) if output_format == "json" else format_markdown(pack), nl=False)
