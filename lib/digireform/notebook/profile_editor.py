"""Form editor for kommune.yaml: population, digitalisation degree, channels, targets, contacts.

The editor keeps a *model* (a copy of the file as loaded) and every widget writes its
value into the model when changed, so parts nobody touched stay exactly as loaded and
the key-by-key merge in `sync.save_profile` only sees real edits. Validation is
`check_profile` (the rules of `digireform validate`), run on every change.
Contacts are the project group's own data: edited here, never shown anywhere else.
"""
from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import yaml

from digireform import sync
from digireform.io.paths import resolve_data_dir
from digireform.model import labels as words
from digireform.model.errors import DigireformError, Problem, display_path
from digireform.model.region import AGE_BANDS, CHANNEL_FIELDS
from digireform.model.schema import DIGITALISATION_LEVELS, SERVICE_AREAS, code_list, package_yaml
from digireform.notebook.common import (
    ConflictPanel,
    EditorBase,
    Question,
    button,
    esc,
    field_widget,
    form_labels,
    form_problems,
    from_yaml_value,
    full_label,
    message_html,
    municipality_options,
    problems_html,
    report_save,
    saved_html,
    to_yaml_value,
)
from digireform.validate.profile import check_profile

FieldSpec = tuple[str, str, str, list[tuple[str, str]] | None]  # key, label, type, drop-down options


def _text(label: str) -> w.Text:
    return field_widget(w.Text, label)


