"""Pieces shared by the editors: value normalising, labels, municipality choice, conflict view.

Widgets hold text; the rules of what is valid live in `validate` (one place), so the
editors turn what a person typed into the stored form (ISO dates, `.` decimals, no
thousands separators) with `values` — the parser the importer uses — and let validation
say what is still wrong. What `values` refuses (an ambiguous «30.000», «31.02.2026») is
kept as typed and `form_problems` gives the reason, so the form never stores a guess.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as w

from digireform.io import history, textio
from digireform.io.paths import municipality_folders
from digireform.model import labels, values
from digireform.model.errors import DigireformError, Problem, ValidationError
from digireform.model.region import PROFILE_FILE
from digireform.model.resources import package_file
from digireform.model.schema import load_yaml_text
from digireform.sync import Conflict, ConflictError


@cache
def form_labels() -> dict[str, Any]:
    """Norwegian labels of the profile editor (notebook/forms.yaml)."""
    return load_yaml_text(package_file("digireform.notebook", "forms.yaml").read_text("utf-8"))


def form_value(value: Any, ftype: str) -> tuple[str, str | None]:
    """What a person typed → (stored text, None), or (the text as typed, why it is refused).

    Numbers, integers and dates go through `values` (31.12.26 → 2026-12-31, 1 250,5 → 1250.5,
    kr 12 000,- → 12000); other types are only stripped (codes come from drop-downs).
    """
    text = "" if value is None else str(value).strip()
    if not text or ftype not in ("int", "number", "date"):
        return text, None
    try:
        if ftype == "number":  # the digits as typed («12 500,50» → 12500.50), not re-rounded
            return format(values.parse_number(text), "f"), None
        return values.to_stored_text(text, ftype), None
    except values.Refused as exc:
        return text, exc.message


def normalise_text(value: Any, ftype: str) -> str:
    """What a person typed → the stored text form (31.12.2026 → 2026-12-31, 1 250,5 → 1250.5)."""
    return form_value(value, ftype)[0]


def form_problems(typed: dict[str, Any], types: dict[str, str]) -> dict[str, str]:
    """Field → why what was typed there is refused (ambiguous or not a number/date); {} when fine."""
    out = {}
    for key, value in typed.items():
        message = form_value(value, types.get(key, "text"))[1]
        if message:
            out[key] = message
    return out


def to_yaml_value(value: Any, ftype: str) -> Any:
    """Widget text → the kommune.yaml value (int, float, date, text); None when empty.

    Text that `values` refuses (an ambiguous «30.000») or cannot be converted is kept as
    typed, so validation names it; `form_problems` gives the reason.
    """
    text, refused = form_value(value, ftype)
    if text == "":
        return None
    if refused:
        return text
    try:
        if ftype == "int":
            return int(text)
        if ftype == "number":
            f = float(text)
            return int(f) if f.is_integer() and "." not in text else f
        if ftype == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        return text
    return text


def from_yaml_value(value: Any) -> str:
    """kommune.yaml value → widget text."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def municipality_options(data_dir: Path) -> list[tuple[str, str]]:
    """(«1853 Evenes», "1853") for every municipality folder, names from kommune.yaml."""
    out = []
    for folder in municipality_folders(data_dir):
        nr = folder.name[:4]
        try:
            text = textio.decode_stored((folder / PROFILE_FILE).read_bytes(), "", [])
            name = (load_yaml_text(text or "") or {}).get("name") or nr
        except Exception:  # unreadable profile: show the number; validation reports the file
            name = folder.name
        out.append((f"{nr} {name}", nr))
    return out


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def problem_words(p: Problem) -> str:
    """A problem as the forms show it: «FILE:LINE: Antall brukere: …», the field by its label.

    The file and line stay (the person may open the file); the field key of `str(Problem)`
    (the CLI's contract) becomes the label a person knows from the form.
    """
    where = f"{p.file}:{p.line}" if p.line is not None else p.file
    return f"{where}: {labels.field_label(p.field)}: {p.message}"


def problems_html(problems: list[Problem], title: str = "") -> str:
    """A short red list of problems (FILE:LINE: field: message)."""
    if not problems:
        return ""
    items = "".join(f"<li>{esc(problem_words(p))}</li>" for p in problems)
    head = f"<b>{esc(title)}</b>" if title else ""
    return f'<div style="color:#a00">{head}<ul>{items}</ul></div>'


def message_html(text: str, kind: str = "ok") -> str:
    color = {"ok": "#060", "error": "#a00", "info": "#333", "warning": "#a60"}[kind]
    return f'<div style="color:{color}">{esc(text).replace(chr(10), "<br>")}</div>'


def conflicts_html(conflicts: list[Conflict]) -> str:
    """Each conflicting row as a table: field | original | your change | saved by someone else.

    Fields by their Norwegian label and values in words («Skytjeneste», «45 000»), as the
    conflict itself names them (`Conflict.label`, `Conflict.words`: model.labels).
    """
    parts = [
        "<div style='border:2px solid #c60;padding:6px'><b>Ikke lagret: en annen har endret det samme "
        "siden du åpnet det.</b> Sammenlign og velg hvilken versjon som skal gjelde.</div>"
    ]
    for c in conflicts:
        note = (" (du slettet raden)" if c.ours_deleted else " (den andre slettet raden)" if c.theirs_deleted else "")
        rows = "".join(
            f"<tr><td>{esc(c.label(d.field))}</td><td>{_cell_html(c.words(d.field, d.base), False)}</td>"
            f"<td>{_cell_html(c.words(d.field, d.ours), True)}</td>"
            f"<td>{_cell_html(c.words(d.field, d.theirs), True)}</td></tr>"
            for d in c.fields
        )
        parts.append(
            f"<p><b>{esc(c.key)}</b>{esc(note)}</p><table><tr><th>Felt</th><th>Opprinnelig</th>"
            f"<th>Din endring</th><th>Lagret av en annen</th></tr>{rows}</table>"
        )
    return "".join(parts)


