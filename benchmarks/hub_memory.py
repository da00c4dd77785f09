"""Memory of the shared server: per active user of the hub and per councillor viewing the dashboards.

Starts what tests/integration/test_hub.py starts (a copy of the example region, access.yaml
applied, real system users, JupyterHub with deploy/jupyterhub_config.py on loopback), as root,
and removes it all at the end. Measures, from /proc:

* per active user: the user's processes (their JupyterLab server and one kernel) after logging
  in and starting the server, then after running every code cell of notebooks/01-inventar.ipynb
  in the kernel (the region loaded, the tables and forms built), as RSS and as PSS (shared pages
  split between the processes that share them: what one more user really costs);
* the hub and its proxy themselves (root's processes), with every user's server running;
* per councillor viewer: the dashboards service's processes idle after its first build, then
  at their peak while N viewers at once fetch every page again and again for a few seconds.

    sudo .venv/bin/python benchmarks/hub_memory.py [--users 2] [--viewers 1 10 50] [--seconds 5]
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import hub as hubs  # noqa: E402
from tests.support.regionfiles import copy_example, git_commit_all, git_init  # noqa: E402

PASSWORD = "Måling-17"
PAGES = ("", "oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud")
NUMBERS = ("1853", "1806", "5512", "5516", "1851")


def memory_of(uid: int) -> dict[str, float]:
    """RSS and PSS (MiB) summed over every process of `uid`, and how many there are."""
    rss = pss = 0
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            rollup = (entry / "smaps_rollup").read_text()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.split()}
        rss, pss, count = rss + fields.get("Rss", 0), pss + fields.get("Pss", 0), count + 1
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1), "processes": count}


def memory_of_pids(pids: list[int]) -> dict[str, float]:
    """RSS and PSS (MiB) summed over `pids` (the hub, the proxy)."""
    rss = pss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.split()}
        rss, pss = rss + fields.get("Rss", 0), pss + fields.get("Pss", 0)
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1), "processes": len(pids)}


def notebook_code(name: str) -> str:
    nb = json.loads((hubs.REPO / "notebooks" / name).read_text("utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def view(url: str, stop: threading.Event, counts: list[int]) -> None:
    """One viewer: every page, again and again, until `stop`."""
    while not stop.is_set():
        for page in PAGES:
            with urllib.request.urlopen(f"{url}/services/dashboards/{page}", timeout=30) as resp:
                resp.read()
            counts.append(1)


def peak_under_viewers(url: str, uid: int, viewers: int, seconds: float) -> dict[str, float]:
    stop, counts, peak = threading.Event(), [], {"rss_mib": 0.0, "pss_mib": 0.0}
    threads = [threading.Thread(target=view, args=(url, stop, counts), daemon=True) for _ in range(viewers)]
    for t in threads:
        t.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        now = memory_of(uid)
        peak = {k: max(peak[k], now[k]) for k in peak}
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(30)
    return {**peak, "requests_per_s": round(len(counts) / seconds, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=2)
    ap.add_argument("--viewers", type=int, nargs="+", default=[1, 10, 50])
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    reason = hubs.why_not()
    if reason:
        print(f"hub_memory: cannot run here: {reason}", file=sys.stderr)
        return 1
    names = [f"drt-bruker{i + 1}" for i in range(args.users)]
    base = Path(tempfile.mkdtemp(prefix="drt-bench-", dir="/tmp"))
    os.chmod(base, 0o755)
    data = copy_example(base / "data")
    entries = "".join(f"  {n}:\n    municipalities: [\"{NUMBERS[i % len(NUMBERS)]}\"]\n" for i, n in enumerate(names))
    (data / "access.yaml").write_text("users:\n" + entries, encoding="utf-8")
    git_init(data)
    git_commit_all(data, "eksempeldata")
    try:
        with hubs.machine_lock() as busy:
            if busy or hubs.real_hub_here():
                print(f"hub_memory: cannot run now: {busy or hubs.real_hub_here()}", file=sys.stderr)
                return 1
            result = measure(base, data, names, args.seconds, args.viewers)
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", str(base)], check=False)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def measure(base: Path, data: Path, names: list[str], seconds: float, viewers: list[int]) -> dict[str, object]:
    """Under the machine lock: users, access, the hub; what `main` prints."""
    result: dict[str, object] = {"users": {}}
    with hubs.SystemUsers() as users:
        env = {**os.environ, "PYTHONPATH": str(hubs.REPO / "lib")}
        subprocess.run([sys.executable, "-m", "digireform.cli", "access", "apply", "--data", str(data)], env=env,
                       check=True, capture_output=True, timeout=hubs.STEP_SECONDS)
        users.record()
        for n in names:
            users.set_password(n, PASSWORD)
        python = hubs.user_python(base)
        with hubs.Traversable(hubs.REPO, Path(sys.prefix)), hubs.Hub(data, base / "state", python) as hub:
            code = notebook_code("01-inventar.ipynb")
            for n in names:
                s = hubs.HubSession(hub, n)
                s.login(PASSWORD)
                s.request_token()
                s.start_server()
                uid = pwd.getpwnam(n).pw_uid
                time.sleep(2)
                server_only = memory_of(uid)
                kernel = s.start_kernel()
                s.execute(kernel, code, timeout=180)
                time.sleep(2)
                result["users"][n] = {"server": server_only, "server_and_kernel_after_01": memory_of(uid)}
            proxy = int((base / "state" / "proxy.pid").read_text().strip())
            result["hub_and_proxy"] = memory_of_pids([hub.proc.pid, proxy])
            dash = pwd.getpwnam("dr-dashbord").pw_uid
            hubs.wait_for(lambda: hubs.get(f"{hub.url}/services/dashboards/oversikt")[0] == 200,
                          "the dashboards' first version", hub.proc, timeout=300)
            time.sleep(2)
            result["dashboards"] = {"idle": memory_of(dash), **{f"{v}_viewers": peak_under_viewers(
                hub.url, dash, v, seconds) for v in viewers}}
    return result


if __name__ == "__main__":
    raise SystemExit(main())
