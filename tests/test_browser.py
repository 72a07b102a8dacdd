"""The built site in a real headless Chromium (Debian's, driven by Playwright; never a downloaded one).

Run alone with `python -m pytest -m browser`.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import KB_YAML, REPO_ROOT, write_files

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def build_site(root: Path, out: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", "2026-11-20", "build", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Served:
    base: str
    folder: Path


def serve(folder: Path) -> Iterator[Served]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", folder)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(REPO_ROOT, out)
    yield from serve(out)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(browser: Browser, width: int = 1280) -> Watched:
    page = browser.new_page(viewport={"width": width, "height": 900})
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("requestfailed", lambda r: watched.failed.append(r.url))
    page.on("response", lambda r: watched.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def on_dialog(dialog: object) -> None:
        watched.dialogs.append(getattr(dialog, "message", "?"))
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    return watched


def assert_clean(watched: Watched, base: str) -> None:
    assert watched.errors == []
    assert watched.failed == []
    assert watched.dialogs == []
    off_host = [url for url in watched.requests if not url.startswith((base, "data:", "blob:"))]
    assert off_host == []


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "clients/index.html",
        "clients/bluefin-logistics/index.html",
        "clients/bluefin-logistics/meetings/2026-11-05-check-in.html",
        "owners/dana.html",
        "actions.html",
        "audit.html",
        "journey.html",
        "playbooks/index.html",
        "playbooks/renewal.html",
    ],
)
def test_pages_render_cleanly(demo: Served, browser: Browser, path: str) -> None:
    watched = watch(browser)
    watched.page.goto(demo.base + path)
    watched.page.wait_for_load_state("networkidle")
    assert watched.page.locator("h1").count() == 1
    assert_clean(watched, demo.base)
    watched.page.close()


def test_client_table_sorts_and_filters(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "clients/index.html")
    rows = page.locator("#client-table tbody tr")
    assert rows.count() == 13
    names = lambda: [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]  # noqa: E731
    header = page.locator("#client-table th", has_text="client")
    header.click()
    ascending = names()
    assert ascending == sorted(ascending, key=str.casefold)
    header.click()
    assert names() == ascending[::-1]
    page.locator("#client-table th", has_text="health").click()
    first_health = rows.nth(0).locator("td").nth(4).inner_text()
    assert first_health.startswith("red")
    page.fill("#client-filter", "onboarding")
    visible = [rows.nth(i) for i in range(rows.count()) if rows.nth(i).is_visible()]
    assert [row.locator("td").first.inner_text() for row in visible] == ["Lumen Architects", "Fjord Analytics"]
    assert_clean(watched, demo.base)
    page.close()


_HREFS = "links => links.map(a => a.getAttribute('href'))"


def _cli_clients(*options: str) -> list[str]:
    """The demo's clients that `clientkb health` lets through these filters."""
    run = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO_ROOT), "health", "--format", "json", *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(h["client"] for h in json.loads(run.stdout))


def test_client_list_facets_agree_with_the_command_line_and_live_in_the_address(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "clients/index.html?segment=growth&segment=standard&health=red")
    shown = lambda: sorted(  # noqa: E731
        re.findall(
            r"clients/([^/]+)/index\.html",
            " ".join(page.eval_on_selector_all("#client-table tbody tr:not([hidden]) td:first-child a", _HREFS)),
        )
    )
    expected = _cli_clients("--segment", "growth", "--segment", "standard", "--health", "red")
    assert expected and shown() == expected
    assert page.locator('input[data-facet="segment"][value="growth"]').is_checked()
    page.locator('input[data-facet="owner"][value="marco"]').check()
    assert shown() == _cli_clients(
        "--segment", "growth", "--segment", "standard", "--health", "red", "--account-owner", "marco"
    )
    assert "owner=marco" in page.url and "segment=growth" in page.url
    page.locator('input[data-facet="health"][value="red"]').uncheck()
    page.locator('input[data-facet="status"][value="former"]').check()
    assert shown() == _cli_clients(
        "--segment", "growth", "--segment", "standard", "--status", "former", "--account-owner", "marco"
    )
    assert "health=" not in page.url
    assert_clean(watched, demo.base)
    page.close()


