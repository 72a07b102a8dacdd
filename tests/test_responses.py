"""From insight to action (issue 17): kb.yaml's `responses:` map a risk to the playbook that answers it,
playbooks' checklists say who does each step and when, and every flag knows when it was raised."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, PLAYBOOK_MD, Run

RESPONSES = "responses:\n  nps-detractor: {playbook: onboarding, within: 5d}\n"
STEPS = PLAYBOOK_MD + "- [ ] Call the sponsor @owner +2d\n- [ ] Send the summary @client +1w\n- [ ] Tidy up\n"


def _problems(run: Run) -> list[dict[str, object]]:
    found = run.json()
    assert isinstance(found, list)
    return found


def test_responses_name_flags_and_playbooks_with_checklists(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    good = make_repo({"kb.yaml": KB_YAML + RESPONSES, "playbooks/onboarding.md": STEPS})
    assert cli("check", root=good).exit_code == 0
    bad = make_repo(
        {
            "kb.yaml": KB_YAML
            + "responses:\n"
            + "  nps-detractr: {playbook: onboarding, within: 5d}\n"
            + "  csat-low: {playbook: onbording, within: 5d}\n"
            + "  escalation-open: {playbook: empty, within: 2d}\n",
            "playbooks/onboarding.md": STEPS,
            "playbooks/empty.md": "---\ntitle: Empty\n---\nNo checklist here.\n",
        }
    )
    run = cli("check", "--format", "json", root=bad)
    assert run.exit_code == 1
    found = {(p["code"], p["line"]) for p in _problems(run)}
    lines = KB_YAML.count("\n")
    assert ("unknown-flag", lines + 2) in found
    assert ("unknown-playbook", lines + 3) in found
    assert ("playbook-without-checklist", lines + 4) in found
    messages = " ".join(str(p["message"]) for p in _problems(run))
    assert "did you mean 'nps-detractor'?" in messages and "did you mean 'onboarding'?" in messages
    late = make_repo({"kb.yaml": KB_YAML + "responses:\n  nps-drop: {playbook: onboarding, within: soon}\n"})
    run = cli("check", "--format", "json", root=late)
    assert run.exit_code == 1 and [p["line"] for p in _problems(run)] == [lines + 2]


def test_a_steps_person_is_the_owner_the_client_or_a_team_member(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo({"playbooks/onboarding.md": PLAYBOOK_MD + "- [ ] Call @ownr +2d\n"})
    run = cli("check", "--format", "json", root=root)
    assert run.exit_code == 1
    (problem,) = [p for p in _problems(run) if p["code"] == "unknown-handle"]
    assert problem["file"] == "playbooks/onboarding.md"
    assert problem["line"] == PLAYBOOK_MD.count("\n") + 1
    assert "did you mean 'owner'?" in str(problem["message"])


def test_every_flag_says_when_it_was_raised(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    client = CLIENT_YAML + (
        "escalations:\n  - {opened: 2026-10-06, summary: Late release, severity: high}\n"
        "milestones:\n  - {name: Launch, due: 2026-11-01}\n"
    )
    note = NOTE_MD.replace("---\n## Summary", "nps: 3\n---\n## Summary")
    root = make_repo({"clients/acme/client.yaml": client, "clients/acme/meetings/2026-11-02-check-in.md": note})
    run = cli("--today", "2026-11-20", "health", "acme", "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    (entry,) = json.loads(run.stdout)
    raised = {flag["code"]: flag["raised"] for flag in entry["flags"]}
    assert raised["nps-detractor"] == "2026-11-02"  # the answer's date
    assert raised["escalation-open"] == "2026-10-06"  # its opening
    assert raised["milestone-overdue"] == "2026-11-01"  # the day it came due


def test_a_run_copies_the_checklist_and_answers_the_flag(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    note = NOTE_MD.replace("---\n## Summary", "nps: 3\n---\n## Summary")
    root = make_repo(
        {
            "kb.yaml": KB_YAML + RESPONSES + "today: 2026-11-20\n",
            "playbooks/onboarding.md": STEPS,
            "clients/acme/meetings/2026-11-02-check-in.md": note,
        }
    )
    health = json.loads(cli("health", "acme", "--format", "json", root=root).stdout)
    flag = next(f for f in health[0]["flags"] if f["code"] == "nps-detractor")
    assert (flag["response"], flag["respond_by"], flag["playbook"]) == ("unanswered", "2026-11-07", "onboarding")
    assert any(f["code"] == "response-overdue" for f in health[0]["flags"])
    due = json.loads(cli("due", "--format", "json", root=root).stdout)
    assert any(e["kind"] == "risk" and e["playbook"] == "onboarding" for e in due)
    run = cli("new", "run", "acme", "onboarding", "--because", "nps-detractor", root=root)
    assert run.exit_code == 0, run.stderr
    text = (root / run.stdout.strip()).read_text(encoding="utf-8")
    assert "- [ ] Call the sponsor @dana due:2026-11-22\n" in text
    assert "- [ ] Send the summary @client due:2026-11-27\n" in text
    assert "- [ ] Tidy up @dana\n" in text
    assert cli("check", root=root).exit_code == 0
    health = json.loads(cli("health", "acme", "--format", "json", root=root).stdout)
    codes = {f["code"]: f for f in health[0]["flags"]}
    assert codes["nps-detractor"]["response"] == "in-progress" and "response-overdue" not in codes
    due = json.loads(cli("due", "--format", "json", root=root).stdout)
    assert any(e["text"] == "Call the sponsor" and e["date"] == "2026-11-22" for e in due)
    assert cli("build", root=root).exit_code == 0
    assert (root / "site/clients/acme/runs/2026-11-20-onboarding.html").is_file()
    again = cli("new", "run", "acme", "onboarding", root=root)
    assert again.exit_code == 1 and "never overwrites" in again.stderr
