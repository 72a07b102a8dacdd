"""The lists of every client's rows: the client list, open action items, the relationship audit."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from generator.model.vocabulary import STATUSES
from generator.site.context import (
    page_pieces,
    render_page,
)
from generator.site.portfolio.everyone import Everyone


def client_list(everyone: Everyone) -> bytes:
    return render_page(
        "clients.html",
        "../",
        "clients/index.html",
        "Clients",
        everyone.site,
        insights=everyone.ordered,
        rows=[Markup(part.client_row) for part in everyone.parts],
        team=everyone.site.settings.team,
        statuses=STATUSES,
        **everyone.common,
    )


def actions_page(everyone: Everyone) -> Iterator[bytes]:
    """Every open action item: on a large base the largest page, made a piece at a time."""
    rows = everyone.rows
    by_owner = [(m.handle, [r for r in rows if r.owner == m.handle]) for m in everyone.site.settings.team]
    return page_pieces(
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


def audit_page(everyone: Everyone) -> bytes:
    return render_page(
        "audit.html",
        "",
        "audit.html",
        "Relationship audit",
        everyone.site,
        rows=[Markup(part.audit_row) for part in everyone.parts],
        **everyone.common,
    )
