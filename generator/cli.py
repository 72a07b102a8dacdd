"""The `clientkb` command line: parse flags, call one function, map the result to an exit code.

This is the only module that reads the clock (`today`), and it does so once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator import __version__
from generator.build.interrupts import interrupted, raise_interrupted
from generator.model.dates import Duration
from generator.model.vocabulary import MEETING_TYPES, STATUSES
from generator.source.load import find_root
from generator.source.problems import Severity, format_text, sorted_problems

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
if TYPE_CHECKING:
    from generator.build.pipeline import Computed, SettingsLoad
    from generator.model.records import Settings
    from generator.scaffold import Created


@dataclass(frozen=True, slots=True)
class Context:
    root: Path
    today_option: dt.date | None
    jobs: int | None


def _color() -> bool | None:
    # https://no-color.org: any non-empty NO_COLOR disables colour; otherwise click decides by TTY.
    return False if os.environ.get("NO_COLOR") else None


def _paint(text: str, colour: str) -> str:
    if colour == "bold":
        return click.style(text, bold=True)
    return click.style(text, fg=colour)


def _echo(text: str) -> None:
    """Print a terminal view: coloured on a terminal, plain when piped or with NO_COLOR."""
    click.echo(text, color=_color())


def _width() -> int:
    return min(shutil.get_terminal_size((80, 24)).columns, 120)


def resolve_today(option: dt.date | None, pinned: dt.date | None, clock: dt.date) -> tuple[dt.date, str]:
    """--today wins over kb.yaml's `today:`, which wins over the clock. Returns the date and its source."""
    if option is not None:
        return option, "--today"
    if pinned is not None:
        return pinned, "kb.yaml"
    return clock, "clock"


def announce_today(settings: SettingsLoad, ctx: Context) -> dt.date:
    pinned = settings.settings.today if settings.settings else None
    today, origin = resolve_today(ctx.today_option, pinned, dt.date.today())
    if origin == "kb.yaml":
        click.echo(f"note: today is pinned to {today} by kb.yaml (override with --today)", err=True)
    return today


class _DateParam(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


FC = TypeVar("FC", bound=Callable[..., Any])


def _out_option(help_text: str) -> Callable[[FC], FC]:
    return click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help=help_text)


def _format_option(choices: list[str], help_text: str) -> Callable[[FC], FC]:
    return click.option(
        "--format", "output_format", type=click.Choice(choices), default="text", show_default=True, help=help_text
    )


class _Commands(click.Group):
    """click turns Ctrl-C into "Aborted!" and exit 1; clientkb exits 130, as a program stopped by
    Ctrl-C does, after the command's own clean-up (a build removes its staging folder). Its commands
    take the global options after their name too (`_Command`), and so do those of its groups."""

    command_class: type[click.Command] | None = None  # set below, once _Command exists
    group_class = type  # a group made with @main.group() is a _Commands too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted()


def _global_options(function: FC) -> FC:
    """--root, --today and --jobs, before the command (`clientkb --root kb check`) or after it
    (`clientkb check --root kb`, as a pre-commit hook's `entry` and `args` put them)."""
    function = click.option(
        "--jobs", type=click.IntRange(min=1), help="Worker processes (default: two per CPU; 1 runs in one process)."
    )(function)
    function = click.option("--today", "today", type=_DateParam(), help="Compute as if today were this date.")(function)
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        help="The knowledge base folder (default: the nearest folder holding kb.yaml).",
    )(function)


def _resolve_root(root: Path | None) -> Path:
    if root is None:
        return (find_root(Path.cwd()) or Path.cwd()).resolve()
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a folder", param_hint="--root")
    return root.resolve()


