"""What may leave the workbook: confidential cells and personal data are removed here.

Dashboards, reports and tender exports take their rows through these functions, so the
rule lives in one place: a row marked ``confidential: yes`` loses its cost and contract
fields (schema.yaml marks which), and kommune.yaml's contacts never leave `store`.
"""
from __future__ import annotations

import pandas as pd

from .schema import file_spec


def confidential_fields(kind: str = "systems") -> list[str]:
    return [f.key for f in file_spec(kind).fields if f.confidential]


def public_systems(systems: pd.DataFrame) -> pd.DataFrame:
    """Systems with confidential fields blanked on rows marked `confidential: yes`."""
    out = systems.copy()
    if "confidential" not in out:
        return out
    secret = (out["confidential"] == "yes").fillna(False).to_numpy(dtype=bool)
    if secret.any():
        for key in confidential_fields("systems"):
            if key in out:
                out.loc[secret, key] = None
    return out


def is_confidential(systems: pd.DataFrame) -> pd.Series:
    return (systems["confidential"] == "yes").fillna(False).astype(bool)
