"""Notebook 05-anbud as widgets: pick a tender, see its requirements, adjust and save the choice, build.

`TenderNotebook` holds the whole notebook: a drop-down of the tenders in
procurement/tenders/ (by title), the problems that keep the chosen tender from being
assembled (bad rows in the participants' data, a bad tender file) as a table naming file,
line, field and message — never a traceback, and the rest of the notebook then stays empty —,
the key figures and the requirements with their trace, the choice editor (each requirement's
id, SKAL/BØR and text; take in, leave out with a reason, weight) with «Lagre valgene i
anbudsfila», and the build, which never overwrites adjusted documents without asking.

The rules live below the notebook: which SKAL exclusions lack a reason
(`tender.requirements`), how the choice is written into the file (`tender.save`), what a build
may overwrite (`tender.manifest`). Widgets are filled by setting their values, never with
`with out:` while a cell runs: an Output captured during execution keeps a headless run
(nbconvert, nbval) waiting for the browser.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from digireform.io.paths import resolve_data_dir
from digireform.io.yamlio import inline_yaml, load_with_lines
from digireform.model import formatting
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path
from digireform.model.region import Region
from digireform.notebook.common import ConflictPanel, esc, message_html, report_save
from digireform.notebook.views import problems_frame
from digireform.sync import ConflictError
from digireform.tender.assembly import Assembly, assemble
from digireform.tender.build import TENDERS_DIR, BuildResult, build_tender, output_dir, prepare
from digireform.tender.manifest import OverwriteRefused, fresh_folder, modified_text
from digireform.tender.requirements import (
    MANDATORY,
    Requirement,
    exclusion_refusal,
    short,
    unreasoned_exclusions,
)
from digireform.tender.save import Choices, TenderSnapshot, load_tender_file, save_choices
from digireform.validate.region import load
from digireform.validate.schema import schema

WIDE = {"description_width": "initial"}  # a label is never cut («Bygg dokumen…»)
AUTO, INCLUDE, EXCLUDE = "auto", "include", "exclude"
TABLE_STYLE = ("<style>.dr-tabell td, .dr-tabell th {white-space: normal; text-align: left; vertical-align: top;"
               " padding: 2px 8px}</style>")


# --------------------------------------------------------------------------- tenders and tables


def tender_files(data_dir=None) -> list[Path]:
    """The tender definitions in procurement/tenders/ of the data folder."""
    return sorted((resolve_data_dir(data_dir) / TENDERS_DIR).glob("*.yaml"))


def tender_title(path: Path) -> str | None:
    """The title written in a tender file; None when the file cannot be read (its problems show on choosing it)."""
    data = load_with_lines(path, [])
    title = data.get("title") if isinstance(data, dict) else None
    return " ".join(title.split()) if isinstance(title, str) and title.strip() else None


def tender_options(data_dir=None) -> list[tuple[str, Path]]:
    """(«Tittel (fil.yaml)», path) for every tender file, by title; files without a readable title last, by name."""
    titled, untitled = [], []
    for path in tender_files(data_dir):
        title = tender_title(path)
        if title:
            titled.append((f"{title} ({path.name})", path))
        else:
            untitled.append((f"{path.name} (tittelen kan ikke leses)", path))
    return sorted(titled, key=lambda item: item[0].casefold()) + untitled


def frame_html(frame: pd.DataFrame) -> str:
    """A table for reading: no row numbers, blanks for unknown, long text wrapped."""
    return TABLE_STYLE + frame.to_html(index=False, na_rep="", escape=True, classes="dr-tabell", border=0)


def sharing_html(a: Assembly) -> str:
    """The partners' cost-sharing key (the same table as samarbeidsavtale.docx), or why there is none."""
    from digireform.model.schema import package_yaml
    from digireform.tender.agreement import cost_sharing_spec, key_table, tender_key

    if cost_sharing_spec(a.tender) is None:
        return "<p><b>Fordelingsnøkkel:</b> ikke valgt (skriv cost_sharing: i anbudsfila).</p>"
    try:
        key = tender_key(a)
    except DigireformError as exc:
        return message_html(str(exc), "error")
    headers, rows = key_table(key, a)
    rounding = " ".join(package_yaml("cost_sharing.yaml")["rounding"].split())
    return (f"<p><b>Fordelingsnøkkel: {esc(key.label)}</b> (anslått verdi per år)</p>"
            + frame_html(pd.DataFrame(rows, columns=headers)) + f"<p><i>{esc(rounding)}</i></p>")


