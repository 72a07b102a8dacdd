"""Checks that span records: references that must resolve and rules between fields.

Each check is a small function returning problems, listed in a table (Beancount's
`ops/validation.py` is the model). Checks of one client need only that client and the `References`
it may point at, so they run beside the client's loading, in parallel; `KB_VALIDATIONS` are the few
that need the whole knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.model.records import Client, KnowledgeBase
from generator.parse.validate.clients import (
    client_people_resolve,
    client_segment_resolves,
    escalation_dates,
    lifecycle_dates,
    names_are_visible,
    note_attendees_and_dates,
    primary_contacts,
    referrals_resolve,
    runs_resolve,
)
from generator.parse.validate.contracts import churn_reason_known, renewal_values_agree, renewals_in_order
from generator.parse.validate.knowledge_base import (
    journey_stages_unique,
    playbook_references,
    playbook_stages_resolve,
    playbook_steps_resolve,
    responses_resolve,
)
from generator.parse.validate.logged import contacts_known, logged_escalation_dates, logged_once
from generator.parse.validate.refs import References
from generator.source.problems import Problem

__all__ = ["References", "validate_client", "validate_knowledge_base"]

ClientValidation = Callable[[Client, References], Iterator[Problem]]
KbValidation = Callable[[KnowledgeBase], Iterator[Problem]]

CLIENT_VALIDATIONS: tuple[ClientValidation, ...] = (
    client_people_resolve,
    client_segment_resolves,
    referrals_resolve,
    lifecycle_dates,
    primary_contacts,
    escalation_dates,
    note_attendees_and_dates,
    names_are_visible,
    runs_resolve,
    renewals_in_order,
    renewal_values_agree,
    churn_reason_known,
    logged_once,
    contacts_known,
    logged_escalation_dates,
)
KB_VALIDATIONS: tuple[KbValidation, ...] = (
    playbook_references,
    playbook_steps_resolve,
    responses_resolve,
    playbook_stages_resolve,
    journey_stages_unique,
)


def validate_client(client: Client, refs: References) -> list[Problem]:
    return [problem for check in CLIENT_VALIDATIONS for problem in check(client, refs)]


def validate_knowledge_base(kb: KnowledgeBase) -> list[Problem]:
    """The checks that need the whole knowledge base (client checks run in `validate_client`)."""
    return [problem for check in KB_VALIDATIONS for problem in check(kb)]
