"""JupyterLab as `make lab` starts it: Norwegian bokmål, no news, no update check (deploy/lab).

A real `jupyter lab` (tests/support/lab.py) with deploy/lab on JUPYTER_CONFIG_PATH and no user
settings of its own, asked through its REST API what the lab will use, and opened in Chromium to
read the menu bar; the language pack the project ships (lib/jupyterlab_language_pack_nb_NO) and
the seeding of a person's language (deploy/lab/jupyter_server_config.py); and `make -n lab`, to
show that `make lab` puts the same folder on the same path.
"""
from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import threading
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.lab import Lab
from tests.support.regionfiles import REPO

LAB_CONFIG = REPO / "deploy" / "lab"
LOCALE = "nb_NO"  # the project's bokmål pack (lib/jupyterlab_language_pack_nb_NO), «Norsk bokmål (Norge)»
PLUGIN = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"
WAIT_MS = 120_000  # every browser wait below is bounded by this


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    try:
        with Lab(root, root, root / "lab.log", settings={}, config_path=[LAB_CONFIG]) as server:
            yield server
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(str(exc))


def defaults(lab: Lab, plugin: str) -> tuple[dict, dict]:
    """(the schema's defaults after the overrides, the user's own settings) for one plugin."""
    answer = lab.api(f"/lab/api/settings/{plugin}")
    return {k: v.get("default") for k, v in answer["schema"]["properties"].items()}, answer["settings"]


def page_config(lab: Lab) -> dict:
    with urllib.request.urlopen(f"{lab.url}/lab?token={lab.token}", timeout=30) as resp:
        page = resp.read().decode("utf-8")
    return json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))


@pytest.mark.slow
def test_lab_is_norwegian_bokmal(lab):
    default, own = defaults(lab, "@jupyterlab/translation-extension:plugin")
    assert default["locale"] == LOCALE
    # a person with no language of their own gets bokmål as their own choice (the server translates
    # the menu bar only by that), written by deploy/lab/jupyter_server_config.py
    assert own == {"locale": LOCALE}
    packs = lab.api("/lab/api/translations")["data"]
    assert packs[LOCALE]["nativeName"] == "Norsk bokmål (Norge)", "språkpakken for bokmål er installert"


@pytest.mark.slow
def test_lab_serves_the_bokmal_texts(lab):
    texts = lab.api(f"/lab/api/translations/{LOCALE}")["data"]["jupyterlab"]
    assert texts["Run All Cells"] == ["Kjør alle celler"]
    assert texts["Restart Kernel and Run All Cells…"] == ["Start kjernen på nytt og kjør alle celler…"]
    assert texts["menu\x04File"] == ["Fil"]
    assert "Image Viewer" in texts  # the official pack's texts are in it too


@pytest.mark.slow
def test_lab_translates_the_menu_bar_on_the_server(lab):
    menus = lab.api("/lab/api/settings/@jupyterlab/mainmenu-extension:plugin")
    labels = [m["label"] for m in menus["schema"]["jupyter.lab.menus"]["main"]]
    assert {"Fil", "Rediger", "Vis", "Kjør", "Kjerne", "Faner", "Innstillinger", "Hjelp"} <= set(labels), labels


@pytest.mark.slow
@pytest.mark.browser
def test_the_menu_bar_reads_norwegian_in_a_browser(lab):
    exe = chromium_path()
    if exe is None:
        pytest.skip("ingen Chromium: installer Debians chromium (apt-get install chromium)")
    # Playwright's sync API refuses a thread with a running asyncio loop, and the browser tests'
    # session-wide browser keeps one in the main thread: this check runs in a thread of its own.
    failure: list[BaseException] = []
    worker = threading.Thread(target=_check_menu_bar, args=(lab, exe, failure), daemon=True)
    worker.start()
    worker.join(timeout=4 * WAIT_MS / 1000)
    assert not worker.is_alive(), "the browser check did not finish in time"
    if failure:
        raise failure[0]


