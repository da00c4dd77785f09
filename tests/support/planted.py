"""A copy of the example region with confidential data planted the everyday wrong ways.

The tests that use it prove that no public output (page HTML, served document, static
file) carries a planted secret. Each mistake is one that happens in real files: a
`confidential` cell written «Ja», «YES» or «x», and a header typo («confidental») that
leaves a whole file without a readable confidential column; plus a contact person with
name, e-mail and phone in kommune.yaml.

Used by the browser tests (tests/browser/conftest.py) and the dashboard server tests; the
server they start is `tests.support.server.Serving`.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tests.support.regionfiles import copy_example

REPO = Path(__file__).resolve().parents[2]
copy_region = copy_example  # municipalities/ and procurement/ (without built output) copied to a folder
NBSP = "\u00a0"
CONTRACT_END = "2029-02-27"  # no such date in the example data
PLANTS = {  # municipality folder prefix → (confidential cell, cost)
    "1853-": ("Ja", 987654321),
    "1806-": ("YES", 876543219),
    "1851-": ("x", 765432198),
}
TYPO_FOLDER = "5512-"
TYPO_COST = 654321987
CONTACT = {"name": "Hemmelig Kontaktperson Xyzzy", "email": "xyzzy.hemmelig@example.no", "phone": "+47 912 34 567"}


def _rewrite(path: Path, edit) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    header = edit(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")


def _folder(data: Path, prefix: str) -> Path:
    return next((data / "municipalities").glob(prefix + "*"))


def plant_secrets(data: Path) -> None:
    """Plant every mistake in the copy at `data` (see module docstring)."""
    for prefix, (cell, cost) in PLANTS.items():
        def edit(rows, cell=cell, cost=cost):
            rows[0].update(confidential=cell, annual_cost_nok=str(cost), contract_end=CONTRACT_END)
            return list(rows[0])
        _rewrite(_folder(data, prefix) / "systems.csv", edit)

    def typo(rows):
        rows[0].update(annual_cost_nok=str(TYPO_COST), contract_end=CONTRACT_END)
        for row in rows:
            row["confidental"] = row.pop("confidential")
        return list(rows[0])
    _rewrite(_folder(data, TYPO_FOLDER) / "systems.csv", typo)
    profile = _folder(data, "1853-") / "kommune.yaml"
    line = (f'contacts:\n  - {{role: Personvernombud, name: "{CONTACT["name"]}", email: "{CONTACT["email"]}", '
            f'phone: "{CONTACT["phone"]}"}}')
    profile.write_text(profile.read_text("utf-8").replace("contacts:", line, 1), "utf-8")


def _forms(cost: int) -> list[str]:
    """How a cost could appear: raw, with spaces or non-breaking spaces, as «987,7 mill.»."""
    grouped = f"{cost:,}"
    short = f"{cost / 1e6:.1f}".replace(".", ",")
    return [str(cost), grouped.replace(",", " "), grouped.replace(",", NBSP), f"{short} mill", f"{short}{NBSP}mill"]


def secrets() -> list[str]:
    """Every text that must never appear in a public output."""
    out = [CONTRACT_END, "27.02.2029", *CONTACT.values(), "912 34 567"]
    for _, cost in PLANTS.values():
        out += _forms(cost)
    return out + _forms(TYPO_COST)


def texts_of(body: bytes, name: str) -> str:
    """The searchable text of a response: Office files are unzipped, everything else decoded."""
    if name.endswith((".docx", ".xlsx")):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return body.decode("utf-8", "replace")


def leaked(text: str) -> list[str]:
    """The planted secrets found in `text` (empty when nothing leaked)."""
    return [s for s in secrets() if s in text]


def plant_valid_secret(data: Path) -> None:
    """The correct way: Evenes's first system `confidential: yes` with a planted cost and contract
    end, and the contact person; the data stay valid, so the tender documents are built."""
    cell, cost = PLANTS["1853-"]

    def edit(rows):
        rows[0].update(confidential="yes", annual_cost_nok=str(cost), contract_end=CONTRACT_END)
        return list(rows[0])
    _rewrite(_folder(data, "1853-") / "systems.csv", edit)
    profile = _folder(data, "1853-") / "kommune.yaml"
    line = (f'contacts:\n  - {{role: Personvernombud, name: "{CONTACT["name"]}", email: "{CONTACT["email"]}", '
            f'phone: "{CONTACT["phone"]}"}}')
    profile.write_text(profile.read_text("utf-8").replace("contacts:", line, 1), "utf-8")
