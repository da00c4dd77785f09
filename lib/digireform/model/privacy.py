"""What may leave the workbook: confidential cells and personal data are removed here.

Dashboards, reports and tender exports take their rows through these functions, so the
rule lives in one place. It fails closed: a systems row is public only when its
`confidential` cell is a valid «no». An invalid cell (the typed frame from `validate.region.load`
holds NA there), an empty cell or a missing column makes the row confidential, and its
confidential fields (schema.yaml `confidential: true`: cost and contract) are blanked.
Of kommune.yaml only whitelisted keys are public, and nothing nested that looks like a
person. data/privacy.yaml is the one statement of what in kommune.yaml is private: `validate.region`
(what the loaded profile holds), `changes` (what the summary only says changed) and the
public outputs all read it through `private_profile_keys` and `public_profile_keys`.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from digireform.model.errors import Problem
from digireform.model.schema import file_spec, package_yaml

if TYPE_CHECKING:
    from digireform.model.region import Region

PUBLIC = "no"  # the only value of `confidential` that makes a row public


def _rules() -> dict[str, Any]:
    return package_yaml("privacy.yaml")


def private_profile_keys() -> list[str]:
    """Top-level keys of kommune.yaml that are personal data (data/privacy.yaml `private_profile_keys`).

    `validate.region.load` keeps them out of the profiles, the change summary says only that they
    changed, and `public_profile` never copies them.
    """
    return list(_rules()["private_profile_keys"])


def public_profile_keys() -> list[str]:
    """Top-level keys of kommune.yaml that public outputs may show: the whitelist, less any private key."""
    private = set(private_profile_keys())
    return [key for key in _rules()["public_profile_keys"] if key not in private]


def confidential_fields(kind: str = "systems") -> list[str]:
    return [f.key for f in file_spec(kind).fields if f.confidential]


def is_public(rows: pd.DataFrame) -> pd.Series:
    """True only where `confidential` is exactly the code «no»; every other value, NA or no column: False."""
    if "confidential" not in rows:
        return pd.Series(False, index=rows.index, dtype=bool)
    return (rows["confidential"].astype(object) == PUBLIC).fillna(False).astype(bool)


def is_confidential(rows: pd.DataFrame) -> pd.Series:
    """Rows whose confidential fields must not reach a public output (not a valid «no»)."""
    return ~is_public(rows)


def public_systems(systems: pd.DataFrame) -> pd.DataFrame:
    """Systems with confidential fields blanked on every row that is not validly public."""
    out = systems.copy()
    secret = is_confidential(out).to_numpy(dtype=bool)
    if secret.any():
        for key in confidential_fields("systems"):
            if key in out:
                out.loc[secret, key] = None
    return out


def public_welfare(welfare: pd.DataFrame) -> pd.DataFrame:
    """welfare.csv has no confidential fields (schema.yaml) and no `confidential` column: unchanged.

    Kept so the rule has one place should the schema mark a welfare field confidential.
    """
    fields = confidential_fields("welfare")
    if not fields:
        return welfare
    out = welfare.copy()
    secret = is_confidential(out).to_numpy(dtype=bool)
    for key in fields:
        if key in out:
            out.loc[secret, key] = None
    return out


def public_profile(profile: Any, bad_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
    """kommune.yaml for public outputs: whitelisted keys only, nothing nested that names a person.

    `bad_keys` are top-level keys validation (`validate.profile`) reported a problem in: left out, like an invalid
    cell, so a wrong shape neither reaches a page nor stops the report for the others.
    """
    if not isinstance(profile, dict):
        return {}
    out = {}
    for key in public_profile_keys():
        if key in profile and key not in bad_keys:
            value = _scrub(profile[key], frozenset())
            if value is not _DROP:
                out[key] = value
    return out


_DROP = object()
_MAX_DEPTH = 20  # kommune.yaml nests three levels; deeper is not a profile


def _personal(key: Any) -> bool:
    return str(key).strip().lower() in set(_rules()["personal_keys"])


def _scrub(value: Any, path: frozenset[int]) -> Any:
    """Copy of a nested value without personal keys; a mapping holding one is dropped whole.

    `path` holds the containers above: a YAML alias pointing back up (a cycle) or an
    absurd depth is dropped instead of recursing without end.
    """
    if not isinstance(value, dict | list | tuple):
        return value
    if id(value) in path or len(path) >= _MAX_DEPTH:
        return _DROP
    path = path | {id(value)}
    if isinstance(value, dict):
        if any(_personal(k) for k in value):
            return _DROP
        items = ((k, _scrub(v, path)) for k, v in value.items())
        return {k: v for k, v in items if v is not _DROP}
    return [v for v in (_scrub(x, path) for x in value) if v is not _DROP]


def public_region(region: Region) -> Region:
    """The region as public outputs may see it: blanked systems, whitelisted profiles, no contacts."""
    return dataclasses.replace(
        region,
        systems=public_systems(region.systems),
        welfare=public_welfare(region.welfare),
        profiles={nr: public_profile(p, _profile_problem_keys(region, nr)) for nr, p in region.profiles.items()},
        contacts={},
    )


def _profile_problem_keys(region: Region, number: str) -> frozenset[str]:
    """Top-level kommune.yaml keys of this municipality that validation reported a problem in."""
    if number not in region.municipalities.index:
        return frozenset()
    suffix = Path(region.municipalities.at[number, "folder"]).name + "/kommune.yaml"
    return frozenset(str(p.field).split(".")[0] for p in region.problems
                     if str(p.file).replace("\\", "/").endswith(suffix))


def missing_column_problems(kind: str, label: str, columns: list[str], n_rows: int) -> list[Problem]:
    """A systems.csv with rows but no `confidential` column: every row is then hidden; say so.

    Called by `io.tables` while reading, with the header as written (before missing columns are
    filled in), so a header typo like «confidental» also gets this message.
    """
    if kind != "systems" or n_rows == 0 or "confidential" in columns:
        return []
    return [Problem(label, 1, "confidential",
                    "kolonnen mangler; alle radene behandles som unntatt offentlighet (kostnad og avtalefelter "
                    "vises ikke i rapport, dashbord eller anbudsdokumenter) til kolonnen har yes eller no")]


def not_marked_count(rows: pd.DataFrame) -> int:
    """Rows treated as confidential because `confidential` is neither «yes» nor «no» (empty, invalid, absent)."""
    if "confidential" not in rows:
        return len(rows)
    marked = rows["confidential"].astype(object).isin(["yes", PUBLIC])
    return int((~marked).sum())
