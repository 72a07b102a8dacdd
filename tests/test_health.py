"""Every health rule (docs/health.md) at its boundaries, on small repositories written inline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.config import BuildConfig
from generator.build.load import compute, load_knowledge_base
from generator.compute.insights import ClientInsight
from tests.conftest import KB_YAML, write_files

TODAY = dt.date(2026, 11, 20)

# An active growth client (cadence 1m, review every 3m) with a primary contact and nothing else.
BASE = """\
name: Acme Corp
status: {status}
segment: growth
owner: dana
since: {since}
contacts:
  - {{name: Ana Lima, primary: true}}
"""


def note(date: str, **fields: object) -> tuple[str, str]:
    lines = [f"date: {date}", f"type: {fields.pop('type', 'check-in')}"]
    body = str(fields.pop("body", "Notes."))
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return f"clients/acme/meetings/{date}-meeting.md", "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


Insight = Callable[..., ClientInsight]


@pytest.fixture
def insight(tmp_path: Path) -> Insight:
    counter = iter(range(1000))

    def make(
        extra: str = "",
        notes: list[tuple[str, str]] | None = None,
        status: str = "active",
        since: str = "2024-01-15",
        today: dt.date = TODAY,
        kb_extra: str = "",
    ) -> ClientInsight:
        root = tmp_path / f"kb{next(counter)}"
        files: dict[str, str | bytes] = {
            "kb.yaml": KB_YAML + kb_extra,
            "clients/acme/client.yaml": BASE.format(status=status, since=since) + extra,
        }
        files.update(dict(notes or []))
        write_files(root, files)
        loaded = load_knowledge_base(BuildConfig(root=root, jobs=1))
        errors = [p for p in loaded.problems if p.severity == "error"]
        assert not errors, errors
        assert loaded.kb is not None
        return compute(loaded.kb, today).insights[0]

    return make


def codes(insight: ClientInsight) -> set[str]:
    return {f.code for f in insight.flags}


def flag(insight: ClientInsight, code: str) -> tuple[str, str, int]:
    found = [f for f in insight.flags if f.code == code]
    assert found, f"{code} did not fire: {insight.flags}"
    return found[0].severity, found[0].file, found[0].line


# ---- check-ins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "next_due", "state"),
    [
        ("2026-10-20", "2026-11-20", "due"),  # due exactly today is not overdue
        ("2026-10-19", "2026-11-19", "overdue"),
        ("2026-10-27", "2026-11-27", "due"),  # today + 7 days: inclusive
        ("2026-10-28", "2026-11-28", "ok"),
    ],
)
def test_checkin_state_boundaries(insight: Insight, last: str, next_due: str, state: str) -> None:
    result = insight(notes=[note(last)])
    assert result.checkin.next_due == dt.date.fromisoformat(next_due)
    assert result.checkin.state == state
    assert ("checkin-overdue" in codes(result)) is (state == "overdue")


def test_agreed_next_date_wins_over_cadence(insight: Insight) -> None:
    result = insight(notes=[note("2026-11-02", next="2026-11-10")])
    assert result.checkin.next_due == dt.date(2026, 11, 10)
    assert flag(result, "checkin-overdue") == ("warn", "clients/acme/meetings/2026-11-02-meeting.md", 4)


@pytest.mark.parametrize(
    ("last", "today", "next_due"),
    [
        ("2026-01-31", dt.date(2026, 2, 10), dt.date(2026, 2, 28)),  # clamps to the month's end
        ("2028-01-31", dt.date(2028, 2, 10), dt.date(2028, 2, 29)),  # leap year
        ("2026-12-31", dt.date(2027, 1, 10), dt.date(2027, 1, 31)),  # across the year end
    ],
)
def test_monthly_cadence_across_month_ends(insight: Insight, last: str, today: dt.date, next_due: dt.date) -> None:
    assert insight(notes=[note(last)], today=today, since="2020-01-01").checkin.next_due == next_due


def test_meeting_not_held_is_not_contact(insight: Insight) -> None:
    result = insight(notes=[note("2026-10-01"), note("2026-11-15", held="false")])
    assert result.checkin.last_contact == dt.date(2026, 10, 1)
    assert result.checkin.state == "overdue"


def test_future_note_is_a_plan_not_contact(insight: Insight) -> None:
    result = insight(notes=[note("2026-10-01"), note("2026-12-01", nps=2)])
    assert result.checkin.last_contact == dt.date(2026, 10, 1)
    assert result.nps == ()
    assert "nps-detractor" not in codes(result)


def test_client_with_no_notes_counts_from_since(insight: Insight) -> None:
    result = insight(since="2026-10-31")
    assert result.checkin.last_contact is None
    assert result.checkin.next_due == dt.date(2026, 11, 30)
    assert result.checkin.state == "ok"
    overdue = insight(since="2026-09-30")
    assert flag(overdue, "checkin-overdue") == ("warn", "clients/acme/client.yaml", 5)


def test_communication_cadence_overrides_segment(insight: Insight) -> None:
    result = insight("communication: {cadence: 2w}\n", notes=[note("2026-11-01")])
    assert result.checkin.next_due == dt.date(2026, 11, 15)


@pytest.mark.parametrize("status", ["prospect", "paused"])
def test_prospect_and_paused_skip_the_checkin_family(insight: Insight, status: str) -> None:
    notes = [note("2026-01-05"), note("2026-02-05", held="false"), note("2026-03-05", held="false")]
    result = insight("nps:\n  - {date: 2026-06-01, score: 3}\n", notes=notes, status=status, since="2025-01-01")
    assert result.checkin.state is None
    assert codes(result) == {"nps-detractor"}
    assert result.health == "red"


def test_former_client_has_no_flags_and_no_health(insight: Insight) -> None:
    result = insight("until: 2026-06-30\nnps:\n  - {date: 2026-06-01, score: 3}\n", status="former")
    assert result.flags == () and result.health is None and result.checkin.state is None


# ---- gone quiet, reviews, meetings -------------------------------------------------------------


@pytest.mark.parametrize(("last", "fires"), [("2026-09-21", False), ("2026-09-20", True)])
def test_gone_quiet_boundary(insight: Insight, last: str, fires: bool) -> None:
    # Cadence 1m counted from the last contact: 2026-09-21 + 1m = 30 days, so quiet after 60 days;
    # 2026-09-21 is 60 days before today (not more), 2026-09-20 is 61.
    result = insight(notes=[note(last)])
    assert ("gone-quiet" in codes(result)) is fires


def test_gone_quiet_threshold_from_kb(insight: Insight) -> None:
    result = insight(notes=[note("2026-10-01")], kb_extra="health: {quiet_after: 1.5}\n")
    # 50 days since 2026-10-01; 1.5 x 31 days = 46.5
    assert flag(result, "gone-quiet")[0] == "risk"


@pytest.mark.parametrize(
    ("review", "fires"),
    [("2026-08-20", False), ("2026-08-19", True)],  # within 3m of today: from 2026-08-20, inclusive
)
def test_review_overdue_boundary(insight: Insight, review: str, fires: bool) -> None:
    result = insight(notes=[note(review, type="qbr"), note("2026-11-10")])
    assert ("review-overdue" in codes(result)) is fires


def test_review_overdue_counts_from_since_without_reviews(insight: Insight) -> None:
    assert "review-overdue" not in codes(insight(notes=[note("2026-11-10")], since="2026-08-20"))
    assert flag(insight(notes=[note("2026-11-10")], since="2026-08-19"), "review-overdue")[1:] == (
        "clients/acme/client.yaml",
        5,
    )


def test_review_not_held_does_not_count(insight: Insight) -> None:
    result = insight(notes=[note("2026-10-01", type="review", held="false"), note("2026-11-10")], since="2026-01-01")
    assert "review-overdue" in codes(result)


@pytest.mark.parametrize(
    ("held", "fires"),
    [
        (["true", "false", "false"], True),
        (["false", "true", "false"], True),
        (["false", "false", "true"], True),
        (["false", "true", "true"], False),
        (["false", "false"], True),  # fewer than three meetings: two of two
        (["false"], False),
        (["false", "false", "true", "true", "true"], False),  # only the last three count
    ],
)
def test_missed_meetings(insight: Insight, held: list[str], fires: bool) -> None:
    notes = [note(f"2026-11-{day:02d}", held=h) for day, h in zip(range(10, 20), held, strict=False)]
    assert ("missed-meetings" in codes(insight(notes=notes))) is fires


def test_negative_sentiment_needs_the_last_two_held(insight: Insight) -> None:
    two = [note("2026-11-01", sentiment="negative"), note("2026-11-10", sentiment="negative")]
    assert flag(insight(notes=two), "negative-sentiment") == (
        "warn",
        "clients/acme/meetings/2026-11-10-meeting.md",
        4,
    )
    skipped = [*two[:1], note("2026-11-05", held="false"), *two[1:]]
    assert "negative-sentiment" in codes(insight(notes=skipped))
    mixed = [note("2026-11-01", sentiment="negative"), note("2026-11-10", sentiment="neutral")]
    assert "negative-sentiment" not in codes(insight(notes=mixed))


# ---- feedback ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "fires"), [(6, True), (7, False), (0, True)])
def test_nps_detractor_boundary(insight: Insight, score: int, fires: bool) -> None:
    result = insight(f"nps:\n  - {{date: 2026-10-01, score: {score}}}\n")
    assert ("nps-detractor" in codes(result)) is fires


def test_latest_nps_is_by_date_across_record_and_notes(insight: Insight) -> None:
    record = "nps:\n  - {date: 2026-09-01, score: 9}\n  - {date: 2026-11-01, score: 10}\n"
    result = insight(record, notes=[note("2026-10-01", nps=5)])
    assert [a.score for a in result.nps] == [9, 5, 10]
    assert "nps-detractor" not in codes(result)
    result = insight(record, notes=[note("2026-11-05", nps=5)])
    assert flag(result, "nps-detractor") == ("risk", "clients/acme/meetings/2026-11-05-meeting.md", 4)
    assert flag(result, "nps-drop")[0] == "warn"


@pytest.mark.parametrize(("before", "after", "fires"), [(9, 6, True), (9, 7, False), (10, 7, True)])
def test_nps_drop_boundary(insight: Insight, before: int, after: int, fires: bool) -> None:
    record = f"nps:\n  - {{date: 2026-06-01, score: {before}}}\n  - {{date: 2026-10-01, score: {after}}}\n"
    assert ("nps-drop" in codes(insight(record))) is fires


def test_nps_thresholds_from_kb(insight: Insight) -> None:
    record = "nps:\n  - {date: 2026-06-01, score: 9}\n  - {date: 2026-10-01, score: 7}\n"
    result = insight(record, kb_extra="health: {nps_detractor_max: 7, nps_drop: 2}\n")
    assert {"nps-detractor", "nps-drop"} <= codes(result)


@pytest.mark.parametrize(("score", "fires"), [(2, True), (3, False)])
def test_csat_low(insight: Insight, score: int, fires: bool) -> None:
    record = f"csat:\n  - {{date: 2026-01-01, score: 1}}\n  - {{date: 2026-10-01, score: {score}}}\n"
    assert ("csat-low" in codes(insight(record))) is fires


# ---- escalations, actions, milestones, contract -----------------------------------------------------


@pytest.mark.parametrize(
    ("escalation", "severity"),
    [
        ("{opened: 2026-10-01, summary: Late, severity: high}", "risk"),
        ("{opened: 2026-10-01, summary: Late, severity: low}", "warn"),
        ("{opened: 2026-10-01, summary: Late}", "warn"),
        ("{opened: 2026-10-01, summary: Late, severity: high, closed: 2026-10-02}", None),
    ],
)
def test_escalation_open(insight: Insight, escalation: str, severity: str | None) -> None:
    result = insight(f"escalations:\n  - {escalation}\n")
    if severity is None:
        assert "escalation-open" not in codes(result)
    else:
        assert flag(result, "escalation-open") == (severity, "clients/acme/client.yaml", 9)


def _items(*lines: str) -> list[tuple[str, str]]:
    return [note("2026-11-10", body="## Action items\n" + "\n".join(lines))]


@pytest.mark.parametrize(
    ("lines", "severity"),
    [
        (["- [ ] Send it @dana due:2026-11-06"], "warn"),  # 14 days past due
        (["- [ ] Send it @dana due:2026-11-05"], "risk"),  # 15 days
        (["- [ ] Send it due:2026-11-19"], "warn"),  # no handle: the owner's, still ours
        (["- [ ] Send it @dana due:2026-11-20"], None),  # due today is not overdue
        (["- [x] Send it @dana due:2026-11-01"], None),
        (["- [ ] Their part @client due:2026-11-01"], None),  # theirs, not ours
        ([f"- [ ] Item {n} @marco due:2026-11-1{n}" for n in range(4)], "risk"),  # more than 3
        ([f"- [ ] Item {n} @marco due:2026-11-1{n}" for n in range(3)], "warn"),
        (["```", "- [ ] In a code block due:2026-01-01", "```"], None),
    ],
)
def test_actions_overdue(insight: Insight, lines: list[str], severity: str | None) -> None:
    result = insight(notes=_items(*lines))
    if severity is None:
        assert "actions-overdue" not in codes(result)
    else:
        assert flag(result, "actions-overdue")[0] == severity


def test_open_action_items_are_kept_with_lines(insight: Insight) -> None:
    result = insight(notes=_items("- [ ] Send the proposal @marco due:2026-12-01", "- [x] Share access @client"))
    (first,) = result.open_actions
    assert result.actions_total == 2
    assert (first.text, first.assignee, first.due, first.done, first.line) == (
        "Send the proposal",
        "marco",
        dt.date(2026, 12, 1),
        False,
        6,
    )


@pytest.mark.parametrize(
    ("renewal", "codes_expected"),
    [
        ("2027-01-19", {"renewal-soon"}),  # exactly 60 days out
        ("2027-01-20", set()),
        ("2026-11-20", {"renewal-soon"}),  # today: not yet passed
        ("2026-11-19", {"renewal-passed"}),
    ],
)
def test_renewal_boundaries(insight: Insight, renewal: str, codes_expected: set[str]) -> None:
    result = insight(f"contract: {{renewal: {renewal}}}\n")
    assert codes(result) & {"renewal-soon", "renewal-passed"} == codes_expected


@pytest.mark.parametrize(
    ("milestone", "fires"),
    [
        ("{name: Beta, due: 2026-11-19}", True),
        ("{name: Beta, due: 2026-11-20}", False),
        ("{name: Beta, due: 2026-11-01, done: 2026-11-15}", False),
    ],
)
def test_milestone_overdue(insight: Insight, milestone: str, fires: bool) -> None:
    assert ("milestone-overdue" in codes(insight(f"milestones:\n  - {milestone}\n"))) is fires


@pytest.mark.parametrize(
    ("hours", "fires"),
    [
        ("- {month: '2026-10', spent: 60}", False),  # exactly 120% of 50
        ("- {month: '2026-10', spent: 60.5}", True),
        ("- {month: '2026-10', spent: 40}\n  - {month: '2026-10', spent: 21}", True),  # entries add up
        ("- {month: '2026-11', spent: 90}", False),  # this month does not count yet
    ],
)
def test_over_hours(insight: Insight, hours: str, fires: bool) -> None:
    result = insight(f"contract: {{hours_per_month: 50}}\nhours:\n  {hours}\n")
    assert ("over-hours" in codes(result)) is fires


def test_over_hours_in_january_looks_at_december(insight: Insight) -> None:
    extra = "contract: {hours_per_month: 10}\nhours:\n  - {month: '2026-12', spent: 20}\n"
    assert "over-hours" in codes(insight(extra, today=dt.date(2027, 1, 5), notes=[note("2027-01-02")]))


@pytest.mark.parametrize(
    ("status", "fires"),
    [("active", True), ("onboarding", True), ("offboarding", True), ("prospect", False), ("paused", False)],
)
def test_no_primary_contact(tmp_path: Path, status: str, fires: bool) -> None:
    record = (
        f"name: A\nstatus: {status}\nsegment: growth\nowner: dana\nsince: 2026-11-01\ncontacts:\n  - {{name: Ana}}\n"
    )
    write_files(tmp_path, {"kb.yaml": KB_YAML, "clients/acme/client.yaml": record})
    loaded = load_knowledge_base(BuildConfig(root=tmp_path, jobs=1))
    assert loaded.kb is not None
    result = compute(loaded.kb, TODAY).insights[0]
    expected = [("no-primary-contact", 7)] if fires else []
    assert [(f.code, f.line) for f in result.flags] == expected


# ---- colour and switches ----------------------------------------------------------------------------


def test_health_colours(insight: Insight) -> None:
    assert insight(notes=[note("2026-11-10", type="qbr")]).health == "green"
    assert insight("milestones:\n  - {name: B, due: 2026-11-01}\n", notes=[note("2026-11-10", type="qbr")]).health == (
        "amber"
    )
    assert insight("contract: {renewal: 2026-11-01}\n", notes=[note("2026-11-10", type="qbr")]).health == "red"


def test_disabled_flags_do_not_fire(insight: Insight) -> None:
    extra = "contract: {renewal: 2026-11-01}\n"
    result = insight(extra, notes=[note("2026-11-10", type="qbr")], kb_extra="health: {disabled: [renewal-passed]}\n")
    assert result.flags == () and result.health == "green"


def test_every_flag_code_has_a_rule() -> None:
    from generator.compute.health import HEALTH_RULES
    from generator.compute.responses import RESPONSE_OVERDUE
    from generator.model.vocabulary import FLAG_CODES

    # response-overdue is raised after the rules, from their flags (generator/compute/responses.py).
    assert (*(code for code, _ in HEALTH_RULES), RESPONSE_OVERDUE) == FLAG_CODES
