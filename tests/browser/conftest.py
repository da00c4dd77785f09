"""A real Voilà server (as `digireform dashboards` starts it) and a real Chromium.

The server runs against a temporary COPY of the example region with a planted
confidential cost and a planted contact name, so the tests can prove neither reaches a
page. Chromium is Debian's (/usr/bin/chromium) or Playwright's own; without either the
tests are skipped with the reason (CI installs Chromium, so CI never skips).
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "screenshots"
SECRET_COST = "987654321"
SECRET_CONTACT = "Hemmelig Kontaktperson Xyzzy"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plant_secrets(data: Path) -> None:
    """Mark Evenes's first system confidential with a recognisable cost; add a contact person."""
    path = next((data / "municipalities").glob("1853-*")) / "systems.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    rows[0]["confidential"] = "yes"
    rows[0]["annual_cost_nok"] = SECRET_COST
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    profile = path.with_name("kommune.yaml")
    text = profile.read_text("utf-8").replace(
        "contacts:", f'contacts:\n  - {{role: Personvernombud, name: "{SECRET_CONTACT}", email: "x@example.no"}}', 1)
    profile.write_text(text, "utf-8")


def copy_region(target: Path) -> Path:
    for folder in ("municipalities", "procurement"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("out"))
    return target


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
    plant_secrets(data)
    return data


@pytest.fixture(scope="session")
def report(region_copy) -> dict:
    """`digireform report --json` on the same data (today's date, as the dashboards use)."""
    out = subprocess.run([sys.executable, "-m", "digireform.cli", "report", "--json", "--data", str(region_copy)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def server(region_copy, tmp_path_factory):
    from digireform.dashboard import serve

    port = _free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    proc, site = serve.start(port, data=region_copy, log_file=log)
    try:
        serve.wait_ready(port, proc, timeout=120, log_file=log, pools=5)
    except Exception:
        serve.stop(proc, site)
        pytest.fail(f"Voilà startet ikke:\n{log.read_text()[-3000:]}")
    yield {"url": f"http://127.0.0.1:{port}", "port": port, "log": log, "site": site}
    serve.stop(proc, site)


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


@pytest.fixture
def page(browser, server):
    """A fresh 1366×768 page that records every request leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nb-NO")
    pg = context.new_page()
    pg.external_requests = []
    local = (f"http://127.0.0.1:{server['port']}", f"ws://127.0.0.1:{server['port']}", "data:", "blob:", "about:")
    pg.on("request", lambda r: None if r.url.startswith(local) else pg.external_requests.append(r.url))
    yield pg
    context.close()


