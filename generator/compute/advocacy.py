"""The advocacy pipeline (docs/health.md, "Advocacy"): whether a client is ready to be asked for a
referral, a testimonial, a case study or a review, has been asked, or has done it. Pure: a function
of the record, its NPS answers and wins, kb.yaml's `advocacy` settings and `today`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from generator.model.logged import Answer, WinEntry
from generator.model.records import AdvocacyAsk, ClientRecord
from generator.model.settings import AdvocacySettings

AdvocacyState = Literal["ready", "asked", "done", "none"]
NOT_ASKED = frozenset({"prospect", "former"})


@dataclass(frozen=True, slots=True)
class AdvocacyView:
    state: AdvocacyState
    reason: str
    last_ask: AdvocacyAsk | None = None


NO_ADVOCACY = AdvocacyView("none", "")
"""Before it is computed."""


def advocacy(
    record: ClientRecord,
    nps: Sequence[Answer],
    wins: Sequence[WinEntry],
    settings: AdvocacySettings,
    today: dt.date,
) -> AdvocacyView:
    """1. The last ask within `ask_again_after`: waiting or agreed -> asked, done -> done, declined ->
    none (not again yet). 2. Else a promoter (the latest NPS answer within `promoter_within` is 9 or
    10) with a win within `recent_win` -> ready. 3. Else done if an ask was ever done, else none."""
    if record.status in NOT_ASKED:
        return AdvocacyView("none", f"a {record.status} client is not asked")
    asks = sorted((a for a in record.advocacy.asks if a.date <= today), key=lambda a: a.date)
    last = asks[-1] if asks else None
    if last is not None and settings.ask_again_after.after(last.date) > today:
        what = f"{last.kind} asked on {last.date}"
        if last.outcome in ("waiting", "agreed"):
            return AdvocacyView("asked", f"{what}: {last.outcome}", last)
        if last.outcome == "done":
            return AdvocacyView("done", f"{what}: done", last)
        return AdvocacyView(
            "none", f"{what}: declined; ask again from {settings.ask_again_after.after(last.date)}", last
        )
    answers = [a for a in nps if settings.promoter_within.before(today) <= a.date <= today]
    recent = [w for w in wins if settings.recent_win.before(today) <= w.date <= today]
    if answers and answers[-1].score >= 9 and recent:
        promoter, win = answers[-1], recent[-1]
        return AdvocacyView("ready", f"NPS {promoter.score} on {promoter.date}, win on {win.date}: {win.summary}", last)
    done = [a for a in asks if a.outcome == "done"]
    if done:
        return AdvocacyView("done", f"{done[-1].kind} done, asked on {done[-1].date}", done[-1])
    return AdvocacyView("none", "not a promoter with a recent win", last)
