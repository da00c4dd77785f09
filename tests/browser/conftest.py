"""The dashboard server (started as `digireform dashboards` starts it) and a real Chromium.

The server runs against a temporary COPY of the example region with a confidential row
and a contact person planted (see `planted`), so the tests can prove neither reaches a
page. Chromium is Debian's (/usr/bin/chromium) or Playwright's own; without either the
tests are skipped with the reason (CI installs Chromium, so CI never skips).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .planted import REPO, Serving, copy_region, plant_valid_secret

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


@pytest.fixture(scope="session")
def region_copy(tmp_path_factory) -> Path:
    data = copy_region(tmp_path_factory.mktemp("region"))
    plant_valid_secret(data)
    return data


@pytest.fixture(scope="session")
def report(region_copy) -> dict:
    """`digireform report --json` on the same data (today's date, as the dashboards use)."""
    out = subprocess.run([sys.executable, "-m", "digireform.cli", "report", "--json", "--data", str(region_copy)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def server(region_copy, tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "server.log"
    try:
        with Serving(region_copy, log) as s:
            yield s
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("ingen Chromium: installer Debians chromium (apt-get install chromium) eller "
                    "`playwright install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def watch(pg, port: int) -> None:
    """Record on the page every request leaving 127.0.0.1, console errors/warnings and page errors."""
    pg.external_requests = []
    pg.problems = []
    local = (f"http://127.0.0.1:{port}", "data:", "blob:", "about:")
    pg.on("request", lambda r: None if r.url.startswith(local) else pg.external_requests.append(r.url))
    pg.on("console", lambda m: pg.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))


@pytest.fixture
def page(browser, server):
    """A fresh 1366×768 page that records external requests and console problems (CSP violations)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nb-NO")
    pg = context.new_page()
    watch(pg, server.port)
    yield pg
    context.close()
