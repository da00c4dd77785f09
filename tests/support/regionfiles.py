"""Shared builders for small data folders in tests: headers come from the schema."""
from __future__ import annotations

from digireform.model.schema import file_spec

HEADER = ",".join(file_spec("systems").columns) + "\n"
WELFARE_HEADER = ",".join(file_spec("welfare").columns) + "\n"
