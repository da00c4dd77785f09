"""Builders of data folders for the tests, from the one schema (no tests here).

The fixtures in tests/conftest.py wrap these; a test module imports the plain functions from
here, never from another test module. Column headers come from the schema
(`file_spec(kind).columns`, lib/digireform/model/data/schema.yaml) when a file is written, so a
column added to or renamed in the schema is followed without a change here.

- `system_row(**overrides)` / `welfare_row(**overrides)`: one valid row as a dict in column order;
- `named_system(sid, product)`: a short valid row for tests that name systems A, B, C…;
- `csv_line(kind, row)` / `csv_text(kind, rows)`: a row or a whole file as stored text;
- `profile_yaml(number, **fields)`: a kommune.yaml text;
- `write_region(root, municipalities=…, systems=…, welfare=…, survey=…, procurement=…)`: a data folder;
- `copy_example(target)`: a copy of the shipped example region;
- `git(cwd, *args)`, `git_init(repo)`, `git_commit_all(repo)`: a small git repository of test data;
- `run_processes(target, args_list)` / `run_jobs(jobs)`: functions run in forked processes that start together.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from digireform.model import register
from digireform.model.schema import file_spec

REPO = Path(__file__).resolve().parents[2]

# A valid row of each file: every code from its code list, every number within its bounds.
SYSTEM_DEFAULTS = {
    "system_id": "EVE-001", "product": "Visma Enterprise", "vendor": "Visma", "vendor_orgnr": "974760673",
    "service_area": "okonomi_personal", "function": "Lønn", "hosting": "saas", "lifecycle": "operational",
    "users": "40", "annual_cost_nok": "120000", "contract_end": "2027-06-30", "notice_months": "3",
    "contract_type": "SSA-L", "personal_data": "ordinary", "dpa": "yes", "integrations": "", "satisfaction": "4",
    "confidential": "no", "notes": "",
}
WELFARE_DEFAULTS = {
    "category": "trygghetsalarm", "status": "in_use", "product": "Careium", "vendor": "Careium",
    "units_in_use": "50", "units_needed": "60", "target_year": "2028", "priority": "1",
    "response_service": "intermunicipal", "annual_cost_nok": "200000", "contract_end": "2027-06-30",
    "notice_months": "6", "notes": "",
}
_DEFAULTS = {"systems": SYSTEM_DEFAULTS, "welfare": WELFARE_DEFAULTS}

Row = Mapping[str, Any] | str  # a dict of cells, or a stored line written as it is
Rows = Iterable[Row] | str  # rows under the schema header, or a whole file's text


def columns(kind: str) -> list[str]:
    """The stored columns of `systems` or `welfare`, in file order (from schema.yaml)."""
    return file_spec(kind).columns


def header(kind: str) -> str:
    """The header line of a stored file (no line end)."""
    return ",".join(columns(kind))


def _row(kind: str, overrides: dict[str, Any]) -> dict[str, str]:
    cols = columns(kind)
    unknown = [k for k in overrides if k not in cols]
    if unknown:
        raise KeyError(f"ingen kolonne {', '.join(unknown)} i {file_spec(kind).filename}")
    defaults = _DEFAULTS[kind]
    return {c: str(overrides[c]) if c in overrides else defaults.get(c, "") for c in cols}


def system_row(**overrides: Any) -> dict[str, str]:
    """A valid systems.csv row (Evenes' Visma Enterprise), every column, with `overrides` applied."""
    return _row("systems", overrides)


def welfare_row(**overrides: Any) -> dict[str, str]:
    """A valid welfare.csv row (trygghetsalarm in use), every column, with `overrides` applied."""
    return _row("welfare", overrides)


def named_system(sid: str, product: str, users: str = "10", cost: str = "1000", **overrides: Any) -> dict[str, str]:
    """A short valid row for tests that name their systems A, B, C…: common infrastructure
    (felles) from «Leverandør AS», no personal data, contract to 2027-01-01, no satisfaction."""
    return system_row(**{
        "system_id": sid, "product": product, "vendor": "Leverandør AS", "vendor_orgnr": "", "service_area": "felles",
        "function": "Funksjon", "users": users, "annual_cost_nok": cost, "contract_end": "2027-01-01",
        "personal_data": "none", "dpa": "not_needed", "satisfaction": "", **overrides})


def csv_line(kind: str, row: Row) -> str:
    """One stored record without line end: a dict by the schema's columns (cells not named are
    empty, a cell with a comma, quote or line break quoted as CSV does), a str as it is."""
    if isinstance(row, str):
        return row
    cols = columns(kind)
    unknown = [k for k in row if k not in cols]
    if unknown:
        raise KeyError(f"ingen kolonne {', '.join(unknown)} i {file_spec(kind).filename}")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row.get(c, "") for c in cols])
    return buf.getvalue().removesuffix("\n")


def csv_text(kind: str, rows: Iterable[Row] = (), head: str | None = None) -> str:
    """A whole stored file: the header from the schema (or `head`), then one line per row."""
    return "".join(line + "\n" for line in [header(kind) if head is None else head,
                                             *(csv_line(kind, r) for r in rows)])


