"""A person's digest as people and tools read it: text for the terminal, Markdown for a CI job
summary or a chat message (user text escaped, as `diff --format markdown` does), JSON for scripts.
Every entry says its file and line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from generator.compute.digest import Celebration, Digest, FlagChange, Renewal, TierChange
from generator.compute.due import DueEntry
from generator.markdown.escape import code_span, literal
from generator.site.exports import due_record
from generator.site.json_text import indented_json

SECTIONS = ("due", "raised", "cleared", "tiers", "renewals", "celebrate")
TITLES = {
    "due": "To do",
    "raised": "Flags raised",
    "cleared": "Flags cleared",
    "tiers": "Loyalty tier changes",
    "renewals": "Renewals in the next 90 days",
    "celebrate": "To celebrate",
}


def _amount(renewal: Renewal) -> str:
    if renewal.value is None:
        return ""
    return f", {renewal.value:,.0f} {renewal.currency or ''}".rstrip()


def _lines(digest: Digest, text: Callable[[str], str], where: Callable[[str], str]) -> dict[str, list[str]]:
    """Each section's entries as one line each; `text` escapes user text, `where` a file:line."""

    def due(e: DueEntry) -> str:
        when = f"{e.state} {e.date}" if e.date else "no date"
        return f"{when} · {e.kind} · {text(e.client_name)}: {text(e.text)} ({where(f'{e.file}:{e.line}')})"

    def change(c: FlagChange) -> str:
        flag = c.flag
        place = where(f"{flag.file}:{flag.line}")
        return f"{text(c.client_name)}: {flag.code} ({flag.severity}), {text(flag.reason)} ({place})"

    def renewal(r: Renewal) -> str:
        health = f", {r.health}" if r.health else ""
        return f"{r.date} · {text(r.client_name)}{text(_amount(r))}{health} ({where(f'{r.file}:{r.line}')})"

    def celebrate(c: Celebration) -> str:
        return f"{c.date} · {c.kind} · {text(c.client_name)}: {text(c.text)} ({where(f'{c.file}:{c.line}')})"

    def tier(t: TierChange) -> str:
        moved = f"{text(t.before or 'no tier')} -> {text(t.after or 'no tier')}"
        return (
            f"{text(t.client_name)}: {moved}"
            + (f", {text(t.reason)}" if t.reason else "")
            + f" ({where(f'{t.file}:{t.line}')})"
        )

    return {
        "due": [due(e) for e in digest.due],
        "raised": [change(c) for c in digest.raised],
        "cleared": [change(c) for c in digest.cleared],
        "tiers": [tier(t) for t in digest.tiers],
        "renewals": [renewal(r) for r in digest.renewals],
        "celebrate": [celebrate(c) for c in digest.celebrate],
    }


def _history_line(digest: Digest) -> list[str]:
    if digest.history is None:
        return []
    return [f"Flags raised and cleared are not shown: {digest.history}."]


def format_text(digests: Sequence[Digest]) -> str:
    blocks = []
    for digest in digests:
        lines = [f"Digest for {digest.owner}, {digest.start} to {digest.today}", *_history_line(digest)]
        for key, entries in _lines(digest, str, str).items():
            if key in ("raised", "cleared", "tiers") and digest.history is not None:
                continue
            lines.append("")
            lines.append(f"{TITLES[key]} ({len(entries)})")
            lines.extend(f"  {entry}" for entry in entries or ["nothing"])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def format_markdown(digests: Sequence[Digest]) -> str:
    blocks = []
    for digest in digests:
        lines = [f"### Digest for {literal(digest.owner)}, {digest.start} to {digest.today}", ""]
        if digest.history is not None:
            lines.extend([literal(_history_line(digest)[0]), ""])
        for key, entries in _lines(digest, literal, code_span).items():
            if key in ("raised", "cleared", "tiers") and digest.history is not None:
                continue
            lines.append(f"**{TITLES[key]} ({len(entries)})**")
            lines.append("")
            lines.extend(f"- {entry}" for entry in entries or ["nothing"])
            lines.append("")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _change_json(change: FlagChange) -> dict[str, Any]:
    flag = change.flag
    return {
        "client": change.client,
        "name": change.client_name,
        "code": flag.code,
        "severity": flag.severity,
        "reason": flag.reason,
        "raised": flag.raised.isoformat(),
        "file": flag.file,
        "line": flag.line,
    }


def digest_record(digest: Digest) -> dict[str, Any]:
    return {
        "owner": digest.owner,
        "from": digest.start.isoformat(),
        "today": digest.today.isoformat(),
        "history": digest.history,
        "due": [due_record(e) for e in digest.due],
        "raised": [_change_json(c) for c in digest.raised] if digest.history is None else None,
        "cleared": [_change_json(c) for c in digest.cleared] if digest.history is None else None,
        "tiers": [
            {
                "client": t.client,
                "name": t.client_name,
                "before": t.before,
                "after": t.after,
                "reason": t.reason,
                "file": t.file,
                "line": t.line,
            }
            for t in digest.tiers
        ]
        if digest.history is None
        else None,
        "renewals": [
            {
                "client": r.client,
                "name": r.client_name,
                "date": r.date.isoformat(),
                "value": r.value,
                "currency": r.currency,
                "health": r.health,
                "file": r.file,
                "line": r.line,
            }
            for r in digest.renewals
        ],
        "celebrate": [
            {
                "kind": c.kind,
                "client": c.client,
                "name": c.client_name,
                "date": c.date.isoformat(),
                "text": c.text,
                "file": c.file,
                "line": c.line,
            }
            for c in digest.celebrate
        ],
    }


def format_json(digests: Sequence[Digest], single: bool) -> str:
    records = [digest_record(d) for d in digests]
    return indented_json(records[0] if single else records) + "\n"
