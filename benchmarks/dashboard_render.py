"""How fast do the dashboards show their key figures, alone and in a council-meeting crowd?

Starts the dashboards exactly as `digireform dashboards` does (a child process on a free
loopback port), then measures:

* one viewer alone: Chromium, a fresh browser context each round (nothing cached), time
  from navigation to the first visible key-figure card and to the first drawn chart;
* crowds: N = 1, 10, 30 viewers opening the overview at the same moment, as Chromium
  contexts and as plain HTTP requests; p50/p95 of the time to the first key figure (HTTP:
  to the whole page with its key figures), against the viewer alone in the same run;
* the peak memory (RSS) of the server's process tree (server plus any build child),
  sampled every 0.1 s, and how long the first version took to build.

    .venv/bin/python benchmarks/dashboard_render.py [--rounds 5] [--data DIR]

Results also go to benchmarks/out/dashboard_render.json. Numbers depend on the machine
and on what else runs on it; compare ratios, not seconds. Targets (council meeting on a
2-core machine): p95 for 10 Chromium viewers ≤ 3 × one viewer alone; 30 HTTP viewers all
answered with p95 ≤ 5 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PAGES = ["oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud"]
CHART_PAGES = {"oversikt", "overlapp", "velferdsteknologi", "digital-modenhet"}
CROWDS = (1, 10, 30)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent / "out"
KPI_MARK = 'data-kpi="systems" data-value="'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def tree_rss_mb(pid: int) -> float:
    """RSS in MB of `pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            line = next(x for x in Path(f"/proc/{current}/status").read_text().splitlines() if x.startswith("VmRSS"))
            total += int(line.split()[1])
        except (OSError, StopIteration):
            pass
    return total / 1024


class MemorySampler(threading.Thread):
    """Peak RSS of the server tree; `phase(name)` starts a new peak, all kept in `peaks`."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.name, self.running = pid, {}, "start", True

    def phase(self, name: str) -> None:
        self.name = name
        self.peaks.setdefault(name, 0.0)

    def run(self) -> None:
        while self.running:
            rss = tree_rss_mb(self.pid)
            self.peaks[self.name] = max(self.peaks.get(self.name, 0.0), rss)
            time.sleep(0.1)


async def chromium_crowd(exe: str | None, url: str, n: int, charts: bool = False,
                         selector: str = ".dr-kpi") -> list[dict]:
    """n fresh Chromium contexts open `url` at the same moment; seconds to key figure (and chart)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(n)]
            pages = [await c.new_page() for c in contexts]

            async def one(pg) -> dict:
                t0 = time.perf_counter()
                await pg.goto(url, wait_until="commit", timeout=300_000)
                await pg.locator(selector).first.wait_for(state="visible", timeout=300_000)
                out = {"kpi": time.perf_counter() - t0, "chart": None,
                       "error": "Tallene beregnes" in await pg.inner_text("body")}
                if charts:
                    await pg.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=300_000)
                    out["chart"] = time.perf_counter() - t0
                return out

            return list(await asyncio.gather(*(one(pg) for pg in pages)))
        finally:
            await browser.close()


def http_viewer(url: str) -> dict:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as resp:
            body = resp.read().decode("utf-8")
            return {"kpi": time.perf_counter() - t0, "ok": resp.status == 200 and KPI_MARK in body}
    except Exception as exc:  # counted as not answered
        return {"kpi": time.perf_counter() - t0, "ok": False, "error": str(exc)}


def http_crowd(url: str, n: int) -> list[dict]:
    barrier = threading.Barrier(n)

    def go() -> dict:
        barrier.wait()
        return http_viewer(url)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return [f.result() for f in [pool.submit(go) for _ in range(n)]]


def stats(samples: list[float]) -> dict:
    return {"n": len(samples), "p50": round(statistics.median(samples), 3), "p95": round(p95(samples), 3),
            "max": round(max(samples), 3)}


def measure(data: str | None, rounds: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests.support
    from tests.support import server as serve

    exe = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="dashboards-bench-", suffix=".log")[1])
    t0 = time.perf_counter()
    proc = serve.start(port, data=data, log_file=log)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    result: dict = {}
    try:
        serve.wait_ready(port, proc, timeout=300)
        result["first_version_s"] = round(time.perf_counter() - t0, 2)
        sampler.phase("idle")
        time.sleep(1)
        sampler.phase("alone")
        alone: dict[str, list[dict]] = {}
        for _ in range(rounds):
            for name in PAGES:
                url = f"{base}/voila/render/{name}.ipynb"
                alone.setdefault(name, []).extend(asyncio.run(chromium_crowd(exe, url, 1, name in CHART_PAGES)))
        result["alone"] = {n: {"kpi": stats([v["kpi"] for v in vs]),
                               **({"chart": stats([v["chart"] for v in vs])} if vs[0]["chart"] else {})}
                           for n, vs in alone.items()}
        overview = f"{base}/voila/render/oversikt.ipynb"
        baseline = result["alone"]["oversikt"]["kpi"]["p50"]
        http_alone = [http_viewer(overview)["kpi"] for _ in range(rounds)]
        result["http_alone"] = stats(http_alone)
        for kind in ("chromium", "http"):
            for n in CROWDS:
                sampler.phase(f"{kind}-{n}")
                if kind == "chromium":
                    runs = asyncio.run(chromium_crowd(exe, overview, n))
                    answered = sum(not r["error"] for r in runs)
                    ref = baseline
                else:
                    runs = http_crowd(overview, n)
                    answered = sum(r["ok"] for r in runs)
                    ref = result["http_alone"]["p50"]
                s = stats([r["kpi"] for r in runs])
                result[f"{kind}-{n}"] = {**s, "answered": answered, "p95_vs_alone": round(s["p95"] / ref, 2)}
                time.sleep(1)
        sampler.phase("reference")
        for n in (1, 10):  # what the browsers cost by themselves: the landing page has no script and no chart
            runs = asyncio.run(chromium_crowd(exe, base + "/", n, selector=".dr-dashboard-list a"))
            result[f"landing-chromium-{n}"] = stats([r["kpi"] for r in runs])
        sampler.phase("after")
        time.sleep(1)
    finally:
        sampler.running = False
        sampler.join(2)
        serve.stop(proc)
        log.unlink(missing_ok=True)
    result["peak_rss_mb"] = {k: round(v, 1) for k, v in sampler.peaks.items()}
    return result


def print_result(r: dict, rounds: int) -> None:
    print(f"\nførste versjon klar etter {r['first_version_s']:.1f} s (oppstart + beregning av alle sider og dokumenter)")
    print(f"\nén seer alene i Chromium, ny kontekst hver gang, {rounds} runder: sekunder til første nøkkeltall / graf")
    for name, v in r["alone"].items():
        chart = v.get("chart")
        print(f"  {name:<20} nøkkeltall p50 {v['kpi']['p50']:.2f}  p95 {v['kpi']['p95']:.2f}"
              + (f"   graf p50 {chart['p50']:.2f}  p95 {chart['p95']:.2f}" if chart else ""))
    print(f"  HTTP alene (oversikt): p50 {r['http_alone']['p50']:.3f} s")
    print("\nmange samtidig på oversikt: sekunder til første nøkkeltall")
    print(f"  {'seere':<14}{'p50':>8}{'p95':>8}{'maks':>8}{'svar':>7}{'p95/alene':>11}{'topp RSS':>11}")
    for kind in ("chromium", "http"):
        for n in CROWDS:
            v = r[f"{kind}-{n}"]
            print(f"  {kind + ' ' + str(n):<14}{v['p50']:>8.2f}{v['p95']:>8.2f}{v['max']:>8.2f}"
                  f"{v['answered']:>4}/{n:<3}{v['p95_vs_alone']:>10.2f}{r['peak_rss_mb'].get(f'{kind}-{n}', 0):>9.0f} MB")
    ref1, ref10 = r["landing-chromium-1"], r["landing-chromium-10"]
    print(f"  referanse, startsiden (ingen skript, ingen graf): Chromium 1 p50 {ref1['p50']:.2f} s, "
          f"Chromium 10 p95 {ref10['p95']:.2f} s ({ref10['p95'] / ref1['p50']:.1f} × alene)")
    peaks = r["peak_rss_mb"]
    print(f"\ntopp RSS for serveren (med byggeprosessen): oppstart {peaks.get('start', 0):.0f} MB, "
          f"i ro {peaks.get('idle', 0):.0f} MB, høyest {max(peaks.values()):.0f} MB")
    c10, h30 = r["chromium-10"], r["http-30"]
    print(f"mål: Chromium 10 p95 ≤ 3 × alene: {c10['p95_vs_alone']:.2f} × "
          f"({'ok' if c10['p95_vs_alone'] <= 3 else 'IKKE nådd'}); "
          f"HTTP 30 alle svar og p95 ≤ 5 s: {h30['answered']}/30, {h30['p95']:.2f} s "
          f"({'ok' if h30['answered'] == 30 and h30['p95'] <= 5 else 'IKKE nådd'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", help="datamappe (standard: eksempelregionen)")
    args = parser.parse_args()
    rounds = max(args.rounds, 3)
    result = measure(args.data, rounds)
    print_result(result, rounds)
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard_render.json").write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
