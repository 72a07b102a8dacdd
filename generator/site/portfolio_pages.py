"""The pages made from every client (dashboard, client list, owners, actions, audit, journey,
playbooks) and the whole-site files (calendars, exports): rendered once, from the computed model
and the clients' pre-rendered fragments."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from generator.compute.insights import ClientInsight
from generator.compute.metrics import UPCOMING_WINDOW, Portfolio
from generator.model.dates import shift_days
from generator.model.settings import Settings
from generator.model.vocabulary import STATUSES
from generator.site import charts
from generator.site.actions import ActionRow, ActionRowCache, action_order
from generator.site.client_pages import ClientFragments, client_fragments
from generator.site.context import (
    DASHBOARD_LIMIT,
    HEALTH_ORDER,
    SiteContext,
    body_html,
    edit_url,
    evidence_link,
    people,
    render_page,
)
from generator.site.digest_pages import digest_outputs
from generator.site.exports import clients_json_chunks, health_csv
from generator.site.feeds import calendar_chunks
from generator.site.playbooks import applies_to, stale_since

Output = tuple[str, bytes | Iterator[bytes]]
"""A path and its bytes, whole or (calendars, exports) as pieces to write one after the other."""

STAGE_LABELS = {
    "prospect": "Prospect",
    "onboarding": "Onboarding",
    "active": "Active",
    "paused": "Paused",
    "offboarding": "Offboarding",
    "former": "Former",
}
# Which playbook stages belong to which lifecycle status on the journey page.
STATUS_STAGES = {
    "prospect": ("discovery",),
    "onboarding": ("onboarding", "planning"),
    "active": ("execution", "review", "renewal"),
    "paused": (),
    "offboarding": ("offboarding",),
    "former": (),
}


def static_assets() -> list[Path]:
    """The stylesheet, script and icon every page links to (copied to `assets/`)."""
    folder = Path(__file__).parent / "static"
    return [p for p in folder.iterdir() if p.is_file()]


def not_found_root(settings: Settings) -> str:
    """Web servers send 404.html for a missing page at any depth, so its links cannot be relative:
    they start at the path of kb.yaml's `base_url`, else at the server's root."""
    if settings.base_url is None:
        return "/"
    path = urlsplit(settings.base_url).path
    return path if path.endswith("/") else path + "/"


def not_found_page(site: SiteContext, root: str) -> bytes:
    """The "page not found" page, its links starting at `root` (`serve` gives the way back to the
    site root from the missing page's folder)."""
    return render_page("404.html", root, "", "Page not found", site)


@dataclass(frozen=True, slots=True)
class _Everyone:
    """What the whole-site pages are made from, computed once."""

    site: SiteContext
    ordered: list[ClientInsight]
    """Every client, by name."""
    parts: list[ClientFragments]
    """Each of `ordered`'s fragments."""
    rows: list[ActionRow]
    """Every open action item, by due date."""
    common: dict[str, Any]
    """What every page's template is given."""


def portfolio_pages(
    insights: Sequence[ClientInsight],
    portfolio: Portfolio,
    site: SiteContext,
    fragments: Mapping[str, ClientFragments] | None = None,
    row_cache: ActionRowCache | None = None,
) -> Iterator[Output]:
    """The pages made from every client, one at a time (so that each is written and freed before the
    next is made); the calendars and the export, hundreds of megabytes on a large base, come as
    pieces to write one after the other. `fragments` are the clients' pre-rendered parts; any that
    is missing is made here."""
    ordered = sorted(insights, key=lambda i: i.record.name.casefold())
    parts = [(fragments or {}).get(i.id) or client_fragments(i, site) for i in ordered]
    rows = sorted((row for part in parts for row in part.actions), key=action_order)
    common = {
        "people": people(site.settings),
        "segments": site.settings.segments,
        "names": site.names,
        "row_cache": row_cache,
    }
    everyone = _Everyone(site, ordered, parts, rows, common)
    yield "index.html", _dashboard(everyone, portfolio)
    yield "clients/index.html", _client_list(everyone)
    yield from _owner_pages(everyone)
    yield from digest_outputs(everyone.ordered, site)
    yield "actions.html", _actions_page(everyone)
    yield "audit.html", _audit_page(everyone)
    yield "journey.html", _journey_page(everyone)
    yield from _playbook_pages(everyone)
    yield "search.html", render_page("search.html", "", "", "Search", site)
    yield "404.html", not_found_page(site, not_found_root(site.settings))
    yield from _feeds_and_exports(everyone)
    if row_cache is not None:
        row_cache.next_round()


def _dashboard(everyone: _Everyone, portfolio: Portfolio) -> bytes:
    site = everyone.site
    today = site.today
    current = [i for i in everyone.ordered if i.record.status != "former"]
    attention = sorted(
        (i for i in current if i.health in ("red", "amber")),
        key=lambda i: (HEALTH_ORDER[i.health], -len(i.flags), i.record.name.casefold()),
    )
    week = shift_days(today, 7)
    checkins = sorted(
        (i for i in current if i.checkin.state is not None and i.checkin.next_due <= week),
        key=lambda i: (i.checkin.next_due, i.id),
    )
    horizon = UPCOMING_WINDOW.after(today)
    renewals = sorted(
        (i for i in current if i.record.contract.renewal is not None and i.record.contract.renewal <= horizon),
        key=lambda i: (i.record.contract.renewal or today, i.id),
    )
    overdue = [r for r in everyone.rows if r.overdue]
    counts = {colour: sum(1 for i in current if i.health == colour) for colour in ("red", "amber", "green")}
    return render_page(
        "dashboard.html",
        "",
        "index.html",
        "Dashboard",
        site,
        attention=attention[:DASHBOARD_LIMIT],
        attention_more=max(0, len(attention) - DASHBOARD_LIMIT),
        evidence=evidence_link(site, ""),
        checkins=checkins[:DASHBOARD_LIMIT],
        checkins_more=max(0, len(checkins) - DASHBOARD_LIMIT),
        renewals=renewals[:DASHBOARD_LIMIT],
        renewals_more=max(0, len(renewals) - DASHBOARD_LIMIT),
        overdue_actions=overdue[:DASHBOARD_LIMIT],
        overdue_more=max(0, len(overdue) - DASHBOARD_LIMIT),
        counts=counts,
        current=len(current),
        portfolio=portfolio,
        upcoming=portfolio.upcoming,
        nps_chart=charts.nps_trend(portfolio.nps_trend),
        health_chart=charts.health_bar(portfolio.by_health),
        timeline_chart=charts.health_over_time(site.timeline.months, site.timeline.counts()),
        **everyone.common,
    )


def _client_list(everyone: _Everyone) -> bytes:
    return render_page(
        "clients.html",
        "../",
        "clients/index.html",
        "Clients",
        everyone.site,
        insights=everyone.ordered,
        rows=[Markup(part.client_row) for part in everyone.parts],
        **everyone.common,
    )


def _owner_pages(everyone: _Everyone) -> Iterator[Output]:
    ordered = everyone.ordered
    for member in everyone.site.settings.team:
        owned = [i for i in ordered if i.record.owner == member.handle]
        teamed = [i for i in ordered if member.handle in i.record.team and i.record.owner != member.handle]
        owned_rows = [
            Markup(part.owned_row)
            for i, part in zip(ordered, everyone.parts, strict=True)
            if i.record.owner == member.handle
        ]
        yield (
            f"owners/{member.handle}.html",
            render_page(
                "owner.html",
                "../",
                "",
                member.name,
                everyone.site,
                searchable=True,
                member=member,
                owned=owned,
                owned_rows=owned_rows,
                teamed=teamed,
                actions=[r for r in everyone.rows if r.owner == member.handle],
                health_order=HEALTH_ORDER,
                **everyone.common,
            ),
        )


def _actions_page(everyone: _Everyone) -> bytes:
    rows = everyone.rows
    by_owner = [(m.handle, [r for r in rows if r.owner == m.handle]) for m in everyone.site.settings.team]
    return render_page(
        "actions.html",
        "",
        "actions.html",
        "Open action items",
        everyone.site,
        by_owner=[(handle, owned) for handle, owned in by_owner if owned],
        total=len(rows),
        overdue=sum(1 for r in rows if r.overdue),
        **everyone.common,
    )


def _audit_page(everyone: _Everyone) -> bytes:
    return render_page(
        "audit.html",
        "",
        "audit.html",
        "Relationship audit",
        everyone.site,
        rows=[Markup(part.audit_row) for part in everyone.parts],
        **everyone.common,
    )


def _journey_page(everyone: _Everyone) -> bytes:
    playbooks = everyone.site.playbooks
    stages = []
    for status in STATUSES:
        wanted = STATUS_STAGES[status]
        stage_playbooks = [
            p
            for p in playbooks
            if p.meta.stage in wanted or (status in p.meta.applies_to.statuses and p.meta.stage != "any")
        ]
        stages.append(
            {
                "status": status,
                "label": STAGE_LABELS[status],
                "clients": [i for i in everyone.ordered if i.record.status == status],
                "playbooks": stage_playbooks,
            }
        )
    return render_page(
        "journey.html",
        "",
        "journey.html",
        "Client journey",
        everyone.site,
        stages=stages,
        general=[p for p in playbooks if p.meta.stage == "any"],
        **everyone.common,
    )


def _playbook_pages(everyone: _Everyone) -> Iterator[Output]:
    site = everyone.site
    settings = site.settings
    stale = {p.slug for p in site.playbooks if stale_since(p, site.today)}
    yield (
        "playbooks/index.html",
        render_page(
            "playbooks.html",
            "../",
            "playbooks/index.html",
            "Playbooks",
            site,
            playbooks=site.playbooks,
            stale=stale,
            applies=lambda p: applies_to(p, settings),
            **everyone.common,
        ),
    )
    for playbook in site.playbooks:
        path = f"playbooks/{playbook.slug}.html"
        yield (
            path,
            render_page(
                "playbook.html",
                "../",
                "playbooks/index.html",
                playbook.meta.title,
                site,
                searchable=True,
                playbook=playbook,
                applies=applies_to(playbook, settings),
                stale=stale_since(playbook, site.today),
                body=body_html(playbook.body, playbook.meta.title, path),
                change=site.history.last_changes.get(playbook.file),
                edit_url=edit_url(settings, playbook.file),
                **everyone.common,
            ),
        )


def _feeds_and_exports(everyone: _Everyone) -> Iterator[Output]:
    settings = everyone.site.settings
    events = [event for part in everyone.parts for event in part.calendar]
    yield "calendar.ics", calendar_chunks(events, settings.name, settings.timezone)
    for member in settings.team:
        own = [e for e in events if e.owner == member.handle]
        yield (
            f"calendar/{member.handle}.ics",
            calendar_chunks(own, f"{settings.name}: {member.name}", settings.timezone),
        )
    yield "data/clients.json", clients_json_chunks([part.export for part in everyone.parts])
    yield "data/health.csv", health_csv(everyone.ordered)
