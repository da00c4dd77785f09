"""What loading a region imports: the command line starts in well under a second only if the
validation path stays clear of heavy optional modules."""
from __future__ import annotations

import subprocess
import sys


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return set(out.stdout.split())


def test_loading_a_region_does_not_build_jsonschemas_iri_grammar():
    """jsonschema probes for rfc3987_syntax (its «iri» format, ~1 s to import); no schema of ours uses it."""
    modules = _imported_after("import digireform.validate.region, digireform.cli")
    assert "jsonschema" in modules and "rfc3987_syntax" not in modules


def test_the_hidden_module_can_still_be_imported_afterwards():
    modules = _imported_after("import digireform.validate.schema, rfc3987_syntax")
    assert "rfc3987_syntax" in modules
