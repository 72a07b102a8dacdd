"""The client page's "Log a meeting" and "Log feedback" links: the Git host's new-file page with the
file's name and a filled template, from kb.yaml's `new_file_url` or GitHub's form of `repo_url`; the
file a teammate creates through them, unchanged, is what `clientkb check` expects."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import KB_YAML, Run

TODAY = ("--today", "2026-11-20")


def _links(cli: Callable[..., Run], root: Path) -> dict[str, str]:
    out = root / "site"
    run = cli(*TODAY, "build", "--out", str(out), root=root)
    assert run.exit_code == 0, run.stderr
    page = (out / "clients/acme/index.html").read_text(encoding="utf-8")
    return {
        label: unescape(href) for href, label in re.findall(r'<a href="([^"]+)" data-new-file[^>]*>([^<]+)</a>', page)
    }


def test_the_links_create_files_that_check(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"kb.yaml": KB_YAML + "repo_url: https://github.com/studio/kb\n"})
    links = _links(cli, root)
    assert set(links) == {"Log a meeting", "Log feedback"}
    for label, url in links.items():
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", "/studio/kb/new/main")
        query = parse_qs(parts.query)
        path, text = query["filename"][0], query["value"][0]
        if label == "Log feedback":
            assert path == "clients/acme/events/2026-11-20-nps-from-site.yaml"
            text = text.replace("score:\n", "score: 9\n")  # what the teammate fills in
        else:
            assert path == "clients/acme/meetings/2026-11-20-check-in-november-2026.md"
            assert "date: 2026-11-20\ntype: check-in" in text and "attendees: [dana]" in text
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    assert cli("check", "--format", "json", root=root).json() == []


def test_new_file_url_names_another_git_host(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    gitlab = "https://gitlab.example.com/studio/kb/-/new/main?file_name={path}&content={content}"
    root = make_repo({"kb.yaml": KB_YAML + f"repo_url: https://github.com/studio/kb\nnew_file_url: {gitlab}\n"})
    url = _links(cli, root)["Log a meeting"]
    assert url.startswith("https://gitlab.example.com/studio/kb/-/new/main?file_name=clients/acme/meetings/")
    assert "&content=---%0Adate%3A%202026-11-20%0A" in url


def test_no_git_host_no_links_and_a_bad_template_is_refused(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    assert _links(cli, make_repo()) == {}
    for bad in ("https://git.example.com/new?filename=x", "javascript:alert(1)//{path}"):
        root = make_repo({"kb.yaml": KB_YAML + f"new_file_url: '{bad}'\n"})
        problems = cli("check", "--format", "json", root=root).json()
        assert isinstance(problems, list)
        assert [(p["file"], p["code"]) for p in problems] == [("kb.yaml", "invalid-value")], bad
