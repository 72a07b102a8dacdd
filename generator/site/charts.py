"""Small inline SVG charts, made at build time: no script, accessible (title and desc), escaped.

Each function returns markup for a `<figure>` holding the SVG and, for readers of screen readers
and of printouts, the same numbers as a plain table beside it. An SVG is drawn at its own size, one
unit a pixel, never scaled down (its text would shrink below 11 px on a phone): where the page is
narrower, the chart scrolls inside its own box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

from generator.compute.metrics import QuarterNps
from generator.model.logged import Answer
from generator.site.formatting import day, plural

WIDTH = 520
HEIGHT = 180
PAD_LEFT = 34
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28


def _figure(svg: str, caption: str, table: str) -> Markup:
    # The scroll box takes the keyboard focus (tabindex) so that it can be scrolled without a mouse.
    return Markup(
        f'<div class="chart"><figure><div class="chart-scroll" tabindex="0" role="group" '
        f'aria-label="{escape(caption)}">{svg}</div><figcaption>{escape(caption)}</figcaption></figure>'
        f'<details class="chart-data"><summary>{escape(caption)}: the numbers</summary>{table}</details></div>'
    )


def _svg_open(width: float, height: float, chart_id: str) -> str:
    return (
        f'<svg width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def score_history(answers: Sequence[Answer], low: int, high: int, title: str, chart_id: str) -> Markup:
    """Scores over time as a line with dots; `low`..`high` is the score scale (0-10 NPS, 1-5 CSAT)."""
    if not answers:
        return Markup("")
    first, last = answers[0].date, answers[-1].date
    span = max((last - first).days, 1)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(date: dt.date) -> float:
        if first == last:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * (date - first).days / span

    def y(score: float) -> float:
        return PAD_TOP + plot_h * (high - score) / (high - low)

    grid = []
    for value in range(low, high + 1, 1 if high - low <= 5 else 2):
        grid.append(
            f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>'
        )
    points = " ".join(f"{x(a.date):.1f},{y(a.score):.1f}" for a in answers)
    dots = "".join(
        f'<circle cx="{x(a.date):.1f}" cy="{y(a.score):.1f}" r="4"><title>{escape(day(a.date))}: {a.score}</title>'
        "</circle>"
        for a in answers
    )
    labels = (
        f'<text class="axis" x="{PAD_LEFT}" y="{HEIGHT - 8}">{escape(day(first))}</text>'
        f'<text class="axis" x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" text-anchor="end">{escape(day(last))}</text>'
    )
    description = ", ".join(f"{day(a.date)}: {a.score}" for a in answers)
    svg = (
        _svg_open(WIDTH, HEIGHT, chart_id) + f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(grid)}'
        f'<polyline class="line" points="{points}"/>{dots}{labels}</svg>'
    )
    table = _table(["date", "score", "comment"], [(day(a.date), a.score, a.comment or "") for a in answers])
    return _figure(svg, title, table)


def nps_trend(trend: Sequence[QuarterNps], chart_id: str = "nps-trend") -> Markup:
    """NPS by quarter as bars around zero (-100..+100), each with its number of answers under it (a
    quarter of one answer reads -100 or +100: n says how much that means). A quarter at exactly 0
    is drawn as a mark on the zero line, so that it does not read as a quarter without answers."""
    bottom = PAD_BOTTOM + 14  # two lines under the bars: the quarter, and n
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - bottom
    zero = PAD_TOP + plot_h / 2
    step = plot_w / max(len(trend), 1)
    parts = [
        f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}"/>',
        f'<text class="axis" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end">+100</text>',
        f'<text class="axis" x="{PAD_LEFT - 6}" y="{zero + 4:.1f}" text-anchor="end">0</text>',
        f'<text class="axis" x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h + 4}" text-anchor="end">-100</text>',
    ]
    for index, quarter in enumerate(trend):
        left = PAD_LEFT + index * step + step * 0.2
        centre = PAD_LEFT + index * step + step / 2
        answers = quarter.nps.responses
        label = escape(quarter.quarter)
        parts.append(
            f'<text class="axis" x="{centre:.1f}" y="{HEIGHT - 22}" text-anchor="middle">{label}</text>'
            f'<text class="axis" x="{centre:.1f}" y="{HEIGHT - 8}" text-anchor="middle">n={answers}</text>'
        )
        score = quarter.nps.score
        if score is None:
            continue
        height = max(abs(score) / 100 * plot_h / 2, 2.0)
        top = zero - height if score > 0 else zero - 1 if score == 0 else zero
        kind = "positive" if score > 0 else "zero" if score == 0 else "negative"
        parts.append(
            f'<rect class="bar {kind}" x="{left:.1f}" y="{top:.1f}" width="{step * 0.6:.1f}" height="{height:.1f}">'
            f"<title>{escape(quarter.quarter)}: {score:+.0f} ({plural(answers, 'answer')})</title></rect>"
        )
    description = ", ".join(
        f"{q.quarter}: "
        + ("no answers" if q.nps.score is None else f"{q.nps.score:+.0f} ({plural(q.nps.responses, 'answer')})")
        for q in trend
    )
    svg = (
        _svg_open(WIDTH, HEIGHT, chart_id) + f'<title id="{chart_id}-t">NPS by quarter</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(parts)}</svg>'
    )
    rows = [(q.quarter, "" if q.nps.score is None else f"{q.nps.score:+.0f}", q.nps.responses) for q in trend]
    return _figure(svg, "NPS by quarter", _table(["quarter", "NPS", "answers"], rows))


HEALTH_CLASSES = {"red": "red", "amber": "amber", "green": "green", "former": "none"}


def health_bar(counts: dict[str, int], chart_id: str = "health") -> Markup:
    """Clients by health as one stacked horizontal bar with a legend."""
    total = sum(counts.values())
    if not total:
        return Markup("")
    width = WIDTH - 2
    x = 1.0
    parts = []
    legend = []
    for index, (name, count) in enumerate(counts.items()):
        share = width * count / total
        css = HEALTH_CLASSES.get(name, "none")
        parts.append(
            f'<rect class="health-{css}" x="{x:.1f}" y="4" width="{share:.1f}" height="28">'
            f"<title>{escape(name)}: {count}</title></rect>"
        )
        x += share
        legend.append(
            f'<rect class="health-{css}" x="{1 + index * 130}" y="44" width="12" height="12"/>'
            f'<text class="axis" x="{18 + index * 130}" y="55">{escape(name)} {count}</text>'
        )
    description = ", ".join(f"{name}: {count}" for name, count in counts.items())
    svg = (
        _svg_open(WIDTH, 64, chart_id) + f'<title id="{chart_id}-t">Clients by health</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(parts)}{"".join(legend)}</svg>'
    )
    return _figure(svg, "Clients by health", _table(["health", "clients"], list(counts.items())))


def _month_label(health: str | None) -> str:
    return {"": "not a client yet", None: "former"}.get(health, health or "")


def health_strip(months: Sequence[dt.date], healths: Sequence[str | None], chart_id: str = "timeline") -> Markup:
    """One client's health at each month end, as a row of coloured squares."""
    if not months:
        return Markup("")
    size, gap = 28, 6
    width = len(months) * (size + gap)
    cells = []
    for index, (month, health) in enumerate(zip(months, healths, strict=True)):
        css = HEALTH_CLASSES.get(health or "former", "none") if health != "" else "absent"
        label = _month_label(health)
        x = index * (size + gap)
        cells.append(
            f'<rect class="health-{css}" x="{x}" y="2" width="{size}" height="{size}" rx="4">'
            f"<title>{escape(month.strftime('%b %Y'))}: {escape(str(label))}</title></rect>"
            f'<text class="axis" x="{x + size / 2}" y="{size + 16}" text-anchor="middle">'
            f"{escape(month.strftime('%b'))}</text>"
        )
    description = ", ".join(f"{m.strftime('%b %Y')}: {_month_label(h)}" for m, h in zip(months, healths, strict=True))
    svg = (
        _svg_open(width, size + 22, chart_id) + f'<title id="{chart_id}-t">Health at each month end</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(cells)}</svg>'
    )
    rows = [(m.strftime("%b %Y"), _month_label(h)) for m, h in zip(months, healths, strict=True)]
    return _figure(svg, "Health at each month end, from Git history", _table(["month", "health"], rows))


