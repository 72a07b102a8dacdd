"""The advocacy page: clients ready to ask, asked and waiting, done, and what referrals brought in."""

from __future__ import annotations

from generator.compute.revenue import sum_amounts
from generator.model.terms import recurring_on
from generator.site.context import render_page
from generator.site.portfolio.everyone import Everyone


def advocacy_page(everyone: Everyone) -> bytes:
    site = everyone.site
    ordered = everyone.ordered
    referred = [(i, recurring_on(i.record, site.today)) for i in ordered if i.record.advocacy.referred_by]
    return render_page(
        "advocacy.html",
        "",
        "advocacy.html",
        "Advocacy",
        site,
        rules=site.settings.advocacy,
        ready=[i for i in ordered if i.advocacy.state == "ready"],
        asked=[i for i in ordered if i.advocacy.state == "asked"],
        done=[i for i in ordered if i.advocacy.state == "done"],
        referred=referred,
        referred_total=sum_amounts((i.record.contract.currency or "", v) for i, v in referred if v),
        **everyone.common,
    )
