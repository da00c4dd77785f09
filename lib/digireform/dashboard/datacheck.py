"""May a new version of the data be published on the dashboards? The rule, in one place.

`check(region)` sorts the problems `validate.region.load` found into two kinds, by each problem's
`scope` (`errors.Problem`: set where the problem is found, so rewording a message cannot
change what is published):

* **Left out** (fail closed): a problem that takes a whole municipality or a whole data
  file out of the figures: a folder problem (scope "folder": under municipalities/ a
  symbolic link, bad name, two folders for one number, unreadable; municipalities/
  missing), or a file problem (scope "file") in kommune.yaml, systems.csv or welfare.csv
  (missing, unreadable, not UTF-8, invalid YAML, not a table, empty, a quote that is never
  closed). Totals computed without them look plausible and are wrong, so the server does
  not publish such a version while it has an earlier one: it keeps serving that one, logs
  why, and every page says newer data could not be shown. On a first start (no earlier
  version) the version is published with a warning naming what is left out.
* **Cells** (today's behaviour): invalid cells, a row with too many fields, a BOM (every
  row is still read: scope "cell"), any problem in survey.csv: the version is published,
  cells with errors are not counted, and the notice names the municipalities concerned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from digireform.model.region import FOLDER_RE

WHOLE_FILES = {"kommune.yaml": "kommune", "systems.csv": "systems", "welfare.csv": "welfare"}
FILE_WORDS = {"systems": "systemlisten", "welfare": "velferdsteknologien"}


@dataclass
class DataCheck:
    """The verdict on one state of the data (JSON-able through `as_dict`)."""

    problems: int = 0  # all of them
    cell_problems: int = 0  # those that leave only cells or rows out
    left_out: list[dict[str, str]] = field(default_factory=list)  # {"number", "name", "what", "reason"}
    cell_municipalities: list[str] = field(default_factory=list)  # names, in data order

    @property
    def publishable(self) -> bool:
        """True when nothing whole is missing: publish as usual (cell errors are named)."""
        return not self.left_out

    def as_dict(self) -> dict[str, Any]:
        return {"problems": self.problems, "cell_problems": self.cell_problems, "left_out": self.left_out,
                "cell_municipalities": self.cell_municipalities}


def municipality_name(region, number: str, folder: str = "") -> str:
    """The municipality's name: from the data, else the national register, else the folder name."""
    if number and number in region.municipalities.index:
        return region.name(number)
    from digireform.model import register

    reg = register.get(number) if number else None
    return reg.name_no if reg else (folder or number or "en kommunemappe")


def _where(region, problem) -> tuple[str, str, str]:
    """(number, name, file name) of the municipality folder a problem is about ('' when none).

    The folder is the file's parent (`<nr>-<slug>/systems.csv`) or, for a folder problem,
    the path itself; a folder problem elsewhere names its folder, or «alle kommunene» when
    municipalities/ is missing.
    """
    parts = [part for part in re.split(r"[/\\]", problem.file) if part]
    if len(parts) >= 2 and (m := FOLDER_RE.match(parts[-2])):
        filename = parts[-1]
    elif parts and (m := FOLDER_RE.match(parts[-1])):
        filename = ""
    else:
        if problem.field == "municipalities":
            return "", "alle kommunene", ""
        return "", (parts[-1] if parts and problem.scope == "folder" else ""), ""
    number, slug = m[1], m[2]
    return number, municipality_name(region, number, f"{number}-{slug}"), filename


def _left_out(problem, filename: str) -> str | None:
    """What a problem takes out of the figures ("kommune", "systems", "welfare"), None for cells only.

    By the problem's `scope` (set where it was found), never by its message: a folder problem
    leaves out the municipality; a file problem leaves out that file when it is one of
    WHOLE_FILES (kommune.yaml: the municipality); the optional survey.csv, rows and cells
    are cell errors here.
    """
    if problem.scope == "folder":
        return "kommune"
    if problem.scope == "file":
        return WHOLE_FILES.get(filename)
    return None


def check(region) -> DataCheck:
    """The rule (see module docstring) applied to a loaded region."""
    out = DataCheck(problems=len(region.problems))
    seen_cells: list[str] = []
    for p in region.problems:
        number, name, filename = _where(region, p)
        what = _left_out(p, filename)
        if what:
            item = {"number": number, "name": name or "en kommunemappe", "what": what, "reason": str(p)}
            if not any((i["number"], i["name"], i["what"]) == (number, item["name"], what) for i in out.left_out):
                out.left_out.append(item)
        else:
            out.cell_problems += 1
            if name and name not in seen_cells:
                seen_cells.append(name)
    out.cell_municipalities = seen_cells
    return out


def join_names(names: list[str]) -> str:
    """«Evenes», «Evenes og Narvik», «Evenes, Narvik og Lødingen»."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def left_out_text(left_out: list[dict[str, str]]) -> str:
    """The prominent first-start warning: which municipalities (or whose files) are not counted."""
    whole = [i["name"] for i in left_out if i["what"] == "kommune"]
    parts = []
    if whole:
        parts.append(f"{join_names(whole)} er ikke med")
    for kind, word in FILE_WORDS.items():
        names = [i["name"] for i in left_out if i["what"] == kind and i["name"] not in whole]
        if names:
            parts.append(f"{word} til {join_names(names)} er ikke med")
    text = "; ".join(parts)
    return (f"Tallene er ufullstendige fordi dataene har feil: {text}. "
            "Prosjektgruppen retter dem.") if text else ""


def cell_text(problems: int, names: list[str]) -> str:
    """The usual notice about cell errors, naming the municipalities concerned."""
    where = f" i {join_names(names)}" if names else ""
    return (f"Dataene har {problems} feil{where} som prosjektgruppen må rette; "
            "celler med feil er ikke med i tallene.")


def held_back_text(version_words: str) -> str:
    """Shown on every page while a newer version is held back (see `serve.refresh_once`)."""
    return f"Nyere data har feil og vises ikke ennå; tallene er fra {version_words}."


def log_text(left_out: list[dict[str, str]]) -> str:
    """Why a version was held back, for the server log (file names and lines are fine there)."""
    return "; ".join(i["reason"] for i in left_out)
