"""Widgets for notebooks/05-anbud.ipynb: pick a tender, review, adjust, build.

The notebook stays thin: it calls `tender_picker()`, `requirements_frame()` and
`editor()`. Adjustments (weights, inclusions, exclusions) change the assembly in memory
only; the tender file is not rewritten, so the YAML in git stays the record and the
notebook shows which lines to copy into it (`yaml_snippet`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path

import pandas as pd

from digireform.io.paths import resolve_data_dir
from digireform.model import formatting
from digireform.model.errors import DigireformError, display_path
from digireform.model.region import Region
from digireform.tender.assembly import Assembly, assemble
from digireform.tender.build import TENDERS_DIR, BuildResult, build_tender, prepare
from digireform.validate.region import load


def tender_files(data_dir=None) -> list[Path]:
    """The tender definitions in procurement/tenders/ of the data folder."""
    return sorted((resolve_data_dir(data_dir) / TENDERS_DIR).glob("*.yaml"))


def load_assembly(tender: str | Path, data_dir=None, as_of: dt.date | None = None,
                  region: Region | None = None) -> Assembly:
    return prepare(tender, data_dir, as_of=as_of, region=region)


def requirements_frame(a: Assembly) -> pd.DataFrame:
    """Selected requirements with their traceability, one row each (Norwegian headers)."""
    names = a.names
    return pd.DataFrame([
        {"ID": s.id, "Kategori": a.library.category_label(s.requirement.category), "Type": s.requirement.kind_label,
         "Vekt": s.weight, "Krav": a.text(s), "Hvorfor med": "; ".join(s.trace.reasons),
         "Kommuner": ", ".join(names[n] for n in s.trace.participants),
         "Systemer og behov": "; ".join(s.trace.welfare + s.trace.systems)}
        for s in a.requirements
    ])


def summary_frame(a: Assembly) -> pd.DataFrame:
    """Key figures of the assembled tender."""
    rows = [
        ("Vertskommune", a.host_name),
        ("Deltakere", ", ".join(a.names.values())),
        ("Krav", f"{len(a.requirements)} ({sum(s.requirement.kind == 'skal' for s in a.requirements)} SKAL)"),
        ("Anslått verdi", formatting.nok(a.estimated_value_nok)),
        ("Grunnlag", a.value_basis),
        ("Prosedyre", f"{a.threshold.procedure['part']}: {a.threshold.procedure['label']}"),
        ("Språk", a.language_note),
    ]
    return pd.DataFrame(rows, columns=["", "Verdi"]).set_index("")


def adjusted(a: Assembly, region: Region, include: list[str], exclude: list[str],
             weights: dict[str, float]) -> Assembly:
    """The assembly re-computed with other inclusions, exclusions and weights (in memory)."""
    tender = dataclasses.replace(a.tender, include=list(include), exclude=list(exclude), weights=dict(weights))
    return assemble(region, tender, a.library, as_of=a.as_of)


def yaml_snippet(a: Assembly) -> str:
    """The `requirements:` block to paste into the tender file to keep the adjustments."""
    t = a.tender
    lines = ["requirements:", f"  include: [{', '.join(t.include)}]", f"  exclude: [{', '.join(t.exclude)}]"]
    # YAML, not prose: a decimal point, since «2,5» in a flow mapping would split the entry in two
    weights = ", ".join(f"{k}: {v:g}" for k, v in t.weights.items())
    lines.append(f"  weights: {{{weights}}}")
    return "\n".join(lines)


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


def editor(tender: str | Path, data_dir=None, as_of: dt.date | None = None):
    """Widget: adjust weights and inclusions of one tender, see the effect, build the files."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from digireform.notebook.output import show

    region = load(data_dir)
    state = {"a": load_assembly(tender, as_of=as_of, region=region)}
    lib = state["a"].library
    bor_ids = [r.id for r in lib.requirements if r.kind == "bor"]
    all_ids = [r.id for r in lib.requirements]
    include = w.SelectMultiple(options=all_ids, value=tuple(state["a"].tender.include), rows=8,
                               description="Ta med", layout=w.Layout(width="260px"))
    exclude = w.SelectMultiple(options=all_ids, value=tuple(state["a"].tender.exclude), rows=8,
                               description="Utelat", layout=w.Layout(width="260px"))
    pick = w.Dropdown(options=bor_ids, description="BØR-krav")
    weight = w.BoundedFloatText(min=0.5, max=100, step=0.5, description="Vekt")
    set_weight = w.Button(description="Sett vekt", icon="balance-scale")
    apply = w.Button(description="Oppdater utvalg", button_style="info")
    build = w.Button(description="Bygg dokumentene", button_style="success", icon="file")
    out = w.Output()
    weights: dict[str, float] = dict(state["a"].tender.weights)

    def show_weight(_=None) -> None:
        req = lib.by_id.get(pick.value)
        if req is not None:
            weight.value = weights.get(req.id, req.weight or 1)

    def render() -> None:
        try:
            state["a"] = adjusted(state["a"], region, list(include.value), list(exclude.value), weights)
        except DigireformError as exc:
            display(HTML(f"<pre>{html.escape(str(exc))}</pre>"))
            return
        display(summary_frame(state["a"]))
        for warning in state["a"].warnings:
            display(HTML(f"<p>⚠ {html.escape(warning)}</p>"))
        display(HTML(f"<pre>{html.escape(yaml_snippet(state['a']))}</pre>"))
        display(requirements_frame(state["a"]))

    def refresh(_=None) -> None:
        show(out, render)  # never `with out:` while the cell runs: it stalls headless runs

    def on_set_weight(_) -> None:
        weights[pick.value] = float(weight.value)
        refresh()

    def on_build(_) -> None:
        with out:
            result = build_tender(state["a"].tender.path, data_dir=region.data_dir, assembly=state["a"])
            display(HTML("<b>Skrevet:</b>" + links(result)))

    pick.observe(show_weight, "value")
    set_weight.on_click(on_set_weight)
    apply.on_click(refresh)
    build.on_click(on_build)
    show_weight()
    refresh()
    controls = w.VBox([w.HBox([include, exclude]), w.HBox([pick, weight, set_weight]), w.HBox([apply, build])])
    return w.VBox([controls, out])
