"""A real Chromium for the browser tests (tests/browser) and what they record on a page.

- `CHROMIUM_ARGS`: how Chromium is launched (headless, nothing fetched on its own);
- `chromium_path()`: Debian's Chromium (/usr/bin/chromium), else Playwright's, else None;
- `watch(pg, port)`: record on a page every request leaving 127.0.0.1 and its console problems;
- `SCREENSHOTS`: where the browser tests put their screenshots.
"""
from __future__ import annotations

from pathlib import Path

from tests.support.regionfiles import REPO

SCREENSHOTS = REPO / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's Chromium, else Playwright's bundled one, else None."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
        return path if path and Path(path).exists() else None
    except Exception:
        return None


def watch(pg, port: int) -> None:
    """Record on the page every request leaving 127.0.0.1, console errors/warnings and page errors."""
    pg.external_requests = []
    pg.problems = []
    local = (f"http://127.0.0.1:{port}", "data:", "blob:", "about:")
    pg.on("request", lambda r: None if r.url.startswith(local) else pg.external_requests.append(r.url))
    pg.on("console", lambda m: pg.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
