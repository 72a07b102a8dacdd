"""A page per team member."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from generator.site.context import (
    HEALTH_ORDER,
    render_page,
)
from generator.site.portfolio.everyone import Everyone, Output


def owner_pages(everyone: Everyone) -> Iterator[Output]:
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
