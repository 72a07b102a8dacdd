"""The dashboard: what needs attention today, and the portfolio's figures, for every client and, on
pages of their own, for the clients of one segment, owner, status or health (docs/site.md,
"Filters"): a static site cannot compute a combination of filters, which the client list offers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.compute.filters import ClientFilter
from generator.compute.metrics import UPCOMING_WINDOW, Portfolio, portfolio
from generator.model.dates import shift_days
from generator.model.settings import Settings
from generator.model.vocabulary import STATUSES
from generator.site import charts
from generator.site.context import DASHBOARD_LIMIT, HEALTH_ORDER, evidence_link, render_page
from generator.site.portfolio.everyone import Everyone, Output

HEALTHS = ("red", "amber", "green")


@dataclass(frozen=True, slots=True)
class DashboardView:
    """One dashboard: every client's, or one filter value's."""

    path: str
    kind: str
    """"" for every client; else segment, owner, status or health."""
    value: str
    label: str
    filters: ClientFilter

    @property
    def root(self) -> str:
        return "../" if "/" in self.path else ""

    @property
    def query(self) -> str:
        """The same filter on the client list."""
        return f"?{self.kind}={self.value}" if self.kind else ""


EVERYONE = DashboardView("index.html", "", "", "every client", ClientFilter())


def dashboard_views(settings: Settings) -> list[DashboardView]:
    """A dashboard per segment, team member, status and health, after every client's."""
    views = [EVERYONE]
    for key, segment in settings.segments.items():
        views.append(
            DashboardView(
                f"dashboards/segment-{key}.html", "segment", key, segment.label, ClientFilter(segments=frozenset({key}))
            )
        )
    for member in settings.team:
        handle = member.handle
        views.append(
            DashboardView(
                f"dashboards/owner-{handle}.html",
                "owner",
                handle,
                member.name,
                ClientFilter(account_owners=frozenset({handle})),
            )
        )
    for status in STATUSES:
        views.append(
            DashboardView(
                f"dashboards/status-{status}.html", "status", status, status, ClientFilter(statuses=frozenset({status}))
            )
        )
    for health in HEALTHS:
        views.append(
            DashboardView(
                f"dashboards/health-{health}.html", "health", health, health, ClientFilter(healths=frozenset({health}))
            )
        )
    return views


def _only(everyone: Everyone, filters: ClientFilter) -> Everyone:
    kept = [(i, part) for i, part in zip(everyone.ordered, everyone.parts, strict=True) if filters.matches(i)]
    ids = {i.id for i, _ in kept}
    return replace(
        everyone,
        ordered=[i for i, _ in kept],
        parts=[part for _, part in kept],
        rows=[r for r in everyone.rows if r.client_id in ids],
    )


def dashboard_output(
    everyone: Everyone, every: Portfolio, view: DashboardView, views: list[DashboardView]
) -> list[Output]:
    """One dashboard: every client's (`every` is its portfolio), or one filter value's."""
    site = everyone.site
    if view is EVERYONE:
        return [(view.path, dashboard_page(everyone, every, view, views))]
    only = _only(everyone, view.filters)
    return [(view.path, dashboard_page(only, portfolio(only.ordered, site.today, site.settings), view, views))]


def dashboard_page(everyone: Everyone, portfolio: Portfolio, view: DashboardView, views: list[DashboardView]) -> bytes:
    site = everyone.site
    today = site.today
    root = view.root
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
    counts = {colour: sum(1 for i in current if i.health == colour) for colour in HEALTHS}
    ids = None if view is EVERYONE else {i.id for i in everyone.ordered}
    return render_page(
        "dashboard.html",
        root,
        "index.html",
        "Dashboard" if view is EVERYONE else f"Dashboard: {view.label}",
        site,
        view=view,
        views=views,
        attention=attention[:DASHBOARD_LIMIT],
        attention_more=max(0, len(attention) - DASHBOARD_LIMIT),
        evidence=evidence_link(site, root),
        checkins=checkins[:DASHBOARD_LIMIT],
        checkins_more=max(0, len(checkins) - DASHBOARD_LIMIT),
        renewals=renewals[:DASHBOARD_LIMIT],
        renewals_more=max(0, len(renewals) - DASHBOARD_LIMIT),
        overdue_actions=overdue[:DASHBOARD_LIMIT],
        overdue_more=max(0, len(overdue) - DASHBOARD_LIMIT),
        counts=counts,
        current=len(current),
        portfolio=portfolio,
        churn_labels=site.settings.churn_reasons,
        upcoming=portfolio.upcoming,
        nps_chart=charts.nps_trend(portfolio.nps_trend),
        health_chart=charts.health_bar(portfolio.by_health),
        timeline_chart=charts.health_over_time(site.timeline.months, site.timeline.counts(ids)),
        **everyone.common,
    )
