"""How long the overlap analysis takes on a national data set, against loading the same data.

Generates all 357 municipalities × ~150 systems in a temp dir (benchmarks/synthetic.py),
then in one run, alternating, times `digireform.load(dir)` and the whole overlap section
of the report (`overlap.report_section`: catalogue matching, shared products,
harmonisation candidates, exit windows per product and per function, similarity,
communities, joint-tender candidates). Prints medians, the ratio and a per-step split.
Target: overlap under 2 s. The machine is shared and noisy: read medians and the ratio.

    .venv/bin/python benchmarks/overlap.py [--repeat N] [--systems N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_national_dataset  # noqa: E402

import digireform  # noqa: E402
from digireform.analysis import exit_windows as ew  # noqa: E402
from digireform.analysis import network, overlap  # noqa: E402
from digireform.analysis.catalogue import canonical_products, load_catalogue  # noqa: E402
from digireform.analysis.options import ReportOptions  # noqa: E402
from digireform.model.privacy import public_systems  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
TARGET_S = 2.0


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def steps(region, options: ReportOptions) -> dict[str, float]:
    """Time each stage once (for finding where the time goes)."""
    out: dict[str, float] = {}
    t, cat = timed(lambda: load_catalogue(region.data_dir))
    out["katalog"] = t
    t, public = timed(lambda: public_systems(region.in_use_systems()))
    out["offentlige rader"] = t
    t, canon = timed(lambda: canonical_products(overlap.select(public), cat))
    out["produktmatching"] = t
    out["felles produkter"], _ = timed(lambda: overlap.shared_products(canon))
    out["harmonisering"], _ = timed(lambda: overlap.harmonisation_candidates(canon))
    out["exit-vinduer"], _ = timed(lambda: overlap._windows(canon, options))
    out["mangler dato"], _ = timed(lambda: ew.missing_dates(canon))
    t, sim = timed(lambda: network.similarity(canon))
    out["likhet (Jaccard)"] = t
    out["grupper (Louvain)"], _ = timed(lambda: network.communities(sim))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", type=int, default=150, help="systemer per kommune")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_national_dataset(Path(tmp), systems_per_municipality=args.systems, seed=0)
        options = ReportOptions(as_of=AS_OF)
        loads, overlaps = [], []
        region = None
        for _ in range(args.repeat):
            t, region = timed(lambda: digireform.load(root))
            loads.append(t)
            report: dict = {"warnings": [], "region": {}, "municipalities": {nr: {} for nr in region.numbers}}
            t, _ = timed(lambda r=region, rep=report: overlap.report_section(r, rep, options))
            overlaps.append(t)
        o = report["overlap"]
        print(f"Datasett: {len(region.municipalities)} kommuner, {len(region.systems)} systemer "
              f"({len(region.in_use_systems())} i bruk), {len(region.problems)} valideringsfeil")
        print(f"Resultat: {len(o['shared_products'])} felles produkter, "
              f"{len(o['harmonisation_candidates'])} harmoniseringskandidater, {len(o['exit_windows'])} exit-vinduer "
              f"per produkt, {len(o['exit_windows_by_function'])} per funksjon, "
              f"{len(o['communities'])} grupper, {len(o['tender_candidates'])} anbudskandidater")
        lo, ov = statistics.median(loads), statistics.median(overlaps)
        print(f"load (lese og validere):  median {lo:.2f} s  (alle: {', '.join(f'{x:.2f}' for x in loads)})")
        print(f"overlapp (hele seksjonen): median {ov:.2f} s  (alle: {', '.join(f'{x:.2f}' for x in overlaps)})")
        print(f"forhold overlapp/load: {ov / lo:.2f}   mål: overlapp under {TARGET_S:.0f} s -> "
              f"{'OK' if ov < TARGET_S else 'OVER MÅLET'}")
        print("Fordeling (én kjøring):")
        for name, secs in steps(region, options).items():
            print(f"  {name:<20} {secs:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
