"""Which rows of a table point to a row: the one definition, for the forms and the save path.

A field of type `id_list` (schema.yaml; today systems.csv `integrations`) holds ids of rows of
the same file (`system_id`s of the municipality's systems). A row that others point to cannot
be removed without leaving them pointing at nothing, so the forms refuse the delete and name
the rows that refer to it, and the save path refuses a merged file where that happened
(someone added a reference while another person deleted the system). Rows are compared as
stored text (`model.rows.Row`).
"""
from __future__ import annotations

from dataclasses import dataclass

from digireform.model.labels import field_label, joined
from digireform.model.rows import Row
from digireform.model.schema import file_spec


@dataclass(frozen=True)
class Reference:
    """Row `index` (id `row_id`) points to another row through `field`."""

    index: int
    row_id: str
    field: str


def reference_fields(kind: str) -> list[str]:
    """The fields of `kind` that hold ids of the same file's rows (none for a file without a key)."""
    spec = file_spec(kind)
    return [f.key for f in spec.fields if f.type == "id_list"] if spec.key else []


def split_ids(cell: str | None) -> list[str]:
    """The ids of an `id_list` cell («EVE-005; EVE-006» → ["EVE-005", "EVE-006"])."""
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def referring_rows(rows: list[Row], target_id: str, kind: str) -> list[Reference]:
    """Every other row of `rows` whose id-list fields name `target_id`, in file order."""
    fields = reference_fields(kind)
    key = file_spec(kind).key
    if not fields or not target_id:
        return []
    return [Reference(i, row.get(key) or f"rad {i + 1}", f)
            for i, row in enumerate(rows) if row.get(key) != target_id
            for f in fields if target_id in split_ids(row.get(f))]


def references_text(refs: list[Reference], kind: str) -> str:
    """«EVE-005 og EVE-013 viser til dette systemet (Integrasjoner)»: who refers, through which field."""
    if not refs:
        return ""
    ids = joined(dict.fromkeys(r.row_id for r in refs))
    fields = joined(field_label(f, kind) for f in dict.fromkeys(r.field for r in refs))
    return f"{ids} viser til {'dette systemet' if kind == 'systems' else 'denne raden'} ({fields})"


def removal_refused(row: Row, refs: list[Reference], kind: str) -> str:
    """Why a row cannot be deleted: «EVE-004 Visma Flyt Skole kan ikke slettes: EVE-005 og … (Integrasjoner).»"""
    spec = file_spec(kind)
    name = " ".join(x for x in (row.get(spec.key or ""), row.get("product")) if x)
    return (f"{name} kan ikke slettes: {references_text(refs, kind)}. "
            "Fjern henvisningene der først, og slett så.")
