"""Benchmark: `tender build` with 300 requirements and 20 participants (target: under 3 s).

Generates a synthetic data folder in a temporary directory (20 municipalities from the
register, 40 systems and 8 welfare rows each, a 300-requirement library), then times
the whole build (load data, library and tender file, assemble, write the four files).
Baselines measured in the same run: loading the data alone, and writing an empty .docx
and .xlsx, so the figure can be read against what the machine does anyway.

    .venv/bin/python benchmarks/tender_build.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from digireform.model import register
from digireform.model.schema import SERVICE_AREAS, WELFARE_CATEGORIES, code_list
from digireform.tender.requirements import categories

N_REQUIREMENTS = 300
N_PARTICIPANTS = 20
SYSTEMS_EACH = 40
HEADER = ("system_id,product,vendor,vendor_orgnr,service_area,function,hosting,lifecycle,users,annual_cost_nok,"
          "contract_end,notice_months,contract_type,personal_data,dpa,integrations,satisfaction,confidential,notes\n")
WHEADER = ("category,status,product,vendor,units_in_use,units_needed,target_year,priority,response_service,"
           "annual_cost_nok,contract_end,notice_months,notes\n")
PRODUCTS = ["Gerica", "Visma Profil", "CosDoc", "Visma Flyt Skole", "Elements", "Public 360", "Acos WebSak",
            "Visma Enterprise", "Microsoft 365", "Kommunekart"]


def make_data(root: Path, rng: random.Random) -> list[str]:
    numbers = sorted(register.municipalities())[:N_PARTICIPANTS]
    areas, welfare = list(code_list(SERVICE_AREAS)), list(code_list(WELFARE_CATEGORIES))
    for nr in numbers:
        folder = root / "municipalities" / f"{nr}-kommune"
        folder.mkdir(parents=True)
        (folder / "kommune.yaml").write_text(f'number: "{nr}"\nname: {register.get(nr).name_no}\nexample_data: true\n', "utf-8")
        rows = []
        for i in range(SYSTEMS_EACH):
            product = PRODUCTS[i % len(PRODUCTS)] if i < 20 else f"Lokalt system {i}"
            area = "helse_velferd" if product in ("Gerica", "Visma Profil", "CosDoc") else areas[i % len(areas)]
            conf = "yes" if i == 7 else "no"
            rows.append(f"S-{i},{product},Leverandør {i % 7},,{area},Funksjon {i},saas,operational,{rng.randint(5, 500)},"
                        f"{rng.randint(10, 900) * 1000},2028-0{1 + i % 9}-28,6,SSA-L,ordinary,yes,,3,{conf},")
        (folder / "systems.csv").write_text(HEADER + "\n".join(rows) + "\n", "utf-8")
        wrows = [f"{c},in_use,P,V,{rng.randint(5, 200)},{rng.randint(200, 400)},2028,1,own,{rng.randint(1, 9) * 50000},,,"
                 for c in welfare]
        (folder / "welfare.csv").write_text(WHEADER + "\n".join(wrows) + "\n", "utf-8")
    lib = root / "procurement" / "requirements"
    lib.mkdir(parents=True)
    cats, codes = list(categories()), areas + welfare
    items = []
    for i in range(N_REQUIREMENTS):
        kind = "bor" if i % 3 == 0 else "skal"
        applies = "all" if i % 4 == 0 else f"[{codes[i % len(codes)]}, {codes[(i * 7) % len(codes)]}]"
        items.append(
            f"- id: B-{i:03d}\n  category: {cats[i % len(cats)]}\n  kind: {kind}\n"
            + (f"  weight: {1 + i % 9}\n" if kind == "bor" else "")
            + f'  text: "Krav nummer {i}: løsningen {kind} støtte funksjon {i} for alle deltakende kommuner, '
              f'med dokumentasjon og testing før produksjonssetting."\n'
            + f"  applies_to: {applies}\n  reference: \"Standard {i}\"\n")
    (lib / "bench.yaml").write_text("\n".join(items), "utf-8")
    (root / "procurement" / "tenders").mkdir()
    (root / "procurement" / "tenders" / "bench.yaml").write_text(f"""\
title: Benchmark-anskaffelse
description: Syntetisk anskaffelse med {N_REQUIREMENTS} krav og {N_PARTICIPANTS} deltakere.
host: "{numbers[0]}"
participants: [{", ".join(f'"{n}"' for n in numbers)}]
scope:
  service_areas: [{", ".join(areas)}]
  welfare_categories: [{", ".join(welfare)}]
contract: {{type: SSA-L, years: 4, option_years: 2, start: 2027-09-01}}
award_criteria:
  - {{code: pris, weight: 40}}
  - {{code: kvalitet, weight: 30}}
  - {{code: miljo, weight: 30}}
requirements:
  include: [{", ".join(f"B-{i:03d}" for i in range(0, N_REQUIREMENTS))}]
timeline: {{publication: 2027-01-15, tender_deadline: 2027-03-01}}
""", "utf-8")
    return numbers


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from docx import Document
    from openpyxl import Workbook

    from digireform.tender.build import build_tender
    from digireform.validate.region import load

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_data(root, random.Random(5))
        tender = root / "procurement" / "tenders" / "bench.yaml"
        out = root / "out"
        result = build_tender(tender, root, out, as_of=dt.date(2026, 11, 23))  # warm-up (imports, caches)
        assert len(result.assembly.requirements) == N_REQUIREMENTS
        assert len(result.assembly.participants) == N_PARTICIPANTS
        t_build = timed(lambda: build_tender(tender, root, out, as_of=dt.date(2026, 11, 23)), args.repeat)
        t_load = timed(lambda: load(root), args.repeat)
        t_empty = timed(lambda: (Document().save(str(root / "e.docx")), Workbook().save(str(root / "e.xlsx"))), args.repeat)
        sizes = {p.name: p.stat().st_size // 1024 for p in result.files.values()}
    print(f"tender build, {N_REQUIREMENTS} krav × {N_PARTICIPANTS} deltakere "
          f"({len(result.assembly.systems)} systemer som erstattes): {t_build:.2f} s (median av {args.repeat}; mål < 3 s)")
    print(f"  grunnlinje: lese og validere dataene {t_load:.2f} s; tom .docx + .xlsx {t_empty:.2f} s")
    print(f"  filer (KiB): {sizes}")
    print("  OK" if t_build < 3 else "  OVER MÅLET")


if __name__ == "__main__":
    main()
