"""The demo site as its readers see it, in a real headless Chromium: every page type, light and dark,
at 1280 and 390 px. axe-core (bundled by axe-playwright-python) finds no WCAG 2.1 AA violation, no
page scrolls sideways, no visible text holds markup, chart text stays readable, and every sortable
column sorts by value.

Run alone with `python -m pytest -m browser`.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, Served, build_site

pytestmark = pytest.mark.browser

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from tests.conftest import REPO_ROOT  # noqa: E402

PAGES = {
    "dashboard": "index.html",
    "dashboard of a segment": "dashboards/segment-growth.html",
    "clients index": "clients/index.html",
    "red client": "clients/bluefin-logistics/index.html",
    "amber client": "clients/cedar-legal/index.html",
    "green client": "clients/harbor-health/index.html",
    "former client": "clients/juniper-books/index.html",
    "quarterly review pack": "clients/bluefin-logistics/qbr.html",
    "note": "clients/bluefin-logistics/meetings/2026-11-05-check-in.html",
    "document": "clients/harbor-health/account-plan.html",
    "owner": "owners/dana.html",
    "team": "team.html",
    "actions": "actions.html",
    "audit": "audit.html",
    "journey": "journey.html",
    "advocacy": "advocacy.html",
    "playbooks": "playbooks/index.html",
    "playbook": "playbooks/renewal.html",
    "digest": "digest/marco.html",
    "playbook run": "clients/bluefin-logistics/runs/2026-11-16-handling-feedback.html",
    "search with results": "search.html?q=renewal",
    "404 at a deep path": "clients/no-such-client/meetings/gone.html",
}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MARKUP = ("<span", "<a ", "<td", "</", "&lt;", "&gt;", "&amp;", "&#", "{{", "{%")
"""The demo's records hold none of these, so any a reader sees is the site's own markup, shown as text."""


class _LikeAWebHost(http.server.SimpleHTTPRequestHandler):
    """Serves a missing page as GitHub Pages or Netlify do: 404.html, whatever the path."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("readers") / "site"
    build_site(REPO_ROOT, out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_LikeAWebHost, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", out)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module", params=[(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")],
                ids=lambda p: f"{p[0]}px-{p[1]}")  # fmt: skip
def context(request: pytest.FixtureRequest, browser: Browser) -> Iterator[BrowserContext]:
    width, scheme = request.param
    made = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    yield made
    made.close()


def _open(context: BrowserContext, demo: Served, path: str) -> Page:
    page = context.new_page()
    response = page.goto(demo.base + path)  # waits for "load": styles, scripts and the icon are in
    assert response is not None and response.status == (404 if "no-such" in path else 200)
    if path.startswith("search.html"):
        page.wait_for_selector(".search-results li", timeout=15000)
    return page


_FAINT_FIELDS = """() => {
  const rgb = c => (c.match(/[0-9.]+/g) || []).slice(0, 3).map(Number);
  const linear = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const [r, g, b] = rgb(c).map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = getComputedStyle(document.body).backgroundColor;
  return Array.from(document.querySelectorAll("input:not([type=checkbox]), select"))
    .filter(f => f.offsetParent !== null)
    .map(f => [f.id || f.name, ratio(getComputedStyle(f).borderTopColor, page)])
    .filter(([, r]) => r < 3);
}"""


def _axe_violations(page: Page) -> list[str]:
    response = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
        for violation in response.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_reads_well(context: BrowserContext, demo: Served, name: str) -> None:
    page = _open(context, demo, PAGES[name])
    try:
        assert page.locator("h1").count() == 1
        assert _axe_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        text = page.locator("body").inner_text()
        shown = [markup for markup in MARKUP if markup in text]
        assert shown == [], f"{name} shows markup as text: {shown}"
        smallest = page.evaluate(
            "Math.min(1000, ...Array.from(document.querySelectorAll('svg text'), t => t.getBoundingClientRect().height)"
            ".filter(h => h > 0))"
        )
        assert smallest >= 11, f"{name}: chart text is {smallest:.1f}px high"
        faint = page.evaluate(_FAINT_FIELDS)
        assert faint == [], f"{name}: form fields whose border is under 3:1 against the page (WCAG 1.4.11)"
    finally:
        page.close()


def _as_value(text: str) -> tuple[int, float | str]:
    """How a reader expects a cell to order: numbers by value, ISO dates by date, the rest as text,
    and empty cells after all of them."""
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        return (0, float(text))
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return (1, dt.date.fromisoformat(text).toordinal())
    return (2, text) if text else (3, "")


_CELLS = (
    "(t, i) => Array.from(t.tBodies[0].rows, r => r.cells[i] ? (r.cells[i].getAttribute('data-sort') ?? "
    "r.cells[i].textContent.trim().toLowerCase()) : '')"
)


SORTABLE = [
    "index.html",
    "clients/index.html",
    "audit.html",
    "actions.html",
    "owners/dana.html",
    "team.html",
    "clients/bluefin-logistics/index.html",
]


@pytest.mark.parametrize("path", SORTABLE)
def test_every_sortable_column_sorts_by_value(browser: Browser, demo: Served, path: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo.base + path)
    page.wait_for_load_state("networkidle")
    tables = page.locator("table.sortable")
    assert tables.count() > 0
    for t in range(tables.count()):
        table = tables.nth(t)
        headers = table.locator("thead th")
        for index in range(headers.count()):
            label = headers.nth(index).inner_text()
            headers.nth(index).click()
            values = table.evaluate(f"t => ({_CELLS})(t, {index})")
            assert values == sorted(values, key=_as_value), (path, t, label)
            headers.nth(index).click()
            values = table.evaluate(f"t => ({_CELLS})(t, {index})")
            assert values == sorted(values, key=_as_value, reverse=True), (path, t, label, "descending")
    page.close()


def test_search_results_can_be_told_apart_and_read(browser: Browser, demo: Served) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo.base + "search.html?q=check")
    page.wait_for_selector(".search-results li p mark", timeout=15000)
    assert page.locator("#search-q").input_value() == "check"  # the page has its own search field
    notes = page.locator(".search-results li", has=page.locator("a[href*='/meetings/']"))
    assert notes.count() > 1
    lines = [notes.nth(i).locator("span.muted").inner_text() for i in range(min(notes.count(), 10))]
    # Every note result names its client and date: two check-ins of one month are not alike.
    assert all(re.match(r" · .+ · \d{1,2} \w{3} \d{4} · meeting note$", line) for line in lines), lines
    assert len(set(lines)) == len(lines)
    labels = page.locator(".search-filters label").all_inner_texts()
    assert [label.split(" ")[0] for label in labels] == ["Health", "Kind", "Owner", "Segment", "Status"]
    page.goto(demo.base + "search.html?q=wisniewska")
    page.wait_for_selector(".search-results li p mark", timeout=15000)
    excerpts = page.locator(".search-results li p").all_inner_texts()
    assert any("Wiśniewska" in text for text in excerpts), excerpts
    assert not any(re.search(r"Wiśniewska\w", text) for text in excerpts), excerpts  # not joined to the next block
    page.goto(demo.base + "search.html?q=dana")
    page.wait_for_selector(".search-results li", timeout=15000)
    assert "owners/dana.html" in page.locator(".search-results li a").first.get_attribute("href")
    page.close()


def test_typing_a_short_word_does_not_flash_no_results(browser: Browser, demo: Served) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo.base + "search.html?q=renewal")
    page.wait_for_selector(".search-results li", timeout=15000)
    seen: list[str] = []
    page.expose_function("record", lambda text: seen.append(text))
    page.evaluate(
        "new MutationObserver(() => window.record(document.querySelector('.search-status').textContent))"
        ".observe(document.querySelector('.search-status'), {childList: true, characterData: true, subtree: true})"
    )
    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially("renewal plan", delay=40)
    page.wait_for_timeout(1200)
    assert not any(text.startswith("0 results") for text in seen), seen
    page.close()


