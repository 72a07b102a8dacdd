"""`clientkb serve` as a real subprocess on a free port, and the rebuild rules on their own."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build.config import BuildConfig, Mode
from generator.serve.plan import plan_rebuild
from generator.serve.state import SiteState
from tests.conftest import CLIENT_YAML, NOTE_MD, REPO_ROOT

TODAY = "2026-11-20"
NOTE = "clients/acme/meetings/2026-11-02-check-in.md"


# ---- the rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed", "before", "after", "full", "clients"),
    [
        (["clients/acme/meetings/2026-11-02-x.md"], {"acme", "beta"}, {"acme", "beta"}, False, {"acme"}),
        (["clients/acme/client.yaml", "clients/beta/plan.md"], {"acme", "beta"}, {"acme", "beta"}, False,
         {"acme", "beta"}),
        (["kb.yaml"], {"acme"}, {"acme"}, True, set()),
        (["playbooks/renewal.md"], {"acme"}, {"acme"}, True, set()),
        (["clients/gamma/client.yaml"], {"acme"}, {"acme", "gamma"}, True, set()),  # added
        (["clients/acme"], {"acme", "beta"}, {"beta"}, True, set()),  # removed
        (["clients/acme/x.md", "clients/acme-2/x.md"], {"acme"}, {"acme-2"}, True, set()),  # renamed
        (["README.md", "templates/client.yaml", "docs/x.md"], {"acme"}, {"acme"}, False, set()),
        (["templates/meeting.md"], {"acme"}, {"acme"}, True, set()),  # the client pages' "Log a meeting"
        (["templates/feedback.yaml"], {"acme"}, {"acme"}, True, set()),
        (["clients/acme"], {"acme"}, {"acme"}, False, set()),  # the folder itself touched
    ],
)  # fmt: skip
def test_plan_rebuild(changed: list[str], before: set[str], after: set[str], full: bool, clients: set[str]) -> None:
    plan = plan_rebuild(changed, before, after)
    assert plan.full is full
    assert set(plan.clients) == clients


# ---- a real server -------------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    out: Path
    root: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, path: str, condition: Callable[[int, str], bool], timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        status, body = self.get(path)
        while not condition(status, body):
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} never met the condition; last: {status} {body[:300]}")
            time.sleep(0.05)
            status, body = self.get(path)
        return body

    def events(self, timeout: float = 3) -> list[tuple[str, object]]:
        """The first event the server sends a new page: the current problems."""
        with urllib.request.urlopen(self.url + "__clientkb/events", timeout=timeout) as response:
            lines = [response.readline().decode().strip() for _ in range(2)]
        event = lines[0].removeprefix("event: ")
        return [(event, json.loads(lines[1].removeprefix("data: ")))]


def start(root: Path, out: Path, *args: str) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "serve", "--port", "0",
         "--out", str(out), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    for line in process.stderr:
        match = re.search(r"serving (http://[\w.:]+:\d+/)", line)
        if match:
            return Server(process, match.group(1), out, root)
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError("serve did not start")


def stop(server: Server) -> str:
    server.process.send_signal(signal.SIGINT)
    _, stderr = server.process.communicate(timeout=20)
    return stderr


@pytest.fixture
def served(make_repo: Callable[..., Path], tmp_path: Path) -> Iterator[Server]:
    server = start(make_repo(), tmp_path / "out")
    yield server
    if server.process.poll() is None:
        stderr = stop(server)
        assert "Traceback" not in stderr, stderr


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "--today", TODAY, "build", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return tree(out)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not str(p.relative_to(folder)).startswith(".clientkb-search")
    }


def test_edit_a_note_and_see_the_page_change(served: Server) -> None:
    page = "clients/acme/meetings/2026-11-02-check-in.html"
    assert "All good." in served.wait_for(page, lambda s, b: s == 200)
    (served.root / NOTE).write_text(NOTE_MD.replace("All good.", "Something new was agreed."))
    body = served.wait_for(page, lambda s, b: "Something new was agreed." in b)
    assert '<script src="/__clientkb/live.js"></script></body>' in body
    # Injected only into served pages: the file on disk is what `build` writes.
    assert "__clientkb" not in (served.out / page).read_text(encoding="utf-8")


def test_broken_yaml_shows_problems_and_the_fix_clears_them(served: Server) -> None:
    page = "clients/acme/index.html"
    before = served.wait_for(page, lambda s, b: s == 200)
    assert served.events() == [("problems", [])]
    record = served.root / "clients/acme/client.yaml"
    record.write_text(CLIENT_YAML.replace("status: active", "status: [active"))
    deadline = time.monotonic() + 10
    while not served.events()[0][1] and time.monotonic() < deadline:
        time.sleep(0.05)
    event, problems = served.events()[0]
    assert event == "problems"
    assert isinstance(problems, list) and problems
    assert problems[0]["location"].startswith("clients/acme/client.yaml:")
    assert served.get(page)[1] == before  # the last good site is still served
    record.write_text(CLIENT_YAML.replace("Acme Corp", "Acme Corporation"))
    served.wait_for(page, lambda s, b: "Acme Corporation" in b)
    # The page is written a moment before the rebuild ends and the problems are cleared.
    deadline = time.monotonic() + 10
    while served.events() != [("problems", [])] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.events() == [("problems", [])]


def test_delete_and_rename_a_client(served: Server) -> None:
    clients = served.root / "clients"
    shutil.copytree(clients / "acme", clients / "beta")
    served.wait_for("clients/beta/index.html", lambda s, b: s == 200)
    (clients / "beta").rename(clients / "gamma")
    served.wait_for("clients/gamma/index.html", lambda s, b: s == 200)
    served.wait_for("clients/beta/index.html", lambda s, b: s == 404)
    shutil.rmtree(clients / "gamma")
    served.wait_for("clients/gamma/index.html", lambda s, b: s == 404)
    assert "gamma" not in served.wait_for("clients/index.html", lambda s, b: "gamma" not in b)
    assert served.process.poll() is None


def test_a_burst_of_saves_ends_in_the_same_site_as_a_clean_build(served: Server, tmp_path: Path) -> None:
    note = served.root / NOTE
    for count in range(20):
        note.write_text(NOTE_MD.replace("All good.", f"Save number {count}."))
        time.sleep(0.01)
    (served.root / "clients/acme/client.yaml").write_text(CLIENT_YAML + "contract: {renewal: 2026-12-01}\n")
    served.wait_for(NOTE.replace(".md", ".html"), lambda s, b: "Save number 19." in b)
    served.wait_for("index.html", lambda s, b: "1 Dec 2026" in b)
    time.sleep(0.5)  # let any last batch finish
    assert tree(served.out) == clean_build(served.root, tmp_path / "clean")


def test_any_sequence_of_edits_equals_a_clean_build(served: Server, tmp_path: Path) -> None:
    root = served.root
    steps: list[Callable[[], None]] = [
        lambda: (root / NOTE).write_text(NOTE_MD + "\n- [ ] Call back @marco due:2026-11-10\n"),
        lambda: (root / "clients/acme/plan.md").write_text("# Account plan\n\nGrow.\n"),
        lambda: (root / "clients/acme/meetings/2026-11-15-review.md").write_text(
            "---\ndate: 2026-11-15\ntype: review\nnps: 4\n---\n## Review\n"
        ),
        lambda: (root / "clients/acme/plan.md").unlink(),
        lambda: (root / "kb.yaml").write_text((root / "kb.yaml").read_text() + "health: {disabled: [nps-drop]}\n"),
        lambda: (root / "playbooks/renewal.md").write_text("---\ntitle: Renewal\n---\n- [ ] Call\n"),
    ]
    for step in steps:
        step()
        time.sleep(0.3)
    served.wait_for("playbooks/renewal.html", lambda s, b: s == 200)
    time.sleep(1.0)
    assert tree(served.out) == clean_build(root, tmp_path / "clean")


def test_port_in_use_is_a_clear_error(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(make_repo()), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly_and_releases_the_port(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    server = start(make_repo(), tmp_path / "out", "--no-search")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    server.get("index.html")
    stderr = stop(server)
    assert server.process.returncode == 0
    assert "Traceback" not in stderr and "stopped" in stderr
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_serve_starts_on_a_broken_knowledge_base(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"clients/acme/client.yaml": CLIENT_YAML.replace("status: active", "status: activ")})
    server = start(root, tmp_path / "out", "--no-search")
    try:
        status, body = server.get("index.html")
        assert status == 503 and "No site yet" in body and "/__clientkb/live.js" in body
        (root / "clients/acme/client.yaml").write_text(CLIENT_YAML)
        server.wait_for("index.html", lambda s, b: s == 200 and "Acme Corp" in b)
    finally:
        assert "Traceback" not in stop(server)


@pytest.mark.skipif(not os.path.exists("/usr/lib/chromium/chromium"), reason="needs Debian's chromium")
@pytest.mark.browser
def test_browser_reloads_by_itself_after_a_save(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    root = make_repo()
    server = start(root, tmp_path / "out", "--no-search")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/lib/chromium/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url + "clients/acme/meetings/2026-11-02-check-in.html")
            assert "All good." in page.inner_text("main")
            page.wait_for_timeout(300)  # the event stream is open
            (root / NOTE).write_text(NOTE_MD.replace("All good.", "Reloaded by itself."))
            # Selectors, not wait_for_function: the pages' Content-Security-Policy forbids eval.
            page.wait_for_selector("text=Reloaded by itself.", timeout=10000)
            (root / "clients/acme/client.yaml").write_text("name: [broken\n")
            page.wait_for_selector("#clientkb-problems", timeout=10000)
            assert "clients/acme/client.yaml:" in page.inner_text("#clientkb-problems")
            (root / "clients/acme/client.yaml").write_text(CLIENT_YAML)
            page.wait_for_selector("#clientkb-problems", state="detached", timeout=10000)
            assert errors == []
            browser.close()
    finally:
        stop(server)


def test_demo_serves(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(REPO_ROOT, root, ignore=shutil.ignore_patterns("site", ".git", "*.egg-info", "__pycache__"))
    server = start(root, tmp_path / "out", "--no-search")
    try:
        assert "Needs attention" in server.get("index.html")[1]
    finally:
        stop(server)


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("clients/acme/meetings/2026-11-02-x.md", "clients/acme/meetings/2026-11-02-x.md"),
        ("kb.yaml", "kb.yaml"),
        ("site/index.html", None),  # the output folder
        (".git/index", None),
        ("clients/acme/meetings/.#2026-11-02-x.md", None),  # Emacs lock
        ("clients/acme/meetings/2026-11-02-x.md~", None),  # backup
        ("clients/acme/meetings/.2026-11-02-x.md.swp", None),  # Vim swap
        ("clients/acme/4913", "clients/acme/4913"),  # Vim's probe file is short-lived but harmless
        (".site.clientkb-new-abc/index.html", None),  # a build's staging folder
        (".clientkb-cache/health.json", None),
    ],
)
def test_watcher_ignores_output_git_and_editor_files(tmp_path: Path, path: str, kept: str | None) -> None:
    from generator.serve.watch import Watcher

    watcher = Watcher(tmp_path, [tmp_path / "site"])
    assert watcher.relevant(str(tmp_path / path)) == kept


@pytest.mark.parametrize(
    "path",
    ["../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "clients/..%2f..%2f..%2fetc/passwd", "//etc/passwd",
     "..%5c..%5cetc%5cpasswd"],
)  # fmt: skip
def test_serve_never_leaves_the_site(served: Server, path: str) -> None:
    status, body = served.get(path)
    assert status == 404
    assert "root:" not in body


def test_concurrent_requests_while_rebuilding_never_see_half_a_page(served: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    pages = ["index.html", "clients/index.html", "clients/acme/index.html", NOTE.replace(".md", ".html")]
    served.wait_for(pages[-1], lambda s, b: s == 200)
    stop = time.monotonic() + 3

    def edit() -> None:
        count = 0
        while time.monotonic() < stop:
            (served.root / NOTE).write_text(NOTE_MD.replace("All good.", f"Edit {count}. " + "text " * 200))
            count += 1
            time.sleep(0.05)

    def fetch(index: int) -> tuple[int, str]:
        return served.get(pages[index % len(pages)])

    with ThreadPoolExecutor(max_workers=20) as threads:
        editing = threads.submit(edit)
        results = list(threads.map(fetch, range(200)))
        editing.result()
    assert all(status == 200 for status, _ in results)
    assert all(body.rstrip().endswith("</html>") and body.startswith("<!doctype html>") for _, body in results)
    assert served.process.poll() is None


def test_a_text_edit_rewrites_the_note_page_only(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    """Editing a note's text changes no insight: the whole-site pages are neither remade nor rewritten."""
    root = make_repo()
    state = SiteState(
        BuildConfig(root=root, mode=Mode.SITE, output=tmp_path / "served", jobs=1, search=False),
        lambda settings: dt.date(2026, 11, 20),
    )
    assert state.full().ok
    dashboard = (state.out / "index.html").stat()
    (root / NOTE).write_text(NOTE_MD.replace("All good.", "All good, said twice."), encoding="utf-8")
    outcome = state.apply({NOTE})
    assert outcome is not None and outcome.ok and outcome.changed == 1
    assert "said twice" in (state.out / NOTE.replace(".md", ".html")).read_text()
    assert (state.out / "index.html").stat().st_mtime_ns == dashboard.st_mtime_ns
    (root / NOTE).write_text(NOTE_MD.replace("check-in", "review"), encoding="utf-8")  # the type shows everywhere
    outcome = state.apply({NOTE})
    assert outcome is not None and outcome.ok and outcome.changed > 1


