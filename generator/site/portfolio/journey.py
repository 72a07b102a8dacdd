"""The client journey: the experience map computed from the records (generator/compute/journey.py),
the clients in each stage, and the playbooks of each stage."""

from __future__ import annotations

from generator.compute.journey import StageFigures
from generator.site.context import render_page
from generator.site.portfolio.everyone import Everyone


def journey_page(everyone: Everyone, figures: tuple[StageFigures, ...]) -> bytes:
    site = everyone.site
    stages = site.settings.journey
    playbooks = {s.id: [p for p in site.playbooks if p.meta.stage == s.id] for s in stages}
    return render_page(
        "journey.html",
        "",
        "journey.html",
        "Client journey",
        site,
        figures=figures,
        playbooks=playbooks,
        healths={i.id: i.health for i in everyone.ordered},
        general=[p for p in site.playbooks if p.meta.stage == "any"],
        **everyone.common,
    )
