"""JupyterLab as `make lab` starts it: Norwegian bokmål, no news, no update check (deploy/lab).

A real `jupyter lab` (tests/support/lab.py) with deploy/lab on JUPYTER_CONFIG_PATH and no user
settings of its own, asked through its REST API what the lab will use; and `make -n lab`, to
show that `make lab` puts the same folder on the same path.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.support.lab import Lab
from tests.support.regionfiles import REPO

LAB_CONFIG = REPO / "deploy" / "lab"
LOCALE = "no_NO"  # the bokmål pack's locale: jupyterlab-language-pack-no-NO, «Norwegian Bokmål (Norway)»


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
    assert "locale" not in own  # nothing of the user's decides it in this test
    assert LOCALE in lab.api("/lab/api/translations")["data"], "språkpakken for bokmål er installert"


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
    assert f"{sys.prefix}/bin/jupyter lab" in command


def test_the_language_pack_is_a_dependency():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    names = [d.lower() for d in pyproject["project"]["dependencies"]]
    assert "jupyterlab-language-pack-no-no" in names
    assert "jupyterlab-language-pack-no-no" in (REPO / "environment.yml").read_text("utf-8").lower()
