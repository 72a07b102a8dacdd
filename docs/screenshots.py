"""Regenerate the README's screenshots from the demo knowledge base.

    python docs/screenshots.py

Builds the demo into a temporary folder, serves it on 127.0.0.1 and photographs pages with the
machine's headless Chromium (Debian's `chromium` package, driven by Playwright).
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = "/usr/lib/chromium/chromium"
SHOTS = {
    "dashboard.png": ("index.html", 1280, 1500, "light"),
    "client.png": ("clients/bluefin-logistics/index.html", 1280, 1500, "light"),
    "search.png": ("search.html?q=check-in", 1280, 900, "light"),
    "note-phone.png": ("clients/bluefin-logistics/meetings/2026-11-05-check-in.html", 390, 844, "light"),
    "client-phone-dark.png": ("clients/bluefin-logistics/index.html", 390, 844, "dark"),
    "digest.png": ("digest/marco.html", 1280, 1100, "light"),
    "journey.png": ("journey.html", 1280, 1250, "light"),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(REPO), "build", "--out", str(site)], check=True
        )
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            for name, (path, width, height, scheme) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if path.startswith("search.html"):
                    page.wait_for_selector(".search-results li p mark")
                page.screenshot(path=str(HERE / "images" / name))
                print(f"wrote docs/images/{name}")
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
