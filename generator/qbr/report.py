"""A client's quarterly review pack as Markdown (user text escaped, as the digest does) or JSON (every
entry with its file and line). The Markdown's sections are level-2 headings, so the same text is
the agenda `new meeting --type qbr` writes into the new note."""

from __future__ import annotations

import json

from generator.compute.qbr import NextStep, QbrPack
from generator.markdown.escape import code_span, literal
from generator.site.exports import plain


def format_json(pack: QbrPack) -> str:
    return json.dumps(plain(pack), indent=2, ensure_ascii=False) + "\n"


def _money(pack: QbrPack) -> str:
    if pack.value is None:
        return ""
    period = {"month": " a month", "year": " a year", "project": " (project)"}.get(pack.period or "", "")
    return f", {pack.value:,.0f} {pack.currency or ''}".rstrip() + period


def where(file: str, line: int) -> str:
    return code_span(f"{file}:{line}")


def _step(step: NextStep) -> str:
    """A plain list item, not a task item: pasted into a note (the agenda of `new meeting --type
    qbr`), it must not become an action item a second time."""
    who = "client's side" if step.who == "client" else literal(step.who) if step.who else ""
    details = ", ".join(part for part in (who, f"due {step.due}" if step.due else "") if part)
    return f"- {'done' if step.done else 'open'}: {literal(step.text)}" + (f" ({details})" if details else "")


def sections(pack: QbrPack) -> list[tuple[str, list[str]]]:
    """(heading, lines) for each part of the pack, lines as Markdown list items or sentences."""
    goals = [f"- {literal(g)}" for g in pack.goals] or ["No goals are written down: agree them in this review."]
    wins = [f"- {w.date}: {literal(w.summary)} ({where(w.file, w.line)})" for w in pack.wins] or ["No win recorded."]
    nps = [f"- NPS {a.score} on {a.date}" + (f": {literal(a.comment)}" if a.comment else "") for a in pack.nps]
    csat = [f"- CSAT {a.score} on {a.date}" + (f": {literal(a.comment)}" if a.comment else "") for a in pack.csat]
    hours = [
        f"- {m.month}: {m.spent:g} hours" + (f" of {m.budget:g}" if m.budget is not None else "") for m in pack.hours
    ]
    done = [f"- done: {literal(m.name)}, {m.done} ({where(m.file, m.line)})" for m in pack.milestones_done]
    coming = [f"- next: {literal(m.name)}, due {m.due} ({where(m.file, m.line)})" for m in pack.milestones_next]
    escalations = [
        f"- {literal(e.summary)} ({e.severity}): opened {e.opened}, " + (f"closed {e.closed}" if e.closed else "open")
        for e in pack.escalations
    ]
    risks = [
        f"- {f.code}: {literal(f.reason)}" + (f"; response {f.response} ({f.playbook})" if f.response else "")
        for f in pack.risks
    ]
    scope = [f"- included: {literal(i)}" for i in pack.included] + [f"- excluded: {literal(i)}" for i in pack.excluded]
    renewal = [f"Renewal: {pack.renewal or 'no date'}{_money(pack)}."]
    # Plain list items, not task items: pasted into a note (the agenda of `new meeting --type qbr`),
    # they must not become action items a second time.
    steps = [_step(step) for step in pack.next_steps]
    return [
        ("Goals and wins", [*goals, "", *wins]),
        ("Feedback, last 12 months", (nps + csat) or ["No answer."]),
        ("Hours against budget", hours),
        ("Milestones", (done + coming) or ["None."]),
        ("Escalations", escalations or ["None open, none in the period."]),
        ("Open risks and their responses", risks or ["No flag is raised."]),
        ("Scope and renewal", [*scope, "", *renewal] if scope else renewal),
        ("Proposed next steps", steps or ["No review held yet, or it proposed no next step."]),
    ]


def format_markdown(pack: QbrPack) -> str:
    lines = [
        f"# Quarterly review: {literal(pack.name)}",
        "",
        f"{pack.since} to {pack.today} · owner {literal(pack.owner)}"
        + (f" · since the review {code_span(pack.last_review)}" if pack.last_review else ""),
    ]
    for heading, body in sections(pack):
        lines += ["", f"## {heading}", "", *body]
    return "\n".join(lines) + "\n"


def agenda(pack: QbrPack) -> str:
    """The sections as the agenda of a new quarterly review's note (`new meeting --type qbr`)."""
    parts = [f"## {heading}\n\n" + "\n".join(body) + "\n\n" for heading, body in sections(pack)]
    return f"Prepared from the review pack of {pack.today} (`clientkb qbr {pack.client}`).\n\n" + "".join(parts)
