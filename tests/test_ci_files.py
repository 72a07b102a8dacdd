"""The GitHub Action and the pre-commit hook the project ships are valid and call real commands."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT, Run
from tests.test_diff import commit, git


def test_action_runs_check_and_diff() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "clientkb check --format github" in scripts
    assert "clientkb diff FETCH_HEAD --format markdown" in scripts and "GITHUB_STEP_SUMMARY" in scripts
    assert set(action["inputs"]) >= {"root", "strict", "fail-on"}
    (summary,) = [step for step in action["runs"]["steps"] if "GITHUB_STEP_SUMMARY" in step.get("run", "")]
    # The pull request gets its summary also when the check failed (a plain `if:` would skip it).
    assert "!cancelled()" in summary["if"] and "pull_request" in summary["if"]


def test_action_is_valid_for_github() -> None:
    """Against GitHub's own schema for actions, as check-jsonschema ships it."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
         str(REPO_ROOT / "action.yml")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_annotations_name_files_from_the_repository_root(make_repo: Callable[..., Path]) -> None:
    """With the knowledge base in a subfolder, GitHub places an annotation only by its path from the
    repository's root; the pre-commit hook passes --root after the command."""
    root = make_repo({"clients/acme/client.yaml": "name: Acme\nstatus: nope\n"})
    repository = root.parent
    git(repository, "init", "-q")
    commit(repository, "Start")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--root", str(root), "--format", "github"],
        capture_output=True,
        text=True,
        cwd=repository,
    )
    assert result.returncode == 1
    assert "::error file=kb/clients/acme/client.yaml,line=2," in result.stdout
    json_run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--format", "json", "--root", "kb"],
        capture_output=True,
        text=True,
        cwd=repository,
    )
    assert {p["file"] for p in json.loads(json_run.stdout)} == {"clients/acme/client.yaml"}  # the KB's own


def test_global_options_after_the_command(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    before = cli("--root", str(root), "--today", "2026-11-20", "--jobs", "1", "due", "--format", "json")
    after = cli("due", "--format", "json", "--root", str(root), "--today", "2026-11-20", "--jobs", "1")
    assert before.exit_code == after.exit_code == 0 and before.stdout == after.stdout
    wins = cli("--today", "2020-01-01", "due", "--today", "2026-11-20", "--format", "json", root=root)
    assert wins.stdout == after.stdout  # after the command wins
    assert cli("check", "--root", str(root / "nope")).exit_code == 2


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "clientkb-check" and hook["entry"] == "clientkb check"
    assert hook["pass_filenames"] is False


def test_the_weekly_digest_workflow_in_the_docs_is_valid_for_github(tmp_path: Path) -> None:
    """The scheduled workflow of docs/ci.md, against GitHub's schema for workflows, runs the real command."""
    text = (REPO_ROOT / "docs/ci.md").read_text(encoding="utf-8")
    section = text.split("## A weekly digest for each person", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow = tmp_path / "digest.yml"
    workflow.write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = yaml.safe_load(block)
    steps = loaded["jobs"]["digest"]["steps"]
    assert loaded[True]["schedule"] == [{"cron": "0 7 * * 1"}]  # YAML 1.1 reads the key `on` as true
    assert steps[0]["with"]["fetch-depth"] == 0
    command = steps[-1]["run"]
    assert command.startswith("clientkb digest --since 7d --format markdown") and "GITHUB_STEP_SUMMARY" in command
