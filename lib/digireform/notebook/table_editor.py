"""Form editor for a municipality's systems.csv or welfare.csv (ipywidgets).

Pick a municipality, pick a row (or «Ny rad»), edit it in a form whose code-list fields
are drop-downs with Norwegian labels, and save. Deleting asks first (and a system other rows
point to is not offered: the form names them); leaving a row with unsaved edits (another
row, «Ny rad», reload, another municipality) asks «Lagre / Forkast / Avbryt». Every change re-validates the would-be
file with `validate_table_text` (the same rules as `digireform validate`) and shows
the messages beside the fields, before anything is saved. Saving goes through
`sync.save_rows`: merged with what others saved meanwhile, refused (with both versions
shown) when someone changed the same row, written atomically.

Everything is plain Python state, so tests set widget values and press buttons with
``button.click()``, without a browser.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from digireform import sync
from digireform.io.paths import resolve_data_dir
from digireform.model import labels, references
from digireform.model.errors import DigireformError, Problem
from digireform.model.rows import Row, match_rows
from digireform.model.schema import Field, code_list, file_spec, label
from digireform.notebook.common import (
    ConflictPanel,
    EditorBase,
    Question,
    button,
    esc,
    field_widget,
    form_labels,
    form_problems,
    full_label,
    message_html,
    municipality_options,
    normalise_text,
    problems_html,
    report_save,
    saved_html,
)
from digireform.validate.tables import validate_table_text

_PLACEHOLDERS = {"date": "ÅÅÅÅ-MM-DD", "int": "heltall", "number": "tall", "id_list": "ID-er skilt med ;"}


def _catalogue(data_dir) -> Any:
    """The product catalogue, or None when it cannot be read (the form still works without it)."""
    try:
        from digireform.analysis.catalogue import load_catalogue

        return load_catalogue(data_dir)
    except (ImportError, DigireformError):
        return None


class TableEditor(EditorBase):
    """Add, edit and delete rows of one table (`systems` or `welfare`) of one municipality."""

    def __init__(self, data_dir: str | os.PathLike | None = None, kind: str = "systems", number: str | None = None):
        self.data_dir = resolve_data_dir(data_dir)
        self.kind = kind
        self.spec = file_spec(kind)
        self.catalogue = _catalogue(self.data_dir) if kind == "systems" else None
        options = municipality_options(self.data_dir)
        if not options:
            raise DigireformError(f"Fant ingen kommunemapper under {self.data_dir / 'municipalities'}.")
        self.municipality = full_label(w.Dropdown(description="Kommune", options=options, value=number or options[0][1]))
        self.rows = full_label(w.Select(description="Rad", rows=10, layout=w.Layout(width="95%")))
        self.fields: dict[str, w.Widget] = {f.key: self._widget(f) for f in self.spec.fields}
        self.messages: dict[str, w.HTML] = {f.key: w.HTML() for f in self.spec.fields}
        self.new_button = button("Ny rad", icon="plus")
        self.save_button = button("Lagre", button_style="primary", icon="save")
        self.delete_button = button("Slett rad", button_style="danger", icon="trash")
        self.reload_button = button("Last inn på nytt", icon="refresh")
        self.status = w.HTML()
        self.table = w.HTML()
        self.conflict = ConflictPanel(self._resolve)
        self.question = Question()  # «Slett …?», «Du har endringer som ikke er lagret …»
        self.snapshot: sync.TableSnapshot | None = None
        self.selected: int | None = None
        self._pending: list[Row] | None = None
        self._pending_select: int | None = None
        self._filling = False
        self.municipality.observe(self._on_municipality, names="value")
        self.rows.observe(self._on_select, names="value")
        for f in self.spec.fields:
            self.fields[f.key].observe(self._on_edit, names="value")
        self.new_button.on_click(lambda _: self.guard(self.new))
        self.save_button.on_click(lambda _: self.save())
        self.delete_button.on_click(lambda _: self.delete())
        self.reload_button.on_click(lambda _: self.guard(self.load))
        self.load()

    # ------------------------------------------------------------------ widgets

    def _widget(self, f: Field) -> w.Widget:
        text = f.header + (" *" if f.required else "")
        if f.type == "code":
            unknown = "(velg)" if f.required else "(ukjent)"
            opts = [(unknown, ""), *((lab, code) for code, lab in code_list(f.codes).items())]
            return field_widget(w.Dropdown, text, options=opts, value="")
        if f.key in ("product", "vendor") and self.catalogue is not None:
            names = self.catalogue.names() if f.key == "product" else sorted({e.vendor for e in self.catalogue.entries if e.vendor})
            return field_widget(w.Combobox, text, options=names, ensure_option=False)
        if f.key == "notes":
            return field_widget(w.Textarea, text)
        return field_widget(w.Text, text, placeholder=_PLACEHOLDERS.get(f.type, ""))

    def _set(self, key: str, value: str) -> None:
        widget = self.fields[key]
        if isinstance(widget, w.Dropdown) and value not in [v for _, v in widget.options]:
            widget.options = [*widget.options, (f"«{value}» (ugyldig kode)", value)]
        widget.value = value

    def widget(self) -> w.Widget:
        """The whole editor as one widget, for display in a notebook."""
        form = w.VBox([w.VBox([self.fields[f.key], self.messages[f.key]]) for f in self.spec.fields])
        buttons = w.HBox([self.new_button, self.save_button, self.delete_button, self.reload_button])
        return w.VBox([self.municipality, self.table, self.rows, buttons, self.question.box, self.status,
                       self.conflict.box, form])

    # ------------------------------------------------------------------ state

    def load(self) -> None:
        """(Re)read the file from disk; the form is cleared."""
        self.snapshot = sync.load_table(self.data_dir, self.number, self.kind)
        self.conflict.hide()
        self.question.hide()
        self._refresh_rows()
        self.new()
        if self.snapshot.problems:
            self.status.value = problems_html(self.snapshot.problems, "Filen har feil som må rettes:")
        else:
            self.status.value = ""

    def _refresh_rows(self) -> None:
        rows = self.snapshot.rows
        self._filling = True
        self.rows.options = [(f"{i + 1}. {self._row_title(r)}", i) for i, r in enumerate(rows)]
        self.rows.value = None
        self._filling = False
        self.table.value = self.table_html()

    def _row_title(self, row: Row) -> str:
        if self.kind == "systems":
            return f"{row['system_id']} – {row['product']}"
        cat = label("welfare_category", row["category"]) if row["category"] else "(uten kategori)"
        status = label("welfare_status", row["status"]) if row["status"] else ""
        return " – ".join(x for x in (cat, status, row.get("product")) if x)

    def _row_name(self, row: Row) -> str:
        """A row as a question names it: «EVE-004 Visma Flyt Skole», «Trygghetsalarm – I bruk – Careium»."""
        if self.kind == "systems":
            return " ".join(x for x in (row.get("system_id"), row.get("product")) if x) or "(uten system-ID)"
        return self._row_title(row)

    def table_html(self) -> str:
        """The inventory as an HTML table with Norwegian headers and labels."""
        rows = self.snapshot.rows if self.snapshot else []
        if not rows:
            return "<i>Ingen rader ennå.</i>"
        frame = pd.DataFrame(rows, columns=self.spec.columns)
        for f in self.spec.fields:
            if f.type == "code":
                frame[f.key] = [label(f.codes, v) if v else "" for v in frame[f.key]]
        frame.columns = [f.header for f in self.spec.fields]
        return ("<div style='max-height:320px;overflow:auto'>" + frame.to_html(index=False, escape=True, border=0)
                + "</div>")

    def _on_select(self, change) -> None:
        if self._filling or change["new"] is None:
            return
        index = change["new"]
        self.guard(lambda: self.select(index), revert=self._show_selected, target=index)

    def _show_selected(self) -> None:
        """Put the row list back on the row the form holds (the person cancelled a switch)."""
        self._filling = True
        self.rows.value = self.selected
        self._filling = False

    # ------------------------------------------------------------------ unsaved edits

    def dirty(self) -> bool:
        """Does the form hold something not saved (a changed row, or a started new one)?"""
        now = self.form_row()
        if self.selected is None:
            return any(now.values())
        saved = self.snapshot.rows[self.selected]
        return any(now[f.key] != normalise_text(saved.get(f.key) or "", f.type) for f in self.spec.fields)

    def editing_name(self) -> str:
        """How the form's row is named in a question: «EVE-004», «Trygghetsalarm – I bruk», «den nye raden»."""
        if self.selected is None:
            return form_labels()["questions"]["new_row"]
        row = self.snapshot.rows[self.selected]
        if self.kind == "systems" and row.get("system_id"):
            return row["system_id"]
        return self._row_title(row)

    def guard(self, action: Callable[[], Any], revert: Callable[[], Any] | None = None,
              target: int | None = None) -> None:
        """Run `action` (switch row, new row, reload), first asking when it would discard unsaved edits.

        «Du har endringer som ikke er lagret i EVE-004: Lagre / Forkast / Avbryt»: Lagre saves
        and goes on only when the save went through; Forkast goes on; Avbryt stays (`revert`
        puts the row list or municipality back). `target`: the row a switch goes to, found
        again after the save by its content (a save that merged others' rows may reorder them).
        """
        if not self.dirty():
            action()
            return
        goal = dict(self.snapshot.rows[target]) if target is not None else None

        def save_then() -> None:
            if self.save():
                self._after_save(action, goal)
            elif revert is not None:
                revert()

        q = form_labels()["questions"]
        self.question.ask(q["unsaved_row"].format(row=self.editing_name()),
                          [(q["save"], "primary", save_then), (q["discard"], "danger", action),
                           (q["cancel"], "", revert or (lambda: None))])

    def _after_save(self, action: Callable[[], Any], target: Row | None) -> None:
        if target is None:
            action()
            return
        index = self._find(target)
        if index is None:
            self.new()
        else:
            self._filling = True
            self.rows.value = index
            self._filling = False
            self.select(index)

    def select(self, index: int) -> None:
        """Fill the form with row `index` of the loaded file."""
        self.selected = index
        self._fill(self.snapshot.rows[index])
        self.status.value = ""

    def new(self) -> None:
        """Empty form for a new row."""
        self.selected = None
        self._filling = True
        self.rows.value = None
        self._filling = False
        self._fill({c: "" for c in self.spec.columns})

    def _fill(self, row: Row) -> None:
        self._filling = True
        for key in self.spec.columns:
            self._set(key, row.get(key) or "")
        self._filling = False
        self.check()

    def form_row(self) -> Row:
        """The form's values in stored form."""
        return {f.key: normalise_text(self.fields[f.key].value, f.type) for f in self.spec.fields}

    def would_be(self) -> tuple[list[Row], int]:
        """The rows as they would be saved, and the index of the form's row in them."""
        rows = [dict(r) for r in self.snapshot.rows]
        if self.selected is None:
            rows.append(self.form_row())
            return rows, len(rows) - 1
        rows[self.selected] = self.form_row()
        return rows, self.selected

    # ------------------------------------------------------------------ validation

    def _on_edit(self, change) -> None:
        if self._filling:
            return
        if change["owner"] is self.fields.get("product"):
            self._fill_from_catalogue(change["new"])
        self.check()

    def _fill_from_catalogue(self, product: str) -> None:
        """Picking a catalogue product fills empty vendor, service area and function."""
        entry = self.catalogue.get(product) if self.catalogue is not None else None
        if entry is None:
            return
        for key, value in (("vendor", entry.vendor), ("service_area", entry.service_area), ("function", entry.function)):
            if value and not self.fields[key].value:
                self._filling = True
                self._set(key, value)
                self._filling = False

    def check(self) -> dict[str, list[str]]:
        """Validate the would-be file; show and return the messages for the form's row by field."""
        rows, index = self.would_be()
        blank = not any(self.form_row().values())
        problems = [] if blank else self._row_problems(rows, index)
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p.message)
        typed = {f.key: self.fields[f.key].value for f in self.spec.fields}
        for key, message in form_problems(typed, {f.key: f.type for f in self.spec.fields}).items():
            by_field[key] = [message]  # e.g. an ambiguous «30.000»: the reason, not a guess stored
        for f in self.spec.fields:  # a code the file holds that is not in the list: the choices in words
            value = typed[f.key]
            if f.type == "code" and value and value not in code_list(f.codes):
                by_field[f.key] = [labels.choices_in_words(m, f.codes) for m in by_field.get(f.key, [])]
        for key, box in self.messages.items():
            msgs = by_field.get(key, [])
            box.value = "".join(f'<div style="color:#a00;margin-left:1em">{esc(m)}</div>' for m in msgs)
        return by_field

    def _row_problems(self, rows: list[Row], index: int) -> list[Problem]:
        label_ = str(self.snapshot.path)
        text = sync.rows_to_text(rows, self.kind)
        _, problems = validate_table_text(text, self.kind, self.snapshot.number, label_)
        at_line = sync.row_at_line(text)  # physical lines: a multi-line note moves the rows after it
        return [p for p in problems if at_line.get(p.line) == index]

    # ------------------------------------------------------------------ saving

    def save(self, prefer: sync.Prefer = None) -> bool:
        """Validate and save the form's row; True when written."""
        if not any(self.form_row().values()):
            self.status.value = message_html("Skjemaet er tomt; ingenting å lagre.", "info")
            return False
        if self.check():
            self.status.value = message_html("Ikke lagret: rett feltene som er merket med rødt.", "error")
            return False
        rows, index = self.would_be()
        return self._write(rows, prefer, select=index)

    def delete(self) -> bool:
        """Ask before deleting the selected row («Slett EVE-004 Visma Flyt Skole? Ja, slett / Avbryt»).

        A row that other rows point to (a system listed in their integrations) is not offered
        for deletion: the status names those rows instead. Returns False: nothing is deleted
        until the person answers «Ja, slett» (`confirm_delete`).
        """
        if self.selected is None:
            self.status.value = message_html("Velg raden som skal slettes.", "info")
            return False
        row = self.snapshot.rows[self.selected]
        refs = references.referring_rows(self.snapshot.rows, row.get(self.spec.key or "") or "", self.kind)
        if refs:
            self.status.value = message_html(references.removal_refused(row, refs, self.kind), "error")
            return False
        index = self.selected
        q = form_labels()["questions"]
        self.question.ask(q["delete"].format(row=self._row_name(row)),
                          [(q["delete_yes"], "danger", lambda: self.confirm_delete(index)),
                           (q["cancel"], "", self._delete_cancelled)])
        return False

    def confirm_delete(self, index: int) -> bool:
        """Delete row `index` of the loaded file (saved at once, through the one save path)."""
        rows = [dict(r) for i, r in enumerate(self.snapshot.rows) if i != index]
        return self._write(rows, None, select=None)

    def _delete_cancelled(self) -> None:
        self.status.value = message_html(form_labels()["questions"]["delete_cancelled"], "info")

    def _write(self, rows: list[Row], prefer: sync.Prefer, select: int | None) -> bool:
        snap = self.snapshot
        key_row = rows[select] if select is not None else None
        def keep_for_resolving(exc: sync.ConflictError) -> None:
            self._pending, self._pending_select = rows, select
            self.conflict.show(exc.conflicts)

        result = report_save(self.status, lambda: sync.save_rows(  # the loaded municipality, whatever the menu says
            self.data_dir, snap.number, self.kind, snap.rows, rows, snap.fingerprint, prefer), keep_for_resolving)
        if result is None:
            return False
        self.conflict.hide()
        self._pending = None
        self.snapshot = result.snapshot
        self._refresh_rows()
        new_index = self._find(key_row)
        if new_index is None:
            self.new()
        else:
            self._filling = True
            self.rows.value = new_index
            self._filling = False
            self.select(new_index)
        self.status.value = saved_html(result.message)
        return True

    def _find(self, row: Row | None) -> int | None:
        """Where `row` is in the loaded file now: the same row by the merge's pairing (system_id;
        for welfare the identical row, else the same category), since a merged save may have
        taken others' changes into it."""
        if row is None:
            return None
        return match_rows([row], self.snapshot.rows, self.kind).get(0)

    def _resolve(self, prefer: str) -> None:
        """The person chose after seeing a conflict: save again preferring that version."""
        if self._pending is None:
            return
        self._write(self._pending, prefer, self._pending_select)  # type: ignore[arg-type]
