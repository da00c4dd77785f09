"""The dashboard server (started as `digireform dashboards` starts it) and a real Chromium.

The server runs against a temporary COPY of the example region with a confidential row
and a contact person planted (see tests/support/planted.py), so the tests can prove
neither reaches a page. Chromium is Debian's (/usr/bin/chromium) or Playwright's own;
without either the tests are skipped with the reason (CI installs Chromium, so CI never
skips).

Fixtures only: the helpers are in tests/support (planted.py, server.py, browser.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM_ARGS, chromium_path, watch
from tests.support.planted import REPO, copy_region, plant_valid_secret
from tests.support.server import Serving


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


@pytest.fixture
def page(browser, server):
    """A fresh 1366×768 page that records external requests and console problems (CSP violations)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nb-NO")
    pg = context.new_page()
    watch(pg, server.port)
    yield pg
    context.close()