def problems_html(problems: list[Problem], title: str) -> str:
    """The problems that stop the notebook, as the table 01 shows (Fil, Linje, Felt, Melding)."""
    return (f'<div style="color:#a00"><b>{esc(title)}</b></div>'
            f"<p>Rett feilene under (i 01-inventar eller i anbudsfila) og kjør notatboka på nytt. "
            f"Resten av notatboka er tom til da.</p>{frame_html(problems_frame(problems))}")


def requirements_frame(a: Assembly) -> pd.DataFrame:
    """Selected requirements with their traceability, one row each (Norwegian headers)."""
    names = a.names
    return pd.DataFrame([
        {"ID": s.id, "Kategori": a.library.category_label(s.requirement.category), "Type": s.requirement.kind_label,
         "Vekt": formatting.decimal(s.weight) if s.weight is not None else "", "Krav": a.text(s),
         "Hvorfor med": "; ".join(s.trace.reasons), "Kommuner": ", ".join(names[n] for n in s.trace.participants),
         "Systemer og behov": "; ".join(s.trace.welfare + s.trace.systems)}
        for s in a.requirements
    ], columns=["ID", "Kategori", "Type", "Vekt", "Krav", "Hvorfor med", "Kommuner", "Systemer og behov"])


def summary_frame(a: Assembly) -> pd.DataFrame:
    """Key figures of the assembled tender."""
    rows = [
        ("Vertskommune", a.host_name),
        ("Deltakere", ", ".join(a.names.values())),
        ("Krav", f"{len(a.requirements)} ({kind_counts(a)})"),
        ("Anslått verdi", formatting.nok(a.estimated_value_nok)),
        ("Grunnlag", a.value_basis),
        ("Prosedyre", _procedure_text(a)),
        ("Språk", a.language_note),
    ]
    return pd.DataFrame(rows, columns=["Nøkkeltall", "Verdi"])


def _procedure_text(a: Assembly) -> str:
    """The tender file's procedure with its provision; the value band's text when none is chosen."""
    info = a.tender.procedure_info
    band = f"{a.threshold.procedure['part']}: {a.threshold.procedure['label']}"
    return f"{info.label} ({info.reference}); {band}" if info else band


def kind_counts(a: Assembly) -> str:
    """«105 SKAL, 78 BØR, 5 kvalifikasjonskrav»: the selected requirements by kind."""
    n = {k: sum(1 for s in a.requirements if s.requirement.kind == k) for k in ("skal", "bor", "kvalifikasjon")}
    return f"{n['skal']} SKAL, {n['bor']} BØR, {n['kvalifikasjon']} kvalifikasjonskrav"


def key_figures(a: Assembly) -> str:
    """One line: the tender, its requirements by kind and its participants (nbval checks it)."""
    return f"{a.tender.slug}: {len(a.requirements)} krav ({kind_counts(a)}), {len(a.participants)} deltakere"


def adjusted(a: Assembly, region: Region, choices: Choices) -> Assembly:
    """The assembly re-computed with another requirement choice (in memory; the file is saved separately)."""
    v = choices.values()
    tender = dataclasses.replace(a.tender, include=v["include"], exclude=v["exclude"],
                                 exclude_reasons=v["exclude_reasons"], weights={k: float(x) for k, x in v["weights"].items()})
    return assemble(region, tender, a.library, as_of=a.as_of)


