"""`clientkb check` end to end: every bad input gives exit 1 and an error naming file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, REPO_ROOT, Run

NOTE = "clients/acme/meetings/2026-11-02-check-in.md"
CLIENT = "clients/acme/client.yaml"


# The bad-input cases, one folder each with its expected outcome, live in tests/corpus/ (test_corpus.py).


def test_yaml11_octal_duplicate_case_is_named_correctly(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    # A second `contacts:` key is a duplicate, reported at its own line, even inside the same record.
    root = make_repo({CLIENT: CLIENT_YAML + "contacts:\n  - {name: Ana, primary: true}\n"})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert {(p["line"], p["code"]) for p in problems} >= {(8, "duplicate-key")}


def test_text_field_given_a_number_says_to_quote_it(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML + "industry: 1.10\n"})
    run = cli("check", root=root)
    assert f"{CLIENT}:8:11: error: 'industry' must be text, but YAML reads 1.10 as a number [wrong-type]" in run.stdout
    assert 'put it in quotes: industry: "1.10"' in run.stdout


def test_unknown_field_suggests_the_closest_name(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML + "contract:\n  value: 10\n  renwal: 2027-01-01\n"})
    run = cli("check", root=root)
    assert (
        f"{CLIENT}:10:3: error: 'renwal' is not a field of contract (did you mean 'renewal'?) [unknown-field]"
        in run.stdout
    )


def test_custom_x_keys_are_allowed_at_any_level(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML + "x-crm: 42\ncontract: {value: 10, x-po-number: PO-1}\n"})
    run = cli("check", root=root)
    assert run.exit_code == 0, run.stdout


def test_bom_and_crlf_are_accepted(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(
        {
            CLIENT: b"\xef\xbb\xbf" + CLIENT_YAML.replace("\n", "\r\n").encode(),
            NOTE: NOTE_MD.replace("\n", "\r\n").encode(),
        }
    )
    run = cli("check", root=root)
    assert run.exit_code == 0, run.stdout
    assert "0 errors" in run.stdout


def test_symlink_outside_repository_is_refused(
    make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_repo()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nsecret\n")
    (root / "playbooks" / "leak.md").symlink_to(secret)
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert {(p["file"], p["code"]) for p in problems} == {("playbooks/leak.md", "symlink-outside")}


def test_symlink_inside_repository_is_followed(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    (root / "playbooks" / "alias.md").symlink_to(root / "playbooks" / "onboarding.md")
    assert cli("check", root=root).exit_code == 0


def test_symlink_loop_is_reported(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    (root / "playbooks" / "loop.md").symlink_to(root / "playbooks" / "loop.md")
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [p["code"] for p in problems] == ["bad-symlink"]


def test_editor_junk_files_are_ignored(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    junk = "not: [valid"
    root = make_repo(
        {
            "clients/acme/meetings/.#2026-11-02-check-in.md": junk,
            "clients/acme/meetings/2026-11-02-check-in.md~": junk,
            "clients/acme/meetings/.2026-11-02-check-in.md.swp": junk,
            "playbooks/#onboarding.md#": junk,
            "clients/.DS_Store": junk,
        }
    )
    run = cli("check", root=root)
    assert run.exit_code == 0, run.stdout


def test_all_problems_are_reported_in_one_run(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo(
        {
            CLIENT: CLIENT_YAML.replace("status: active", "status: activ"),
            NOTE: NOTE_MD.replace("type: check-in", "type: chek-in"),
            "clients/beta/client.yaml": "name: [",
            "playbooks/onboarding.md": "no front matter",
        }
    )
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert {p["file"] for p in problems} == {CLIENT, NOTE, "clients/beta/client.yaml", "playbooks/onboarding.md"}


def test_clean_repository_exits_zero_with_summary(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    run = cli("check", root=make_repo())
    assert run.exit_code == 0
    assert run.stdout.strip().splitlines()[-1] == "checked 1 client, 1 note, 1 playbook: 0 errors, 0 warnings"


def test_warnings_fail_only_with_strict(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("primary: true", "primary: false")})
    plain = cli("check", root=root)
    assert plain.exit_code == 0
    assert "warning: no contact is marked primary: true [no-primary-contact]" in plain.stdout
    assert "0 errors, 1 warning" in plain.stdout
    assert cli("check", "--strict", root=root).exit_code == 1


def test_usage_error_exits_two(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    assert cli("check", "--format", "xml", root=make_repo()).exit_code == 2
    assert cli("--today", "2026-02-30", "check", root=make_repo()).exit_code == 2


def test_json_format(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("status: active", "status: activ")})
    run = cli("check", "--format", "json", root=root)
    assert run.json() == [
        {
            "file": CLIENT,
            "line": 2,
            "column": 9,
            "severity": "error",
            "code": "invalid-value",
            "message": "'activ' is not a valid status (did you mean 'active'?)",
            "hint": "choose one of: prospect, onboarding, active, paused, offboarding, former",
        }
    ]
    assert "checked 1 client" in run.stderr


def test_github_format(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("status: active", "status: activ")})
    run = cli("check", "--format", "github", root=root)
    first = run.stdout.splitlines()[0]
    assert first == (
        f"::error file={CLIENT},line=2,col=9,title=clientkb [invalid-value]::'activ' is not a valid status "
        "(did you mean 'active'?)%0Achoose one of%3A prospect, onboarding, active, paused, offboarding, former".replace(
            "%3A", ":"
        )
    )


def test_pinned_today_is_announced(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"kb.yaml": KB_YAML + "today: 2026-11-20\n"})
    assert "today is pinned to 2026-11-20 by kb.yaml" in cli("check", root=root).stderr
    assert "pinned" not in cli("--today", "2026-01-01", "check", root=root).stderr


def test_root_is_found_from_a_subfolder(make_repo: Callable[..., Path]) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("status: active", "status: activ")})
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=root / "clients" / "acme",
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert f"{CLIENT}:2:9: error:" in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_knowledge_base_checks_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO_ROOT), "check", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    problems = json.loads(result.stdout)
    assert all(p["severity"] == "warning" for p in problems)
    assert "checked 13 clients" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["Acme\u202eevil", "Ac\u200bme"])
def test_invisible_characters_in_names_are_a_warning(
    make_repo: Callable[..., Path], cli: Callable[..., Run], name: str
) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("name: Acme Corp", f"name: {json.dumps(name)}")})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [(p["line"], p["code"], p["severity"]) for p in problems] == [(1, "invisible-characters", "warning")]


@pytest.mark.parametrize("name", ["Acme\x07", "Acme\x00Corp", "Acme\x1b[31m", "Acme\x7f", "Acme\x9b"])
def test_control_characters_in_any_text_are_an_error(
    make_repo: Callable[..., Path], cli: Callable[..., Run], name: str
) -> None:
    root = make_repo({CLIENT: CLIENT_YAML.replace("name: Acme Corp", f"name: {json.dumps(name)}")})
    run = cli("check", "--format", "json", root=root)
    assert run.exit_code == 1
    assert [(p["line"], p["code"], p["severity"]) for p in run.json()] == [(1, "control-character", "error")]


@pytest.mark.parametrize(
    "body",
    ["> " * 20 + "deep\n", "- " * 10 + "deep\n", "".join("  " * n + "- level\n" for n in range(10))],
)
def test_markdown_nested_too_deep_is_an_error_not_lost_text(
    make_repo: Callable[..., Path], cli: Callable[..., Run], body: str
) -> None:
    root = make_repo({NOTE: NOTE_MD + body})
    problems = cli("check", "--format", "json", root=root).json()
    assert isinstance(problems, list)
    assert [(p["file"], p["code"]) for p in problems] == [(NOTE, "too-deep")]
    assert problems[0]["line"] >= 8


def test_ordinary_nesting_is_fine(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    body = "> quote\n> > reply\n\n- a\n  - b\n    - c\n      1. d\n\n" + "> " * 18 + "deep quote\n\n"
    body += "".join("  " * n + "- level\n" for n in range(9))  # 9 levels render in full
    assert cli("check", root=make_repo({NOTE: NOTE_MD + body})).exit_code == 0


def test_nesting_limit_matches_what_markdown_it_renders() -> None:
    # The reference engine is the stricter one (markdown-it-pyrs nests deeper), so it sets the limit.
    from generator.markdown.engine import MAX_NESTING, nesting_depth
    from generator.markdown.engine import render_markdown_reference as render_markdown

    for levels in range(1, 14):
        source = "".join("  " * n + f"- level{n}\n" for n in range(levels))
        kept = all(f"level{n}" in render_markdown(source) for n in range(levels))
        assert kept == (nesting_depth("  " * (levels - 1) + "- x") <= MAX_NESTING), levels
    for levels in range(1, 24):
        kept = "deep" in render_markdown("> " * levels + "deep\n")
        # Quotes: clientkb may refuse a level early, but never lets text be lost unflagged.
        assert kept or nesting_depth("> " * levels + "deep") > MAX_NESTING, levels


def test_a_date_in_quotes_is_the_same_date(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    """PyYAML's safe_dump, editors and JSON-to-YAML scripts quote dates: same date, no error."""
    quoted = CLIENT_YAML.replace("since: 2025-01-01", 'since: "2025-01-01"')
    assert cli("check", root=make_repo({CLIENT: quoted})).exit_code == 0
    bare = cli("--today", "2026-11-20", "health", "--format", "json", root=make_repo({CLIENT: CLIENT_YAML}))
    again = cli("--today", "2026-11-20", "health", "--format", "json", root=make_repo({CLIENT: quoted}))
    assert bare.stdout == again.stdout
    impossible = cli("check", "--format", "json", root=make_repo({CLIENT: quoted.replace("01-01", "02-30")}))
    assert [(p["line"], p["code"]) for p in impossible.json()] == [(5, "invalid-date")]


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"1000"', '"1000" (text in quotes)'), ("lots", "lots (text)"), ("'12'", "'12' (text in quotes)")],
)
def test_a_wrong_type_shows_the_value_as_written(
    make_repo: Callable[..., Path], cli: Callable[..., Run], value: str, shown: str
) -> None:
    record = CLIENT_YAML + f"contract: {{value: {value}}}\n"
    problems = cli("check", "--format", "json", root=make_repo({CLIENT: record})).json()
    assert isinstance(problems, list)
    assert [p["message"] for p in problems] == [f"'contract.value' must be a number, got {shown}"]


def test_deep_indentation_in_code_is_not_nesting(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    """Indentation inside a fenced code block is code, not lists: only the parse can tell."""
    body = "1. Step one\n\n   ```\n" + "".join(" " * 20 + f"line {n}\n" for n in range(3)) + "   ```\n"
    body += "\n" + " " * 24 + "- [ ] indented code too\n"
    root = make_repo({NOTE: NOTE_MD + body})
    run = cli("check", "--format", "json", root=root)
    assert run.exit_code == 0 and run.json() == []


def test_a_file_name_with_control_characters_is_shown_escaped(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """A file name is the one text of a problem nobody validated: it reaches the terminal escaped."""
    root = make_repo({"clients/acme/meetings/\x1b[2Jevil\x07.md": NOTE_MD})
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "\\x1b[2Jevil\\x07" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