def health_over_time(
    months: Sequence[dt.date], counts: Sequence[dict[str, int]], chart_id: str = "health-time"
) -> Markup:
    """Clients by health at each month end, as stacked bars."""
    if not months:
        return Markup("")
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = max((sum(c.values()) for c in counts), default=0) or 1
    step = plot_w / len(months)
    parts = [
        f'<text class="axis" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end">{top}</text>',
        f'<text class="axis" x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h + 4}" text-anchor="end">0</text>',
    ]
    for index, (month, count) in enumerate(zip(months, counts, strict=True)):
        x = PAD_LEFT + index * step + step * 0.15
        y = float(PAD_TOP + plot_h)
        for health in ("green", "amber", "red"):
            height = plot_h * count[health] / top
            y -= height
            if height:
                parts.append(
                    f'<rect class="health-{health}" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{height:.1f}"><title>{escape(month.strftime("%b %Y"))}: {count[health]} {health}'
                    "</title></rect>"
                )
        parts.append(
            f'<text class="axis" x="{x + step * 0.35:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
            f"{escape(month.strftime('%b'))}</text>"
        )
    description = "; ".join(
        f"{m.strftime('%b %Y')}: {c['red']} red, {c['amber']} amber, {c['green']} green"
        for m, c in zip(months, counts, strict=True)
    )
    svg = (
        _svg_open(WIDTH, HEIGHT, chart_id) + f'<title id="{chart_id}-t">Clients by health, month by month</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>{"".join(parts)}</svg>'
    )
    rows = [(m.strftime("%b %Y"), c["red"], c["amber"], c["green"]) for m, c in zip(months, counts, strict=True)]
    return _figure(
        svg, "Clients by health at each month end, from Git history", _table(["month", "red", "amber", "green"], rows)
    )
