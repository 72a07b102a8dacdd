"""`due`, `health` and `stats`: the computed model in the terminal or as JSON."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import click

from generator.model.dates import Duration
from generator.model.vocabulary import STATUSES
from generator.source.problems import Severity, format_text, sorted_problems

# Each command imports the stages it runs when it runs: `clientkb --help` and a check of a small
# knowledge base do not pay for Jinja, icalendar, watchdog or Git (docs/performance.md).
if TYPE_CHECKING:
    import datetime as dt

    from generator.build.load import Computed, Loaded
    from generator.compute.due import DueEntry
    from generator.compute.filters import ClientFilter
    from generator.model.settings import Settings
from generator.build.config import Mode
from generator.cli.app import (
    FC,
    Context,
    SiteChoices,
    _echo,
    _format_option,
    _paint,
    _width,
    announce_today,
    main,
)


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


@dataclass(frozen=True, slots=True)
class Asked:
    """The options every insight command shares: which clients, and whether to use the cache."""

    filters: ClientFilter
    cache: bool = True


def insight_options(command: FC) -> FC:
    """--account-owner, --segment, --status, --health (each may be repeated) and --no-cache, given to
    the command as one `asked: Asked`."""

    @functools.wraps(command)
    def with_asked(
        *args: Any,
        account_owner: tuple[str, ...],
        segment: tuple[str, ...],
        status: tuple[str, ...],
        health: tuple[str, ...],
        no_cache: bool,
        **kwargs: Any,
    ) -> Any:
        from generator.compute.filters import ClientFilter

        filters = ClientFilter(frozenset(account_owner), frozenset(segment), frozenset(status), frozenset(health))
        return command(*args, asked=Asked(filters, cache=not no_cache), **kwargs)

    options = [
        click.option("--no-cache", is_flag=True, help="Compute every client again, ignoring the cache (same answer)."),
        click.option(
            "--health", multiple=True, type=click.Choice(["red", "amber", "green"]), help="Only clients of this health."
        ),
        click.option("--status", multiple=True, type=click.Choice(STATUSES), help="Only clients of this status."),
        click.option("--segment", multiple=True, metavar="KEY", help="Only clients of this segment (kb.yaml)."),
        click.option(
            "--account-owner", multiple=True, metavar="HANDLE", help="Only clients this team member owns (repeatable)."
        ),
    ]
    decorated: Any = with_asked
    for option in options:
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def _check_filter(filters: ClientFilter, settings: Settings) -> None:
    from generator.parse.errors import did_you_mean

    handles = [m.handle for m in settings.team]
    for owner in sorted(filters.account_owners):
        if owner not in handles:
            raise click.BadParameter(
                f"{owner!r} is not a team handle{did_you_mean(owner, handles)}", param_hint="--account-owner"
            )
    for segment in sorted(filters.segments):
        if segment not in settings.segments:
            keys = list(settings.segments)
            raise click.BadParameter(
                f"{segment!r} is not a segment of kb.yaml{did_you_mean(segment, keys)}", param_hint="--segment"
            )


def _loaded(ctx: Context, asked: Asked) -> tuple[Loaded, dt.date]:
    """Load, and refuse on errors (a record with an error would silently be missing)."""
    from generator.build.load import load_knowledge_base
    from generator.build.settings import read_settings
    from generator.model.collector import keep_until_exit

    settings = read_settings(ctx.root, cache=asked.cache)
    if settings.settings is not None:
        _check_filter(asked.filters, settings.settings)
    today = announce_today(settings, ctx)
    loaded = load_knowledge_base(ctx.config(Mode.INSIGHTS, today, SiteChoices(cache=asked.cache)), settings)
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors or loaded.kb is None:
        click.echo(format_text(sorted_problems(errors)), err=True)
        raise click.ClickException(
            f"the knowledge base has {len(errors)} error{'s' * (len(errors) != 1)}; "
            "fix them first (clientkb check lists them)"
        )
    keep_until_exit()
    return loaded, today


def due_in_window(loaded: Loaded, asked: Asked) -> list[DueEntry]:
    """The due entries in kb.yaml's window of the clients `asked.filters` lets through, unordered:
    made with each client's insight (from the cache, without unpickling the insight)."""
    admits = asked.filters.admits
    chosen = [d.entries for d in loaded.due if admits(d.owner, d.segment, d.status, d.health)]
    return [entry for entries in chosen for entry in entries]


def _computed(ctx: Context, asked: Asked) -> Computed:
    """The computed model of the clients `asked.filters` lets through (the portfolio is theirs)."""
    return computed_of(*_loaded(ctx, asked), asked)


def computed_of(loaded: Loaded, today: dt.date, asked: Asked) -> Computed:
    """`_computed` of what `_loaded` loaded."""
    from generator.build.load import computed_from
    from generator.model.collector import keep_until_exit

    computed = computed_from(loaded, today)
    keep_until_exit()  # and the insights, unpickled only now
    if not asked.filters:
        return computed
    return replace(computed, insights=asked.filters.apply(computed.insights))


@main.command()
@click.option("--owner", metavar="HANDLE", help="Only what this team member must act on.")
@click.option("--within", type=_DurationParam(), help="Window ahead, e.g. 7d, 2w (default: kb.yaml due_soon).")
@FORMAT_OPTION
@insight_options
@click.pass_obj
def due(ctx: Context, owner: str | None, within: Duration | None, output_format: str, asked: Asked) -> None:
    """Check-ins, action items, renewals and milestones overdue or due soon."""
    from generator.cli.terminal import due_view
    from generator.compute.due import DueWindow, due_entries, sorted_due
    from generator.parse.errors import did_you_mean
    from generator.site.exports import due_json

    loaded, today = _loaded(ctx, asked)
    assert loaded.kb is not None
    settings = loaded.kb.settings
    handles = frozenset(m.handle for m in settings.team)
    if owner is not None and owner not in handles:
        raise click.BadParameter(
            f"{owner!r} is not a team handle{did_you_mean(owner, sorted(handles))}", param_hint="--owner"
        )
    window = within or settings.health.due_soon
    if within is None:  # each client's entries in kb.yaml's window were made with its insight
        entries = sorted_due(due_in_window(loaded, asked), today, owner)
    else:
        insights = asked.filters.apply(loaded.insights)
        entries = due_entries(insights, handles, today, DueWindow.of(settings, within), owner)
    if output_format == "json":
        click.echo(due_json(entries))
    else:
        _echo(due_view(entries, today, window.describe(), owner, _width(), _paint))


@main.command()
@click.argument("client", required=False)
@FORMAT_OPTION
@insight_options
@click.pass_obj
def health(ctx: Context, client: str | None, output_format: str, asked: Asked) -> None:
    """Health (red, amber, green) and its reasons, for every client or one."""
    from generator.cli.terminal import health_view
    from generator.parse.errors import did_you_mean
    from generator.site.exports import health_json

    computed = _computed(ctx, asked)
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
@insight_options
@click.pass_obj
def stats(ctx: Context, output_format: str, asked: Asked) -> None:
    """Portfolio metrics: NPS, retention, check-in compliance, revenue, effort."""
    from generator.cli.terminal import stats_view
    from generator.site.exports import portfolio_record, to_json

    computed = _computed(ctx, asked)
    if output_format == "json":
        click.echo(to_json(portfolio_record(computed.portfolio)))
    else:
        _echo(stats_view(computed.portfolio, len(computed.insights), _width(), _paint, asked.filters.describe()))
