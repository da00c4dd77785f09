"""`pip install .` without -e: the package, built as a wheel and installed into a fresh venv,
reads its own files from site-packages and the user's data only from where it is told
(--data, or the current folder), never from the checkout it was built from.

Fast and still honest: the wheel is built from a copy of the sources outside the checkout and
installed into a venv of its own with `pip install --no-deps`; only the dependencies (pandas,
tornado, …) are borrowed from the running interpreter through a .pth file, so nothing is
downloaded again. A .pth line adds a folder to sys.path but runs none of that folder's own .pth
files, so the editable install there stays out, and the venv's site-packages comes first.
"""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import urllib.request
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from digireform.cli import main
from digireform.dashboard import render
from digireform.io.paths import repository_root
from tests.support import server
from tests.support.planted import copy_region
from tests.support.server import free_port

pytestmark = pytest.mark.slow
REPO = repository_root()
AS_OF = "2026-06-01"
TIMEOUT = 300  # seconds for any one step; a build or install that hangs must not hang the suite


class Installed:
    """A venv holding the wheel, a copy of the example region, and a folder outside both to run in."""

    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.bin = self.venv / "bin"
        self.data = copy_region(root / "region")
        self.cwd = root / "elsewhere"
        self.cwd.mkdir()
        self.wheel: Path | None = None

    def env(self) -> dict[str, str]:
        """The user's environment: the venv first on PATH, no PYTHONPATH, no data folder chosen."""
        drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "DIGIREFORM_DATA", "DIGIREFORM_DEBUG"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return env

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """`digireform ARGS` as the venv's console script."""
        return subprocess.run([str(self.bin / "digireform"), *args], capture_output=True, text=True,
                              cwd=cwd or self.cwd, env=self.env(), timeout=TIMEOUT)

    def python(self, code: str) -> str:
        r = subprocess.run([str(self.bin / "python"), "-c", code], capture_output=True, text=True,
                           cwd=self.cwd, env=self.env(), timeout=TIMEOUT)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()


def _step(argv: list[str], what: str, cwd: Path | None = None) -> None:
    r = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT)
    assert r.returncode == 0, f"{what} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"


def _copy_sources(target: Path) -> Path:
    """What a wheel is built from, copied out of the checkout (no build/ or egg-info left in it)."""
    target.mkdir()
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    shutil.copy2(REPO / "README.md", target / "README.md")
    shutil.copytree(REPO / "lib", target / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def _build_wheel(src: Path, out: Path) -> Path:
    """`pip wheel --no-deps`; without build isolation when this interpreter's setuptools is recent enough."""
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(src)]
    if int(metadata.version("setuptools").split(".")[0]) >= 77:  # pyproject's build requirement
        argv.insert(4, "--no-build-isolation")
    _step(argv, "pip wheel", cwd=src)
    return next(out.glob("digireform-*.whl"))


def _make_venv(target: Path) -> None:
    try:
        r = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)],
                           capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot create a venv here: {exc}")
    if r.returncode != 0:
        pytest.skip(f"cannot create a venv here: {r.stderr.strip()[-500:]}")


def _venv_site_packages(inst: Installed) -> Path:
    return Path(inst.python("import sysconfig; print(sysconfig.get_path('purelib'))"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    inst = Installed(tmp_path_factory.mktemp("installed"))
    _make_venv(inst.venv)
    inst.wheel = _build_wheel(_copy_sources(inst.root / "src"), inst.root / "wheel")
    _step([sys.executable, "-m", "pip", "--python", str(inst.bin / "python"), "install", "--quiet",
           "--no-deps", "--no-index", str(inst.wheel)], "pip install")
    borrowed = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (_venv_site_packages(inst) / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n", "utf-8")
    return inst


def _checkout_run(argv: list[str], cwd: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """The same command run by the checkout's package, in this process, from the same folder."""
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("DIGIREFORM_DATA", raising=False)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_package_is_imported_from_site_packages_and_knows_no_checkout(installed):
    site_packages = _venv_site_packages(installed)
    where = Path(installed.python("import digireform; print(digireform.__file__)"))
    assert where.is_relative_to(site_packages), where
    assert installed.python("from digireform.io.paths import checkout_root; print(checkout_root())") == "None"


def test_wheel_holds_every_file_the_package_ships(installed):
    package = REPO / "lib" / "digireform"
    shipped = {p.relative_to(package.parent).as_posix() for p in package.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = {n for n in wheel.namelist() if n.startswith("digireform/")}
    assert sorted(shipped - in_wheel) == []


def test_validate_gives_what_the_checkout_gives(installed, monkeypatch, capsys):
    r = installed.run("validate", "--data", str(installed.data))
    assert r.returncode == 0, r.stdout + r.stderr
    assert (0, r.stdout, r.stderr) == _checkout_run(["validate", "--data", str(installed.data)], installed.cwd,
                                                   monkeypatch, capsys)
    assert "OK: 5 kommuner" in r.stderr


def test_validate_reads_the_current_folder_when_it_holds_municipalities(installed):
    r = installed.run("validate", cwd=installed.data)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK: 5 kommuner" in r.stderr


def test_no_data_folder_is_a_norwegian_message(installed):
    r = installed.run("validate")
    assert r.returncode == 1
    assert r.stderr.startswith("Fant ingen datamappe: bruk --data MAPPE eller sett DIGIREFORM_DATA")
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_report_json_is_the_checkouts(installed, monkeypatch, capsys):
    argv = ["report", "--json", "--data", str(installed.data), "--as-of", AS_OF]
    r = installed.run(*argv)
    assert r.returncode == 0, r.stderr
    code, out, _ = _checkout_run(argv, installed.cwd, monkeypatch, capsys)
    assert code == 0
    assert json.loads(r.stdout) == json.loads(out)


def test_tender_build_writes_its_documents(installed):
    tender = installed.data / "procurement" / "tenders" / "velferdsteknologi-2027.yaml"
    r = installed.run("tender", "build", str(tender), "--data", str(installed.data), "--as-of", AS_OF)
    assert r.returncode == 0, r.stdout + r.stderr
    out = installed.data / "procurement" / "out" / "velferdsteknologi-2027"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.stat().st_size > 0
                     and not p.name.startswith("."))  # not the build record
    assert written == ["anbudsdokumenter.md", "bilag-1-kravspesifikasjon.docx",  # SSA-K: no service-level bilag
                       "intern/intern-sporbarhet.docx", "konkurransegrunnlag.docx", "kravmatrise.xlsx",
                       "ocds-release-package.json"]


def test_dashboards_serve_pages_and_static_files(installed):
    port = free_port()
    log = installed.root / "dashboards.log"
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen([str(installed.bin / "digireform"), "dashboards", "--data", str(installed.data),
                                 "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT, cwd=installed.cwd,
                                env={**installed.env(), "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    try:
        try:
            server.wait_ready(port, proc, timeout=180)
        except (RuntimeError, TimeoutError) as exc:
            raise AssertionError(f"{exc}\n{log.read_text('utf-8')[-3000:]}") from exc
        pages = {"/": f"<title>{render.SITE_TITLE} – dashbord</title>",
                 render.page_url("oversikt"): f"<title>Oversikt – {render.SITE_TITLE}</title>",
                 "/static/digireform.css": "", "/static/plotly.min.js": "", "/static/topojson/world_110m.json": ""}
        for path, text in pages.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as resp:
                assert resp.status == 200, path
                body = resp.read().decode("utf-8")
            assert body and text in body, path
    finally:
        server.stop(proc)
    assert "Traceback" not in log.read_text("utf-8")