def _check_menu_bar(lab, exe: str, failure: list[BaseException]) -> None:
    from playwright.sync_api import expect, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"{lab.url}/lab?token={lab.token}&reset", wait_until="domcontentloaded", timeout=WAIT_MS)
                bar = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
                expect(bar.first).to_have_text("Fil", timeout=WAIT_MS)
                expect(bar.filter(has_text="Kjør")).to_have_count(1, timeout=WAIT_MS)
                page.locator("#jp-MainMenu .lm-MenuBar-item").filter(has_text="Kjør").click()
                expect(page.locator(".lm-Menu-itemLabel").filter(has_text="Kjør alle celler").first).to_be_visible(
                    timeout=WAIT_MS)
            finally:
                browser.close()
    except BaseException as exc:  # handed to the test's thread, which raises it
        failure.append(exc)


def seed(settings: Path) -> None:
    """Run deploy/lab/jupyter_server_config.py as a server would, with its user settings in `settings`."""
    old = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    try:
        runpy.run_path(str(LAB_CONFIG / "jupyter_server_config.py"))
    finally:
        if old is None:
            del os.environ["JUPYTERLAB_SETTINGS_DIR"]
        else:
            os.environ["JUPYTERLAB_SETTINGS_DIR"] = old


def test_a_person_without_a_language_gets_bokmal(tmp_path):
    seed(tmp_path)
    assert json.loads((tmp_path / PLUGIN).read_text("utf-8")) == {"locale": LOCALE}


def test_a_language_a_person_picked_is_kept(tmp_path):
    (tmp_path / PLUGIN).parent.mkdir(parents=True)
    (tmp_path / PLUGIN).write_text('{\n  // chosen in Settings → Language\n  "locale": "en"\n}', "utf-8")
    before = (tmp_path / PLUGIN).read_bytes()
    seed(tmp_path)
    assert (tmp_path / PLUGIN).read_bytes() == before


@pytest.mark.slow
def test_lab_neither_asks_about_nor_fetches_news(lab):
    default, own = defaults(lab, "@jupyterlab/apputils-extension:notification")
    assert (default["fetchNews"], default["checkForUpdates"]) == ("false", False)
    assert own == {}
    assert page_config(lab)["news"] == {"disabled": True}  # the server has no news feed to fetch


@pytest.mark.slow
def test_lab_starts_the_notebooks_kernel_without_asking(lab):
    default, _ = defaults(lab, "@jupyterlab/notebook-extension:tracker")
    assert default["autoStartDefaultKernel"] is True


def test_lab_without_deploy_lab_is_english_and_asks(tmp_path):
    """The settings above come from deploy/lab, not from JupyterLab's own defaults."""
    schema = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"
    locale = json.loads((schema / "translation-extension" / "plugin.json").read_text("utf-8"))
    news = json.loads((schema / "apputils-extension" / "notification.json").read_text("utf-8"))
    assert locale["properties"]["locale"]["default"] != LOCALE
    assert news["properties"]["fetchNews"]["default"] != "false"


def test_make_lab_puts_deploy_lab_on_the_config_path():
    if shutil.which("make") is None:
        pytest.skip("make finnes ikke på maskinen")
    out = subprocess.run(["make", "-n", "-s", "-C", str(REPO), "lab", f"VENV={sys.prefix}"],
                         capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    command = out.stdout.strip().splitlines()[-1]
    assert command.startswith(f"JUPYTER_CONFIG_PATH={LAB_CONFIG}"), command
    assert f"JUPYTERLAB_SETTINGS_DIR=${{JUPYTERLAB_SETTINGS_DIR:-{sys.prefix}/lab-user-settings}}" in command
    assert f"{sys.prefix}/bin/jupyter lab" in command


def test_the_language_pack_is_a_dependency():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    names = [d.lower() for d in pyproject["project"]["dependencies"]]
    assert "jupyterlab-language-pack-no-no" in names
    assert "jupyterlab-language-pack-no-no" in (REPO / "environment.yml").read_text("utf-8").lower()


def test_the_project_ships_its_bokmal_pack_the_standard_way():
    """A fresh clone's `pip install -e .` registers the pack: the entry point and its files come from pyproject."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["entry-points"]["jupyterlab.languagepack"] == {LOCALE: "jupyterlab_language_pack_nb_NO"}
    assert pyproject["tool"]["setuptools"]["package-data"]["jupyterlab_language_pack_nb_NO"] == ["locale/**/*"]
