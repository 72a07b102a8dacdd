"""`build`: the site, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from generator.build.config import Mode
from generator.cli.app import Context, SiteChoices, _out_option, announce_today, main, site_options
from generator.source.problems import Severity, format_text, sorted_problems

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).


class _Progress:
    """A progress bar on a terminal, shown only once a build has run for a second; none in CI."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self.bar is None:
            if time.monotonic() - self.started < 1.0:
                return
            self.bar = click.progressbar(length=total, label="rendering clients", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@_out_option("Output folder (default: site/ in the knowledge base).")
@site_options(
    "Load and render every client and month of the health timeline again, ignoring the cache (the output is the same).",
    "Do not index the site for search (a little faster; the search page then finds nothing).",
)
@click.pass_obj
def build(ctx: Context, out: Path | None, choices: SiteChoices) -> None:
    """Check, compute and render the site; on errors build nothing and keep the previous site.

    Pages whose bytes did not change keep their file (and time stamp); clients whose files did not
    change are taken from the cache (in the user's cache folder, never in the repository)."""
    from generator.build.outputlock import OutputBusy
    from generator.build.settings import read_settings
    from generator.build.site import build_site
    from generator.build.write import OutputRefused, StagingLost

    started = time.monotonic()
    target = out if out is not None else ctx.root / "site"
    settings = read_settings(ctx.root)
    today = announce_today(settings, ctx)
    progress = _Progress()
    try:
        config = replace(ctx.config(Mode.SITE, today, choices), output=target.absolute())
        result = build_site(config, settings, progress)
    except (OutputRefused, OutputBusy, StagingLost) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.close()
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if not result.published:
        click.echo(format_text(sorted_problems(errors)), err=True)
        raise click.ClickException(
            f"{len(errors)} error{'s' * (len(errors) != 1)}: nothing was built, {_shown(target)} is as it was"
        )
    if result.site is not None and result.site.history.shallow_since is not None:
        click.echo(
            f"note: this is a shallow clone; its Git history starts on {result.site.history.shallow_since}, "
            "so the pages show no earlier changes or months (fetch the whole history: git fetch --unshallow; "
            "in GitHub Actions, fetch-depth: 0)",
            err=True,
        )
    warnings = len(result.problems) - len(errors)
    note = f" ({warnings} warning{'s' * (warnings != 1)}: clientkb check lists them)" if warnings else ""
    seconds = time.monotonic() - started
    click.echo(
        f"built {result.pages:,} pages in {seconds:.1f} s ({result.changed:,} changed) -> {_shown(target)}/{note}"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
