"""Start and stop `digireform dashboards` as a child process, exactly as a user does.

For the server and browser tests and the dashboard benchmark. A test helper, not part of
the package: the dashboards do not start the command line that starts them.

- `start(port, …)`, `stop(proc)`, `wait_ready(port, proc)`: the child process;
- `free_port()`: a free loopback port;
- `Serving(data, log)`: a context manager that starts the dashboards on a free port, waits
  until they answer and stops them on exit.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from digireform.dashboard import render, serve
from digireform.model import formatting


def start(port: int, data: str | os.PathLike | None = None, log_file: Path | None = None,
          poll: float | None = None, allow_hosts: tuple[str, ...] = ()) -> subprocess.Popen:
    """Start `digireform dashboards` in the background, exactly as a user does."""
    argv = [sys.executable, "-m", "digireform.cli", "dashboards", "--port", str(port)]
    if data is not None:
        argv += ["--data", str(data)]
    if poll is not None:
        argv += ["--poll", str(poll)]
    for name in allow_hosts:
        argv += ["--allow-host", name]
    out = open(log_file, "w", encoding="utf-8") if log_file else subprocess.DEVNULL  # noqa: SIM115
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
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


def wait_ready(port: int, proc: subprocess.Popen | None = None, timeout: float = 120) -> None:
    """Wait until the overview answers 200 (the first version is built)."""
    deadline = time.monotonic() + timeout
    url = f"http://{serve.HOST}:{port}{render.page_url('oversikt')}"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"dashbordserveren stoppet med kode {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"dashbordene svarte ikke på {url} innen {formatting.number(timeout)} s")


def free_port() -> int:
    """A loopback port that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serving:
    """`digireform dashboards` started as a user does, on a free loopback port, stopped on exit."""

    def __init__(self, data: Path, log: Path, poll: float | None = None, allow_hosts: tuple[str, ...] = ()):
        self.data, self.log, self.poll, self.allow_hosts = data, log, poll, allow_hosts
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self) -> Serving:
        self.proc = start(self.port, data=self.data, log_file=self.log, poll=self.poll,
                          allow_hosts=self.allow_hosts)
        try:
            wait_ready(self.port, self.proc, timeout=180)
        except Exception as exc:
            stop(self.proc)
            raise RuntimeError(f"dashbordene startet ikke:\n{self.log.read_text()[-3000:]}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.proc)
