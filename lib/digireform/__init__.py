"""digireform: a shared workbook for a joint municipal digital reform.

Heavy modules (pandas, plotly, docx) are imported lazily so the command line starts fast.

Layers
------
The package is built in layers, bottom to top. Each line names a layer (a subpackage, or
the module `sync`, `report` or `cli`) and the layers its modules may import besides the
standard library and third-party libraries. The package itself (`digireform`, last)
imports `validate` only lazily, for `load()`, and `model` for its type; no layer imports
it. tests/unit/test_layers.py reads this table and holds every import in the package to
it, also those inside functions.

    model: model
    io: model, io
    validate: model, io, validate
    sync: model, io, validate
    ingest: model, io, validate, sync, ingest
    analysis: model, io, validate, analysis
    report: model, io, validate, analysis
    tender: model, io, validate, analysis, sync, tender
    notebook: model, io, validate, sync, ingest, analysis, report, tender, notebook
    dashboard: model, io, validate, analysis, report, tender, dashboard
    cli: model, io, validate, sync, ingest, analysis, report, tender, notebook, dashboard, cli
    digireform: model, validate
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from digireform.model.region import Region


def load(data_dir: Any = None) -> Region:
    """Load and validate the region in `data_dir` (default: the shipped example region)."""
    from digireform.validate.region import load as _load

    return _load(data_dir)


__all__ = ["load", "__version__"]
