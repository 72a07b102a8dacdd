"""The team page (everyone's workload in one table) and a page per team member."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from generator.compute.metrics import Portfolio
from generator.site.context import HEALTH_ORDER, render_page
from generator.site.portfolio.everyone import Everyone, Output


def team_page(everyone: Everyone, portfolio: Portfolio) -> bytes:
    load = {row.handle: row for row in portfolio.workload}
    team = everyone.site.settings.team
    return render_page(
        "team.html",
        "",
        "team.html",
        "Team",
        everyone.site,
        rows=[(member, load[member.handle]) for member in team],
        month=portfolio.workload[0].month if portfolio.workload else "",
        **everyone.common,
    )


def owner_pages(everyone: Everyone, portfolio: Portfolio) -> Iterator[Output]:
    ordered = everyone.ordered
    load = {row.handle: row for row in portfolio.workload}
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
                "team.html",
                member.name,
                everyone.site,
                searchable=True,
                member=member,
                load=load[member.handle],
                owned=owned,
                owned_rows=owned_rows,
                teamed=teamed,
                actions=[r for r in everyone.rows if r.owner == member.handle],
                health_order=HEALTH_ORDER,
                **everyone.common,
            ),
        )
