"""The client journey: clients by lifecycle status, with the playbooks of each stage."""

from __future__ import annotations

from generator.model.vocabulary import STATUSES
from generator.site.context import (
    render_page,
)
from generator.site.portfolio.everyone import Everyone

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


def journey_page(everyone: Everyone) -> bytes:
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