class _Command(click.Command):
    """A command that also takes the global options after its name; given there, they win."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _global_options(self)  # click's option decorators append to a command's params

    def invoke(self, ctx: click.Context) -> Any:
        root = ctx.params.pop("root", None)
        today = ctx.params.pop("today", None)
        jobs = ctx.params.pop("jobs", None)
        obj = ctx.find_object(Context)
        if obj is not None and (root is not None or today is not None or jobs is not None):
            ctx.obj = replace(
                obj,
                root=_resolve_root(root) if root is not None else obj.root,
                today_option=today if today is not None else obj.today_option,
                jobs=jobs if jobs is not None else obj.jobs,
            )
        return super().invoke(ctx)


_Commands.command_class = _Command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientkb")
@_global_options
@click.pass_context
def main(click_ctx: click.Context, root: Path | None, today: dt.date | None, jobs: int | None) -> None:
    """clientkb: check, compute and publish a plain-text client knowledge base."""
    click_ctx.obj = Context(_resolve_root(root), today, jobs)


@main.command()
@_format_option(["text", "github", "json"], "text for people, github for workflow annotations, json for tools.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-cache", is_flag=True, help="Check every client again, ignoring the cache (the report is the same).")
@click.pass_obj
def check(ctx: Context, output_format: str, strict: bool, no_cache: bool) -> None:
    """Validate every record and report every problem at once.

    Clients whose files did not change since the last check are taken from the cache (in the user's
    cache folder, never in the repository)."""
    from generator.build.pipeline import check_knowledge_base, read_settings
    from generator.source.problems import count, format_github, format_json

    settings = read_settings(ctx.root)
    announce_today(settings, ctx)
    loaded = check_knowledge_base(ctx.root, jobs=ctx.jobs, settings=settings, cache=not no_cache)
    problems = loaded.problems
    errors = count(problems, Severity.ERROR)
    warnings = count(problems, Severity.WARNING)
    summary = (
        f"checked {loaded.clients} client{'s' * (loaded.clients != 1)}, "
        f"{loaded.notes} note{'s' * (loaded.notes != 1)}, "
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


class _DurationParam(click.ParamType):  # type: ignore[type-arg]
    name = "DURATION"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Duration:
        if isinstance(value, Duration):
            return value
        try:
            return Duration.parse(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a duration: write e.g. 7d, 2w or 1m", param, ctx)


FORMAT_OPTION = _format_option(["text", "json"], "text for people, json for scripts.")


def _computed(ctx: Context) -> Computed:
    """Load, refuse on errors (a record with an error would silently be missing), compute."""
    from generator.build.pipeline import computed_from, load_knowledge_base, read_settings

    settings = read_settings(ctx.root)
    today = announce_today(settings, ctx)
    loaded = load_knowledge_base(ctx.root, jobs=ctx.jobs, keep_records=False, today=today, settings=settings)
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors or loaded.kb is None:
        click.echo(format_text(sorted_problems(errors)), err=True)
        raise click.ClickException(
            f"the knowledge base has {len(errors)} error{'s' * (len(errors) != 1)}; "
            "fix them first (clientkb check lists them)"
        )
    return computed_from(loaded, today)


@main.command()
@click.option("--owner", metavar="HANDLE", help="Only what this team member must act on.")
@click.option("--within", type=_DurationParam(), help="Window ahead, e.g. 7d, 2w (default: kb.yaml due_soon).")
@FORMAT_OPTION
@click.pass_obj
def due(ctx: Context, owner: str | None, within: Duration | None, output_format: str) -> None:
    """Check-ins, action items, renewals and milestones overdue or due soon."""
    from generator.compute.due import due_entries
    from generator.parse.documents import did_you_mean
    from generator.site.exports import due_json
    from generator.terminal import due_view

    computed = _computed(ctx)
    settings = computed.kb.settings
    handles = frozenset(m.handle for m in settings.team)
    if owner is not None and owner not in handles:
        raise click.BadParameter(
            f"{owner!r} is not a team handle{did_you_mean(owner, sorted(handles))}", param_hint="--owner"
        )
    window = within or settings.health.due_soon
    entries = due_entries(computed.insights, handles, computed.today, window, owner)
    if output_format == "json":
        click.echo(due_json(entries))
    else:
        _echo(due_view(entries, computed.today, window.describe(), owner, _width(), _paint))


@main.command()
@click.argument("client", required=False)
@FORMAT_OPTION
@click.pass_obj
def health(ctx: Context, client: str | None, output_format: str) -> None:
    """Health (red, amber, green) and its reasons, for every client or one."""
    from generator.parse.documents import did_you_mean
    from generator.site.exports import health_json
    from generator.terminal import health_view

    computed = _computed(ctx)
    insights = computed.insights
    if client is not None:
        ids = [i.id for i in insights]
        insights = tuple(i for i in insights if i.id == client)
        if not insights:
            raise click.BadParameter(f"there is no client {client!r}{did_you_mean(client, ids)}", param_hint="CLIENT")
    if output_format == "json":
        click.echo(health_json(insights))
    else:
        _echo(health_view(insights, computed.today, _width(), _paint))


@main.command()
@FORMAT_OPTION
@click.pass_obj
def stats(ctx: Context, output_format: str) -> None:
    """Portfolio metrics: NPS, retention, check-in compliance, revenue, effort."""
    from generator.site.exports import portfolio_record, to_json
    from generator.terminal import stats_view

    computed = _computed(ctx)
    if output_format == "json":
        click.echo(to_json(portfolio_record(computed.portfolio)))
    else:
        _echo(stats_view(computed.portfolio, len(computed.insights), _width(), _paint))


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
@click.option(
    "--no-cache",
    is_flag=True,
    help="Load and render every client and month of the health timeline again, ignoring the cache "
    "(the output is the same).",
)
@click.option(
    "--no-search",
    is_flag=True,
    help="Do not index the site for search (a little faster; the search page then finds nothing).",
)
@click.pass_obj
def build(ctx: Context, out: Path | None, no_cache: bool, no_search: bool) -> None:
    """Check, compute and render the site; on errors build nothing and keep the previous site.

    Pages whose bytes did not change keep their file (and time stamp); clients whose files did not
    change are taken from the cache (in the user's cache folder, never in the repository)."""
    from generator.build.outputlock import OutputBusy
    from generator.build.pipeline import build_site, read_settings
    from generator.build.write import OutputRefused, StagingLost

    started = time.monotonic()
    target = out if out is not None else ctx.root / "site"
    settings = read_settings(ctx.root)
    today = announce_today(settings, ctx)
    progress = _Progress()
    try:
        result = build_site(
            ctx.root,
            target.absolute(),
            today,
            settings=settings,
            jobs=ctx.jobs,
            progress=progress,
            search=not no_search,
            cache=not no_cache,
        )
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


@main.group()
def new() -> None:
    """Create a client, a meeting note or a playbook from a template (never overwrites)."""


def _scaffold_settings(ctx: Context) -> tuple[Settings, dt.date]:
    from generator.build.pipeline import read_settings

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
    from generator.scaffold import ScaffoldError, new_client

    settings, today = _scaffold_settings(ctx)
    try:
        _created(new_client(ctx.root, settings, name, today, owner, segment, status))
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
    from generator.parse.documents import client_owner
    from generator.scaffold import ScaffoldError, new_meeting

    settings, today = _scaffold_settings(ctx)
    owner = client_owner(ctx.root, client) or settings.team[0].handle
    try:
        _created(new_meeting(ctx.root, settings, client, date or today, meeting_type, title, owner))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None


@new.command("playbook")
@click.argument("title")
@click.pass_obj
def new_playbook_command(ctx: Context, title: str) -> None:
    """Create playbooks/<slug>.md from TITLE."""
    from generator.scaffold import ScaffoldError, new_playbook

    settings, today = _scaffold_settings(ctx)
    try:
        _created(new_playbook(ctx.root, settings, title, today))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None


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
@click.option("--no-search", is_flag=True, help="Do not index search (the search page then finds nothing).")
@click.option("--no-cache", is_flag=True, help="Build without the cache (the site is the same).")
@click.pass_obj
def serve(
    ctx: Context,
    host: str,
    allow_hosts: tuple[str, ...],
    port: int,
    out: Path | None,
    no_search: bool,
    no_cache: bool,
) -> None:
    """Build, serve, watch the files and rebuild what changed; the browser reloads by itself."""
    from generator.build.outputlock import OutputBusy
    from generator.build.pipeline import read_settings
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
        state = SiteState(ctx.root, out.absolute(), today_of, jobs=ctx.jobs, search=not no_search, cache=not no_cache)
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
    from generator.build.pipeline import read_settings
    from generator.diff import FORMATTERS, diff_revisions, fails
    from generator.git.revisions import RevisionError

    settings = read_settings(ctx.root)
    today = announce_today(settings, ctx)
    try:
        result = diff_revisions(ctx.root, base, head, today, ctx.jobs)
    except RevisionError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(FORMATTERS[output_format](result), nl=output_format != "markdown")
    sys.exit(1 if fails(result, fail_on) else 0)