def _yaml_value(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def profile_yaml(number: str, name: str | None = None, **fields: Any) -> str:
    """A kommune.yaml text: `number` (quoted), `name` (the register's, unless given), then `fields`
    in order — a mapping on one line in flow style, a list as one flow item a line; None leaves a
    field out. `example_data` is true unless given (test data is made up)."""
    fields = {"example_data": True, **fields}
    name = name if name is not None else register.get(number).name_no
    lines = [f'number: "{number}"', f"name: {name}"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {_yaml_value(item)}" for item in value]
        else:
            lines.append(f"{key}: {_yaml_value(value)}")
    return "\n".join(lines) + "\n"


def slug(name: str) -> str:
    """The folder slug of a municipality name: «Lødingen» → «lodingen»."""
    name = name.lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


def folder_name(key: str) -> str:
    """`1853` → `1853-evenes` (from the register); a folder name (`1853-evenes-kopi`, `narvik`) as it is."""
    if re.fullmatch(r"\d{4}", key):
        return f"{key}-{slug(register.get(key).name_no)}"
    return key


def _per_folder(value: Mapping[str, Any] | Any | None) -> dict[str, Any]:
    """A mapping municipality → value; anything else is Evenes' (1853)."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {folder_name(k): v for k, v in value.items()}
    return {folder_name("1853"): value}


def _profile_for(folder: str, profile: Mapping[str, Any] | str | None) -> str:
    if isinstance(profile, str):
        return profile
    number = folder[:4]
    if not re.fullmatch(r"\d{4}", number):
        raise ValueError(f"mappen {folder} har ikke kommunenummer: gi kommune.yaml som tekst")
    return profile_yaml(number, **(profile or {}))


def write_region(
    root: Path,
    municipalities: Mapping[str, Mapping[str, Any] | str | None] | None = None,
    systems: Mapping[str, Rows] | Rows | None = None,
    welfare: Mapping[str, Rows] | Rows | None = None,
    survey: Mapping[str, str] | str | None = None,
    procurement: Mapping[str, str] | None = None,
) -> Path:
    """Write a data folder under `root` and return `root`.

    Each argument maps a municipality — a number (`"1853"` → folder `1853-evenes`) or a folder
    name — to its content; a value that is not a mapping is Evenes'. `municipalities` gives
    kommune.yaml: a dict of fields for `profile_yaml`, or the whole text, or None (the register's
    name). A municipality named only in a file argument gets the default kommune.yaml.
    `systems`/`welfare`: a list of rows (`system_row(...)` dicts, or lines written as they are)
    under the schema header, or a whole file's text. `survey`: survey.csv's text.
    `procurement`: path under procurement/ → text (procurement/tenders/ is made too).
    With no argument at all: Evenes with one `system_row()` — the smallest valid region.
    Files not named are not written; calling again on the same root adds to it.
    """
    if municipalities is systems is welfare is survey is procurement is None:
        systems = [system_row()]
    profiles = _per_folder(municipalities)
    files = {"systems.csv": _per_folder(systems), "welfare.csv": _per_folder(welfare),
             "survey.csv": _per_folder(survey)}
    for per in files.values():
        for folder in per:
            profiles.setdefault(folder, None)
    for folder, profile in profiles.items():
        d = Path(root) / "municipalities" / folder
        d.mkdir(parents=True, exist_ok=True)
        (d / "kommune.yaml").write_text(_profile_for(folder, profile), encoding="utf-8")
        for filename, per in files.items():
            if folder not in per:
                continue
            content = per[folder]
            if not isinstance(content, str):
                content = csv_text(filename.removesuffix(".csv"), content)
            (d / filename).write_text(content, encoding="utf-8")
    if procurement is not None:
        (Path(root) / "procurement" / "tenders").mkdir(parents=True, exist_ok=True)
        for rel, text in procurement.items():
            path = Path(root) / "procurement" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return Path(root)


def copy_example(target: Path, folders: Iterable[str] = ("municipalities", "procurement")) -> Path:
    """The shipped example region (`folders` of it, without built output) copied to `target`."""
    for folder in folders:
        shutil.copytree(REPO / folder, Path(target) / folder, ignore=shutil.ignore_patterns("out"))
    return Path(target)


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.no",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.no"}


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    """Run git in `cwd` as a fixed test identity (and at `date`, ISO, for both author and
    committer, when given); its standard output without the line end. Fails on a non-zero exit."""
    env = {**os.environ, **GIT_IDENTITY}
    if date is not None:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def git_init(repo: Path) -> Path:
    """`git init` in `repo` (made if missing), no commit."""
    Path(repo).mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    return Path(repo)


def git_commit_all(repo: Path, message: str = "start", date: str | None = None) -> str:
    """Commit everything in the work tree; the short hash of the commit."""
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "--short", "HEAD")


def run_processes(target, args_list) -> list:
    """Run `target(args[0], start_barrier, *args[1:], result_queue)` in one forked process per
    `args`, all released together; each process's result, in the order they arrive."""
    return run_jobs([(target, args) for args in args_list])


def run_jobs(jobs: list) -> list:
    """`run_processes` for a different function per process: each (target, args) pair at once."""
    ctx = multiprocessing.get_context("fork")
    start, result = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=t, args=(a[0], start, *a[1:], result)) for t, a in jobs]
    for p in procs:
        p.start()
    out = [result.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out