def _set_or_drop(target: dict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


class RecordList:
    """Edit a list of records (channels per year, targets, contacts) inside the model."""

    def __init__(self, key: str, fields: list[FieldSpec], title: Callable[[dict], str], on_change: Callable[[], None]):
        self.key, self.spec, self.title, self.on_change = key, fields, title, on_change
        self.model: dict[str, Any] = {}
        self.records = w.Select(rows=5, layout=w.Layout(width="520px"))
        self.fields: dict[str, w.Widget] = {}
        for fkey, label, _ftype, options in fields:
            if options is not None:
                self.fields[fkey] = field_widget(w.Dropdown, label, options=[("", ""), *options], value="")
            else:
                self.fields[fkey] = _text(label)
            self.fields[fkey].observe(self._on_edit, names="value")
        self.add_button = button("Ny", icon="plus")
        self.delete_button = button("Slett", icon="trash")
        self.messages = w.HTML()
        self.selected: int | None = None
        self._filling = False
        self.records.observe(self._on_select, names="value")
        self.add_button.on_click(lambda _: self.add())
        self.delete_button.on_click(lambda _: self.delete())

    def widget(self) -> w.Widget:
        return w.VBox([self.records, w.HBox([self.add_button, self.delete_button]),
                       *self.fields.values(), self.messages])

    def items(self) -> list[dict]:
        value = self.model.get(self.key)
        return value if isinstance(value, list) else []

    def bind(self, model: dict) -> None:
        self.model = model
        self.refresh(None)

    def refresh(self, select: int | None) -> None:
        self._filling = True
        self.records.options = [(f"{i + 1}. {self.title(r)}", i) for i, r in enumerate(self.items())]
        self.records.value = select
        self._filling = False
        self.select(select)

    def _on_select(self, change) -> None:
        if not self._filling:
            self.select(change["new"])

    def select(self, index: int | None) -> None:
        self.selected = index
        record = self.items()[index] if index is not None else {}
        self._filling = True
        for fkey, _label, _ftype, options in self.spec:
            value = from_yaml_value(record.get(fkey))
            widget = self.fields[fkey]
            if options is not None and value not in [v for _, v in widget.options]:
                widget.options = [*widget.options, (f"«{value}»", value)]
            widget.value = value
            widget.disabled = index is None
        self._filling = False

    def _on_edit(self, change) -> None:
        if self._filling or self.selected is None:
            return
        ftype = next(t for k, _l, t, _o in self.spec if self.fields[k] is change["owner"])
        fkey = next(k for k, widget in self.fields.items() if widget is change["owner"])
        _set_or_drop(self.items()[self.selected], fkey, to_yaml_value(change["new"], ftype))
        index = self.selected
        self._filling = True
        self.records.options = [(f"{i + 1}. {self.title(r)}", i) for i, r in enumerate(self.items())]
        self.records.value = index
        self._filling = False
        self.on_change()

    def add(self, record: dict | None = None) -> None:
        if not isinstance(self.model.get(self.key), list):
            self.model[self.key] = []
        self.model[self.key].append(record or {})
        self.refresh(len(self.items()) - 1)
        self.on_change()

    def delete(self) -> None:
        if self.selected is None:
            return
        del self.model[self.key][self.selected]
        if not self.model[self.key]:
            del self.model[self.key]
        self.refresh(None)
        self.on_change()


class ProfileEditor(EditorBase):
    """Edit one municipality's kommune.yaml and save it safely (see module docstring)."""

    def __init__(self, data_dir: str | os.PathLike | None = None, number: str | None = None):
        self.data_dir = resolve_data_dir(data_dir)
        labels = form_labels()
        options = municipality_options(self.data_dir)
        if not options:
            raise DigireformError(f"Fant ingen kommunemapper under {self.data_dir / 'municipalities'}.")
        self.municipality = full_label(w.Dropdown(description="Kommune", options=options, value=number or options[0][1]))
        self.population = {k: _text(v) for k, v in labels["population"].items()}
        self.age_bands = {b: _text(labels["age_band_label"].format(band=b)) for b in AGE_BANDS}
        self.population_messages = w.HTML()
        levels = [(lab, code) for code, lab in code_list(DIGITALISATION_LEVELS).items()]
        self.digitalisation = {
            area: field_widget(w.Dropdown, lab, options=[(labels["not_assessed"], ""), *levels], value="")
            for area, lab in code_list(SERVICE_AREAS).items()
        }
        self.digitalisation_messages = w.HTML()
        self.channels = RecordList("channels", self._channel_fields(labels), lambda r: str(r.get("year", "")), self.check)
        self.targets = RecordList("targets", self._target_fields(labels),
                                  lambda r: f"{r.get('id', '')} {r.get('text', '')}".strip(), self.check)
        self.contacts = RecordList("contacts", [(k, v, "text", None) for k, v in labels["contacts"].items()],
                                   lambda r: f"{r.get('role', '')}: {r.get('name', '')}", self.check)
        self.save_button = button("Lagre kommuneprofil", button_style="primary", icon="save")
        self.reload_button = button("Last inn på nytt", icon="refresh")
        self.status = w.HTML()
        self.conflict = ConflictPanel(self._resolve)
        self.question = Question()  # «Du har endringer som ikke er lagret i kommuneprofilen …»
        self.snapshot: sync.ProfileSnapshot | None = None
        self.model: dict[str, Any] = {}
        self._filling = False
        for key, widget in self.population.items():
            widget.observe(lambda c, k=key: self._on_population(k, c["new"]), names="value")
        for band, widget in self.age_bands.items():
            widget.observe(lambda c, b=band: self._on_band(b, c["new"]), names="value")
        for area, widget in self.digitalisation.items():
            widget.observe(lambda c, a=area: self._on_digitalisation(a, c["new"]), names="value")
        self.municipality.observe(self._on_municipality, names="value")
        self.save_button.on_click(lambda _: self.save())
        self.reload_button.on_click(lambda _: self.guard(self.load))
        self.load()

    @staticmethod
    def _channel_fields(labels: dict) -> list[FieldSpec]:
        names = package_yaml("channels.yaml")["labels"]
        return [("year", labels["channels"]["year"], "int", None), ("source", labels["channels"]["source"], "text", None),
                *((k, names.get(k, k), "int", None) for k in CHANNEL_FIELDS)]

    @staticmethod
    def _target_fields(labels: dict) -> list[FieldSpec]:
        metrics = [(m["label"], code) for code, m in package_yaml("target_metrics.yaml")["metrics"].items()]
        types = {"id": "text", "text": "text", "metric": "text", "target": "number", "deadline": "date",
                 "baseline": "number", "baseline_date": "date", "current": "number", "current_date": "date"}
        return [(k, lab, types[k], metrics if k == "metric" else None) for k, lab in labels["targets"].items()]

    # ------------------------------------------------------------------ display

    def widget(self) -> w.Widget:
        s = form_labels()["sections"]
        pop = w.VBox([*self.population.values(), *self.age_bands.values(), self.population_messages])
        dig = w.VBox([*self.digitalisation.values(), self.digitalisation_messages])
        tabs = w.Tab(children=[pop, dig, self.channels.widget(), self.targets.widget(), self.contacts.widget()])
        for i, key in enumerate(("population", "digitalisation", "channels", "targets", "contacts")):
            tabs.set_title(i, s[key])
        return w.VBox([self.municipality, tabs, w.HBox([self.save_button, self.reload_button]),
                       self.question.box, self.status, self.conflict.box])

    # ------------------------------------------------------------------ unsaved edits

    def dirty(self) -> bool:
        """Does the form hold changes not saved (the model differs from the file as loaded)?"""
        return self.snapshot is not None and self.model != self.snapshot.data

    def guard(self, action: Callable[[], Any], revert: Callable[[], Any] | None = None) -> None:
        """Run `action` (reload, other municipality), first asking when it would discard unsaved edits."""
        if not self.dirty():
            action()
            return

        def save_then() -> None:
            if self.save():
                action()
            elif revert is not None:
                revert()

        name = self.snapshot.data.get("name") or self.snapshot.number
        q = form_labels()["questions"]
        self.question.ask(q["unsaved_profile"].format(name=name),
                          [(q["save"], "primary", save_then), (q["discard"], "danger", action),
                           (q["cancel"], "", revert or (lambda: None))])

    # ------------------------------------------------------------------ model

    def load(self) -> None:
        """(Re)read kommune.yaml; a file that cannot be read is named in the status box and the form is emptied."""
        self.conflict.hide()
        self.question.hide()
        try:
            self.snapshot = sync.load_profile(self.data_dir, self.number)
        except DigireformError as exc:
            self.snapshot = None  # nothing to save onto: `save` refuses until the file is fixed and reloaded
            self._bind({})
            self.status.value = (problems_html(exc.problems, exc.message) if exc.problems
                                 else message_html(exc.message, "error"))
            return
        self._bind(copy.deepcopy(self.snapshot.data))
        self.status.value = ""

    def _bind(self, model: dict) -> None:
        self.model = model
        pop = model.get("population") if isinstance(model.get("population"), dict) else {}
        bands = pop.get("age_bands") if isinstance(pop.get("age_bands"), dict) else {}
        dig = model.get("digitalisation") if isinstance(model.get("digitalisation"), dict) else {}
        self._filling = True
        for key, widget in self.population.items():
            widget.value = from_yaml_value(pop.get(key))
        for band, widget in self.age_bands.items():
            widget.value = from_yaml_value(bands.get(band))
        for area, widget in self.digitalisation.items():
            value = str(dig.get(area) or "")
            if value not in [v for _, v in widget.options]:
                widget.options = [*widget.options, (f"«{value}»", value)]
            widget.value = value
        self._filling = False
        for records in (self.channels, self.targets, self.contacts):
            records.bind(model)
        self.check()

    def _section(self, key: str) -> dict:
        if not isinstance(self.model.get(key), dict):
            self.model[key] = {}
        return self.model[key]

    def _tidy(self, key: str) -> None:
        if self.model.get(key) == {}:
            del self.model[key]

    def _on_population(self, key: str, value: str) -> None:
        if self._filling:
            return
        _set_or_drop(self._section("population"), key, to_yaml_value(value, "text" if key == "source" else "int"))
        self._tidy("population")
        self.check()

    def _on_band(self, band: str, value: str) -> None:
        if self._filling:
            return
        pop = self._section("population")
        bands = pop.get("age_bands")
        if not isinstance(bands, dict):
            bands = pop["age_bands"] = {}
        _set_or_drop(bands, band, to_yaml_value(value, "int"))
        if not bands:
            del pop["age_bands"]
        self._tidy("population")
        self.check()

    def _on_digitalisation(self, area: str, value: str) -> None:
        if self._filling:
            return
        _set_or_drop(self._section("digitalisation"), area, value or None)
        self._tidy("digitalisation")
        self.check()

    # ------------------------------------------------------------------ validation and saving

    def check(self) -> list[Problem]:
        """Validate the model like `digireform validate`; show messages per section."""
        if self.snapshot is None:
            return []
        text = yaml.safe_dump(self.model, allow_unicode=True, sort_keys=False)
        problems: list[Problem] = []
        label = display_path(self.snapshot.path)
        check_profile(self.model, self.snapshot.number, label, text, problems)
        self._name_refused(problems, label)
        problems[:] = [self._choices_in_words(p) for p in problems]
        sections = {"population": self.population_messages, "digitalisation": self.digitalisation_messages,
                    "channels": self.channels.messages, "targets": self.targets.messages,
                    "contacts": self.contacts.messages}
        for key, box in sections.items():
            mine = [p for p in problems if p.field.split(".")[0] == key]
            box.value = "".join(f'<div style="color:#a00">{esc(words.field_label(p.field, words.PROFILE))}: '
                                f'{esc(p.message)}</div>' for p in mine)
        return problems

    @staticmethod
    def _choices_in_words(p: Problem) -> Problem:
        """«gyldige: all_digital, …» in the digitalisation tab as the labels the drop-downs show."""
        if p.field == "digitalisation":
            return dataclasses.replace(p, message=words.choices_in_words(p.message, SERVICE_AREAS))
        if p.field.startswith("digitalisation."):
            return dataclasses.replace(p, message=words.choices_in_words(p.message, DIGITALISATION_LEVELS))
        return p

    def _typed(self) -> tuple[dict[str, str], dict[str, str]]:
        """What the visible fields hold, by validation field name (population.total, targets.target), and their types."""
        typed = {f"population.{k}": widget.value for k, widget in self.population.items()}
        types = {f"population.{k}": "text" if k == "source" else "int" for k in self.population}
        for band, widget in self.age_bands.items():
            typed[f"population.age_bands.{band}"], types[f"population.age_bands.{band}"] = widget.value, "int"
        for records in (self.channels, self.targets, self.contacts):
            if records.selected is not None:
                for fkey, _label, ftype, _options in records.spec:
                    typed[f"{records.key}.{fkey}"] = records.fields[fkey].value
                    types[f"{records.key}.{fkey}"] = ftype
        return typed, types

    def _name_refused(self, problems: list[Problem], label: str) -> None:
        """Say why a typed value was refused (an ambiguous «30.000») instead of validation's «… er ikke et tall»."""
        typed, types = self._typed()
        for key, message in form_problems(typed, types).items():
            shown = f"«{str(typed[key]).strip()}»"
            i = next((i for i, p in enumerate(problems) if p.field == key and p.message.startswith(shown)), None)
            if i is None:
                problems.append(Problem(label, None, key, message))
            else:
                problems[i] = dataclasses.replace(problems[i], message=message)

    def save(self, prefer: sync.Prefer = None) -> bool:
        """Validate and save kommune.yaml; True when written."""
        if self.snapshot is None:
            return False  # the file could not be read: the status box says why
        problems = self.check()
        if problems:
            self.status.value = problems_html(problems, "Ikke lagret: rett feilene først.")
            return False
        snap = self.snapshot
        saved = report_save(self.status, lambda: sync.save_profile(  # the loaded municipality, whatever the menu says
            self.data_dir, snap.number, snap.data, self.model, snap.fingerprint, prefer),
            lambda exc: self.conflict.show(exc.conflicts))
        if saved is None:
            return False
        self.snapshot = saved
        self.conflict.hide()
        self._bind(copy.deepcopy(self.snapshot.data))
        self.status.value = saved_html(f"Lagret {display_path(self.snapshot.path)}.")
        return True

    def _resolve(self, prefer: str) -> None:
        self.save(prefer)  # type: ignore[arg-type]
