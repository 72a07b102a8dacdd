"""`clientkb build`: every page kind, exports and feeds parsed back, determinism, atomicity, safety."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import vobject

from tests.conftest import CLIENT_YAML, KB_YAML, NOTE_MD, REPO_ROOT, Run

TODAY = "2026-11-20"


def build(cli: Callable[..., Run], root: Path, *args: str) -> Run:
    return cli("--today", TODAY, "build", *args, root=root)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers.extend((tag, name) for name, _ in attrs if name.startswith("on"))


def event_handlers(html: str) -> list[tuple[str, str]]:
    """Attributes such as onerror= on real elements, as a browser's parser sees them."""
    parser = _Elements()
    parser.feed(html)
    return parser.handlers


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO_ROOT), "build", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and "pages in" in result.stdout
    assert "Traceback" not in result.stderr
    return out


def test_demo_has_every_page_of_the_spec(demo_site: Path) -> None:
    expected = [
        "index.html",
        "clients/index.html",
        "clients/harbor-health/index.html",
        "clients/harbor-health/meetings/2026-11-12-review-rollout-plan.html",
        "clients/harbor-health/account-plan.html",
        "clients/fjord-analytics/scope-of-work.html",
        "owners/dana.html",
        "actions.html",
        "audit.html",
        "journey.html",
        "playbooks/index.html",
        "playbooks/renewal.html",
        "calendar.ics",
        "calendar/dana.ics",
        "data/clients.json",
        "data/health.csv",
        "404.html",
        "search.html",
        "assets/style.css",
        "assets/site.js",
        ".clientkb-site",
    ]
    for path in expected:
        assert (demo_site / path).is_file(), path
    notes = list(REPO_ROOT.glob("clients/*/meetings/*.md"))
    assert len(list(demo_site.glob("clients/*/meetings/*.html"))) == len(notes)
    assert (demo_site / "search" / "index.json").is_file()


def test_links_are_relative_and_resolve(demo_site: Path) -> None:
    for page in demo_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#?]+)', html):  # a query (?segment=growth) is read by the page
            if target.startswith(("https://", "http://", "mailto:")):
                assert "<a" in html  # links out are links, never a resource the page loads
                continue
            if page.name == "404.html":
                # Served at any path by web servers: its links start at the server's root (no base_url).
                assert target.startswith("/") and (demo_site / target.lstrip("/")).exists(), target
                continue
            assert not target.startswith("/"), (page, target)
            assert (page.parent / target).resolve().exists(), (page.relative_to(demo_site), target)
        # Resources the page loads (not links a person may follow) stay on this host.
        assert not re.search(r'<(?:img|script|link|iframe|source)[^>]+(?:src|href)="(?:https?:)?//', html), page


def test_client_page_content(demo_site: Path) -> None:
    html = (demo_site / "clients/bluefin-logistics/index.html").read_text(encoding="utf-8")
    assert "<h1 data-search-title>Bluefin Logistics</h1>" in html
    assert "nps-detractor" in html and "latest NPS answer is 4 on 5 Nov 2026" in html
    assert 'href="meetings/2026-11-05-check-in.html"' in html
    assert "<svg" in html and '<title id="nps-t">NPS answers of Bluefin Logistics</title>' in html
    assert "Edit this file" in html
    assert "Playbooks that apply" in html and "difficult-clients-and-de-escalation.html" in html


