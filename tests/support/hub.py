"""A real JupyterHub with real system users, for tests/integration/test_hub.py and
benchmarks/hub_memory.py (a test helper, not part of the package). Loopback only, as root.

- `why_not()`: the reason this machine cannot run a hub with system users (None: it can);
- `user_python(base)`: a Python every user may run (the test venv may live under /root);
- `machine_lock()`: one hub test (or benchmark) at a time on a machine;
- `SystemUsers`: test users (prefix «drt-») and the groups `access apply` makes, removed on exit,
  with every process they still run (and, at the next start, what a killed run left);
- `Hub`: `digireform hub` started with deploy/jupyterhub_config.py on free ports, stopped on exit;
- `HubSession`: one person: log in through the hub's login form, get a token, start their
  server, run code in a kernel of it (REST + websocket, the way JupyterLab talks to it).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import fcntl
import grp
import http.cookiejar
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.planted import REPO
from tests.support.server import free_port

STEP_SECONDS = 60  # the longest any single step may take
TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "gpasswd", "chpasswd", "git")


def proxy_program() -> str | None:
    """configurable-http-proxy: $DIGIREFORM_PROXY, `make proxy`'s copy beside the running venv
    or the checkout's, else the PATH."""
    for candidate in (os.environ.get("DIGIREFORM_PROXY"), Path(sys.prefix) / "node_modules" / ".bin" /
                      "configurable-http-proxy", REPO / ".venv" / "node_modules" / ".bin" / "configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def why_not() -> str | None:
    """Why a hub with system users cannot run here (None: it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root: the hub starts each user's server as that system user (useradd, setuid)"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return f"cannot create system users here: {', '.join(missing)} missing"
    if proxy_program() is None:
        return "configurable-http-proxy missing (make proxy, or npm install -g configurable-http-proxy)"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed (pip install -e '.[hub]')"
    return None


def real_hub_here() -> str | None:
    """Call holding `machine_lock`: the reason not to run when this machine has a real hub's groups."""
    try:
        grp.getgrnam("dr-prosjekt")
        return "this machine runs a real hub (group dr-prosjekt exists): the test does not touch it"
    except KeyError:
        return None


def _world_runnable(path: Path) -> bool:
    """May any user run `path` (every folder above it searchable by others, the file executable)?"""
    real = Path(os.path.realpath(path))
    return all(p.stat().st_mode & 0o001 for p in real.parents) and bool(real.stat().st_mode & 0o001)


class Traversable:
    """Let every user pass through the folders above the checkout and the venv for the test.

    The hub's users run the checkout's notebooks and Python. A checkout under a private folder
    (a CI's `mktemp -d`, mode 0700) would hide them: this adds only o+x (pass through, not list)
    to each folder above them that lacks it, and restores the modes afterwards.
    """

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self.changed: dict[Path, int] = {}

    def __enter__(self) -> Traversable:
        for path in self.paths:
            for folder in (path.resolve(), *path.resolve().parents):
                mode = folder.stat().st_mode
                if folder not in self.changed and not mode & 0o001:
                    self.changed[folder] = mode & 0o7777
                    os.chmod(folder, (mode & 0o7777) | 0o001)
        return self

    def __exit__(self, *exc: object) -> None:
        for folder, mode in self.changed.items():
            os.chmod(folder, mode)


def user_python(base: Path) -> str:
    """A Python for the users' servers: ours when every user may run it, else a venv of the
    system's Python of the same version whose path reaches our venv's packages and Jupyter
    files (a test venv under /root cannot be run by other users)."""
    if _world_runnable(Path(sys.executable)):
        return sys.executable
    system = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/bin:/usr/local/bin")
    if system is None or not _world_runnable(Path(system)):
        raise RuntimeError("no Python every user may run: install the venv outside /root")
    venv = base / "python"
    subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=STEP_SECONDS)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "digireform-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    for part in ("etc/jupyter", "share/jupyter"):  # server extensions (JupyterLab), lab assets, kernels
        (venv / part).parent.mkdir(parents=True, exist_ok=True)
        (venv / part).symlink_to(Path(sys.prefix) / part)
    return str(venv / "bin" / "python")


def _run(*argv: str, stdin: str | None = None) -> None:
    subprocess.run(list(argv), input=stdin, text=True, check=True, capture_output=True, timeout=STEP_SECONDS)


def _groups() -> set[str]:
    return {g.gr_name for g in grp.getgrall()}


def _users() -> set[str]:
    return {p.pw_name for p in pwd.getpwall()}