def links(result: BuildResult) -> str:
    """HTML links to the built files (relative to the notebook's folder when possible)."""
    items = []
    for path in result.files.values():
        try:
            href = Path("..") / path.relative_to(Path.cwd().parent) if Path.cwd().name == "notebooks" else path
        except ValueError:
            href = path
        items.append(f'<li><a href="{html.escape(str(href))}" target="_blank">{html.escape(path.name)}</a> '
                     f'<small>({html.escape(display_path(path))})</small></li>')
    return "<ul>" + "".join(items) + "</ul>"


def requirement_html(req: Requirement, in_scope: bool) -> str:
    """«ID · SKAL · text», wrapped, with whether the scope alone takes it in."""
    scope = "tas med etter omfanget" if in_scope else "ikke med etter omfanget"
    return (f'<div style="line-height:1.3"><b>{esc(req.id)}</b> · {esc(req.kind_label)} · {esc(req.text)} '
            f'<small style="color:#666">({scope})</small></div>')


def conflict_html(exc: ConflictError) -> str:
    """What was changed both here and in the file meanwhile: each key by its schema title, values as YAML."""
    rows = []
    for c in exc.conflicts:
        for d in c.fields:
            for title, values in _conflict_rows(d.field, d.base, d.ours, d.theirs):
                cells = "".join(f"<td>{esc(inline_yaml(v)) if v is not None else '<i>tom</i>'}</td>" for v in values)
                rows.append(f"<tr><td>{esc(title)}</td>{cells}</tr>")
    return (f"<div style='border:2px solid #c60;padding:6px'><b>Ikke lagret: en annen har endret kravutvalget i "
            f"{esc(display_path(exc.path))} siden du lastet anbudet.</b> Sammenlign og velg hvilken versjon som skal "
            "gjelde.</div><table><tr><th>Felt</th><th>Opprinnelig</th><th>Din endring</th><th>Lagret av en annen</th></tr>"
            + "".join(rows) + "</table>")


def _conflict_rows(key: str, base: Any, ours: Any, theirs: Any) -> list[tuple[str, tuple]]:
    """(title, (base, ours, theirs)) per differing key; the `requirements:` block key by key."""
    props = schema("tender")["properties"]
    title = props.get(key, {}).get("title", key)
    if not all(isinstance(v, dict) or v is None for v in (base, ours, theirs)) or key != "requirements":
        return [(title, (base, ours, theirs))]
    sides = [v or {} for v in (base, ours, theirs)]
    sub = props["requirements"]["properties"]
    keys = [k for k in dict.fromkeys([*sides[0], *sides[1], *sides[2]]) if sides[1].get(k) != sides[2].get(k)]
    return [(f"{title}: {sub.get(k, {}).get('title', k)}", tuple(s.get(k) for s in sides)) for k in keys]


# --------------------------------------------------------------------------- one requirement's row


class ChoiceRow:
    """One requirement in the choice editor: take in / leave out, weight (BØR), reason (when left out)."""

    def __init__(self, req: Requirement, in_scope: bool, choices: Choices, on_change):
        self.req = req
        value = INCLUDE if req.id in choices.include else EXCLUDE if req.id in choices.exclude else AUTO
        self.choice = w.Dropdown(options=[("Etter omfanget", AUTO), ("Ta med", INCLUDE), ("Ta ut", EXCLUDE)],
                                 value=value, layout=w.Layout(width="150px"))
        self.weight = (w.FloatText(value=choices.weights.get(req.id, req.weight or 1.0), step=0.5,
                                   layout=w.Layout(width="80px")) if req.kind == "bor" else None)
        self.reason = w.Text(value=choices.exclude_reasons.get(req.id, ""), description="Begrunnelse",
                             placeholder="Hvorfor kravet tas ut" + (" (påkrevd)" if req.kind in MANDATORY else " (valgfritt)"),
                             continuous_update=False, style=WIDE, layout=w.Layout(width="100%"))
        text = w.HTML(requirement_html(req, in_scope), layout=w.Layout(flex="1 1 0%", min_width="0"))
        weight = self.weight or w.HTML("–", layout=w.Layout(width="80px"))
        self.box = w.VBox([w.HBox([self.choice, weight, text]), self.reason],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="2px 0"))
        for widget in (self.choice, self.weight, self.reason):
            if widget is not None:
                widget.observe(lambda _: on_change(self), "value")
        self.show_reason()

    def show_reason(self) -> None:
        self.reason.layout.display = "flex" if self.choice.value == EXCLUDE else "none"


