"""`serve`: build, serve on localhost, rebuild on save, reload the browser."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.build.interrupts import raise_interrupted

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
if TYPE_CHECKING:
    from generator.model.settings import Settings
from generator.build.config import Mode
from generator.cli.app import (
    Context,
    SiteChoices,
    _out_option,
    announce_today,
    main,
    resolve_today,
    site_options,
)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--allow-host",
    "allow_hosts",
    metavar="NAME",
    multiple=True,
    help="With --host 0.0.0.0 or ::, a name the server may be reached by (repeatable); requests naming "
    "any other host get 421.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@_out_option("Folder for the served site (default: a temporary folder, removed at exit).")
@site_options(
    "Build without the cache (the site is the same).", "Do not index search (the search page then finds nothing)."
)
@click.pass_obj
def serve(
    ctx: Context,
    host: str,
    allow_hosts: tuple[str, ...],
    port: int,
    out: Path | None,
    choices: SiteChoices,
) -> None:
    """Build, serve, watch the files and rebuild what changed; the browser reloads by itself."""
    from generator.build.outputlock import OutputBusy
    from generator.build.settings import read_settings
    from generator.build.write import OutputRefused, StagingLost
    from generator.serve.server import PortInUse, open_session, serving
    from generator.serve.state import SiteState

    settings = read_settings(ctx.root)
    announce_today(settings, ctx)

    def today_of(current: Settings | None) -> dt.date:
        return resolve_today(ctx.today_option, current.today if current else None, dt.date.today())[0]

    def report(message: str) -> None:
        click.echo(message, err=True)

    with contextlib.ExitStack() as stack:
        if out is None:
            out = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clientkb-serve-"))) / "site"
        config = replace(ctx.config(Mode.SITE, choices=choices), output=out.absolute())
        state = SiteState(config, today_of)
        try:
            session, outcome = open_session(state, host, port, report, allow_hosts)
        except (PortInUse, OutputRefused, OutputBusy, StagingLost) as exc:
            raise click.ClickException(str(exc)) from None
        if outcome.ok:
            report(f"built in {outcome.seconds:.1f} s")
        else:
            report(f"{len(outcome.problems)} problem(s) in the knowledge base; they show in the browser:")
            for problem in outcome.problems:
                report(f"  {problem.location}: {problem.message}")
        signal.signal(signal.SIGTERM, raise_interrupted)  # a stop, like Ctrl-C
        with serving(session):
            try:
                # Announced only once Ctrl-C is handled: a stop right after this line exits cleanly.
                click.echo(f"serving {session.url} (Ctrl-C to stop)", err=True)
                while True:
                    time.sleep(0.5)
            except KeyboardInterrupt:
                report("stopping")
    click.echo("stopped", err=True)