def kill_user_processes(uid: int) -> None:
    """SIGKILL every process of `uid`, by pid (only test users and the dashboards' user we made)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid and int(entry.name) != os.getpid():
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


LOCK_FILE = Path("/run/lock/digireform-hub-test.lock")  # one run at a time on a machine
LEFTOVERS = Path("/var/tmp/digireform-hub-test.json")  # what a run made, until it has removed it
LOCK_WAIT_SECONDS = 300  # another engineer's run takes about two minutes


@contextlib.contextmanager
def machine_lock() -> Iterator[str | None]:
    """Hold the machine-wide lock of the hub tests (system users and groups are machine-wide);
    yields None when held, else the reason it could not be had within LOCK_WAIT_SECONDS."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield f"another run of the hub test held {LOCK_FILE} for {LOCK_WAIT_SECONDS} s"
                    return
                time.sleep(1)
        yield None
    finally:
        os.close(fd)


class SystemUsers:
    """Users and groups made during the test (by us or by `access apply`), removed on exit.

    Call `record()` after anything that may have made some: they are written to LEFTOVERS, so
    the next run (holding the machine lock) removes what a killed run left behind."""

    def __init__(self) -> None:
        remove_leftovers()
        self.groups_before, self.users_before = _groups(), _users()

    def __enter__(self) -> SystemUsers:
        return self

    def made(self) -> dict[str, list[str]]:
        return {"users": sorted(_users() - self.users_before), "groups": sorted(_groups() - self.groups_before)}

    def record(self) -> None:
        LEFTOVERS.write_text(json.dumps(self.made()), encoding="utf-8")

    def set_password(self, user: str, password: str) -> None:
        _run("chpasswd", stdin=f"{user}:{password}\n")

    def __exit__(self, *exc: object) -> None:
        self.record()
        remove_leftovers()


def remove_leftovers() -> None:
    """Remove the users (their processes first) and groups LEFTOVERS names, then the file."""
    try:
        made = json.loads(LEFTOVERS.read_text("utf-8"))
    except (OSError, ValueError):
        return
    uids = []
    for user in made.get("users", []):
        with contextlib.suppress(KeyError):
            uids.append(pwd.getpwnam(user).pw_uid)
    for uid in uids:
        kill_user_processes(uid)
    time.sleep(0.2)
    for user in made.get("users", []):
        subprocess.run(["userdel", "--remove", user], capture_output=True, timeout=STEP_SECONDS)
    for group in made.get("groups", []):
        subprocess.run(["groupdel", group], capture_output=True, timeout=STEP_SECONDS)
    LEFTOVERS.unlink(missing_ok=True)


class Hub:
    """`digireform hub --config deploy/jupyterhub_config.py` on free loopback ports."""

    def __init__(self, data: Path, state: Path, user_python: str, auth: str = "pam", log: Path | None = None):
        self.data, self.state, self.log = data, state, log or state / "hub.log"
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.port, self.api_port, self.proxy_api_port, self.dashboards_port = (free_port() for _ in range(4))
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DIGIREFORM_CHECKOUT": str(REPO), "DIGIREFORM_DATA": str(data),
                    "DIGIREFORM_HUB_STATE": str(state), "DIGIREFORM_HUB_PORT": str(self.port),
                    "DIGIREFORM_HUB_API_PORT": str(self.api_port), "DIGIREFORM_PROXY_API_PORT": str(self.proxy_api_port),
                    "DIGIREFORM_DASHBOARDS_PORT": str(self.dashboards_port), "DIGIREFORM_USER_PYTHON": user_python,
                    "DIGIREFORM_USER_PYTHONPATH": str(REPO / "lib"), "DIGIREFORM_PROXY": proxy_program() or "",
                    "DIGIREFORM_HUB_AUTH": auth, "PYTHONPATH": str(REPO / "lib")}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Hub:
        out = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
        argv = [sys.executable, "-m", "digireform.cli", "hub", "--config", str(REPO / "deploy" / "jupyterhub_config.py"),
                "--data", str(self.data)]
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        try:
            wait_for(lambda: self.proc.poll() is None and _status(f"{self.url}/hub/health") == 200,
                     "the hub answers /hub/health", self.proc)
        except Exception:
            self.__exit__()
            raise
        return self

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(STEP_SECONDS)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._stop_proxy()

    def _stop_proxy(self) -> None:
        """The proxy outlives a hub killed hard: stop it by its pid file, once the pid is seen to be it."""
        with contextlib.suppress(OSError, ValueError):
            pid = int((self.state / "proxy.pid").read_text().strip())
            if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)


