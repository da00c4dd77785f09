"""Serve the councillors' dashboards with Voilà (`digireform dashboards`, `make dashboards`).

Voilà runs as a child process so that its settings come from one place, the repository's
`voila.json`, and so that tests and the benchmark start exactly the same server. Before
Voilà starts, every page's figures are computed once here and cached as JSON (see
`pages`): the preheated kernels then only read that JSON, which keeps them small and
quick to refill. Only `notebooks/dashboards/` is served, on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import DigireformError
from ..store import repository_root, resolve_data_dir

HOST = "127.0.0.1"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share"
CACHE_ENV = "DIGIREFORM_DASHBOARD_CACHE"
DOCS_ENV = "DIGIREFORM_DASHBOARD_DOCS"
DOCS_DIR = "dokumenter"
POOL_FILLED_RE = re.compile(r"Kernel pool of (\S+) is filled with (\d+) kernel")


def dashboards_dir() -> Path:
    """The folder Voilà serves: notebooks/dashboards/ in the checkout."""
    return repository_root() / "notebooks" / "dashboards"


def config_file() -> Path:
    """The Voilà settings (`voila.json` in the repository root)."""
    return repository_root() / "voila.json"


def voila_argv(root: Path, port: int, preheat: bool = True) -> list[str]:
    """The Voilà command line; everything else is in voila.json."""
    cfg = config_file()
    if not cfg.is_file():
        raise DigireformError(f"Fant ikke Voilà-innstillingene {cfg}.")
    argv = [
        sys.executable, "-m", "voila", str(root),
        f"--port={port}", f"--Voila.ip={HOST}", "--no-browser",
        f"--Voila.config_file_paths={cfg.parent}",
    ]
    if not preheat:
        argv.append("--VoilaConfiguration.preheat_kernel=False")
    return argv


def server_env(data_dir: Path, site: Path | None) -> dict[str, str]:
    """Environment for Voilà and (inherited) its kernels: data folder, cache, documents, templates."""
    env = dict(os.environ)
    env["DIGIREFORM_DATA"] = str(data_dir)
    if site is not None:
        env[CACHE_ENV] = str(site / ".cache")
        env[DOCS_ENV] = str(site / DOCS_DIR)
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("DIGIREFORM_DEBUG", None)
    return env


def precompute(data_dir: Path, cache_dir: Path) -> None:
    """Compute every page once, so that kernels start from cached JSON."""
    from . import pages

    for name in pages.PAGE_NAMES:
        pages.page_data(name, data_dir=data_dir, cache_dir=cache_dir)


def build_documents(data_dir: Path, out: Path) -> list[str]:
    """Build each tender's public documents into out/<slug>/; returns Norwegian warnings."""
    from ..errors import DigireformError
    from ..tender.build import build_tender

    warnings = []
    folder = data_dir / "procurement" / "tenders"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            build_tender(path, data_dir, out / path.stem)
        except DigireformError as exc:
            warnings.append(f"Anbudet {path.name} ble ikke bygget: {str(exc).splitlines()[0]}")
    return warnings


def prepare_site(data_dir: Path, extra_notebooks: tuple[Path, ...] = ()) -> Path:
    """A temporary folder for Voilà to serve: copies of the dashboards (plus `extra_notebooks`,
    e.g. the benchmark's empty notebook), the tenders' public documents under dokumenter/,
    and the page cache under .cache/ (hidden, never served)."""
    site = Path(tempfile.mkdtemp(prefix="digireform-dashboards-"))
    for nb in [*sorted(dashboards_dir().glob("*.ipynb")), *extra_notebooks]:
        shutil.copy2(nb, site / nb.name)
    (site / ".cache").mkdir()
    for warning in build_documents(data_dir, site / DOCS_DIR):
        print(warning, file=sys.stderr)
    previous = os.environ.get(DOCS_ENV)
    os.environ[DOCS_ENV] = str(site / DOCS_DIR)  # pages link the documents found here
    try:
        precompute(data_dir, site / ".cache")
    finally:
        if previous is None:
            os.environ.pop(DOCS_ENV, None)
        else:
            os.environ[DOCS_ENV] = previous
    return site


def start(
    port: int,
    data: str | os.PathLike | None = None,
    preheat: bool = True,
    log_file: Path | None = None,
    extra_notebooks: tuple[Path, ...] = (),
) -> tuple[subprocess.Popen, Path]:
    """Start Voilà in the background (for tests and benchmarks); returns the process and its site folder."""
    data_dir = resolve_data_dir(data)
    site = prepare_site(data_dir, extra_notebooks)
    log = open(log_file, "w", encoding="utf-8") if log_file else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        voila_argv(site, port, preheat), env=server_env(data_dir, site), cwd=str(site),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return proc, site


def stop(proc: subprocess.Popen, site: Path | None = None, timeout: float = 15) -> None:
    """Stop a server started by `start` (SIGTERM to its process group, then SIGKILL)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(5)
    if site is not None:
        shutil.rmtree(site, ignore_errors=True)


def wait_ready(port: int, proc: subprocess.Popen | None = None, timeout: float = 60,
               log_file: Path | None = None, pools: int = 0) -> None:
    """Wait until `/` answers and, with `pools` > 0, until that many kernel pools report full."""
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}/"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"Voilà stoppet med kode {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and filled_pools(log_file) >= pools:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"Voilà svarte ikke på {url} innen {timeout:.0f} s")


def filled_pools(log_file: Path | None) -> int:
    """How many notebooks' kernel pools Voilà's log reports as filled (first fill only)."""
    if log_file is None or not Path(log_file).exists():
        return 0
    return len(set(POOL_FILLED_RE.findall(Path(log_file).read_text("utf-8", "replace"))))


def cli_serve(args: argparse.Namespace) -> int:
    """`digireform dashboards [--port N] [--data DIR] [--no-preheat]`: serve until Ctrl-C."""
    data_dir = resolve_data_dir(args.data)
    if not dashboards_dir().is_dir():
        raise DigireformError(f"Fant ikke dashbordmappen {dashboards_dir()}.")
    region_problems = _problems(data_dir)
    if region_problems:
        print(f"Advarsel: dataene har {region_problems} feil (se digireform validate); "
              "dashbordene viser bare gyldige celler.", file=sys.stderr)
    print("Beregner tallene og bygger anbudsdokumentene …", file=sys.stderr)
    site = prepare_site(data_dir)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # a service manager's stop: clean up like Ctrl-C
    try:
        print(f"Dashbordene: http://{HOST}:{args.port}/  (data: {data_dir}; Ctrl-C stopper)", file=sys.stderr)
        proc = subprocess.Popen(voila_argv(site, args.port, not args.no_preheat),
                                env=server_env(data_dir, site), cwd=str(site))
        try:
            return _exit_code(proc.wait())
        except KeyboardInterrupt:
            proc.terminate()  # SIGTERM: Jupyter servers shut down without asking
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            return 0
    finally:
        shutil.rmtree(site, ignore_errors=True)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _problems(data_dir: Path) -> int:
    from ..store import load

    return len(load(data_dir).problems)


def _exit_code(code: int) -> int:
    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
        raise DigireformError(f"Voilà stoppet uventet (kode {code}); se meldingene over.")
    return 0
