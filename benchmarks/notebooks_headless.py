"""How long each shipped notebook takes headless (nbclient, as `jupyter nbconvert --execute` runs it),
against the time its cells compute in the kernel.

    python benchmarks/notebooks_headless.py [--root CHECKOUT] [--timeout SECONDS]

Per notebook: seconds for the whole run (kernel start included), seconds the client spent on its code
cells, the kernel's compute time for them (busy → execute_reply, stamped by the kernel), their ratio
(1 means no waiting), and the cells where an Output widget captured the running cell or the cell
timeout was reached. The notebooks run in a temporary copy of CHECKOUT/notebooks against a copy of
its example region, with CHECKOUT/lib first on the path, so an older checkout can be measured too.
--timeout is nbclient's per-cell timeout: a stalled cell waits exactly that long.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import headless  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--timeout", type=int, default=60)
    args = ap.parse_args()
    root = args.root.resolve()
    os.environ["PYTHONPATH"] = str(root / "lib")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(root / "notebooks", work / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name in ("municipalities", "procurement"):
            shutil.copytree(root / name, work / "data" / name, ignore=shutil.ignore_patterns("out"))
        os.environ["DIGIREFORM_DATA"] = str(work / "data")
        paths = sorted((work / "notebooks").glob("*.ipynb")) + sorted((work / "notebooks" / "dashboards").glob("*.ipynb"))
        print(f"{'notatbok':36} {'totalt s':>9} {'celler s':>9} {'beregning s':>11} {'forhold':>8}  fanget / tidsavbrudd")
        for path in paths:
            r = headless.run(path, timeout=args.timeout, block_captures=False)
            name = str(path.relative_to(work / "notebooks"))
            flags = ", ".join(f"celle {c.index}" for c in r.captured) or "–"
            flags += " / " + (", ".join(f"celle {c.index}" for c in r.timed_out) or "–")
            print(f"{name:36} {r.seconds:9.1f} {r.cell_seconds:9.1f} {r.compute:11.1f} {r.ratio:8.1f}  {flags}"
                  + (f"  FEIL: {r.error[:120]}" if r.error else ""), flush=True)


if __name__ == "__main__":
    main()