def test_a_dashboard_per_filter_shows_only_its_clients(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "index.html")
    page.locator(".views summary").click()
    page.locator(".views a", has_text="Growth").click()
    page.wait_for_load_state()
    assert page.url.endswith("dashboards/segment-growth.html")
    assert "segment Growth" in page.locator("h1").inner_text()
    attention = sorted(
        re.findall(r"clients/([^/]+)/index\.html", " ".join(page.eval_on_selector_all(".cards li h3 a", _HREFS)))
    )
    red_amber = _cli_clients("--segment", "growth", "--health", "red", "--health", "amber")
    assert attention == red_amber
    assert page.locator("section[aria-labelledby=revenue] h3").count() == 5
    assert page.locator("section[aria-labelledby=service] table").count() == 1
    page.locator("a", has_text="on the client list").click()
    page.wait_for_load_state()
    assert page.url.endswith("clients/index.html?segment=growth")
    assert page.locator('input[data-facet="segment"][value="growth"]').is_checked()
    assert_clean(watched, demo.base)
    page.close()


def shown_results(page: Page, wanted: Callable[[list[str]], bool], timeout: float = 15) -> list[str]:
    """The links of the results once they are all shown (titles come a moment after the count) and
    `wanted` holds for them."""
    deadline = time.monotonic() + timeout
    while True:
        status = re.fullmatch(r"(\d+) results?", page.locator(".search-status").inner_text())
        # One read of the whole list: a search that starts meanwhile replaces it at once.
        hrefs = page.eval_on_selector_all(".search-results li a", "links => links.map(a => a.getAttribute('href'))")
        if status and len(hrefs) == min(int(status[1]), 50) and wanted(hrefs):
            return hrefs
        assert time.monotonic() < deadline, (status, hrefs)
        time.sleep(0.1)


def test_search_finds_a_phrase_from_a_note(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "search.html?q=telematics")
    hrefs = shown_results(page, lambda hrefs: len(hrefs) > 0)
    assert any("bluefin-logistics" in href for href in hrefs), hrefs
    assert not all("/meetings/" in href for href in hrefs)  # the client's page too
    # A filter narrows the results to meeting notes.
    page.select_option("select[name=kind]", "meeting note")
    shown_results(page, lambda hrefs: len(hrefs) > 0 and all("/meetings/" in href for href in hrefs))
    page.locator(".search-results li a").first.click()
    page.wait_for_load_state()
    assert "bluefin-logistics" in page.url
    assert_clean(watched, demo.base)
    page.close()


def _search_repo(root: Path) -> Path:
    from tests.conftest import CLIENT_YAML, PLAYBOOK_MD, base_files

    files = base_files()
    files["clients/beta/client.yaml"] = CLIENT_YAML.replace("Acme Corp", "Beta Bakery").replace("active", "paused")
    for day in range(1, 61):
        files[f"clients/acme/meetings/2026-{1 + day // 28:02d}-{1 + day % 28:02d}-check-in.md"] = (
            f"---\ndate: 2026-{1 + day // 28:02d}-{1 + day % 28:02d}\ntype: check-in\n---\n"
            f"## Notes {day}\nWe went through the roadmap once, then other things at length. " + "Filler. " * 40 + "\n"
        )
    files["clients/beta/meetings/2026-10-01-review.md"] = (
        "---\ndate: 2026-10-01\ntype: review\ntitle: Roadmap review\n---\n"
        "The roadmap, the roadmap and the roadmap again. Lunch at Café Crème with Jürgen.\n"
    )
    files["playbooks/renewal.md"] = PLAYBOOK_MD.replace("Onboarding", "Renewal").replace("onboarding", "renewal")
    return write_files(root, files)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("search")
    build_site(_search_repo(folder / "kb"), folder / "site")
    yield from serve(folder / "site")


def results(page: Page) -> list[str]:
    links = page.locator(".search-results li a")
    return [links.nth(i).inner_text() for i in range(links.count())]


