"""`clientkb diff` on real Git repositories built in tmp_path with the git command."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest

from generator.git.history import read_history
from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, Run

TODAY = "2026-11-20"


def git(root: Path, *args: str, date: str = "2026-10-01T10:00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ana Author",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana Author",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(root: Path, message: str, date: str = "2026-10-01T10:00:00") -> None:
    git(root, "add", "-A", date=date)
    git(root, "commit", "-qm", message, date=date)


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    root = make_repo({"kb.yaml": KB_YAML + f"today: {TODAY}\n", ".gitignore": "site/\n"})
    git(root, "init", "-q")
    commit(root, "Start the knowledge base")
    return root


def diff(cli: Callable[..., Run], root: Path, *args: str) -> Run:
    return cli("diff", *args, root=root)


def test_flag_raised_and_cleared(repo: Path, cli: Callable[..., Run]) -> None:
    note = repo / "clients/acme/meetings/2026-11-15-call.md"
    note.write_text("---\ndate: 2026-11-15\ntype: review\nnps: 4\n---\nUnhappy.\n")
    run = diff(cli, repo, "HEAD", "--format", "json")
    assert run.exit_code == 0
    data = run.json()
    assert isinstance(data, dict)
    (change,) = data["changed"]
    assert (change["client"], change["before"], change["after"]) == ("acme", "amber", "red")
    assert [f["code"] for f in change["raised"]] == ["nps-detractor"]
    assert change["raised"][0]["file"] == "clients/acme/meetings/2026-11-15-call.md"
    assert [f["code"] for f in change["cleared"]] == ["review-overdue"]  # the review counts
    text = diff(cli, repo, "HEAD").stdout
    assert "Acme Corp: amber -> red (nps-detractor: latest NPS answer is 4 on 2026-11-15" in text
    assert diff(cli, repo, "HEAD", "--fail-on", "red").exit_code == 1
    commit(repo, "Unhappy review")
    note.write_text("---\ndate: 2026-11-15\ntype: review\nnps: 9\n---\nHappy again.\n")
    data = diff(cli, repo, "HEAD", "--format", "json").json()
    assert isinstance(data, dict)
    (change,) = data["changed"]
    assert (change["before"], change["after"], [f["code"] for f in change["cleared"]]) == (
        "red",
        "green",
        ["nps-detractor"],
    )


def test_clients_added_removed_and_between_two_revisions(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "clients/beta").mkdir()
    (repo / "clients/beta/client.yaml").write_text(CLIENT_YAML.replace("Acme Corp", "Beta Ltd"))
    commit(repo, "Add Beta")
    (repo / "clients/acme/client.yaml").unlink()
    (repo / "clients/acme/meetings/2026-11-02-check-in.md").unlink()
    commit(repo, "Acme leaves")
    data = diff(cli, repo, "HEAD~2", "HEAD", "--format", "json").json()
    assert isinstance(data, dict)
    assert [c["client"] for c in data["added"]] == ["beta"]
    assert [c["client"] for c in data["removed"]] == ["acme"]
    markdown = diff(cli, repo, "HEAD~2", "HEAD", "--format", "markdown").stdout
    assert "| Beta Ltd (added) |" in markdown and "| Acme Corp (removed) |" in markdown
    assert diff(cli, repo, "HEAD", "HEAD").stdout.strip().endswith("No change to clients, health or problems.")


def test_new_errors_are_reported(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "clients/acme/client.yaml").write_text(CLIENT_YAML.replace("owner: dana", "owner: dan"))
    run = diff(cli, repo, "HEAD")
    assert "new problems: 1" in run.stdout
    assert "clients/acme/client.yaml:4:8: error: owner 'dan' is not a team handle" in run.stdout
    assert diff(cli, repo, "HEAD", "--fail-on", "error").exit_code == 1
    assert diff(cli, repo, "HEAD", "--fail-on", "red").exit_code == 0


def test_working_tree_is_untouched(repo: Path, cli: Callable[..., Run]) -> None:
    note = repo / "clients/acme/meetings/2026-11-02-check-in.md"
    note.write_text(NOTE_MD + "\nUncommitted work.\n")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert diff(cli, repo, "HEAD").exit_code == 0
    assert note.read_text().endswith("Uncommitted work.\n")
    after = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert after == status


def test_revision_that_does_not_exist(repo: Path, cli: Callable[..., Run]) -> None:
    run = diff(cli, repo, "no-such-branch")
    assert run.exit_code == 1
    assert "'no-such-branch' is not a revision of this repository" in run.stderr
    assert "Traceback" not in run.stderr


def test_repository_without_commits(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    git(root, "init", "-q")
    run = diff(cli, root, "HEAD")
    assert run.exit_code == 1 and "the repository has no commits yet" in run.stderr


def test_not_a_repository(make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path) -> None:
    root = make_repo()
    run = diff(cli, root, "HEAD")
    assert run.exit_code == 1 and "is not in a Git repository" in run.stderr


def test_record_history_from_one_log(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "clients/acme/client.yaml").write_text(CLIENT_YAML + "industry: Retail\n")
    commit(repo, "Acme is in retail", date="2026-11-03T09:00:00")
    (repo / "playbooks/onboarding.md").write_text("---\ntitle: Onboarding v2\n---\nbody\n")
    commit(repo, "Rewrite onboarding", date="2026-11-04T09:00:00")
    history = read_history(repo)
    assert [(c.date.isoformat(), c.subject) for c in history.clients["acme"]] == [
        ("2026-11-03", "Acme is in retail"),
        ("2026-10-01", "Start the knowledge base"),
    ]
    assert history.last_changes["playbooks/onboarding.md"].subject == "Rewrite onboarding"
    assert cli("build", root=repo).exit_code == 0
    page = (repo / "site/clients/acme/index.html").read_text(encoding="utf-8")
    assert '<h2 id="history">History</h2>' in page
    assert "Acme is in retail" in page and "Ana Author" in page
    assert "Last changed on 3 Nov 2026 by Ana Author" in page


def test_json_output_is_complete(repo: Path, cli: Callable[..., Run]) -> None:
    data = json.loads(diff(cli, repo, "HEAD", "--format", "json").stdout)
    assert set(data) == {
        "base", "head", "today", "added", "removed", "changed", "new_problems", "fixed_problems", "not_compared"
    }  # fmt: skip
    assert data["head"] == "working tree" and data["base"].startswith("HEAD (")


def test_removing_a_referred_client_is_a_new_error(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "clients/beta").mkdir()
    (repo / "clients/beta/client.yaml").write_text(
        CLIENT_YAML.replace("Acme Corp", "Beta Ltd") + "advocacy: {referred_by: acme}\n"
    )
    (repo / "clients/Bad Folder").mkdir()
    (repo / "clients/Bad Folder/client.yaml").write_text(CLIENT_YAML)
    commit(repo, "Beta, referred by Acme")
    import shutil

    shutil.rmtree(repo / "clients/acme")
    data = diff(cli, repo, "HEAD", "--format", "json").json()
    assert isinstance(data, dict)
    assert [c["client"] for c in data["removed"]] == ["acme"]
    # The broken folder exists on both sides: not new. Beta's reference to acme is.
    assert [(p["file"], p["code"]) for p in data["new_problems"]] == [("clients/beta/client.yaml", "unknown-client")]


def test_markdown_shows_user_text_as_written_in_githubs_renderer(repo: Path, cli: Callable[..., Run]) -> None:
    """The job summary is GitHub-flavoured Markdown (cmark-gfm): a name or a problem's text must not
    become emphasis, a link or HTML there."""
    name = "*LLP* [y](http://evil.example) <b>x</b> | a@b.example www.evil.example `x` _u_"
    record = repo / "clients/acme/client.yaml"
    record.write_text(record.read_text().replace("name: Acme Corp", f"name: {json.dumps(name)}"))
    (repo / "clients/acme/meetings/2026-11-15-call.md").write_text(
        '---\ndate: 2026-11-15\ntype: review\nnps: 4\nattendees: ["[z](http://evil.example)"]\n---\nUnhappy.\n'
    )
    (repo / "clients/beta").mkdir()
    (repo / "clients/beta/client.yaml").write_text(CLIENT_YAML.replace("owner: dana", "owner: '*nobody*'"))
    markdown = diff(cli, repo, "HEAD", "--format", "markdown").stdout
    html = cmarkgfm.github_flavored_markdown_to_html(markdown)
    body = html.split("</h3>", 1)[1]
    for ours in ("<strong>New problems (1):</strong>", "<strong>Not compared</strong>"):
        body = body.replace(ours, "")
    for tag in ("<a ", "<em>", "<strong>", "<b>", "<del>"):
        assert tag not in body, (tag, body)
    text = re.sub(r"<[^>]+>", "", body)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert name in text  # the name, every character as written
    assert "*nobody*" in text


def test_clients_with_errors_are_said_not_skipped(repo: Path, cli: Callable[..., Run]) -> None:
    """Acme refers to a client that is not there yet (an error); the change adds it: Acme's files did
    not change, yet the diff must say what became of it, and name every client it could not compare."""
    record = repo / "clients/acme/client.yaml"
    record.write_text(record.read_text() + "advocacy: {referrals: [beta]}\n")
    (repo / "clients/gamma").mkdir()
    (repo / "clients/gamma/client.yaml").write_text(CLIENT_YAML.replace("owner: dana", "owner: nobody"))
    commit(repo, "Acme refers Beta, who is not a client yet; Gamma is broken")
    (repo / "clients/beta").mkdir()
    (repo / "clients/beta/client.yaml").write_text(CLIENT_YAML.replace("Acme Corp", "Beta Ltd"))
    (repo / "clients/delta").mkdir()
    (repo / "clients/delta/client.yaml").write_text(CLIENT_YAML.replace("status: active", "status: nope"))
    gamma = repo / "clients/gamma/client.yaml"
    gamma.write_text(gamma.read_text() + "industry: Retail\n")
    data = diff(cli, repo, "HEAD", "--format", "json").json()
    assert isinstance(data, dict)
    assert [c["client"] for c in data["added"]] == ["beta"]
    skipped = {n["client"]: (n["errors_before"], n["errors_after"], n["after"]) for n in data["not_compared"]}
    assert skipped == {"acme": (True, False, "amber"), "delta": (False, True, None), "gamma": (True, True, None)}
    text = diff(cli, repo, "HEAD").stdout
    assert "not compared: Acme Corp (errors before the change; now amber)" in text
    assert "not compared: gamma (errors before and after)" in text
    markdown = diff(cli, repo, "HEAD", "--format", "markdown").stdout
    assert "Acme Corp (errors before the change; now amber)" in markdown


def test_a_change_of_loyalty_tier_is_in_the_diff(repo: Path, cli: Callable[..., Run]) -> None:
    tiers = "loyalty:\n  tiers:\n    - name: Gold\n      criteria: {yearly_value: {EUR: 50000}}\n"
    tiers += "    - name: Silver\n      criteria: {yearly_value: {EUR: 10000}}\n"
    (repo / "kb.yaml").write_text(KB_YAML + f"today: {TODAY}\n" + tiers, encoding="utf-8")
    record = repo / "clients/acme/client.yaml"
    record.write_text(CLIENT_YAML + "contract: {value: 20000, currency: EUR, period: year}\n", encoding="utf-8")
    commit(repo, "Tiers, and Acme's contract")
    record.write_text(CLIENT_YAML + "contract: {value: 60000, currency: EUR, period: year}\n", encoding="utf-8")
    data = diff(cli, repo, "HEAD", "--format", "json").json()
    assert isinstance(data, dict)
    (change,) = data["changed"]
    assert (change["client"], change["tier_before"], change["tier_after"]) == ("acme", "Silver", "Gold")
    assert change["before"] == change["after"]  # the health did not move: the tier alone is the change
    assert "Acme Corp: still" in (text := diff(cli, repo, "HEAD").stdout) and "; tier Silver -> Gold" in text
    markdown = diff(cli, repo, "HEAD", "--format", "markdown").stdout
    assert "<br>tier Silver → Gold" in markdown
