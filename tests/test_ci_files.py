"""The GitHub Action and the pre-commit hook the project ships are valid and call real commands."""

from __future__ import annotations

import yaml

from tests.conftest import REPO_ROOT


def test_action_runs_check_and_diff() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "clientkb check --format github" in scripts
    assert "clientkb diff FETCH_HEAD --format markdown" in scripts and "GITHUB_STEP_SUMMARY" in scripts
    assert set(action["inputs"]) >= {"root", "strict", "fail-on"}


def test_pre_commit_hook() -> None:
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "clientkb-check" and hook["entry"] == "clientkb check"
    assert hook["pass_filenames"] is False
