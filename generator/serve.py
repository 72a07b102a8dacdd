"""`clientkb serve`: build, serve on 127.0.0.1, watch the files, rebuild only what a change touches,
and reload the browser; a change that does not check shows its problems over the last good site.
It holds the output's lock (generator/outputlock.py) only while it builds or writes pages.

Pieces, each small: `plan_rebuild` (which pages a change touches: explicit rules, tested on their
own), `SiteState` (the built site and what it was made from; applies a plan), `Watcher` (watchdog,
debounced, ignoring the output, `.git/` and editors' temporary files), `LiveServer` (the standard
library's threading HTTP server, plus a server-sent-events endpoint and a small script injected
into the pages it serves, never into the files on disk).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import http.server
import json
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.insights import ClientInsight
from generator.load import KB_FILE, client_files, is_editor_junk
from generator.model import Settings
from generator.outputlock import output_lock
from generator.pipeline import (
    PLAYBOOKS_PART,
    SEARCH_KEY,
    SettingsLoad,
    build_site,
    process_one_client,
    read_settings,
    write_portfolio,
)
from generator.problems import Problem, Severity, sorted_problems
from generator.render import ActionRowCache, ClientFragments, SiteContext, client_fragments, client_pages
from generator.search import FOLDER as SEARCH_FOLDER
from generator.search import SearchPart, search_part, write_search_index
from generator.write import PageWriter

DEBOUNCE_SECONDS = 0.05
"""Quiet time after the last file event before rebuilding (editors save in several steps)."""
MAX_WAIT_SECONDS = 0.5
"""A burst of saves is rebuilt at least this often."""
LIVE_PREFIX = "/__clientkb/"


# ---- which pages a change touches --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RebuildPlan:
    """What to rebuild for a set of changed files (paths relative to the root)."""

    full: bool = False
    """kb.yaml, a playbook, or the set of clients changed: rebuild everything."""
    clients: frozenset[str] = frozenset()
    """Clients whose own files changed: their pages, then every page made from all clients."""
    reason: str = ""

    @property
    def empty(self) -> bool:
        return not self.full and not self.clients


def plan_rebuild(changed: Iterable[str], known_clients: Iterable[str], current_clients: Iterable[str]) -> RebuildPlan:
    """The dependency rules of the site, explicit:

    - `kb.yaml` -> everything (settings reach every page);
    - `playbooks/*` -> everything (every client page lists the playbooks that apply);
    - a client folder added, removed or renamed -> everything (references between clients, lists);
    - a file in `clients/<id>/` -> that client's pages, and the pages made from every client
      (dashboard, client list, owners, actions, audit, journey, feeds, exports, search);
    - anything else (README, `templates/` for `clientkb new`, ...) -> nothing.
    """
    known = set(known_clients)
    current = set(current_clients)
    if known != current:
        added, removed = sorted(current - known), sorted(known - current)
        return RebuildPlan(full=True, reason=f"clients added {added} / removed {removed}")
    clients: set[str] = set()
    for path in changed:
        parts = PurePosixPath(path).parts
        if not parts:
            continue
        if parts == (KB_FILE,):
            return RebuildPlan(full=True, reason="kb.yaml changed")
        if parts[0] == "playbooks":
            return RebuildPlan(full=True, reason=f"{path} changed")
        if parts[0] == "clients" and len(parts) >= 3 and parts[1] in current:
            clients.add(parts[1])
    return RebuildPlan(clients=frozenset(clients), reason="client files changed" if clients else "")


# ---- the built site and how it changes -------------------------------------------------------------------


@dataclass
class RebuildOutcome:
    ok: bool
    problems: list[Problem]
    seconds: float
    plan: RebuildPlan
    changed: int = 0
    """Files written or removed."""


@dataclass
class SiteState:
    """A site being served: the output folder and everything it was built from."""

    root: Path
    out: Path
    today_of: Callable[[Settings | None], dt.date]
    jobs: int | None = None
    search: bool = True
    cache: bool = True
    settings: SettingsLoad | None = None
    today: dt.date | None = None
    site: SiteContext | None = None
    insights: dict[str, ClientInsight] = field(default_factory=dict)
    pages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fragments: dict[str, ClientFragments] = field(default_factory=dict)
    row_cache: ActionRowCache = field(default_factory=ActionRowCache)
    search_parts: dict[str, SearchPart] = field(default_factory=dict)
    """Each client's share of the search index, and the playbooks' (under PLAYBOOKS_PART)."""
    client_problems: dict[str, list[Problem]] = field(default_factory=dict)
    global_problems: list[Problem] = field(default_factory=list)
    clients: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)
    """Clients changed while the knowledge base had errors: rebuilt once it checks again."""
    needs_full: bool = False
    problems: list[Problem] = field(default_factory=list)
    """The current errors: non-empty means the served site is the last good one."""

    def write_search_index(self) -> int:
        """Index the served pages again from every client's share (after a rebuild of some clients).

        Files are replaced one at a time and only when their bytes changed; files the new index
        does not have are removed after it is written."""
        parts = dict(self.search_parts)  # a copy: the rebuild thread may replace a share meanwhile
        order = [parts[key] for key in sorted(parts) if key != PLAYBOOKS_PART]
        if PLAYBOOKS_PART in parts:
            order.append(parts[PLAYBOOKS_PART])
        writer = PageWriter(self.out, in_place=True)
        with output_lock(self.out), tempfile.TemporaryDirectory(prefix="clientkb-search-") as spool:
            docs = write_search_index(writer, order, Path(spool))
            folder = self.out / SEARCH_FOLDER
            for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
                rel = path.relative_to(self.out).as_posix()
                if rel not in writer.written:
                    writer.remove(rel)
        return docs

    def current_clients(self) -> set[str]:
        """Every client folder name, valid or not (a new or removed folder means a full rebuild)."""
        folder = self.root / "clients"
        if not folder.is_dir():
            return set()
        return {p.name for p in folder.iterdir() if p.is_dir() and not is_editor_junk(p.name)}

    def full(self) -> RebuildOutcome:
        started = time.monotonic()
        plan = RebuildPlan(full=True, reason="full build")
        settings = read_settings(self.root)
        today = self.today_of(settings.settings)
        # The folders as they are before the build reads them: one added or removed while it runs
        # is then a change to the next batch (taken after the build, the build would miss it and
        # the next batch would not see it either).
        self.clients = self.current_clients()
        result = build_site(
            self.root,
            self.out,
            today,
            settings=settings,
            jobs=self.jobs,
            search=self.search,
            cache=self.cache,
            keep_search_parts=True,
        )
        errors = [p for p in result.problems if p.severity is Severity.ERROR]
        if not result.published or result.loaded is None or result.site is None:
            self.needs_full = True
            self.problems = sorted_problems(errors)
            return RebuildOutcome(False, self.problems, time.monotonic() - started, plan)
        loaded = result.loaded
        self.settings, self.today, self.site = settings, today, result.site
        self.insights = {i.id: i for i in loaded.insights}
        self.pages = dict(loaded.client_pages)
        self.fragments = dict(loaded.fragments)
        self.search_parts = dict(result.search_parts)
        self.client_problems = {}
        self.global_problems = []
        self.pending = set()
        self.needs_full = False
        self.problems = []
        return RebuildOutcome(True, [], time.monotonic() - started, plan, changed=result.pages)

    def apply(self, changed: Iterable[str]) -> RebuildOutcome | None:
        """Rebuild what `changed` touches; None when nothing the site shows changed."""
        current = self.current_clients()
        plan = plan_rebuild(changed, self.clients, current)
        settings = self.settings.settings if self.settings else None
        if settings is not None and self.today_of(settings) != self.today:
            plan = RebuildPlan(full=True, reason="the date changed")
        if self.needs_full or self.site is None:
            plan = RebuildPlan(full=True, reason="the last full build failed")
        if plan.full:
            return self.full()
        if plan.empty and not self.pending:
            return None
        with output_lock(self.out):  # a `build` into the same folder waits for this rebuild
            return self._clients(plan, set(plan.clients) | self.pending)

    def _clients(self, plan: RebuildPlan, dirty: set[str]) -> RebuildOutcome:
        started = time.monotonic()
        assert self.site is not None and self.settings is not None and self.settings.settings is not None
        settings = self.settings.settings
        processed = {}
        for client_id in sorted(dirty):
            files, found = client_files(self.root, client_id)
            if files is None:
                self.client_problems[client_id] = found
                continue
            result = process_one_client(self.root, files, settings, frozenset(self.clients), self.site.today)
            self.client_problems[client_id] = found + result.problems
            processed[client_id] = result
        errors = [
            p
            for p in [*self.global_problems, *(p for ps in self.client_problems.values() for p in ps)]
            if p.severity is Severity.ERROR
        ]
        if errors:
            self.pending |= dirty
            self.problems = sorted_problems(errors)
            return RebuildOutcome(False, self.problems, time.monotonic() - started, plan)
        # The pages change under the search index: the next build must not take it as up to date.
        (self.out / SEARCH_KEY).unlink(missing_ok=True)
        writer = PageWriter(self.out, in_place=True)
        # The whole-site pages are made from the clients' insights and fragments only: when a save
        # changed neither (most edits of a note's text), they are as they were and are not remade.
        portfolio_changed = set(processed) != dirty
        for client_id, result in processed.items():
            assert result.client is not None and result.insight is not None
            fragments = client_fragments(result.insight, self.site)
            if self.insights.get(client_id) != result.insight or self.fragments.get(client_id) != fragments:
                portfolio_changed = True
            self.insights[client_id] = result.insight
            pages = client_pages(result.client, result.insight, self.site)
            for path, data in pages.items():
                writer.write(path, data)
            for stale in set(self.pages.get(client_id, ())) - set(pages):
                writer.remove(stale)
            self.pages[client_id] = tuple(sorted(pages))
            self.fragments[client_id] = fragments
            if self.search:
                self.search_parts[client_id] = search_part(pages)
        if portfolio_changed:
            insights = tuple(self.insights[i] for i in sorted(self.insights))
            self.site, _ = write_portfolio(
                writer, insights, self.site.playbooks, self.site, self.fragments, self.row_cache
            )
        self.pending = set()
        self.problems = []
        return RebuildOutcome(True, [], time.monotonic() - started, plan, changed=len(writer.changed))


# ---- watching the files ---------------------------------------------------------------------------------


class Watcher(FileSystemEventHandler):
    """Collects changed paths (relative to the root) and hands them over in debounced batches."""

    def __init__(self, root: Path, ignored: Iterable[Path]) -> None:
        self.root = root.resolve()
        self.ignored = [p.resolve() for p in ignored]
        self.events: queue.Queue[str] = queue.Queue()
        self.observer = Observer()
        self.observer.schedule(self, str(self.root), recursive=True)

    def relevant(self, path: str) -> str | None:
        try:
            absolute = Path(path).resolve()
            rel = absolute.relative_to(self.root)
        except (ValueError, OSError):
            return None
        if any(absolute == ignored or ignored in absolute.parents for ignored in self.ignored):
            return None
        parts = rel.parts
        if not parts or parts[0] in (".git", ".clientkb-cache") or any(is_editor_junk(part) for part in parts):
            return None
        if ".clientkb-new-" in str(rel) or ".clientkb-old-" in str(rel) or "__pycache__" in parts:
            return None
        return rel.as_posix()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                rel = self.relevant(path if isinstance(path, str) else path.decode())
                if rel is not None:
                    self.events.put(rel)

    def batches(self, stop: threading.Event) -> Iterator[set[str]]:
        """Sets of changed paths: after a quiet moment, or at the latest MAX_WAIT after the first."""
        while not stop.is_set():
            try:
                first = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = {first}
            deadline = time.monotonic() + MAX_WAIT_SECONDS
            while time.monotonic() < deadline:
                try:
                    batch.add(self.events.get(timeout=DEBOUNCE_SECONDS))
                except queue.Empty:
                    break
            yield batch

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


# ---- serving, with live reload ----------------------------------------------------------------------------

LIVE_SCRIPT = """(function () {
  "use strict";
  var overlay = null;
  function show(problems) {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems.length) return;
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "clientkb-problems";
    overlay.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:99;" +
      "background:#fbe7e6;color:#5a0d08;border:2px solid #b3261e;border-radius:8px;padding:.75rem 1rem;" +
      "font:14px/1.4 ui-monospace,monospace;box-shadow:0 4px 16px rgba(0,0,0,.3)";
    var title = document.createElement("strong");
    title.textContent = problems.length + (problems.length === 1 ? " problem" : " problems") +
      ": showing the last good site until it is fixed";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.location + ": " + p.message + (p.hint ? " (" + p.hint + ")" : "");
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("/__clientkb/events");
  source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("reload", function () { window.location.reload(); });
})();
"""


NO_SITE_YET = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>clientkb</title></head>'
    b"<body><h1>No site yet</h1><p>The knowledge base does not check yet; the problems are listed below. "
    b"This page reloads by itself when they are fixed.</p></body></html>"
)


class Broadcaster:
    """Server-sent events to every connected page."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listeners: list[queue.Queue[tuple[str, str]]] = []
        self.problems: list[Problem] = []

    def subscribe(self) -> queue.Queue[tuple[str, str]]:
        listener: queue.Queue[tuple[str, str]] = queue.Queue()
        with self.lock:
            self.listeners.append(listener)
            listener.put(("problems", problems_json(self.problems)))
        return listener

    def unsubscribe(self, listener: queue.Queue[tuple[str, str]]) -> None:
        with self.lock:
            if listener in self.listeners:
                self.listeners.remove(listener)

    def send(self, event: str, data: str) -> None:
        with self.lock:
            for listener in self.listeners:
                listener.put((event, data))

    def reload(self) -> None:
        self.problems = []
        self.send("reload", "{}")

    def show_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.send("problems", problems_json(problems))


