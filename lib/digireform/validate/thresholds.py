"""A group's own threshold values: <data folder>/procurement/thresholds.yaml.

When FOA § 5-1 or § 5-3 is amended before the package has the new values, a group writes
them in its own data folder, in the same shape as the package's thresholds.yaml, and every
figure (report, documents, dashboards) uses them from their `valid_from` on
(`model.thresholds`: the newest entry on or before the day wins, across both files). The
file is checked against `schemas/thresholds.schema.yaml`; a broken file is refused with its
lines, never half read: a threshold silently left out would put a tender in the wrong band.
"""
from __future__ import annotations

import os
from pathlib import Path

from digireform.io.paths import resolve_data_dir
from digireform.io.yamlio import load_with_lines
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.thresholds import Threshold, package_thresholds
from digireform.validate.schema import SchemaCheck, as_date

GROUP_FILE = Path("procurement") / "thresholds.yaml"
SCHEMA = "thresholds"


def group_thresholds(data_dir: str | os.PathLike | None) -> tuple[Threshold, ...]:
    """The entries of the data folder's procurement/thresholds.yaml; () when there is none.

    Raises ValidationError naming file, line and field when the file is malformed.
    """
    if data_dir is None:
        return ()
    path = resolve_data_dir(data_dir) / GROUP_FILE
    if not path.is_file():
        return ()
    label = display_path(path)
    problems: list[Problem] = []
    data = load_with_lines(path, problems)
    if problems:
        raise ValidationError(f"Terskelverdiene i {label} kan ikke leses:", problems)
    check = SchemaCheck(data, SCHEMA, label)
    if check.problems:
        raise ValidationError(f"Terskelverdiene i {label} har feil:", check.problems)
    labels = {t.id: t.label for t in package_thresholds()}
    return tuple(Threshold(str(t["id"]), str(t.get("label") or labels[t["id"]]).strip(), float(t["amount_nok"]),
                           as_date(t["valid_from"]), str(t["source"]).strip(), label)
                 for t in data["thresholds"])
