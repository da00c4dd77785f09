"""How `load` (with validation) scales to a national data set, against plain pandas.

Generates all 357 municipalities × ~180 systems in a temp dir (benchmarks/synthetic.py: files
that look like real ones, with quoted notes, notes over two lines, stray spaces, blank lines),
then in one run, alternating, times:
  * in process: `digireform.load(dir)` vs `pandas.read_csv` of the same CSV files;
  * as a user meets it: the `digireform validate` and `digireform report --json` processes vs
    a process that only imports pandas and reads the same CSV files with pandas' default
    options (the honest baseline: no dtype hints, no tuning); with peak memory (RSS).
Targets: `validate` ≤ 2× and `report --json` ≤ 3× the pandas process; peak RSS < 400 MB.
Prints medians and ratios. Machines here are noisy: read the ratios, not the seconds.
"""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_national_dataset  # noqa: E402

import digireform  # noqa: E402

REPEAT = 5
BIN = Path(sys.executable).parent
PANDAS_ONLY = (
    "import sys, pathlib, pandas as pd\n"
    "for p in sorted(pathlib.Path(sys.argv[1], 'municipalities').glob('*/*.csv')):\n"
    "    pd.read_csv(p)\n"
)


def read_plain(root: Path) -> int:
    rows = 0
    for p in sorted((root / "municipalities").glob("*/*.csv")):
        rows += len(pd.read_csv(p))
    return rows


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_process(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(before, after) / 1024


def peak_rss_of(cmd: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c",
         "import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
         "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
         *cmd],
        capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_national_dataset(Path(tmp))
        region = digireform.load(root)
        assert not region.problems, region.problems[:3]
        print(f"data: {len(region.municipalities)} municipalities, {len(region.systems)} systems, "
              f"{len(region.welfare)} welfare rows")
        loads, plains = [], []
        for _ in range(REPEAT):
            plains.append(timed(lambda: read_plain(root)))
            loads.append(timed(lambda: digireform.load(root)))
        ml, mp = statistics.median(loads), statistics.median(plains)
        print(f"in process   load+validate {ml:.2f} s | pandas.read_csv {mp:.2f} s | ratio {ml / mp:.2f} (target ≤ 3, < 3 s)")

        cmds = {
            "pandas only": [sys.executable, "-c", PANDAS_ONLY, str(root)],
            "digireform validate": [str(BIN / "digireform"), "validate", "--data", str(root)],
            "digireform report --json": [str(BIN / "digireform"), "report", "--json", "--data", str(root)],
        }
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(REPEAT):
            for name, cmd in cmds.items():
                t = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                times[name].append(time.perf_counter() - t)
        base = statistics.median(times["pandas only"])
        targets = {"digireform validate": "≤ 2", "digireform report --json": "≤ 3"}
        for name, cmd in cmds.items():
            med = statistics.median(times[name])
            rss = peak_rss_of(cmd)
            target = f" (target {targets[name]}, < 400 MB)" if name in targets else ""
            print(f"process      {name:26s} {med:5.2f} s  ratio {med / base:4.2f}  peak RSS {rss:5.0f} MB{target}")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"this benchmark process peak RSS (load in process): {own:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