def _cell_html(words: str, bold: bool) -> str:
    if not words:
        return "<i>tom</i>"
    return f"<b>{esc(words)}</b>" if bold else esc(words)


# --------------------------------------------------------------------------- widgets with full labels


FULL_LABEL = {"description_width": "initial"}  # a description takes the width its text needs: never cut
FIELD_WIDTH = "640px"


def full_label(widget: w.Widget) -> w.Widget:
    """`widget` with its whole description visible (ipywidgets cuts at a fixed width otherwise).

    Buttons grow with their text, other widgets give their description the width it needs.
    Every form uses this (or `button`), so no label reads «Lagre kommun…» or «Horisont (…».
    """
    if isinstance(widget, w.Button):
        widget.layout.width = "auto"
        widget.layout.min_width = "max-content"
    elif hasattr(widget, "style") and hasattr(widget.style, "description_width"):
        widget.style.description_width = FULL_LABEL["description_width"]
    return widget


def button(description: str, **kwargs: Any) -> w.Button:
    """A button whose text is never cut («Behold den andres», «Bygg dokumentene»)."""
    return full_label(w.Button(description=description, **kwargs))


def field_widget(cls: type[w.Widget], description: str, **kwargs: Any) -> w.Widget:
    """A form field (Text, Dropdown, …) with its full label and the forms' common width."""
    return full_label(cls(description=description, layout=w.Layout(width=FIELD_WIDTH), **kwargs))


class Question:
    """An inline question with answer buttons (confirm a delete, keep or discard unsaved edits).

    Hidden until `ask`; any answer hides it and runs its action. Tests answer it with
    ``question.button("Ja, slett").click()``.
    """

    def __init__(self) -> None:
        self.html = w.HTML()
        self.buttons = w.HBox()
        self.box = w.VBox([self.html, self.buttons],
                          layout=w.Layout(display="none", border="2px solid #c60", padding="6px"))

    def ask(self, text: str, answers: list[tuple[str, str, Callable[[], Any]]]) -> None:
        """Show `text` with one button per (label, button_style, action)."""
        self.html.value = f"<b>{esc(text)}</b>"
        made = []
        for label, style, action in answers:
            b = button(label, button_style=style)
            b.on_click(lambda _b, act=action: self._answer(act))
            made.append(b)
        self.buttons.children = made
        self.box.layout.display = "flex"

    def _answer(self, action: Callable[[], Any]) -> None:
        self.hide()
        action()

    def hide(self) -> None:
        self.html.value = ""
        self.buttons.children = []
        self.box.layout.display = "none"

    @property
    def visible(self) -> bool:
        return self.box.layout.display != "none"

    def button(self, label: str) -> w.Button:
        """The answer button labelled `label` (StopIteration when the question has none: a bug in the caller)."""
        return next(b for b in self.buttons.children if b.description == label)


class ConflictPanel:
    """Shows a refused save and lets the person choose: my version, or the other one."""

    def __init__(self, on_choice):
        self.html = w.HTML()
        self.mine = button("Bruk min versjon", button_style="warning", icon="check")
        self.theirs = button("Behold den andres", icon="undo")
        self.mine.on_click(lambda _: on_choice("ours"))
        self.theirs.on_click(lambda _: on_choice("theirs"))
        self.box = w.VBox([self.html, w.HBox([self.mine, self.theirs])], layout=w.Layout(display="none"))

    def show(self, conflicts: list[Conflict]) -> None:
        self.html.value = conflicts_html(conflicts)
        self.box.layout.display = "flex"

    def hide(self) -> None:
        self.html.value = ""
        self.box.layout.display = "none"


class EditorBase:
    """What every editor shares: a municipality drop-down and notebook display of `widget()`."""

    municipality: w.Dropdown

    def widget(self) -> w.Widget:  # pragma: no cover - each editor lays itself out
        raise NotImplementedError

    def _ipython_display_(self) -> None:  # pragma: no cover - notebook only
        from IPython.display import display

        display(self.widget())

    def _on_municipality(self, change) -> None:
        """Another municipality picked in the menu: ask first when edits are unsaved; «Avbryt» puts it back.

        The editors have `_filling` (True while they set their own widgets), `municipality`,
        `guard(action, revert=…)` and `load`.
        """
        if self._filling:
            return

        def back() -> None:
            self._filling = True
            self.municipality.value = change["old"]
            self._filling = False

        self.guard(self.load, revert=back)

    @property
    def number(self) -> str:
        return self.municipality.value


T = TypeVar("T")


def saved_html(text: str) -> str:
    """«Lagret …» for a save that was written, with the warning when its commit to the data's
    history failed (on a hub: `io.history`; the save itself is done)."""
    warning = history.take_warning()
    return message_html(text, "ok") + (message_html(warning, "warning") if warning else "")


def report_save(status: w.HTML, save: Callable[[], T], on_conflict: Callable[[ConflictError], None]) -> T | None:
    """Run an editor's save; None when it was refused, with the reason in `status`.

    The one way both editors tell a person why nothing was written: a conflict with someone
    else's edit (`on_conflict` shows it), the problems that block the save, or another refusal
    (the file changed under the save, the folder cannot be locked).
    """
    try:
        return save()
    except ConflictError as exc:
        on_conflict(exc)
        status.value = message_html("Ikke lagret: konflikt med en annens endring (se under).", "error")
    except ValidationError as exc:
        status.value = problems_html(exc.problems, exc.message)
    except DigireformError as exc:
        status.value = message_html(str(exc), "error")
    return None