# --------------------------------------------------------------------------- the notebook


class TenderNotebook:
    """Everything notebook 05 shows, as widgets that follow the chosen tender (see the module docstring)."""

    def __init__(self, data_dir: Any = None, as_of: dt.date | None = None):
        self.as_of = as_of
        self.region: Region | None = None
        self.assembly: Assembly | None = None
        self.snapshot: TenderSnapshot | None = None
        self.saved = Choices()
        self.choices = Choices()
        self.rows: dict[str, ChoiceRow] = {}
        self._make_widgets()
        try:
            self.region = load(data_dir)
        except DigireformError as exc:
            self._stop(message_html(str(exc), "error"))
            return
        self.picker.options = tender_options(self.region.data_dir)
        if not self.picker.options:
            self._stop(message_html(f"Fant ingen anbudsfiler i {display_path(self.region.data_dir / TENDERS_DIR)}.", "error"))
            return
        self.picker.value = self.picker.options[0][1]
        self.picker.observe(lambda change: self._switch(change["old"], change["new"]), "value")
        self.select(self.picker.value)

    # ------------------------------------------------------------------ widgets

    def _make_widgets(self) -> None:
        self.picker = w.Dropdown(description="Anbud", style=WIDE, layout=w.Layout(width="100%"))
        self.problems = w.HTML()
        self.summary = w.HTML()
        self.table = w.HTML()
        self.table_box = w.Accordion(children=[self.table])  # 188 rows: open when wanted, the key figures first
        self.table_box.selected_index = None
        self.category = w.Dropdown(description="Kategori", style=WIDE, layout=w.Layout(width="420px"))
        self.show = w.Dropdown(description="Vis", style=WIDE, layout=w.Layout(width="320px"), options=[
            ("Alle krav i kategorien", "all"), ("Krav i anbudet", "selected"), ("Krav som er tatt med eller ut", "chosen")])
        self.list = w.VBox()
        self.choice_status = w.HTML()
        self.save_button = w.Button(description="Lagre valgene i anbudsfila", button_style="primary", icon="save",
                                    layout=w.Layout(width="auto"))
        self.save_status = w.HTML()
        self.conflict = ConflictPanel(self._resolve_conflict)
        self.build_button = w.Button(description="Bygg dokumentene", button_style="success", icon="file",
                                     layout=w.Layout(width="auto"))
        self.overwrite_button = w.Button(description="Overskriv de endrede filene", button_style="danger",
                                         layout=w.Layout(width="auto", display="none"))
        self.new_folder_button = w.Button(description="Bygg i en ny mappe", button_style="info",
                                          layout=w.Layout(width="auto", display="none"))
        self.build_status = w.HTML()
        self.sharing = w.HTML()
        self.notice_button = w.Button(description="Skriv eForms-kunngjøringen", button_style="info", icon="bullhorn",
                                      layout=w.Layout(width="auto"))
        self.agreement_button = w.Button(description="Skriv samarbeidsavtalen", button_style="info", icon="handshake-o",
                                         layout=w.Layout(width="auto"))
        self.publish_overwrite = w.Button(description="Overskriv den endrede fila", button_style="danger",
                                          layout=w.Layout(width="auto", display="none"))
        self.publish_status = w.HTML()
        self.notice_button.on_click(lambda _: self.publish("notice"))
        self.agreement_button.on_click(lambda _: self.publish("agreement"))
        self.publish_overwrite.on_click(lambda _: self.publish(self._pending, overwrite=True))
        self._pending = "notice"
        self.category.observe(lambda _: self._fill_list(), "value")
        self.show.observe(lambda _: self._fill_list(), "value")
        self.save_button.on_click(lambda _: self.save())
        self.build_button.on_click(lambda _: self.build())
        self.overwrite_button.on_click(lambda _: self.build(overwrite=True))
        self.new_folder_button.on_click(lambda _: self.build(new_folder=True))
        self.parts = [w.VBox([self.summary, self.sharing, self.table_box]),
                      w.VBox([w.HBox([self.category, self.show]), self.list, self.choice_status,
                              w.HBox([self.save_button]), self.save_status, self.conflict.box]),
                      w.VBox([w.HBox([self.build_button, self.new_folder_button, self.overwrite_button]),
                              self.build_status,
                              w.HBox([self.notice_button, self.agreement_button, self.publish_overwrite]),
                              self.publish_status])]

    def header(self) -> w.Widget:
        """The tender drop-down and the problems that stop the notebook (empty when there are none)."""
        return w.VBox([self.picker, self.problems])

    def overview(self) -> w.Widget:
        """Key figures, warnings and the requirements with their trace."""
        return self.parts[0]

    def editor(self) -> w.Widget:
        """The choice editor and «Lagre valgene i anbudsfila»."""
        return self.parts[1]

    def builder(self) -> w.Widget:
        """«Bygg dokumentene», asking before it overwrites adjusted documents; the notice and the agreement."""
        return self.parts[2]

    def key_figures(self) -> str:
        return key_figures(self.assembly) if self.assembly else "Ingen nøkkeltall: rett feilene øverst i notatboka først."

    # ------------------------------------------------------------------ choosing a tender

    def select(self, path: Path) -> None:
        """Load the tender (its file as it is now) and fill every part; its problems stop the rest."""
        self.assembly = None
        try:
            self.snapshot = load_tender_file(path)
            self.assembly = prepare(path, as_of=self.as_of, region=self.region)
        except ValidationError as exc:
            self._stop(problems_html(exc.problems, exc.message))
            return
        except DigireformError as exc:
            self._stop(message_html(str(exc), "error"))
            return
        self.saved = self.choices = Choices.of(self.assembly.tender)
        self.rows = {}
        self.problems.value = ""
        for part in self.parts:
            part.layout.display = "flex"
        lib = self.assembly.library
        counts = pd.Series([r.category for r in lib.requirements]).value_counts()
        self.category.options = [(f"{label} ({counts[code]} krav)", code) for code, label in lib.categories.items()
                                 if code in counts]
        self.category.value = self.category.options[0][1] if self.category.options else None
        for status in (self.save_status, self.build_status, self.choice_status):
            status.value = ""
        self.conflict.hide()
        self._hide_overwrite()
        self._fill_list()
        self._show_assembly()

    def _switch(self, old: Path, new: Path) -> None:
        """Another tender chosen: load it, and say so if choices made for the previous one were not saved."""
        lost = self.assembly is not None and self.unsaved
        self.select(new)
        if lost:
            self.save_status.value = message_html(f"Valgene du ikke lagret for {old.name}, er forkastet "
                                                  "(anbudsfila er uendret).", "info")

    def _stop(self, message: str) -> None:
        """Show why the tender cannot be shown, and nothing else."""
        self.assembly = None
        self.problems.value = message
        for part in self.parts:
            part.layout.display = "none"

    def _show_assembly(self) -> None:
        a = self.assembly
        warnings = "".join(f"<li>{esc(x)}</li>" for x in a.warnings)
        self.summary.value = (frame_html(summary_frame(a)) + (f"<p><b>Advarsler</b></p><ul>{warnings}</ul>" if warnings else ""))
        self.sharing.value = sharing_html(a)
        self.table.value = frame_html(requirements_frame(a))
        self.table_box.set_title(0, f"Alle {len(a.requirements)} krav med sporbarhet (klikk for å åpne)")

    # ------------------------------------------------------------------ the choice editor

    def row(self, req: Requirement | str) -> ChoiceRow:
        """The requirement's row, made the first time it is shown (178 rows at once are slow to draw)."""
        req = self.assembly.library.by_id[req] if isinstance(req, str) else req
        if req.id not in self.rows:
            in_scope = req.selected_by(self.assembly.tender.scope_codes)
            self.rows[req.id] = ChoiceRow(req, in_scope, self.choices, self._changed)
        return self.rows[req.id]

    def _fill_list(self) -> None:
        if self.assembly is None:
            return
        selected = {s.id for s in self.assembly.requirements}
        chosen = set(self.choices.include) | set(self.choices.exclude)
        keep = {"all": lambda r: True, "selected": lambda r: r.id in selected, "chosen": lambda r: r.id in chosen}[self.show.value]
        reqs = [r for r in self.assembly.library.requirements if r.category == self.category.value and keep(r)]
        head = w.HBox([w.HTML("<b>Valg</b>", layout=w.Layout(width="150px")), w.HTML("<b>Vekt</b>", layout=w.Layout(width="80px")),
                       w.HTML("<b>Krav-ID · type · kravtekst</b>")])
        self.list.children = [head, *(self.row(r).box for r in reqs)] if reqs else [w.HTML("<i>Ingen krav her.</i>")]

    def _changed(self, row: ChoiceRow) -> None:
        """A row changed: update the choice, then the assembly shown (unless a SKAL lacks its reason)."""
        row.show_reason()
        rid, c = row.req.id, self.choices
        include = _toggled(c.include, rid, row.choice.value == INCLUDE)
        exclude = _toggled(c.exclude, rid, row.choice.value == EXCLUDE)
        reasons = {k: v for k, v in c.exclude_reasons.items() if k != rid}
        if row.reason.value.strip():
            reasons[rid] = row.reason.value.strip()
        weights = dict(c.weights)
        if row.weight is not None:
            weights.pop(rid, None)
            if row.weight.value != row.req.weight or rid in self.saved.weights:
                weights[rid] = float(row.weight.value)
        self.choices = Choices(include, exclude, reasons, weights)
        self._check_and_show()

    def refusal(self) -> str | None:
        """Why the current choice cannot be used (a SKAL left out without a reason, a weight not above 0)."""
        lib = self.assembly.library
        missing = unreasoned_exclusions(lib, list(self.choices.exclude), self.choices.exclude_reasons)
        bad = [rid for rid, v in self.choices.weights.items() if not v > 0]
        lines = [exclusion_refusal(lib.by_id[rid], "skriv begrunnelsen i feltet ved kravet.") for rid in missing]
        lines += [f"Vekten for {rid} («{short(lib.by_id[rid].text, 40)}») må være et positivt tall." for rid in bad]
        return "\n".join(lines) or None

    @property
    def unsaved(self) -> bool:
        """Whether the choice differs from what the tender file says (as it would be written)."""
        return self.choices.values() != self.saved.values()

    def _check_and_show(self) -> None:
        refusal = self.refusal()
        if refusal:
            self.choice_status.value = message_html(refusal, "error")
            return
        try:
            self.assembly = adjusted(self.assembly, self.region, self.choices)
        except DigireformError as exc:
            self.choice_status.value = message_html(str(exc), "error")
            return
        unsaved = self.unsaved
        self.choice_status.value = message_html("Valgene er endret, men ikke lagret i anbudsfila." if unsaved else
                                                "Valgene er som i anbudsfila.", "info")
        self._show_assembly()

    # ------------------------------------------------------------------ saving

    def save(self, prefer=None) -> bool:
        """Write the choice into the tender file; refused (with the reason shown) when invalid or in conflict."""
        self.conflict.hide()
        if self.assembly is None:
            return False
        refusal = self.refusal()
        if refusal:
            self.save_status.value = message_html("Ikke lagret: " + refusal, "error")
            return False
        known = set(self.region.numbers)
        done = report_save(self.save_status, lambda: save_choices(self.snapshot, self.choices, self.assembly.library,
                                                                  known, prefer), self._show_conflict)
        if done is None:
            return False
        self.snapshot, self.saved = done, self.choices
        self.save_status.value = message_html(f"Lagret valgene i {display_path(done.path)}.")
        self._check_and_show()
        return True

    def _show_conflict(self, exc: ConflictError) -> None:
        self.conflict.show(exc.conflicts)
        self.conflict.html.value = conflict_html(exc)

    def _resolve_conflict(self, choice: str) -> None:
        """«Bruk min versjon»: save over the other change; «Behold den andres»: load the file as it is now."""
        if choice == "ours":
            self.save(prefer="ours")
        else:
            self.select(self.snapshot.path)
            self.save_status.value = message_html("Lastet anbudsfila på nytt; dine endringer er forkastet.", "info")

    # ------------------------------------------------------------------ building

    def build(self, overwrite: bool = False, new_folder: bool = False) -> BuildResult | None:
        """Build the documents with the choice shown; ask before overwriting documents changed since the last build."""
        self._hide_overwrite()
        if self.assembly is None:
            return None
        refusal = self.refusal()
        if refusal:
            self.build_status.value = message_html("Bygget ikke: " + refusal, "error")
            return None
        out = output_dir(self.assembly, self.region.data_dir)
        out = fresh_folder(out) if new_folder else out
        try:
            result = build_tender(self.assembly.tender.path, data_dir=self.region.data_dir, out_dir=out,
                                  assembly=self.assembly, overwrite=overwrite)
        except OverwriteRefused as exc:
            self._ask_overwrite(exc)
            return None
        except DigireformError as exc:
            self.build_status.value = message_html(str(exc), "error")
            return None
        note = " Valgene er ikke lagret i anbudsfila ennå." if self.unsaved else ""
        self.build_status.value = f"<b>Skrevet til {esc(display_path(result.out_dir))}:</b>{links(result)}{esc(note)}"
        return result

    def publish(self, what: str, overwrite: bool = False) -> Path | None:
        """Write the eForms notice («notice») or the partners' agreement («agreement») from the tender file."""
        from digireform.tender.publish import build_agreement, build_notice, summary

        self.publish_overwrite.layout.display = "none"
        if self.assembly is None:
            return None
        self._pending = what
        tender, data = self.assembly.tender.path, self.region.data_dir
        try:
            if what == "notice":
                result = build_notice(tender, data_dir=data, overwrite=overwrite)
                path, text = result.path, summary(result)
            else:
                path, text = build_agreement(tender, data_dir=data, overwrite=overwrite)
        except OverwriteRefused as exc:
            self.publish_status.value = message_html(
                f"Ikke skrevet: {', '.join(p.name for p in exc.changed)} i {display_path(exc.out)} er endret etter "
                "forrige gang den ble skrevet. «Overskriv den endrede fila» erstatter den (endringene går tapt).", "error")
            self.publish_overwrite.layout.display = "flex"
            return None
        except DigireformError as exc:
            self.publish_status.value = message_html(str(exc), "error")
            return None
        note = " Valgene som ikke er lagret i anbudsfila, er ikke med." if self.unsaved else ""
        self.publish_status.value = f"<pre style='white-space:pre-wrap'>{esc(text)}</pre>{esc(note)}"
        return Path(path)

    def _ask_overwrite(self, exc: OverwriteRefused) -> None:
        files = "".join(f"<li>{esc(p.name)} ({esc(modified)})</li>" for p, modified in
                        ((p, modified_text(p)) for p in exc.changed))
        self.build_status.value = (
            f'<div style="color:#a00"><b>Ikke bygget: disse dokumentene i {esc(display_path(exc.out))} er endret etter '
            f"forrige bygging og ville blitt overskrevet:</b><ul>{files}</ul></div>"
            "<p>«Bygg i en ny mappe» lar dem stå og legger de nye dokumentene i en mappe ved siden av. "
            "«Overskriv de endrede filene» erstatter dem (endringene i dem går tapt).</p>")
        self.new_folder_button.layout.display = self.overwrite_button.layout.display = "flex"

    def _hide_overwrite(self) -> None:
        self.new_folder_button.layout.display = self.overwrite_button.layout.display = "none"


def _toggled(ids: tuple[str, ...], rid: str, on: bool) -> tuple[str, ...]:
    """`ids` with `rid` in (at the end, if new) or out; the others keep their place, so the file's order stays."""
    if on:
        return ids if rid in ids else (*ids, rid)
    return tuple(x for x in ids if x != rid)
