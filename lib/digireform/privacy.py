"""What may leave the workbook: confidential cells and personal data are removed here.

Dashboards, reports and tender exports take their rows through these functions, so the
rule lives in one place. It fails closed: a systems row is public only when its
`confidential` cell is a valid «no». An invalid cell (the typed frame from `store.load`
holds NA there), an empty cell or a missing column makes the row confidential, and its
confidential fields (schema.yaml `confidential: true`: cost and contract) are blanked.
Of kommune.yaml only whitelisted keys are public, and nothing nested that looks like a
person (data/privacy.yaml).
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import Problem
from .schema import file_spec, package_yaml

if TYPE_CHECKING:
    from .store import Region

PUBLIC = "no"  # the only value of `confidential` that makes a row public


def _rules() -> dict[str, Any]:
    return package_yaml("privacy.yaml")


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


def public_profile(profile: Any) -> dict[str, Any]:
    """kommune.yaml for public outputs: whitelisted keys only, nothing nested that names a person."""
    if not isinstance(profile, dict):
        return {}
    keys = _rules()["public_profile_keys"]
    out = {}
    for key in keys:
        if key in profile:
            value = _scrub(profile[key])
            if value is not _DROP:
                out[key] = value
    return out


_DROP = object()


def _personal(key: Any) -> bool:
    return str(key).strip().lower() in set(_rules()["personal_keys"])


def _scrub(value: Any) -> Any:
    """Copy of a nested value without personal keys; a mapping holding one is dropped whole."""
    if isinstance(value, dict):
        if any(_personal(k) for k in value):
            return _DROP
        items = ((k, _scrub(v)) for k, v in value.items())
        return {k: v for k, v in items if v is not _DROP}
    if isinstance(value, list | tuple):
        return [v for v in map(_scrub, value) if v is not _DROP]
    return value


def public_region(region: Region) -> Region:
    """The region as public outputs may see it: blanked systems, whitelisted profiles, no contacts."""
    return dataclasses.replace(
        region,
        systems=public_systems(region.systems),
        welfare=public_welfare(region.welfare),
        profiles={nr: public_profile(p) for nr, p in region.profiles.items()},
        contacts={},
    )


def missing_column_problems(kind: str, label: str, columns: list[str], n_rows: int) -> list[Problem]:
    """A systems.csv with rows but no `confidential` column: every row is then hidden; say so.

    Called by `store` while reading, with the header as written (before missing columns are
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