def test_the_smaller_things_a_reader_notices(browser: Browser, demo: Served) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo.base + "journey.html")
    columns = page.eval_on_selector_all(".journey-map thead th", "cells => cells.map(c => c.textContent.trim())")
    stages = ["Discovery", "Onboarding gap", "Planning", "Execution gap", "Review gap", "Renewal", "Offboarding"]
    assert columns[1:] == stages  # the demo's gaps: a stalled onboarding, few check-ins, a stalled review
    tops = page.eval_on_selector_all(
        ".journey > *", "stages => stages.map(s => Math.round(s.getBoundingClientRect().top))"
    )
    assert len(tops) == 7 and len(set(tops[:4])) == 1, tops  # the stages' client lists side by side
    page.goto(demo.base + "clients/index.html")
    assert page.locator('meta[name="description"]').get_attribute("content")
    sizes = page.eval_on_selector_all(
        "input[type=search]", "fields => fields.map(f => parseFloat(getComputedStyle(f).fontSize))"
    )
    assert sizes and min(sizes) >= 16  # iOS zooms into a field under 16 px
    page.fill("#client-filter", "no client is called this")
    assert page.locator(".filter-none").inner_text() == "No row matches \u201cno client is called this\u201d."
    page.fill("#client-filter", "bluefin")
    assert page.locator(".filter-none").inner_text() == ""
    page.goto(demo.base + "audit.html")
    wrapped = page.eval_on_selector_all(
        "#main table tbody td.num",
        """cells => cells.filter(c => c.textContent.trim()).filter(c => {
            const range = document.createRange(); range.selectNodeContents(c);
            return range.getBoundingClientRect().height > 1.9 * parseFloat(getComputedStyle(c).fontSize);
        }).map(c => c.textContent)""",
    )
    assert wrapped == []  # amounts stay on one line ("140,000 EUR", not "140,000 / EUR")
    page.goto(demo.base + "search.html?q=check")
    page.wait_for_selector("select[name=health]", timeout=15000)
    health = page.locator("select[name=health] option").all_inner_texts()
    assert health[0] == "any" and all(option.split(" ")[0] in ("red", "amber", "green") for option in health[1:])
    page.close()
