"""The playbook index and a page per playbook."""

from __future__ import annotations

from collections.abc import Iterator

from generator.site.context import (
    body_html,
    edit_url,
    render_page,
)
from generator.site.playbooks import applies_to, stale_since
from generator.site.portfolio.everyone import Everyone, Output


def playbook_pages(everyone: Everyone) -> Iterator[Output]:
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
