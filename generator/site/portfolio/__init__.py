"""The pages made from every client (dashboard, client list, owners, actions, audit, journey,
playbooks) and the whole-site files (calendars, exports): rendered once, from the computed model
and the clients' pre-rendered fragments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from generator.compute.insights import ClientInsight
from generator.compute.metrics import Portfolio
from generator.model.settings import Settings
from generator.site.actions import ActionRowCache, action_order
from generator.site.client_pages import ClientFragments, client_fragments
from generator.site.context import SiteContext, people, render_page
from generator.site.digest_pages import digest_outputs, site_digests
from generator.site.portfolio.advocacy_page import advocacy_page
from generator.site.portfolio.dashboard import dashboard_output, dashboard_views
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


Producer = Callable[[], Iterable[Output]]
"""Some of the whole-site outputs: made by calling it, in this process or in a worker forked after
the producers were made (each depends only on what it closes over)."""


def portfolio_producers(
    insights: Sequence[ClientInsight],
    portfolio: Portfolio,
    site: SiteContext,
    fragments: Mapping[str, ClientFragments] | None = None,
    row_cache: ActionRowCache | None = None,
) -> list[Producer]:
    """The pages made from every client, in the order they are written, as producers that can run
    apart (the costliest first, so that workers given them in order finish together). The calendars
    and the export, hundreds of megabytes on a large base, come as pieces to write one after the
    other. `fragments` are the clients' pre-rendered parts; any that is missing is made here."""
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
    views = dashboard_views(site.settings)
    return [
        *(partial(digest_outputs, site, digest) for digest in site_digests(everyone.ordered, site)),
        *(partial(dashboard_output, everyone, portfolio, view, views) for view in views),
        lambda: [("clients/index.html", client_list(everyone))],
        lambda: [("team.html", team_page(everyone, portfolio))],
        lambda: owner_pages(everyone, portfolio),
        lambda: [("actions.html", actions_page(everyone))],
        lambda: [("audit.html", audit_page(everyone))],
        lambda: [("journey.html", journey_page(everyone, portfolio.journey))],
        lambda: [("advocacy.html", advocacy_page(everyone))],
        lambda: playbook_pages(everyone),
        lambda: [("search.html", render_page("search.html", "", "", "Search", site))],
        lambda: [("404.html", not_found_page(site, not_found_root(site.settings)))],
        lambda: feeds_and_exports(everyone),
    ]