def test_search_folds_accents_and_case_and_marks_the_words(searchable: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    for query in ("cafe creme", "CAFÉ", "jurgen"):
        page.goto(searchable.base + "search.html?q=" + query)
        page.wait_for_selector(".search-results li p mark", timeout=15000)
        assert results(page) == ["Roadmap review"], query
        assert page.locator(".search-status").inner_text() == "1 result"
    marks = page.locator(".search-results mark")
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == ["Jürgen"]
    assert_clean(watched, searchable.base)
    page.close()


def test_search_ranks_finds_word_beginnings_and_pages_its_results(searchable: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(searchable.base + "search.html?q=roadm")  # the beginning of a word finds the word
    page.wait_for_selector(".search-results li a", timeout=15000)
    assert page.locator(".search-status").inner_text() == "61 results"
    expect(page.locator(".search-results li a")).to_have_count(50)
    assert results(page)[0] == "Roadmap review"  # in the title, and three times in the text
    page.click(".search-more")
    expect(page.locator(".search-results li a")).to_have_count(61)
    assert page.locator(".search-more").is_hidden()
    page.wait_for_load_state("networkidle")  # the excerpts are in
    # Every word must be found; no page has both.
    page.goto(searchable.base + "search.html?q=roadmap+telematics")
    expect(page.locator(".search-status")).to_have_text("0 results")
    assert_clean(watched, searchable.base)
    page.close()


def test_search_as_you_type_and_by_filters_alone(searchable: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(searchable.base + "index.html")
    page.fill("#q", "crème")
    page.press("#q", "Enter")  # the search box of every page opens the search page
    expect(page.locator(".search-results li a")).to_have_text(["Roadmap review"])
    page.goto(searchable.base + "search.html")
    page.wait_for_selector("select[name=kind]", timeout=15000)
    assert page.locator(".search-status").inner_text() == "Type a word in the search box."
    page.fill("#search-q", "bakery")  # the search page's own field: results follow the typing
    expect(page.locator(".search-status")).to_have_text("3 results")
    expect(page.locator(".search-results li a")).to_have_count(3)
    # The client, its note (by its client, the context) and the page of the person who owns it.
    assert sorted(results(page)) == ["Beta Bakery", "Dana Ruiz", "Roadmap review"]
    assert page.url.endswith("search.html?q=bakery")
    page.select_option("select[name=kind]", "client")
    expect(page.locator(".search-status")).to_have_text("1 result")
    expect(page.locator(".search-results li a")).to_have_count(1)
    assert results(page) == ["Beta Bakery"]
    page.fill("#search-q", "")
    page.select_option("select[name=kind]", "playbook")
    expect(page.locator(".search-status")).to_have_text("2 results")
    expect(page.locator(".search-results li a")).to_have_count(2)
    assert sorted(results(page)) == ["Onboarding", "Renewal"]
    assert page.url.endswith("search.html?kind=playbook")
    options = page.locator("select[name=status] option")
    assert [options.nth(i).inner_text() for i in range(options.count())] == ["any", "active (62)", "paused (2)"]
    assert_clean(watched, searchable.base)
    page.close()


def test_search_on_file_url_says_how_to_serve(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto((demo.folder / "search.html").as_uri() + "?q=telematics")
    message = page.locator(".search-status").inner_text()
    assert "opened from a web server" in message and "`" not in message  # for readers, not developers
    assert watched.errors == [] and watched.dialogs == []
    page.close()


def test_dashboard_readable_without_javascript(demo: Served, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo.base + "index.html")
    assert "Needs attention" in page.inner_text("main")
    assert page.locator("svg[role=img]").count() >= 2
    context.close()


def test_hostile_content_fires_nothing(browser: Browser, tmp_path: Path) -> None:
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"
    quoted = json.dumps(payload)
    note = (
        f"---\ndate: 2026-11-02\ntitle: {quoted}\nattendees: [dana, {quoted}]\nnps: 3\n---\n"
        f"# {payload}\n\n{payload}\n\n"
        "[click](javascript:alert(4)) [d](data:text/html,<script>alert(5)</script>) ![x](https://evil.example/x.png)\n"
        "- [ ] " + payload + " @dana due:2026-11-01\n"
    )
    files: dict[str, str | bytes] = {
        "kb.yaml": KB_YAML,
        "clients/acme/client.yaml": (
            f"name: {quoted}\nstatus: active\nsegment: growth\nowner: dana\nsince: 2025-01-01\nsummary: {quoted}\n"
            f'goals: [{quoted}]\ncontacts:\n  - {{name: {quoted}, email: "x.o\'brien+tag@b.example", '
            f"role: {quoted}, phone: {quoted}, notes: {quoted}}}\n"
            f"milestones:\n  - {{name: {quoted}, due: 2026-01-01}}\n"
            f"escalations:\n  - {{opened: 2026-10-01, summary: {quoted}, severity: high}}\n"
            f"links:\n  - {{title: {quoted}, url: 'https://example.com/\"><script>alert(6)</script>'}}\n"
            f"industry: {quoted}\ntags: [{quoted}]\npain_points: [{quoted}]\npast_frustrations: [{quoted}]\n"
            f"website: 'https://x.example/\"onmouseover=\"alert(7)'\n"
            f"communication: {{channel: {quoted}, style: {quoted}}}\n"
            f"contract: {{value: 100, currency: EUR, period: month, renewal: 2026-12-01}}\n"
            f"scope: {{included: [{quoted}], excluded: [{quoted}]}}\n"
            f"nps:\n  - {{date: 2026-01-01, score: 9, comment: {quoted}}}\n"
            f"csat:\n  - {{date: 2026-01-01, score: 2, comment: {quoted}}}\n"
            f"hours:\n  - {{month: '2026-10', spent: 10}}\n"
            f"dates:\n  - {{date: 2026-12-24, label: {quoted}, yearly: true}}\n"
            f"wins:\n  - {{date: 2026-01-01, summary: {quoted}}}\n"
            f"advocacy: {{testimonial: {quoted}, case_study: true}}\n"
            f"x-custom: {quoted}\n"
        ),
        "clients/acme/plan.md": f"---\ntitle: {quoted}\nsummary: {quoted}\n---\n{payload}\n",
        "clients/acme/meetings/2026-11-02-check-in.md": note,
        "playbooks/p.md": f"---\ntitle: {quoted}\nsummary: {quoted}\n---\n{payload}\n",
    }
    root = write_files(tmp_path / "kb", files)
    out = tmp_path / "site"
    build_site(root, out)
    for served in serve(out):
        for path in sorted(out.rglob("*.html")):
            watched = watch(browser)
            watched.page.goto(served.base + str(path.relative_to(out)))
            watched.page.wait_for_load_state("networkidle")
            for link in ("javascript:", "data:"):
                assert watched.page.locator(f"a[href^='{link}']").count() == 0
            assert_clean(watched, served.base)
            watched.page.close()
        # The search index holds the payloads too: results show them as text.
        watched = watch(browser)
        watched.page.goto(served.base + "search.html?q=alert")
        watched.page.wait_for_selector(".search-results li p mark", timeout=15000)  # excerpts come after titles
        watched.page.wait_for_load_state("networkidle")
        assert watched.page.locator(".search-results script, .search-results img").count() == 0
        assert_clean(watched, served.base)
        watched.page.close()


def test_the_quarterly_review_pack_prints_as_one_document(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "clients/bluefin-logistics/qbr.html")
    assert page.locator("button.print").is_visible()  # offered on screen once the script runs
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator("button.print").is_visible()
    headings = page.locator("article.qbr h2")
    assert headings.count() == 8 and all(headings.nth(i).is_visible() for i in range(8))
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert_clean(watched, demo.base)
    page.close()


def test_log_feedback_gets_a_file_name_of_its_own(demo: Served, browser: Browser) -> None:
    watched = watch(browser)
    page = watched.page
    page.goto(demo.base + "clients/harbor-health/index.html")
    link = page.locator("a[data-new-file]", has_text="Log feedback")
    assert "-from-site.yaml" in (link.get_attribute("href") or "")
    # Stay on the site: the Git host is not part of the test.
    page.evaluate("document.addEventListener('click', e => e.preventDefault())")
    link.click()
    href = link.get_attribute("href") or ""
    assert re.search(r"/events/2026-11-20-nps-[0-9a-f]{4}\.yaml&", href), href
    assert_clean(watched, demo.base)
    page.close()
