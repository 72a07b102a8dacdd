"""The terminal's view of the leadership figures of `stats`: revenue retention, money at risk, the
renewal forecast, concentration, churn reasons and service levels; amounts always with their currency."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from generator.compute.journey import StageFigures
from generator.compute.revenue import Amount, RateRow, RevenueRetention
from generator.compute.service_levels import ServiceLevels
from generator.compute.workload import Workload

Paint = Callable[[str, str], str]


def _money(amounts: Sequence[Amount]) -> str:
    return ", ".join(f"{a.value:,.0f} {a.currency}".strip() for a in amounts) or "-"


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1f}%"


def _rows(kind: str, gross: Sequence[RateRow], net: Sequence[RateRow]) -> list[str]:
    net_by = {(r.group, r.currency): r for r in net}
    lines = []
    for row in gross:
        other = net_by[(row.group, row.currency)]
        group = "" if row.group == "all" else row.group[:16]
        lines.append(
            f"  {kind:<9} {group:<16} {row.currency or '?':<3} {row.clients:>7} {row.base:>12,.0f} "
            f"{_rate(row.rate):>8} {_rate(other.rate):>8}"
        )
    return lines


def _wrapped(text: str, width: int) -> list[str]:
    """A line of figures and the clients behind them, wrapped under its first words."""
    return textwrap.wrap(text, width=max(40, width), subsequent_indent=" " * 6, break_on_hyphens=False)


def revenue_lines(rr: RevenueRetention, width: int, paint: Paint) -> list[str]:
    grr, nrr = rr.grr, rr.nrr
    lines = [
        "",
        paint(f"Revenue retention, {grr.start} to {grr.end} (recurring contracts, yearly value)", "bold"),
        f"  {'':<9} {'':<16} {'':<3} {'clients':>7} {'at start':>12} {'gross':>8} {'net':>8}",
    ]
    lines += _rows("12 months", grr.trailing, nrr.trailing)
    lines += _rows("quarter", grr.by_quarter, nrr.by_quarter)
    lines += _rows("segment", grr.by_segment, nrr.by_segment)
    lines += _rows("owner", grr.by_owner, nrr.by_owner)
    lines += ["", paint("Contract value by health (yearly; projects whole)", "bold")]
    for risk in rr.at_risk:
        lines.append(f"  {risk.health:<6} {risk.clients:>3} clients  {_money(risk.amounts)}")
    lines += ["", paint("Renewal forecast", "bold")]
    for row in rr.forecast:
        if row.renewals:
            text = (
                f"  {row.quarter}  {row.health:<6} {row.renewals:>3}  {_money(row.amounts)}  ({', '.join(row.clients)})"
            )
            lines += _wrapped(text, width)
    if not any(row.renewals for row in rr.forecast):
        lines.append("  no renewal in the next four quarters")
    lines += ["", paint("Concentration: the 5 largest clients' share", "bold")]
    for c in rr.concentration:
        lines += _wrapped(f"  {c.currency or '?'}  {_rate(c.share)} of {c.total:,.0f}  ({', '.join(c.clients)})", width)
    lines += ["", paint("Why clients left, last 12 months", "bold")]
    for reason in rr.churn_reasons:
        lines.append(
            f"  {reason.reason:<16} {len(reason.clients):>3}  {_money(reason.amounts)}  ({', '.join(reason.clients)})"
        )
    if not rr.churn_reasons:
        lines.append("  no client left")
    return lines


def service_lines(levels: ServiceLevels, paint: Paint) -> list[str]:
    """Per segment and per owner: clients whose every promised check-in and review came in time."""
    lines = [
        "",
        paint(f"Service levels, {levels.quarter} ({levels.start} to {levels.end}): cadences kept", "bold"),
        f"  {'':<8} {'':<16} {'clients':>7} {'check-ins':>9} {'reviews':>9} {'all kept':>9}",
    ]
    for kind, rows in (("segment", levels.by_segment), ("owner", levels.by_owner)):
        for row in rows:
            reviews = f"{row.reviews_kept}/{row.reviews_promised}" if row.reviews_promised else "-"
            lines.append(
                f"  {kind:<8} {row.group[:16]:<16} {row.clients:>7} {row.checkins_kept:>9} {reviews:>9} "
                f"{_rate(row.rate):>9}"
            )
    if not levels.by_segment:
        lines.append("  no client was served through the whole quarter")
    return lines


def workload_lines(rows: Sequence[Workload], width: int, paint: Paint) -> list[str]:
    """Per team member: clients, last month's hours against budget, actions, risks, then the value."""
    if not rows:
        return []
    lines = [
        "",
        paint(f"Workload (hours in {rows[0].month})", "bold"),
        f"  {'person':<12} {'clients':>7} {'hours/budget':>13} {'actions':>8} {'overdue':>8} {'red':>4} {'amber':>6}",
    ]
    for row in rows:
        hours = f"{row.hours:g}/{row.budget:g}"
        lines.append(
            f"  {row.handle[:12]:<12} {row.clients:>7} {hours:>13} {row.open_actions:>8} {row.overdue_actions:>8} "
            f"{row.red:>4} {row.amber:>6}"
        )
        values = [f"recurring {_money(row.recurring)}" if row.recurring else "", _projects(row)]
        if any(values):
            lines += _wrapped("      " + "; ".join(v for v in values if v), width)
    return lines


def _projects(row: Workload) -> str:
    return f"projects {_money(row.projects)}" if row.projects else ""


def journey_lines(figures: Sequence[StageFigures], paint: Paint) -> list[str]:
    """The experience map's figures, a stage a line, its gaps said."""
    lines = ["", paint("Journey (experience map)", "bold")]
    lines.append(f"  {'stage':<14} {'clients':>7} {'median days':>11} {'touchpoints':>11} {'stalled':>7}")
    for f in figures:
        median = "-" if f.median_days is None else f"{f.median_days:g}"
        touch = f"{f.held:>5}/{f.expected:<5}"
        row = f"  {f.stage.label[:14]:<14} {len(f.clients):>7} {median:>11} {touch} {len(f.stalled):>7}"
        lines.append(row + ("  gap" if f.gaps else ""))
    return lines
