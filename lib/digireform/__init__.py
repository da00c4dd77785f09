"""digireform: a shared workbook for a joint municipal digital reform.

Heavy modules (pandas, plotly, docx) are imported lazily so the command line starts fast.
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
