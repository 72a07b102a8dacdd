"""`clientkb new`: what it creates checks clean, it never overwrites, and names become safe ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.scaffold.new import slugify
from tests.conftest import KB_YAML, Run


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Corp", "acme-corp"),
        ("Café Zürich GmbH", "cafe-zurich-gmbh"),
        ("  O'Brien & Sons, Ltd.  ", "o-brien-sons-ltd"),
        ("\uff26\uff55\uff4c\uff4c", "full"),  # fullwidth letters fold to ASCII
        ("日本", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_new_client_meeting_and_playbook_check_clean(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"kb.yaml": KB_YAML + "today: 2026-11-20\n"})
    run = cli("new", "client", "Café Zürich GmbH", "--owner", "marco", root=root)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "clients/cafe-zurich-gmbh/client.yaml"
    record = (root / "clients/cafe-zurich-gmbh/client.yaml").read_text(encoding="utf-8")
    assert 'name: "Café Zürich GmbH"' in record and "owner: marco" in record and "since: 2026-11-20" in record
    run = cli("new", "meeting", "cafe-zurich-gmbh", "--type", "qbr", root=root)
    expected = "clients/cafe-zurich-gmbh/meetings/2026-11-20-quarterly-business-review-november-2026.md"
    assert run.stdout.strip() == expected
    note = (root / run.stdout.strip()).read_text(encoding="utf-8")
    assert "date: 2026-11-20" in note and "type: qbr" in note and "attendees: [marco]" in note
    run = cli("new", "meeting", "acme", "--date", "2026-12-01", "--title", "Renewal talk", root=root)
    assert run.stdout.strip() == "clients/acme/meetings/2026-12-01-renewal-talk.md"
    run = cli("new", "playbook", "Pricing conversations", root=root)
    assert run.stdout.strip() == "playbooks/pricing-conversations.md"
    check = cli("check", "--format", "json", root=root)
    assert check.exit_code == 0, check.stdout
    assert check.json() == []


def test_never_overwrites(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    note = root / "clients/acme/meetings/2026-11-02-check-in.md"
    before = note.read_bytes()
    run = cli("new", "meeting", "acme", "--date", "2026-11-02", "--title", "Check-in", root=root)
    assert run.exit_code == 1
    assert "already exists; clientkb never overwrites a file" in run.stderr
    assert note.read_bytes() == before
    again = cli("new", "client", "ACME", root=root)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert cli("new", "playbook", "Onboarding", root=root).exit_code == 1


def test_refusals(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    unknown = cli("new", "meeting", "acne", root=root)
    assert unknown.exit_code == 1 and "did you mean 'acme'?" in unknown.stderr
    assert cli("new", "client", "日本", root=root).exit_code == 1
    assert "not a team handle" in cli("new", "client", "Beta", "--owner", "zoe", root=root).stderr
    assert cli("new", "meeting", "acme", "--type", "chat", root=root).exit_code == 2
    assert "generated page" in cli("new", "playbook", "Index", root=root).stderr


def test_repository_templates_override_the_package(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    template = "---\ndate: {{ date }}\ntype: {{ type }}\ntitle: {{ title | yaml }}\n---\n## Our own agenda\n"
    root = make_repo({"templates/meeting.md": template})
    run = cli("--today", "2026-11-20", "new", "meeting", "acme", root=root)
    created = (root / run.stdout.strip()).read_text(encoding="utf-8")
    assert created.endswith("## Our own agenda\n")
    assert cli("check", root=root).exit_code == 0


def test_a_repository_template_runs_no_code(
    make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    """A pull request can change templates/: Jinja's sandbox refuses the attribute walk that reaches
    Python's classes, and `new` says which template it could not use instead of failing obscurely."""
    canary = tmp_path / "canary"
    attack = (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
        f"{{{{ c(['touch', '{canary}']) }}}}{{% endif %}}{{% endfor %}}"
    )
    root = make_repo({"templates/meeting.md": "---\ndate: {{ date }}\n---\n" + attack})
    run = cli("--today", "2026-11-20", "new", "meeting", "acme", root=root)
    assert run.exit_code == 1
    assert "templates/meeting.md cannot be used" in run.stderr
    assert not canary.exists()
    assert not list((root / "clients/acme/meetings").glob("2026-11-20-*"))


def test_a_broken_repository_template_is_named_with_its_line(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo({"templates/playbook.md": "---\ntitle: {{ title | yaml }}\n---\n{% if %}\n"})
    run = cli("new", "playbook", "Renewal", root=root)
    assert run.exit_code == 1 and "templates/playbook.md, line 4" in run.stderr
