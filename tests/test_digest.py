"""`clientkb digest` on a real Git repository: due entries, flags raised and cleared since the period
began (including one raised only because time passed), renewals and what to celebrate, in every
format; and what it says without the history it needs."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KB_YAML, Run
from tests.test_diff import commit, git

TODAY = "2026-11-20"

ACME = """\
name: Acme *Corp*
status: active
segment: growth
owner: dana
since: 2024-11-25
contacts:
  - {name: Ana Lima, primary: true}
contract: {value: 12000, currency: EUR, period: year, renewal: 2027-01-10}
dates:
  - {date: 2024-11-25, label: Relationship anniversary, yearly: true}
milestones:
  - {name: Launch, due: 2026-12-01}
  - {name: Phase two, due: 2026-12-10}
wins:
  - {date: 2026-11-10, summary: Old win}
"""
BETA = """\
name: Beta Ltd
status: active
segment: standard
owner: dana
since: 2025-01-01
contacts:
  - {name: Bo, primary: true}
contract: {value: 500, currency: EUR, period: month, renewal: 2027-03-01}
escalations:
  - {opened: 2026-10-20, summary: Slow replies, severity: high}
"""
NOTE = "---\ndate: 2026-10-15\ntype: check-in\n---\n- [ ] Send the plan @marco due:2026-11-25\n"


@pytest.fixture
def history(make_repo: Callable[..., Path]) -> Path:
    root = make_repo(
        {
            "kb.yaml": KB_YAML,
            "clients/acme/client.yaml": ACME,
            "clients/acme/meetings/2026-11-02-check-in.md": None,
            "clients/acme/meetings/2026-10-15-check-in.md": NOTE,
            "clients/beta/client.yaml": BETA,
            "clients/beta/meetings/2026-11-01-check-in.md": NOTE.replace("2026-10-15", "2026-11-01"),
        }
    )
    git(root, "init", "-q", "-b", "main")
    commit(root, "Start", date="2026-11-01T10:00:00")
    (root / "clients/acme/client.yaml").write_text(
        ACME.replace(
            "wins:\n", "nps:\n  - {date: 2026-11-14, score: 3}\nwins:\n  - {date: 2026-11-14, summary: Big launch}\n"
        )
    )
    (root / "clients/beta/client.yaml").write_text(
        BETA.replace("severity: high}", "severity: high, closed: 2026-11-15}")
    )
    commit(root, "A detractor at Acme; Beta's escalation closed", date="2026-11-15T10:00:00")
    return root


def _json(cli: Callable[..., Run], root: Path, *args: str) -> Any:
    run = cli("--today", TODAY, "digest", *args, "--format", "json", root=root)
    assert run.exit_code == 0, run.stderr
    return run.json()


def test_a_persons_digest_from_git_history(history: Path, cli: Callable[..., Run]) -> None:
    dana = _json(cli, history, "--owner", "dana")
    assert (dana["owner"], dana["from"], dana["today"], dana["history"]) == ("dana", "2026-11-13", TODAY, None)
    raised = {(r["client"], r["code"]) for r in dana["raised"]}
    # nps-detractor came with a commit; checkin-overdue only because time passed (due 2026-11-15).
    assert raised == {("acme", "nps-detractor"), ("acme", "checkin-overdue")}
    assert [(c["client"], c["code"], c["line"]) for c in dana["cleared"]] == [("beta", "escalation-open", 10)]
    assert [(r["client"], r["date"], r["value"], r["line"]) for r in dana["renewals"]] == [
        ("acme", "2027-01-10", 12000, 8)
    ]
    assert [(c["kind"], c["date"], c["text"]) for c in dana["celebrate"]] == [
        ("win", "2026-11-14", "Big launch"),
        ("anniversary", "2026-11-25", "Relationship anniversary (2 years)"),
        ("milestone", "2026-12-01", "Launch"),
    ]
    assert [(e["kind"], e["client"], e["state"], e["text"]) for e in dana["due"]] == [
        ("recognition", "acme", "overdue", "recognise the win: Old win"),  # both wins within 30 days
        ("recognition", "acme", "overdue", "recognise the win: Big launch"),
        ("checkin", "acme", "overdue", "check-in (last contact 2026-10-15)"),
        ("recognition", "acme", "due", "2 years with us"),  # since 2024-11-25: 14 days ahead
        ("recognition", "acme", "due", "Relationship anniversary (2 years)"),
    ]
    for section in ("due", "raised", "cleared", "renewals", "celebrate"):
        assert all(isinstance(e["file"], str) and e["line"] >= 1 for e in dana[section]), section
    # What Marco must act on: the action items named for him, though Dana owns both clients.
    marco = _json(cli, history, "--owner", "marco")
    assert [(e["kind"], e["client"], e["date"]) for e in marco["due"]] == [
        ("action", "acme", "2026-11-25"),
        ("action", "beta", "2026-11-25"),
    ]
    assert marco["raised"] == marco["cleared"] == marco["renewals"] == marco["celebrate"] == []
    everyone = _json(cli, history)
    assert [d["owner"] for d in everyone] == ["dana", "marco"] and everyone[0] == dana
    longer = _json(cli, history, "--owner", "dana", "--since", "30d")
    assert longer["history"] == "the repository has no commit before 2026-10-21"
    assert longer["raised"] is None and longer["cleared"] is None and longer["due"] == dana["due"]


def test_the_digest_in_text_and_markdown(history: Path, cli: Callable[..., Run]) -> None:
    text = cli("--today", TODAY, "digest", "--owner", "dana", root=history)
    assert text.exit_code == 0
    assert "Digest for dana, 2026-11-13 to 2026-11-20" in text.stdout
    assert "Flags raised (2)" in text.stdout and "Flags cleared (1)" in text.stdout
    assert "Acme *Corp*: nps-detractor (risk)" in text.stdout
    markdown = cli("--today", TODAY, "digest", "--owner", "dana", "--format", "markdown", root=history).stdout
    assert markdown.startswith("### Digest for dana, 2026-11-13 to 2026-11-20\n")
    assert "Acme \\*Corp\\*: nps\\-detractor" not in markdown  # codes are ours, names are escaped
    assert "Acme \\*Corp\\*" in markdown and "*Corp*" not in markdown.replace("\\*Corp\\*", "")
    assert "`clients/acme/client.yaml:" in markdown


def test_unknown_person_and_bad_period_are_refused(history: Path, cli: Callable[..., Run]) -> None:
    run = cli("--today", TODAY, "digest", "--owner", "dnaa", root=history)
    assert run.exit_code == 2 and "did you mean 'dana'?" in run.stderr
    assert cli("--today", TODAY, "digest", "--since", "a week", root=history).exit_code == 2


def test_without_the_history_it_says_so_and_shows_the_rest(
    history: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history}", str(shallow)], check=True, capture_output=True
    )
    dana = _json(cli, shallow, "--owner", "dana")
    assert "shallow clone" in dana["history"] and "fetch-depth: 0" in dana["history"]
    assert dana["raised"] is None and dana["renewals"] and dana["due"]
    text = cli("--today", TODAY, "digest", "--owner", "dana", root=shallow).stdout
    assert "Flags raised and cleared are not shown: this is a shallow clone" in text
    assert "Flags raised (" not in text
    plain = tmp_path / "plain"
    subprocess.run(["git", "-C", str(history), "archive", "-o", str(tmp_path / "kb.tar"), "HEAD"], check=True)
    plain.mkdir()
    subprocess.run(["tar", "-xf", str(tmp_path / "kb.tar"), "-C", str(plain)], check=True)
    assert "not in a Git repository" in _json(cli, plain, "--owner", "dana")["history"]


def _feed(out: Path, handle: str) -> Any:
    import feedparser

    parsed = feedparser.parse((out / f"feeds/{handle}.atom").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_site_has_each_persons_digest_page_and_feed_saying_what_the_cli_says(
    history: Path, cli: Callable[..., Run]
) -> None:
    out = history / "site"
    assert cli("--today", TODAY, "build", "--out", str(out), root=history).exit_code == 0
    dana = _json(cli, history, "--owner", "dana")
    page = (out / "digest/dana.html").read_text(encoding="utf-8")
    assert "Flags raised (2)" in page and "Flags cleared (1)" in page and "To celebrate (3)" in page
    assert 'href="../digest/dana.html"' in (out / "owners/dana.html").read_text(encoding="utf-8")
    feed = _feed(out, "dana")
    items = sum(len(dana[k]) for k in ("due", "raised", "cleared", "renewals", "celebrate"))
    assert len(feed.entries) == items
    for entry in feed.entries:  # what RFC 4287 requires of each entry
        assert entry.id.startswith("urn:uuid:") and entry.title and entry.updated_parsed and entry.link
    assert feed.feed.title == "Test Studio: digest for Dana Ruiz" and feed.feed.updated.startswith(TODAY)
    titles = [entry.title for entry in feed.entries]
    assert any(t.startswith("Acme *Corp*: NPS detractor raised") for t in titles)
    assert any(t == "Beta Ltd: Open escalation cleared" for t in titles)
    assert feed.entries[0].link.endswith("clients/acme/index.html")
    # Ids say what an item is, not where: a line added above every item keeps them.
    ids = {entry.title: entry.id for entry in feed.entries}
    for client in ("acme", "beta"):
        path = history / f"clients/{client}/client.yaml"
        path.write_text("# moved down a line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("--today", TODAY, "build", "--out", str(out), root=history).exit_code == 0
    assert {entry.title: entry.id for entry in _feed(out, "dana").entries} == ids
    assert len(_feed(out, "marco").entries) == 2
    beta = history / "clients/beta/client.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("name: Beta Ltd", "name: Beta <i>&</i> Ltd"))
    assert cli("--today", TODAY, "build", "--out", str(out), root=history).exit_code == 0
    raw = (out / "feeds/dana.atom").read_text(encoding="utf-8")
    assert "Beta &lt;i&gt;&amp;&lt;/i&gt; Ltd" in raw and "<i>" not in raw
    assert "Beta &lt;i&gt;&amp;&lt;/i&gt; Ltd" in (out / "digest/dana.html").read_text(encoding="utf-8")
    _feed(out, "dana")


def test_a_loyalty_tier_change_of_the_period_is_in_the_digest(history: Path, cli: Callable[..., Run]) -> None:
    tiers = "loyalty:\n  tiers:\n    - name: Gold\n      criteria: {yearly_value: {EUR: 50000}}\n"
    tiers += "    - name: Silver\n      criteria: {yearly_value: {EUR: 5000}}\n"
    (history / "kb.yaml").write_text(KB_YAML + tiers, encoding="utf-8")
    commit(history, "Loyalty tiers", date="2026-11-02T10:00:00")  # before the period: Acme is Silver
    record = history / "clients/acme/client.yaml"
    record.write_text(record.read_text().replace("value: 12000", "value: 60000"), encoding="utf-8")
    commit(history, "Acme's contract grows", date="2026-11-16T10:00:00")
    dana = _json(cli, history, "--owner", "dana")
    assert [(t["client"], t["before"], t["after"], t["reason"]) for t in dana["tiers"]] == [
        ("acme", "Silver", "Gold", "60,000 EUR a year")
    ]
    assert dana["tiers"][0]["file"] == "clients/acme/client.yaml" and dana["tiers"][0]["line"] == 5
    text = cli("--today", TODAY, "digest", "--owner", "dana", root=history).stdout
    assert "Loyalty tier changes (1)" in text and "Acme *Corp*: Silver -> Gold" in text
    markdown = cli("--today", TODAY, "digest", "--owner", "dana", "--format", "markdown", root=history).stdout
    assert "Acme \\*Corp\\*: Silver -> Gold, 60\\,000 EUR a year" in markdown
