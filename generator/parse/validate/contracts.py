"""Checks of a client's contract history: renewals in order, outcomes that agree with the values,
and a former client's reason for leaving from kb.yaml's vocabulary."""

from __future__ import annotations

from collections.abc import Iterator

from generator.model.records import Client
from generator.model.terms import term_values
from generator.parse.errors import did_you_mean
from generator.parse.validate.refs import References, at
from generator.source.problems import Problem

_CHANGE = {"renewed": "stayed the same", "expanded": "grew", "contracted": "shrank"}


def renewals_in_order(client: Client, refs: References) -> Iterator[Problem]:
    """Oldest first, after `since`, and nothing after a churn."""
    record = client.record
    history = record.renewal_history
    for index, entry in enumerate(history):
        if index and entry.date <= history[index - 1].date:
            yield at(
                client.source,
                ("renewal_history", index, "date"),
                "error",
                "renewals-out-of-order",
                f"this renewal ({entry.date}) is not after the one before it ({history[index - 1].date})",
                "list renewal_history oldest first, one entry per renewal",
            )
        if entry.date < record.since:
            yield at(
                client.source,
                ("renewal_history", index, "date"),
                "warning",
                "renewal-before-since",
                f"this renewal ({entry.date}) is before the relationship began (since: {record.since})",
                "check the renewal's date, or since: the day the first contract began",
            )
        if entry.outcome == "churned" and index != len(history) - 1:
            yield at(
                client.source,
                ("renewal_history", index, "outcome"),
                "error",
                "renewal-after-churn",
                "the client churned here, yet renewals follow",
                "a churn ends the contract: it is the last entry; a client who came back is a new contract",
            )
    if history and history[-1].outcome == "churned" and record.status != "former":
        yield at(
            client.source,
            ("renewal_history", len(history) - 1, "outcome"),
            "warning",
            "churned-not-former",
            f"the last renewal says the client churned, but the status is {record.status!r}",
            "set status: former with until: the day it ended",
        )


def renewal_values_agree(client: Client, refs: References) -> Iterator[Problem]:
    """An expansion makes the next term worth more, a contraction less, a plain renewal the same."""
    record = client.record
    history = record.renewal_history
    values = term_values(record)
    for index, entry in enumerate(history):
        if entry.outcome == "churned":
            continue
        if entry.outcome != "renewed" and entry.value is None:
            yield at(
                client.source,
                ("renewal_history", index, "outcome"),
                "error",
                "missing-renewal-value",
                f"the outcome {entry.outcome!r} needs the value of the term that ended",
                "add value: what the contract was worth before this renewal",
            )
            continue
        before = values[index]
        after = values[index + 1] if index + 1 < len(history) else record.contract.value
        if before is None or after is None:
            continue
        agrees = {"renewed": after == before, "expanded": after > before, "contracted": after < before}
        if not agrees[entry.outcome]:
            yield at(
                client.source,
                ("renewal_history", index, "value"),
                "warning",
                "renewal-outcome-disagrees",
                f"the outcome is {entry.outcome}, but the value went from {before:g} to {after:g}, "
                f"where it {_CHANGE[entry.outcome]}",
                "value is what the term that ended was worth; the next term's value is the next entry's, "
                "or contract.value for the current term",
            )


def churn_reason_known(client: Client, refs: References) -> Iterator[Problem]:
    record = client.record
    reasons = refs.settings.churn_reasons
    if record.churn_reason is not None and record.churn_reason not in reasons:
        yield at(
            client.source,
            ("churn_reason",),
            "error",
            "unknown-churn-reason",
            f"{record.churn_reason!r} is not a churn reason{did_you_mean(record.churn_reason, list(reasons))}",
            f"reasons are listed in kb.yaml's churn_reasons: {', '.join(reasons)}"
            if reasons
            else "list the reasons clients leave in kb.yaml's churn_reasons, e.g. budget-cut: Budget cut",
        )
    if record.status == "former" and record.churn_reason is None:
        yield at(
            client.source,
            ("status",),
            "warning",
            "missing-churn-reason",
            "a former client has no churn_reason, so the reasons clients leave are not counted",
            f"add churn_reason: one of {', '.join(reasons)}"
            if reasons
            else "add churn_reason, and list the reasons in kb.yaml's churn_reasons",
        )
    elif record.status != "former" and record.churn_reason is not None:
        yield at(
            client.source,
            ("churn_reason",),
            "warning",
            "churn-reason-not-former",
            f"churn_reason is set but the status is {record.status!r}",
            "set status: former, or remove churn_reason",
        )
