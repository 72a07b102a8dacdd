"""The dashboard: what needs attention today, and the portfolio's figures."""

from __future__ import annotations

from generator.compute.metrics import UPCOMING_WINDOW, Portfolio
from generator.model.dates import shift_days
from generator.site import charts
from generator.site.context import (
    DASHBOARD_LIMIT,
    HEALTH_ORDER,
    evidence_link,
    render_page,
)
from generator.site.portfolio.everyone import Everyone


def dashboard_page(everyone: Everyone, portfolio: Portfolio) -> bytes:
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
