"""Strict lint is part of the test run (ruff settings in pyproject.toml)."""
from __future__ import annotations

import subprocess
import sys

from digireform.io.paths import repository_root


def test_ruff_finds_nothing():
    root = repository_root()
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "lib", "tests", "benchmarks"],
                       cwd=root, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