def problems_json(problems: list[Problem]) -> str:
    return json.dumps([{"location": p.location, "message": p.message, "hint": p.hint} for p in problems])


def make_handler(
    out: Path, broadcaster: Broadcaster, stop: threading.Event
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(out), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_HEAD(self) -> None:
            if self._host_allowed():
                super().do_HEAD()

        def do_GET(self) -> None:
            if not self._host_allowed():
                return
            path = self.path.split("?", 1)[0]
            if path == LIVE_PREFIX + "live.js":
                self._send(LIVE_SCRIPT.encode(), "text/javascript; charset=utf-8")
            elif path == LIVE_PREFIX + "events":
                self._events()
            elif path.endswith(".html") or path.endswith("/"):
                self._html(path)
            else:
                super().do_GET()

        def _host_allowed(self) -> bool:
            """Only requests addressed to this server by a name it serves under: a page elsewhere
            that rebinds its own domain name to 127.0.0.1 (DNS rebinding) sends its own name."""
            assert isinstance(self.server, LiveServer)
            if (self.headers.get("Host") or "").strip().lower() in self.server.allowed_hosts:
                return True
            self._send(b"421 Misdirected Request: this server answers only to its own address\n", "text/plain", 421)
            return False

        def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _html(self, path: str) -> None:
            local = Path(self.translate_path(path))
            if local.is_dir():
                local = local / "index.html"
            try:
                body = local.read_bytes()
                status = 200
            except OSError:
                try:
                    body, status = (out / "404.html").read_bytes(), 404
                except OSError:
                    # No good build yet: a bare page that shows the problems and reloads when fixed.
                    body, status = NO_SITE_YET, 503
            # Live reload only in served pages: the files on disk stay exactly what `build` writes.
            tag = f'<script src="{LIVE_PREFIX}live.js"></script>'.encode()
            body = body.replace(b"</body>", tag + b"</body>", 1)
            self._send(body, "text/html; charset=utf-8", status)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            listener = broadcaster.subscribe()
            try:
                while not stop.is_set():
                    try:
                        event, data = listener.get(timeout=1.0)
                        self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                broadcaster.unsubscribe(listener)

    return Handler


class PortInUse(Exception):
    pass


class LiveServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    allowed_hosts: frozenset[str] = frozenset()
    """The Host headers answered (lower case, with the port)."""


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host headers `serve` answers: the loopback names and the address it listens on, each with
    its port; with a wildcard address (every interface), also the names given with --allow-host."""
    names = [*LOOPBACK_NAMES, f"[{host}]" if ":" in host else host]
    if host in WILDCARD_HOSTS:
        names.extend(extra)
    hosts = {f"{name.lower()}:{port}" for name in names if name and name not in WILDCARD_HOSTS}
    if port == 80:  # a browser leaves the default port out of the Host header
        hosts |= {host.rsplit(":", 1)[0] for host in hosts}
    return frozenset(hosts)


def start_server(
    host: str, port: int, out: Path, broadcaster: Broadcaster, stop: threading.Event, extra_hosts: Iterable[str] = ()
) -> LiveServer:
    try:
        server = LiveServer((host, port), make_handler(out, broadcaster, stop))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is in use; choose another with --port, or --port 0") from None
        raise
    server.allowed_hosts = allowed_hosts(host, server.server_address[1], extra_hosts)
    return server


@dataclass
class Session:
    """One `serve` run: the state, the watcher, the server and the rebuild loop."""

    state: SiteState
    server: LiveServer
    watcher: Watcher
    broadcaster: Broadcaster
    stop: threading.Event
    report: Callable[[str], None]
    threads: list[threading.Thread] = field(default_factory=list)
    search_wanted: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        shown = host.decode() if isinstance(host, bytes) else host
        return f"http://{shown}:{port}/"

    def rebuild_loop(self) -> None:
        for batch in self.watcher.batches(self.stop):
            try:
                outcome = self.state.apply(batch)
            except Exception as exc:  # a rebuild must never take the server down
                self.report(f"rebuild failed: {exc!r}")
                continue
            if outcome is None:
                continue
            if outcome.ok:
                self.report(f"rebuilt ({outcome.plan.reason}) in {outcome.seconds * 1000:.0f} ms")
                self.broadcaster.reload()
                if not outcome.plan.full:
                    self.search_wanted.set()
            else:
                self.report(f"{len(outcome.problems)} problem(s); serving the last good site")
                for problem in outcome.problems:
                    self.report(f"  {problem.location}: {problem.message}")
                self.broadcaster.show_problems(outcome.problems)

    def search_loop(self) -> None:
        # The search index is rebuilt after the pages, in the background: a page shows at once.
        while not self.stop.is_set():
            if self.search_wanted.wait(timeout=0.5):
                self.search_wanted.clear()
                if self.state.search:
                    try:
                        self.state.write_search_index()
                    except Exception as exc:  # the pages are served; search catches up on the next save
                        self.report(f"search index failed: {exc!r}")

    def start(self) -> None:
        self.watcher.start()
        for target in (self.server.serve_forever, self.rebuild_loop, self.search_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.watcher.stop()
        for thread in self.threads:
            thread.join(timeout=5)


def open_session(
    state: SiteState, host: str, port: int, report: Callable[[str], None], extra_hosts: Iterable[str] = ()
) -> tuple[Session, RebuildOutcome]:
    stop = threading.Event()
    broadcaster = Broadcaster()
    server = start_server(host, port, state.out, broadcaster, stop, extra_hosts)
    outcome = state.full()
    if not outcome.ok:
        broadcaster.problems = outcome.problems
    watcher = Watcher(state.root, [state.out])
    session = Session(state, server, watcher, broadcaster, stop, report)
    return session, outcome


@contextlib.contextmanager
def serving(session: Session) -> Iterator[Session]:
    session.start()
    try:
        yield session
    finally:
        session.close()
