"""How fast do the dashboards show their key figure, compared with an empty notebook?

Starts the dashboards exactly as `digireform dashboards` does (same voila.json, same
template, same page cache), adds an empty notebook (one HTML output, no imports) to the
served folder, and measures in Chromium the time from navigation to the first key-figure
card being visible, alternating empty notebook and dashboards round by round. It does
this with preheated kernels and then with a cold server (--no-preheat), prints the
median of each (at least 5 rounds) and the ratio to the empty notebook, then a burst
(the overview opened three times, ten seconds apart, pages kept open) and the memory
of the kernel pools.

    .venv/bin/python benchmarks/dashboard_render.py [--rounds 5] [--data DIR] [--skip-cold]

Results also go to benchmarks/out/dashboard_render.json. Numbers depend on the machine
and on what else runs on it; compare ratios, not seconds.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import time
from pathlib import Path

PAGES = ["oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud"]
EMPTY = "tom"
CHART_PAGES = {"oversikt", "overlapp", "velferdsteknologi", "digital-modenhet"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parent / "out"


def empty_notebook(folder: Path) -> Path:
    """A notebook whose only output is a key-figure-like element: the baseline Voilà page."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from IPython.display import HTML, display\n"
        "display(HTML('<div class=\"dr-kpi\" data-kpi=\"klar\" data-value=\"1\">klar</div>'))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{EMPTY}.ipynb"
    nbformat.write(nb, path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_time(context, url: str, keep_open: bool = False, charts: bool = True) -> tuple[float, float | None, object]:
    """Seconds to the first visible key figure, and to the first drawn chart (None if the page has none)."""
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.locator(".dr-kpi").first.wait_for(state="visible", timeout=120_000)
    kpi = time.perf_counter() - t0
    chart = None
    if charts:
        page.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=120_000)
        chart = time.perf_counter() - t0
    if not keep_open:
        page.close(run_before_unload=True)  # as a real tab: Voilà shuts its kernel down
        return kpi, chart, None
    return kpi, chart, page


def kernel_memory(server_pid: int) -> list[float]:
    """RSS in MB of every ipykernel process below the Voilà server."""
    import os

    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [server_pid]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            todo.append(child)
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes()
                if b"ipykernel" in cmd:
                    rss = next(line for line in Path(f"/proc/{child}/status").read_text().splitlines()
                               if line.startswith("VmRSS"))
                    out.append(int(rss.split()[1]) / 1024)
            except (OSError, StopIteration):
                pass
    return out


def measure(browser, data: str | None, preheat: bool, rounds: int, extra: Path) -> dict:
    from digireform.dashboard import serve

    port = free_port()
    log = Path(tempfile.mkstemp(prefix="voila-bench-", suffix=".log")[1])
    proc, site = serve.start(port, data=data, preheat=preheat, log_file=log, extra_notebooks=(extra,))
    result: dict = {"preheat": preheat, "kpi": {}, "chart": {}}
    try:
        serve.wait_ready(port, proc, timeout=180, log_file=log, pools=len(PAGES) + 1 if preheat else 0)
        if preheat:
            time.sleep(2)
            mem = kernel_memory(proc.pid)
            result["pool_kernels"] = len(mem)
            result["pool_rss_mb"] = round(sum(mem), 1)
            result["kernel_rss_mb"] = [round(m, 1) for m in sorted(mem)]
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        names = [EMPTY, *PAGES]
        for name in names:  # warm the browser cache once; not counted
            load_time(context, f"http://127.0.0.1:{port}/voila/render/{name}.ipynb", charts=False)
            time.sleep(4 if preheat else 0.5)
        for _ in range(rounds):
            for name in names:
                kpi, chart, _ = load_time(context, f"http://127.0.0.1:{port}/voila/render/{name}.ipynb",
                                          charts=name in CHART_PAGES)
                result["kpi"].setdefault(name, []).append(round(kpi, 3))
                if chart is not None:
                    result["chart"].setdefault(name, []).append(round(chart, 3))
                time.sleep(1.5)
        if preheat:
            result["burst"] = burst(context, port)
            mem = kernel_memory(proc.pid)
            result["after_burst_kernels"] = len(mem)
            result["after_burst_rss_mb"] = round(sum(mem), 1)
        context.close()
    finally:
        serve.stop(proc, site)
        log.unlink(missing_ok=True)
    return result


def burst(context, port: int) -> list[float]:
    """The overview opened three times, ten seconds apart, each page kept open."""
    times, pages = [], []
    time.sleep(8)  # pools refilled after the rounds
    for i in range(3):
        start = time.perf_counter()
        kpi, _, page = load_time(context, f"http://127.0.0.1:{port}/voila/render/oversikt.ipynb", keep_open=True,
                                 charts=False)
        times.append(round(kpi, 3))
        pages.append(page)
        if i < 2:
            time.sleep(max(0.0, 10 - (time.perf_counter() - start)))
    for page in pages:
        page.close(run_before_unload=True)
    return times


def summarise(result: dict) -> dict:
    med = {n: statistics.median(v) for n, v in result["kpi"].items()}
    base = med[EMPTY]
    result["median_kpi"] = {n: round(v, 3) for n, v in med.items()}
    result["ratio"] = {n: round(v / base, 2) for n, v in med.items() if n != EMPTY}
    result["median_chart"] = {n: round(statistics.median(v), 3) for n, v in result["chart"].items()}
    return result


def print_result(result: dict, rounds: int) -> None:
    mode = "forvarmede kjerner" if result["preheat"] else "kalde kjerner (--no-preheat)"
    target = 1.5 if result["preheat"] else 3.0
    print(f"\n{mode}: median av {rounds} målinger, sekunder til første nøkkeltall er synlig")
    print(f"  {'side':<20}{'median':>8}{'forhold':>9}{'graf':>8}   alle")
    for name, med in result["median_kpi"].items():
        ratio = "" if name == EMPTY else f"{result['ratio'][name]:.2f}"
        chart = result["median_chart"].get(name)
        print(f"  {name:<20}{med:>8.2f}{ratio:>9}{'' if chart is None else f'{chart:.2f}':>8}   "
              f"{', '.join(f'{x:.2f}' for x in result['kpi'][name])}")
    worst = max(result["ratio"].values())
    print(f"  høyeste forhold {worst:.2f} (mål ≤ {target})")
    if result["preheat"]:
        print(f"  kjernepoolene: {result['pool_kernels']} kjerner, {result['pool_rss_mb']:.0f} MB RSS "
              f"({', '.join(f'{m:.0f}' for m in result['kernel_rss_mb'])} MB)")
        print(f"  pågang: oversikt åpnet tre ganger med ti sekunders mellomrom: "
              f"{', '.join(f'{x:.2f}' for x in result['burst'])} s; "
              f"etterpå {result['after_burst_kernels']} kjerner, {result['after_burst_rss_mb']:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", help="datamappe (standard: eksempelregionen)")
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        extra = empty_notebook(Path(tmp))
        exe = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        for preheat in ([True] if args.skip_cold else [True, False]):
            result = summarise(measure(browser, args.data, preheat, max(args.rounds, 5), extra))
            print_result(result, max(args.rounds, 5))
            results.append(result)
        browser.close()
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard_render.json").write_text(json.dumps(results, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