def wait_for(condition: Any, what: str, proc: subprocess.Popen | None = None, timeout: float = STEP_SECONDS) -> None:
    """Poll `condition()` until true; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"stopped (exit {proc.returncode}) while waiting until {what}")
        try:
            if condition():
                return
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"not within {timeout:.0f} s: {what}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    """The status of a GET without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET without following redirects and without cookies."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class HubSession:
    """One person at the hub: the login form, then the REST API with their own token."""

    def __init__(self, hub: Hub, user: str):
        self.hub, self.user = hub, user
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def _xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def login(self, password: str) -> int:
        """Log in through /hub/login like a browser; the status the form's POST ended with."""
        self.opener.open(f"{self.hub.url}/hub/login", timeout=30).read()
        form = urllib.parse.urlencode({"username": self.user, "password": password, "_xsrf": self._xsrf()}).encode()
        try:
            with self.opener.open(f"{self.hub.url}/hub/login?next=%2Fhub%2Fhome", form, timeout=STEP_SECONDS) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def logged_in(self) -> bool:
        return any(c.name.startswith("jupyterhub-session-id") or c.name == "jupyterhub-hub-login" for c in self.jar)

    def request_token(self) -> str:
        """A token of this user, asked for with the login cookie (as the hub's token page does)."""
        body = json.dumps({"note": "digireform test", "expires_in": 3600}).encode()
        req = urllib.request.Request(f"{self.hub.url}/hub/api/users/{self.user}/tokens", body, method="POST",
                                     headers={"X-XSRFToken": self._xsrf(), "Content-Type": "application/json",
                                              "Referer": f"{self.hub.url}/hub/token"})
        with self.opener.open(req, timeout=30) as resp:
            self.token = json.loads(resp.read())["token"]
        return self.token

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A REST call with the token; (status, JSON or None)."""
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(f"{self.hub.url}{path}", data, method=method,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=STEP_SECONDS) as resp:
                text = resp.read()
                return resp.status, json.loads(text) if text else None
        except urllib.error.HTTPError as exc:
            text = exc.read()
            try:
                return exc.code, json.loads(text) if text else None
            except ValueError:
                return exc.code, text.decode("utf-8", "replace")

    def start_server(self) -> None:
        """Start this user's server and wait until the hub says it is ready."""
        status, _ = self.api("POST", f"/hub/api/users/{self.user}/server")
        if status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"the hub refused to start {self.user}'s server ({status}):\n{self.hub.log_text()[-3000:]}")
        wait_for(lambda: (self.api("GET", f"/hub/api/users/{self.user}")[1] or {}).get("servers", {}).get("", {})
                 .get("ready"), f"{self.user}'s server is ready", self.hub.proc)

    def run_code(self, code: str) -> str:
        """Run `code` in a new kernel of this user's server; its printed output (the kernel is shut down).
        An error in the code is raised with the kernel's traceback."""
        kernel = self.start_kernel()
        try:
            return self.execute(kernel, code)
        finally:
            self.api("DELETE", f"/user/{self.user}/api/kernels/{kernel}")

    def start_kernel(self) -> str:
        """A new Python kernel in this user's server; its id."""
        status, kernel = self.api("POST", f"/user/{self.user}/api/kernels", {"name": "python3"})
        if status != 201:
            raise RuntimeError(f"no kernel for {self.user} ({status}): {kernel}")
        return kernel["id"]

    def execute(self, kernel: str, code: str, timeout: float = STEP_SECONDS) -> str:
        """Run `code` in the kernel `kernel`; its printed output. In a thread of its own: the browser
        tests' Playwright (sync API) may keep an event loop running in this one for the session."""
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(lambda: asyncio.run(asyncio.wait_for(self._execute(kernel, code), timeout))).result()

    async def _execute(self, kernel_id: str, code: str) -> str:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        ws_url = self.hub.url.replace("http://", "ws://") + f"/user/{self.user}/api/kernels/{kernel_id}/channels"
        conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"}))
        msg_id = uuid.uuid4().hex
        conn.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": self.user, "session": uuid.uuid4().hex, "msg_type": "execute_request",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        out, error, replied, idle = [], None, False, False
        while not (replied and idle):
            raw = await conn.read_message()
            if raw is None:
                raise RuntimeError("the kernel's websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = "\n".join(msg["content"]["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        conn.close()
        if error is not None:
            raise RuntimeError(f"the code failed in {self.user}'s kernel:\n{error}")
        return "".join(out)
