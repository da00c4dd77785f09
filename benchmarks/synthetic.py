"""A synthetic national data set for benchmarks: all 357 municipalities, ~180 systems each.

Fictitious content (example_data: true); register facts (numbers, names, population) are real.
Deterministic for a given seed. The files look like real ones: notes with commas (so those
cells are quoted), notes over several lines (as the form writes them), stray spaces around
values and a blank line now and then, all of which reading (`io.tables`) tidies without a problem.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from digireform.model import register
from digireform.model.schema import code_list, file_spec

# (product, vendor, service area, function) — names common in Norwegian municipalities.
PRODUCTS = [
    ("Visma Enterprise", "Visma", "okonomi_personal", "Lønn og personal"),
    ("Unit4 ERP", "Unit4", "okonomi_personal", "Økonomi"),
    ("Framsikt", "Framsikt", "okonomi_personal", "Budsjett og analyse"),
    ("Elements", "Sikri", "sak_arkiv", "Sak og arkiv"),
    ("Public 360", "Tietoevry", "sak_arkiv", "Sak og arkiv"),
    ("Acos WebSak", "Acos", "sak_arkiv", "Sak og arkiv"),
    ("Gerica", "Tietoevry", "helse_velferd", "Pleie og omsorg EPJ"),
    ("Visma Profil", "Visma", "helse_velferd", "Pleie og omsorg EPJ"),
    ("CosDoc", "Extend", "helse_velferd", "Pleie og omsorg EPJ"),
    ("Familia", "Visma", "helse_velferd", "Barnevern"),
    ("Acos Sosial", "Acos", "helse_velferd", "NAV sosial"),
    ("Visma Flyt Skole", "Visma", "skole_oppvekst", "Elevadministrasjon"),
    ("IST Everyday", "IST", "skole_oppvekst", "Elevadministrasjon"),
    ("Visma Flyt Barnehage", "Visma", "skole_oppvekst", "Barnehageadministrasjon"),
    ("Vigilo", "Vigilo", "skole_oppvekst", "Skole-hjem-kommunikasjon"),
    ("Komtek", "Norkart", "plan_bygg", "Byggesak"),
    ("ISY Eiendom", "Norconsult", "teknisk", "Eiendomsforvaltning"),
    ("Gemini VA", "Powel", "teknisk", "VA-forvaltning"),
    ("Speedadmin", "Speedadmin", "kultur", "Kulturskoleadministrasjon"),
    ("Bibliofil", "Bibliotek-Systemer", "kultur", "Bibliotek"),
    ("Microsoft 365", "Microsoft", "felles", "Kontorstøtte"),
    ("Compilo", "Compilo", "felles", "Kvalitetssystem"),
    ("Digipost", "Posten Bring", "innbygger", "Digital post"),
    ("Jotform", "Jotform", "innbygger", "Skjema og selvbetjening"),
]


def _row(rng: random.Random, nr: str, i: int, population: int) -> dict:
    product, vendor, area, function = PRODUCTS[rng.randrange(len(PRODUCTS))]
    if rng.random() < 0.3:
        product = f"{product} {rng.randint(1, 40)}"  # local variants keep the product space wide
    users = max(1, int(population * rng.uniform(0.002, 0.05)))
    end = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
    return {
        "system_id": f"S{nr}-{i:03d}",
        "product": product,
        "vendor": vendor if rng.random() > 0.03 else "",
        "vendor_orgnr": "",
        "service_area": area,
        "function": function,
        "hosting": rng.choice(list(code_list("hosting"))),
        "lifecycle": rng.choice(["operational"] * 8 + ["phasing_out", "phasing_in", "retired"]),
        "users": users if rng.random() > 0.04 else "",
        "annual_cost_nok": round(users * rng.uniform(300, 3000), 2),
        "contract_end": end.isoformat() if rng.random() > 0.05 else "",
        "notice_months": rng.choice([3, 6, 12]),
        "contract_type": rng.choice(["SSA-L", "SSA-D", "SSA-T", "other"]),
        "personal_data": rng.choice(["none", "ordinary", "special"]),
        "dpa": rng.choice(["yes", "no", "not_needed"]),
        "integrations": f"S{nr}-{i - 1:03d}" if i > 1 and rng.random() < 0.2 else "",
        "satisfaction": rng.randint(1, 5),
        "confidential": "yes" if rng.random() < 0.02 else "no",
        "notes": _note(rng),
    }


NOTES = [
    "Avtalen forlenges årlig, sist i mars",
    "Brukes av skole, barnehage og SFO",
    "Skal fases ut når ny løsning er på plass",
    "Felles med nabokommunen; faktura via vertskommunen",
]


def _note(rng: random.Random) -> str:
    """Mostly empty; some with commas (quoted), a few over two lines (as the form saves them)."""
    r = rng.random()
    if r < 0.6:
        return ""
    if r < 0.95:
        return NOTES[rng.randrange(len(NOTES))]
    return "Kontaktperson hos leverandør:\nse avtalearkivet, mappe 12"


def _untidy(rng: random.Random, row: dict) -> dict:
    """Stray spaces (also a non-breaking one) around a few values, as hand-edited files have."""
    if rng.random() < 0.1:
        row = {**row, "hosting": f" {row['hosting']}\u00a0", "product": f"{row['product']} "}
    return row


def make_national_dataset(out_dir: Path, systems_per_municipality: int = 180, seed: int = 0) -> Path:
    """Write municipalities/<nr>-<slug>/{kommune.yaml,systems.csv,welfare.csv}; return out_dir."""
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    sys_cols = file_spec("systems").columns
    wel_cols = file_spec("welfare").columns
    for m in register.municipalities().values():
        folder = out_dir / "municipalities" / f"{m.number}-synthetic"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kommune.yaml").write_text(
            f'number: "{m.number}"\nname: "{m.name_no}"\nexample_data: true\n'
            f"population: {{year: 2025, source: register, total: {m.population}}}\n",
            encoding="utf-8",
        )
        n = max(20, int(rng.gauss(systems_per_municipality, 15)))
        with open(folder / "systems.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, sys_cols, lineterminator="\n")
            w.writeheader()
            for i in range(1, n + 1):
                w.writerow(_untidy(rng, _row(rng, m.number, i, m.population)))
                if rng.random() < 0.005:
                    fh.write("\n")  # a blank line now and then
        with open(folder / "welfare.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, wel_cols, lineterminator="\n")
            w.writeheader()
            for cat in code_list("welfare_category"):
                used = int(m.population * rng.uniform(0, 0.02))
                w.writerow({
                    "category": cat, "status": "in_use" if used else "need", "units_in_use": used,
                    "units_needed": used + int(m.population * rng.uniform(0, 0.01)),
                    "target_year": rng.randint(2026, 2030), "priority": rng.randint(1, 3),
                    "response_service": rng.choice(["own", "intermunicipal", "private"]),
                })
    return out_dir


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(make_national_dataset(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/out/national")))
