"""Responses to risks (docs/health.md): kb.yaml's `responses:` name the playbook that answers a flag
and the time to start it. A flag so answered is `unanswered` until a run of that playbook starts
(or a meeting is held) after it was raised, `in-progress` while the run has open steps, `answered`
once they are all ticked or a meeting was held since. An unanswered flag past its `respond_by`
raises `response-overdue`, a risk of its own that `responses:` cannot map. Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from generator.compute.checkins import past_notes
from generator.compute.health import HealthFlag, ResponseState
from generator.model.records import Client
from generator.model.settings import Settings

RESPONSE_OVERDUE = "response-overdue"


def _state(flag: HealthFlag, playbook: str, client: Client, today: dt.date) -> ResponseState:
    runs = [r for r in client.runs if r.meta.playbook == playbook and flag.raised <= r.meta.started <= today]
    if any(not run.done for run in runs):
        return "in-progress"
    if runs:
        return "answered"
    met = any(n.meta.held and n.meta.date > flag.raised for n in past_notes(client, today))
    return "answered" if met else "unanswered"


def answer(flags: tuple[HealthFlag, ...], client: Client, settings: Settings, today: dt.date) -> tuple[HealthFlag, ...]:
    """`flags` with their response state, and `response-overdue` after them when one is late."""
    answered: list[HealthFlag] = []
    late: list[HealthFlag] = []
    for flag in flags:
        response = settings.responses.get(flag.code)
        if response is None:
            answered.append(flag)
            continue
        state = _state(flag, response.playbook, client, today)
        by = response.within.after(flag.raised)
        flag = replace(flag, playbook=response.playbook, response=state, respond_by=by)
        answered.append(flag)
        if state == "unanswered" and by < today:
            late.append(flag)
    if late and RESPONSE_OVERDUE not in settings.health.disabled and client.record.status != "former":
        first = min(late, key=lambda f: (f.respond_by or today, f.code))
        assert first.respond_by is not None
        days = (today - first.respond_by).days
        others = f" and {len(late) - 1} more" if len(late) > 1 else ""
        answered.append(
            HealthFlag(
                code=RESPONSE_OVERDUE,
                severity="risk",
                reason=f"no response to {first.code} since {first.respond_by} ({days} days late): "
                f"run {first.playbook}{others}",
                file=first.file,
                line=first.line,
                raised=first.respond_by,
            )
        )
    return tuple(answered)
