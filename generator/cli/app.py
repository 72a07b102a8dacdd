"""The command group, its global options (before or after a command) and what every command shares:
colours, the date a run computes for, option types. Only here and in `serve` (which rebuilds when the
date changes) is the clock read."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator import __version__
from generator.build.config import BuildConfig, Mode
from generator.build.interrupts import interrupted
from generator.source.load import find_root

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
if TYPE_CHECKING:
    from generator.build.settings import SettingsLoad
    from generator.model.settings import Settings


@dataclass(frozen=True, slots=True)
class Context:
    root: Path
    today_option: dt.date | None
    jobs: int | None

    def config(self, mode: Mode, today: dt.date | None = None, choices: SiteChoices | None = None) -> BuildConfig:
        """The run's configuration: this context's root and jobs, and the command's own choices."""
        choices = choices or SiteChoices()
        return BuildConfig(
            root=self.root, mode=mode, today=today, jobs=self.jobs, cache=choices.cache, search=choices.search
        )


@dataclass(frozen=True, slots=True)
class SiteChoices:
    """--no-cache and --no-search, as `build` and `serve` take them (`check` takes --no-cache)."""

    cache: bool = True
    search: bool = True


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


def site_options(cache_help: str, search_help: str) -> Callable[[FC], FC]:
    """--no-cache and --no-search, given to the command as one `choices: SiteChoices`."""

    def decorate(command: FC) -> FC:
        @functools.wraps(command)
        def with_choices(*args: Any, no_cache: bool, no_search: bool, **kwargs: Any) -> Any:
            return command(*args, choices=SiteChoices(cache=not no_cache, search=not no_search), **kwargs)

        with_search = click.option("--no-search", is_flag=True, help=search_help)(with_choices)
        return click.option("--no-cache", is_flag=True, help=cache_help)(with_search)  # type: ignore[return-value]

    return decorate


def _format_option(choices: list[str], help_text: str) -> Callable[[FC], FC]:
    return click.option(
        "--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True, help=help_text
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


def one_client_settings(ctx: Context, client: str) -> tuple[Settings, SettingsLoad]:
    """kb.yaml's settings for a command about one CLIENT (`qbr`, `log`): refused when kb.yaml has
    errors or there is no such client."""
    from generator.build.one_client import client_ids
    from generator.build.settings import read_settings
    from generator.parse.errors import did_you_mean

    settings = read_settings(ctx.root)
    if settings.settings is None:
        from generator.source.problems import format_text, sorted_problems

        click.echo(format_text(sorted_problems(settings.problems)), err=True)
        raise click.ClickException("kb.yaml has errors; fix them first (clientkb check lists them)")
    known = client_ids(ctx.root)
    if client not in known:
        raise click.BadParameter(f"there is no client {client!r}{did_you_mean(client, known)}", param_hint="CLIENT")
    return settings.settings, settings
