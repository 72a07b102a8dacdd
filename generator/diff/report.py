"""A comparison of two revisions as people and tools read it: text for the terminal, Markdown for a
pull request comment (escaped: names are the user's), JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from generator.compute.health import HealthFlag
from generator.compute.insights import ClientInsight
from generator.diff.compare import ClientChange, KbDiff
from generator.markdown.escape import code_span as _code
from generator.markdown.escape import literal as _md

NONE = "\u2013"  # an en dash in empty table cells


def _health(value: str | None) -> str:
    return value or "none"


def _flag_text(flag: HealthFlag) -> str:
    return f"{flag.code}: {flag.reason}"


def _change_line(change: ClientChange) -> str:
    head = f"{change.name}: {_health(change.before)} -> {_health(change.after)}"
    if change.before == change.after:
        head = f"{change.name}: still {_health(change.after)}"
    reasons = "; ".join(_flag_text(f) for f in change.raised)
    return (f"{head} ({reasons})" if reasons else head) + _tier_text(change)


def _tier_text(change: ClientChange) -> str:
    if change.tier_before == change.tier_after:
        return ""
    return f"; tier {change.tier_before or 'none'} -> {change.tier_after or 'none'}"


def format_text(diff: KbDiff) -> str:
    lines = [f"Comparing {diff.base} -> {diff.head}, computed for {diff.today}"]
    if diff.empty:
        lines.append("No change to clients, health or problems.")
        return "\n".join(lines)
    for change in diff.changed:
        lines.append(_change_line(change))
        lines.extend(f"  + {f.code} ({f.severity}): {f.reason} [{f.file}:{f.line}]" for f in change.raised)
        lines.extend(f"  - {f.code}: cleared" for f in change.cleared)
    for insight in diff.added:
        lines.append(f"added: {insight.record.name} ({_health(insight.health)})")
    for insight in diff.removed:
        lines.append(f"removed: {insight.record.name}")
    for skipped in diff.not_compared:
        now = f"; now {skipped.after}" if skipped.after else ""
        lines.append(f"not compared: {skipped.name} ({skipped.why}{now})")
    if diff.new_problems:
        lines.append(f"new problems: {len(diff.new_problems)}")
        lines.extend(f"  {p.location}: {p.severity}: {p.message} [{p.code}]" for p in diff.new_problems)
    if diff.fixed_problems:
        lines.append(f"problems fixed: {diff.fixed_problems}")
    return "\n".join(lines)


def format_markdown(diff: KbDiff) -> str:
    lines = ["### clientkb: what this change does to the portfolio", ""]
    lines.append(f"Comparing {_code(diff.base)} with {_code(diff.head)}, computed for {diff.today}.")
    lines.append("")
    if diff.empty:
        lines.append("No change to clients, health or problems.")
        return "\n".join(lines) + "\n"
    if diff.changed or diff.added or diff.removed:
        lines += ["| client | health | flags raised | flags cleared |", "|---|---|---|---|"]
        for change in diff.changed:
            health = f"{_health(change.before)} → {_health(change.after)}"
            if change.tier_before != change.tier_after:
                health += f"<br>tier {_md(change.tier_before or 'none')} → {_md(change.tier_after or 'none')}"
            raised = "<br>".join(_md(_flag_text(f)) for f in change.raised) or NONE
            cleared = ", ".join(_md(f.code) for f in change.cleared) or NONE
            lines.append(f"| {_md(change.name)} | {health} | {raised} | {cleared} |")
        for insight in diff.added:
            flags = "<br>".join(_md(_flag_text(f)) for f in insight.flags) or NONE
            lines.append(f"| {_md(insight.record.name)} (added) | {_health(insight.health)} | {flags} | {NONE} |")
        for insight in diff.removed:
            lines.append(f"| {_md(insight.record.name)} (removed) | {NONE} | {NONE} | {NONE} |")
        lines.append("")
    if diff.not_compared:
        lines.append("**Not compared** (a side has errors, listed below or fixed by this change):")
        lines.append("")
        for skipped in diff.not_compared:
            now = f"; now {skipped.after}" if skipped.after else ""
            lines.append(f"- {_md(skipped.name)} ({skipped.why}{now})")
        lines.append("")
    if diff.new_problems:
        lines.append(f"**New problems ({len(diff.new_problems)}):**")
        lines.append("")
        lines.extend(f"- {_code(p.location)}: {_md(p.message)} ({p.code})" for p in diff.new_problems)
        lines.append("")
    if diff.fixed_problems:
        lines.append(f"Problems fixed: {diff.fixed_problems}.")
    return "\n".join(lines) + "\n"


def _flag_json(flag: HealthFlag) -> dict[str, Any]:
    return {"code": flag.code, "severity": flag.severity, "reason": flag.reason, "file": flag.file, "line": flag.line}


def format_json(diff: KbDiff) -> str:
    def client(insight: ClientInsight) -> dict[str, Any]:
        return {"client": insight.id, "name": insight.record.name, "health": insight.health}

    data = {
        "base": diff.base,
        "head": diff.head,
        "today": diff.today.isoformat(),
        "added": [client(i) for i in diff.added],
        "removed": [client(i) for i in diff.removed],
        "changed": [
            {
                "client": c.client,
                "name": c.name,
                "before": c.before,
                "after": c.after,
                "raised": [_flag_json(f) for f in c.raised],
                "cleared": [_flag_json(f) for f in c.cleared],
                "tier_before": c.tier_before,
                "tier_after": c.tier_after,
            }
            for c in diff.changed
        ],
        "new_problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "severity": str(p.severity),
                "code": p.code,
                "message": p.message,
                "hint": p.hint,
            }
            for p in diff.new_problems
        ],
        "fixed_problems": diff.fixed_problems,
        "not_compared": [
            {
                "client": n.client,
                "name": n.name,
                "errors_before": n.errors_before,
                "errors_after": n.errors_after,
                "after": n.after,
            }
            for n in diff.not_compared
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Any] = {"text": format_text, "markdown": format_markdown, "json": format_json}