def test_exports_parse_back(demo_site: Path) -> None:
    clients = json.loads((demo_site / "data/clients.json").read_text(encoding="utf-8"))
    assert len(clients) == 13
    bluefin = next(c for c in clients if c["client"] == "bluefin-logistics")
    assert bluefin["health"] == "red" and bluefin["record"]["contract"]["currency"] == "EUR"
    assert {f["code"] for f in bluefin["flags"]} >= {"nps-detractor", "escalation-open"}
    rows = list(csv.DictReader(io.StringIO((demo_site / "data/health.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 13
    assert next(r for r in rows if r["client"] == "juniper-books")["health"] == ""


def test_calendar_parses_back_with_stable_uids(demo_site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((demo_site / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Renewal: Cedar & Finch Legal LLP" in summaries
    assert any(s.startswith("Check-in: ") for s in summaries)
    anniversaries = [e for e in events if "RRULE" in e]
    assert anniversaries
    dana = icalendar.Calendar.from_ical((demo_site / "calendar/dana.ics").read_bytes())
    assert 0 < len(list(dana.walk("VEVENT"))) < len(events)


def test_build_is_deterministic(make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path) -> None:
    root = make_repo()
    assert build(cli, root, "--out", str(tmp_path / "a")).exit_code == 0
    assert build(cli, root, "--out", str(tmp_path / "b")).exit_code == 0
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert len(first) > 15 and any(path.startswith("search/terms/") for path in first)
    assert first == second


def test_build_refuses_on_errors_and_keeps_the_old_site(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo()
    assert build(cli, root).exit_code == 0
    before = tree(root / "site")
    (root / "clients/acme/client.yaml").write_text(CLIENT_YAML.replace("status: active", "status: activ"))
    run = build(cli, root)
    assert run.exit_code == 1
    assert "clients/acme/client.yaml:2:9: error:" in run.stderr
    assert "nothing was built" in run.stderr
    assert tree(root / "site") == before
    assert [p.name for p in root.iterdir() if "clientkb-new" in p.name] == []


def test_failed_render_leaves_the_old_site(
    make_repo: Callable[..., Path], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo()
    assert build(cli, root).exit_code == 0
    before = tree(root / "site")
    (root / "clients/acme/meetings/2026-11-02-check-in.md").write_text(NOTE_MD + "\nNew text.\n")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("generator.site.search.SearchIndexWriter.finish", explode)
    with pytest.raises(RuntimeError):
        build(cli, root)
    assert tree(root / "site") == before
    assert [p.name for p in root.iterdir() if "clientkb-new" in p.name] == []


def test_out_refuses_a_folder_that_is_not_a_build(
    make_repo: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = make_repo()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    run = build(cli, root, "--out", str(precious))
    assert run.exit_code == 1
    assert "was not built by clientkb" in run.stderr
    assert (precious / "thesis.txt").read_text() == "do not delete"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(cli, root, "--out", str(empty)).exit_code == 0
    assert (empty / "index.html").is_file()


def test_hostile_content_is_not_executable(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"
    quoted = json.dumps(payload)  # a JSON string is a valid YAML double-quoted scalar
    record = (
        f"name: {quoted}\nstatus: active\nsegment: growth\nowner: dana\nsince: 2025-01-01\n"
        f'summary: {quoted}\nwebsite: "javascript:alert(4)"\n'
    )
    note = (
        '---\ndate: 2026-11-02\ntitle: "<script>alert(5)</script>"\n---\n'
        f"{payload}\n\n[click](javascript:alert(6)) [d](data:text/html,<script>alert(7)</script>) "
        "[v](vbscript:msgbox(8)) ![x](https://evil.example/x.png) {{ 7*7 }} {% raw %}\n"
        '<iframe src="https://evil.example"></iframe>\n'
    )
    root = make_repo({"clients/acme/client.yaml": record, "clients/acme/meetings/2026-11-02-check-in.md": note})
    run = build(cli, root)
    # website must be an http(s) address: the record is refused, so nothing is built.
    assert run.exit_code == 1 and "web address" in run.stderr
    record = record.replace('website: "javascript:alert(4)"\n', "")
    (root / "clients/acme/client.yaml").write_text(record)
    assert build(cli, root).exit_code == 0
    for page in (root / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        lowered = html.lower()
        assert "<script>alert" not in lowered, page
        # No element carries an inline event handler (the payloads survive only as escaped text).
        assert not event_handlers(html), (page, event_handlers(html))
        assert "<svg onload" not in lowered, page
        assert 'href="javascript:' not in lowered and 'href="data:' not in lowered, page
        assert 'href="vbscript:' not in lowered, page
        assert "<iframe" not in lowered, page
        assert 'src="https://evil.example' not in lowered, page
    note_html = (root / "site/clients/acme/meetings/2026-11-02-check-in.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in note_html and "49" not in note_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note_html


def test_csv_neutralises_formulas(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML.replace("name: Acme Corp", 'name: "=HYPERLINK(1)"')})
    assert build(cli, root).exit_code == 0
    rows = list(csv.reader(io.StringIO((root / "site/data/health.csv").read_text(encoding="utf-8"))))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_audit_csv_has_the_last_decision_and_neutralises_formulas(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    audits = (
        "audits:\n  - {date: 2026-01-10, decision: deepen}\n"
        "  - {date: 2026-09-01, decision: adjust, note: '-2+3+cmd|calc'}\n"
        "  - {date: 2027-01-01, decision: end, note: planned not held yet}\n"
        "nps:\n  - {date: 2026-03-01, score: 9}\n  - {date: 2026-09-01, score: 5}\n"
    )
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML.replace("name: Acme Corp", 'name: "@SUM(1)"') + audits})
    assert build(cli, root).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((root / "site/data/audit.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["name"], row["nps_last"], row["nps_trend"]) == ("'@SUM(1)", "5", "-4")  # -4 is a number, kept
    assert (row["last_audit"], row["decision"], row["audit_note"]) == ("2026-09-01", "adjust", "'-2+3+cmd|calc")
    page = (root / "site/audit.html").read_text(encoding="utf-8")
    assert '<span class="badge decision-adjust">adjust</span>' in page and "data/audit.csv" in page


def test_git_last_change_from_one_log(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    env = {"GIT_AUTHOR_NAME": "Ana Author", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "C",
           "GIT_COMMITTER_EMAIL": "c@x", "GIT_AUTHOR_DATE": "2026-10-01T10:00:00", "GIT_COMMITTER_DATE":
           "2026-10-01T10:00:00", "PATH": "/usr/bin:/bin"}  # fmt: skip
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "Add Acme"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    (root / ".gitignore").write_text("site/\n")
    assert build(cli, root).exit_code == 0
    html = (root / "site/clients/acme/index.html").read_text(encoding="utf-8")
    assert "Last changed on 1 Oct 2026 by Ana Author" in html


def test_no_git_repository_means_no_last_change(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo()
    assert build(cli, root).exit_code == 0
    assert "Last changed" not in (root / "site/clients/acme/index.html").read_text(encoding="utf-8")


def test_settings_error_builds_nothing(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    root = make_repo({"kb.yaml": KB_YAML.replace("name: Test Studio", "name: [")})
    run = build(cli, root)
    assert run.exit_code == 1 and "kb.yaml:3:3: error: invalid YAML" in run.stderr
    assert not (root / "site").exists()


def test_builds_are_identical_across_paths_hash_seeds_time_zones_and_locales(tmp_path: Path) -> None:
    sites = []
    for index, (seed, zone, locale) in enumerate([("1", "UTC", "C.UTF-8"), ("4242", "Pacific/Kiritimati", "C")]):
        out = tmp_path / f"place-{index}" / "deeper" / "site"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone, "LC_ALL": locale, "LANG": locale}
        result = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(REPO_ROOT), "--today", TODAY, "build", "--out", str(out)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        sites.append(tree(out))
    assert sites[0] == sites[1]


@pytest.mark.parametrize("newline", ["\\n", "\\r\\n"])
def test_calendar_text_cannot_inject_lines(
    make_repo: Callable[..., Path], cli: Callable[..., Run], newline: str
) -> None:
    name = newline.join(["Acme", "END:VEVENT", "BEGIN:VEVENT", "ATTENDEE:mailto:evil@example.com", "SUMMARY:x"])
    record = CLIENT_YAML.replace("name: Acme Corp", f'name: "{name}"') + "contract: {renewal: 2026-12-01}\n"
    root = make_repo({"clients/acme/client.yaml": record})
    if "\\r" in newline:  # a carriage return is a control character: refused before anything is built
        assert "control-character" in build(cli, root).stderr
        return
    assert build(cli, root).exit_code == 0
    calendar = icalendar.Calendar.from_ical((root / "site/calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert all("ATTENDEE" not in event for event in events)
    renewal = next(e for e in events if str(e["SUMMARY"]).startswith("Renewal: "))
    assert "ATTENDEE:mailto:evil@example.com" in str(renewal["SUMMARY"])  # kept as text, in one property


def test_no_search_builds_without_an_index_and_without_a_warning(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_repo()
    result = cli("build", "--no-search", root=root)
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert (root / "site" / "index.html").is_file()
    assert not (root / "site" / "search").exists()


def test_calendar_uids_are_unique_and_do_not_follow_dates(
    make_repo: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    """Calendar apps keep one event per UID: look-alike items must not share one, and a moved date
    must keep its UID (else the app shows it twice)."""
    record = CLIENT_YAML + (
        "milestones:\n  - {name: Launch, due: 2026-12-10}\n  - {name: Launch, due: 2027-01-10}\n"
        "dates:\n  - {label: Founded, date: 2010-12-05, yearly: true}\n"
    )
    note = NOTE_MD + (
        "- [ ] Send the deck @dana due:2026-12-01\n- [ ] Send the deck @marco due:2026-12-01\n"
        "- [ ] Send the deck @dana due:2026-12-02\n"
    )
    root = make_repo({"clients/acme/client.yaml": record, "clients/acme/meetings/2026-11-02-check-in.md": note})
    assert build(cli, root).exit_code == 0

    def uids() -> dict[str, list[str]]:
        text = (root / "site/calendar.ics").read_text(encoding="utf-8")
        by_icalendar = [str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]
        by_vobject = [e.uid.value for e in vobject.readOne(text).vevent_list]
        assert by_icalendar == by_vobject
        summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")]
        found: dict[str, list[str]] = {}
        for summary, uid in zip(summaries, by_icalendar, strict=True):
            found.setdefault(summary.split(":")[0], []).append(uid)
        return found

    first = uids()
    assert len(first["Milestone"]) == 2 and len(first["Send the deck"]) == 3
    every = [uid for group in first.values() for uid in group]
    assert len(every) == len(set(every))
    moved = (root / "clients/acme/client.yaml").read_text().replace("2010-12-05", "2011-12-06")
    (root / "clients/acme/client.yaml").write_text(moved.replace("2026-12-10", "2026-12-11"))
    assert build(cli, root).exit_code == 0
    second = uids()
    assert second["Founded"] == first["Founded"] and sorted(second["Milestone"]) == sorted(first["Milestone"])


def test_custom_fields_are_shown_and_exported(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    record = (
        CLIENT_YAML.replace(
            "contacts:\n  - {name: Ana Lima, primary: true}",
            "contacts:\n  - {name: Ana Lima, primary: true, x-linkedin: ana-lima}",
        )
        + "x-crm-id: HH-0142\nx-regions: [EU, US]\nx-renewed: 2026-01-31\n"
    )
    root = make_repo({"clients/acme/client.yaml": record})
    assert build(cli, root).exit_code == 0
    page = (root / "site/clients/acme/index.html").read_text(encoding="utf-8")
    for shown in ("<dt>x-crm-id</dt><dd>HH-0142</dd>", "<dt>x-regions</dt><dd>EU, US</dd>", "<dd>2026-01-31</dd>"):
        assert shown in page
    assert "ana-lima" not in page  # a nested x- field is accepted and ignored
    (entry,) = json.loads((root / "site/data/clients.json").read_text(encoding="utf-8"))
    assert entry["custom"] == {"x-crm-id": "HH-0142", "x-regions": ["EU", "US"], "x-renewed": "2026-01-31"}
    assert "ana-lima" not in json.dumps(entry)


class _VisibleText(HTMLParser):
    """The text a reader sees: every text node outside script and style, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def test_no_page_shows_markup_as_text(demo_site: Path) -> None:
    """The demo's records hold no markup, so any markup a reader sees is the site's own, escaped twice."""
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 90
    for page in pages:
        parser = _VisibleText()
        parser.feed(page.read_text(encoding="utf-8"))
        text = "".join(parser.parts)
        for markup in ("<span", "<a ", "<td", "&lt;", "&amp;", "&#", "{{", "{%"):
            assert markup not in text, f"{page.relative_to(demo_site)} shows {markup!r} as text"


def test_the_404_page_links_from_the_path_of_base_url(make_repo: Callable[..., Path], cli: Callable[..., Run]) -> None:
    """A site under a sub-path (a GitHub Pages project site, say) gives its address in kb.yaml."""
    root = make_repo({"kb.yaml": KB_YAML + "base_url: https://kb.example.com/agency\n"})
    assert cli("--today", "2026-11-20", "build", root=root).exit_code == 0
    html = (root / "site/404.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'(?:href|src)="([^"#]+)', html))
    assert "/agency/assets/style.css" in targets and "/agency/clients/index.html" in targets
    assert all(t.startswith("/agency/") for t in targets), targets
    assert "kb.example.com" not in html  # only the path: no request to another host
    refused = make_repo({"kb.yaml": KB_YAML + "base_url: https://kb.example.com/agency?x=1\n"})
    run = cli("check", root=refused)
    assert run.exit_code == 1 and "base_url" in run.stdout