def _status_with_host(url: str, host: str | None, path: str = "/data/clients.json", method: str = "GET") -> int:
    """A raw request whose Host header is `host` (None: no Host header at all)."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=5)
    try:
        connection.putrequest(method, path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_its_own_host_names_are_answered(served: Server) -> None:
    """DNS rebinding: a page on another site that points its own name at 127.0.0.1 sends that name."""
    port = urllib.parse.urlsplit(served.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert _status_with_host(served.url, host) == 200, host
    for host in ("rebind.attacker.example", f"rebind.attacker.example:{port}", "127.0.0.1:1", "127.0.0.1", "", None):
        for path in ("/data/clients.json", "/index.html", "/__clientkb/events"):
            assert _status_with_host(served.url, host, path) == 421, (host, path)
    assert _status_with_host(served.url, "evil.example", "/index.html", "HEAD") == 421


def test_a_wildcard_address_answers_the_names_allowed(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    server = start(make_repo(), tmp_path / "out", "--host", "0.0.0.0", "--allow-host", "kb.studio.example")
    try:
        port = urllib.parse.urlsplit(server.url).port
        url = f"http://127.0.0.1:{port}/"
        assert _status_with_host(url, f"kb.studio.example:{port}") == 200
        assert _status_with_host(url, f"127.0.0.1:{port}") == 200
        assert _status_with_host(url, f"other.example:{port}") == 421
        assert _status_with_host(url, f"0.0.0.0:{port}") == 421
    finally:
        assert "Traceback" not in stop(server)


def test_a_missing_page_at_any_depth_gets_a_404_whose_links_work(served: Server) -> None:
    served.wait_for("index.html", lambda s, b: s == 200)
    for path in ("clients/acme/meetings/gone.html", "clients/nobody/", "gone.html"):
        status, body = served.get(path)
        assert status == 404 and "Page not found" in body
        base = urllib.parse.urljoin(served.url, path)
        for target in re.findall(r'(?:href|src)="([^"#]+)', body):
            if target.startswith("/__clientkb/"):
                continue
            resolved = urllib.parse.urlparse(urllib.parse.urljoin(base, target)).path.lstrip("/")
            assert (served.out / resolved).is_file(), (path, target)
