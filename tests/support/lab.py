"""Start and stop JupyterLab as a child process for the browser tests, on a copy of the data.

`Lab(root, data, log)` starts `jupyter lab` on 127.0.0.1 (a free port, a random token, no
browser), with `DIGIREFORM_DATA` pointing at `data` and its own settings, workspace and runtime
folders under `root` (nothing of the user's JupyterLab setup is read or changed), waits until
the server answers and stops it on exit. The kernel inherits the environment, so it imports the
package this test run imports (PYTHONPATH included).

Settings written for the test: the news pop-up off (it would cover the form), every cell kept in
the page (`windowingMode: none`, so a cell out of view is still in the DOM), and the app exposed
as `window.jupyterapp` so the test runs «Kjør alle celler» by its command id, whatever language
the menus are in. `settings=` replaces those user settings (the lab-settings test and the
screenshots pass only `windowingMode`, so what the project ships in deploy/lab decides the rest);
`config_path=` adds Jupyter config folders (JUPYTER_CONFIG_PATH), e.g. deploy/lab.

Page helpers (Playwright): `open_notebook(page, lab, name)`, `run_all(page)`.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.server import free_port, stop

SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def write_settings(folder: Path, settings: dict = SETTINGS) -> None:
    """The test's JupyterLab user settings (see module docstring)."""
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), "utf-8")


class Lab:
    """JupyterLab serving `root/notebooks`, data in `data`; a context manager."""

    def __init__(self, root: Path, data: Path, log: Path, settings: dict | None = None,
                 config_path: list[Path] | None = None):
        self.root, self.data, self.log = Path(root), Path(data), Path(log)
        self.settings = SETTINGS if settings is None else settings
        self.config_path = config_path
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        settings = self.root / "lab-settings"
        write_settings(settings, self.settings)
        env = {**os.environ, "DIGIREFORM_DATA": str(self.data), "JUPYTERLAB_SETTINGS_DIR": str(settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.root / "lab-workspaces"),
               "JUPYTER_RUNTIME_DIR": str(self.root / "runtime"), "PYTHONUNBUFFERED": "1"}
        if self.config_path is not None:
            env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(str(p) for p in self.config_path)
        return env

    def __enter__(self) -> Lab:
        argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root / 'notebooks'}",
                "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI and containers run as root
            argv.append("--allow-root")
        out = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=self.env(),
                                     start_new_session=True, cwd=self.root)
        try:
            self.wait_ready()
        except Exception:
            stop(self.proc)
            raise
        return self

    def wait_ready(self, timeout: float = 120) -> None:
        """Poll /api/status until the server answers 200 (bounded; fails if the process ends)."""
        deadline = time.monotonic() + timeout
        url = f"{self.url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab stoppet med kode {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)  # polling interval of a bounded readiness check, not a synchronisation
        raise TimeoutError(f"JupyterLab svarte ikke på {url} innen {timeout} s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")[-4000:] if self.log.exists() else ""

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop(self.proc)

    def api(self, path: str) -> dict | list:
        """GET `path` from the server's REST API (with the token): the parsed JSON answer."""
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def shutdown_kernels(self) -> None:
        """Stop every kernel the server runs (between notebooks, so they do not pile up)."""
        for kernel in self.api("/api/kernels"):
            req = urllib.request.Request(f"{self.url}/api/kernels/{kernel['id']}", method="DELETE",
                                         headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(req, timeout=30).close()


def open_notebook(page, lab: Lab, name: str, timeout_ms: float = 120_000) -> None:
    """Open NAME (under root/notebooks) and wait until its kernel is ready (bounded waits).

    A «Select Kernel» dialog, shown when the lab has not yet settled on a kernel, is answered
    with its default (Python 3), as a user would.
    """
    # `reset`: an empty workspace, so tabs of notebooks opened before do not come back
    page.goto(lab.notebook_url(name) + "&reset", wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function("() => window.jupyterapp && jupyterapp.shell.currentWidget"
                           " && jupyterapp.shell.currentWidget.sessionContext", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate("() => { const s = jupyterapp.shell.currentWidget.sessionContext;"
                            " return !!(s.session && s.session.kernel && s.kernelDisplayStatus === 'idle'); }"):
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():
            accept.first.click()
        if time.monotonic() > deadline:
            raise TimeoutError(f"kjernen for {name} ble ikke klar")
        page.wait_for_timeout(300)  # polling interval of a bounded wait


def run_all(page, timeout_ms: float = 300_000) -> bool:
    """«Run All» by its command id (any UI language); True when every cell ran without error."""
    page.set_default_timeout(timeout_ms)
    return bool(page.evaluate("async () => await jupyterapp.commands.execute('notebook:run-all-cells')"))
