"""Serving the site, with live reload: the standard library's threading HTTP server, a server-sent-
events endpoint, and a small script (live.js) injected into the pages it serves, never into the files
on disk. Only requests addressed to the server's own host names are answered (DNS rebinding)."""

from __future__ import annotations

import contextlib
import errno
import http.server
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.serve.state import RebuildOutcome, SiteState
from generator.serve.watch import Watcher
from generator.site.context import SiteContext
from generator.source.problems import Problem

LIVE_PREFIX = "/__clientkb/"

LIVE_SCRIPT = (Path(__file__).parent / "static" / "live.js").read_text(encoding="utf-8")
"""The script injected into served pages (never into the files on disk): reload, and show problems."""


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


class PortInUse(Exception):
    pass


class LiveServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    allowed_hosts: frozenset[str] = frozenset()
    """The Host headers answered (lower case, with the port)."""

    def __init__(self, address: tuple[str, int], out: Path, broadcaster: Broadcaster, stop: threading.Event) -> None:
        self.out = out
        self.site: Callable[[], SiteContext | None] = lambda: None
        """The site context of the last good build, for a 404 page whose links work from any depth."""
        self.broadcaster = broadcaster
        self.stop = stop
        super().__init__(address, LiveHandler)

    def not_found(self, path: str) -> bytes:
        """The 404 page for a request of `path`, its links relative to that path's folder (404.html
        itself links from the site's root path, which is not where `serve` has it when kb.yaml
        gives a `base_url` with a path)."""
        site = self.site()
        if site is None:
            return (self.out / "404.html").read_bytes()
        from generator.site.portfolio import not_found_page

        rel = path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        return not_found_page(site, "../" * rel.count("/"))


class LiveHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder as it is on disk, with the live-reload script added to each page, and
    the events stream the script listens to; answers only requests addressed to its own names."""

    server: LiveServer

    def __init__(self, request: Any, client_address: Any, server: LiveServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.out))

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
                body, status = self.server.not_found(path), 404
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
        broadcaster = self.server.broadcaster
        listener = broadcaster.subscribe()
        try:
            while not self.server.stop.is_set():
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
        server = LiveServer((host, port), out, broadcaster, stop)
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
    server.site = lambda: state.site
    session = Session(state, server, watcher, broadcaster, stop, report)
    return session, outcome


@contextlib.contextmanager
def serving(session: Session) -> Iterator[Session]:
    session.start()
    try:
        yield session
    finally:
        session.close()
