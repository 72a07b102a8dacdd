"""The pages made from every client (dashboard, client list, owners, actions, audit, journey,
playbooks) and the whole-site files (calendars, exports): rendered once, from the computed model
and the clients' pre-rendered fragments."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from generator.compute.insights import ClientInsight
from generator.compute.metrics import Portfolio
from generator.model.settings import Settings
from generator.site.actions import ActionRowCache, action_order
from generator.site.client_pages import ClientFragments, client_fragments
from generator.site.context import SiteContext, people, render_page
from generator.site.digest_pages import digest_outputs
from generator.site.portfolio.advocacy_page import advocacy_page
from generator.site.portfolio.dashboard import dashboards
from generator.site.portfolio.everyone import Everyone, Output
from generator.site.portfolio.journey import journey_page
from generator.site.portfolio.lists import actions_page, audit_page, client_list
from generator.site.portfolio.playbook_pages import playbook_pages
from generator.site.portfolio.team_pages import owner_pages, team_page
from generator.site.portfolio.whole_site_files import feeds_and_exports


def static_assets() -> list[Path]:
    """The stylesheet, script and icon every page links to (copied to `assets/`)."""
    folder = Path(__file__).parent.parent / "static"
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
    everyone = Everyone(site, ordered, parts, rows, common)
    yield from dashboards(everyone, portfolio)
    yield "clients/index.html", client_list(everyone)
    yield "team.html", team_page(everyone, portfolio)
    yield from owner_pages(everyone, portfolio)
    yield from digest_outputs(everyone.ordered, site)
    yield "actions.html", actions_page(everyone)
    yield "audit.html", audit_page(everyone)
    yield "journey.html", journey_page(everyone, portfolio.journey)
    yield "advocacy.html", advocacy_page(everyone)
    yield from playbook_pages(everyone)
    yield "search.html", render_page("search.html", "", "", "Search", site)
    yield "404.html", not_found_page(site, not_found_root(site.settings))
    yield from feeds_and_exports(everyone)
    if row_cache is not None:
        row_cache.next_round()
