"""Reading the data repository's access.yaml, checked (schema access.schema.yaml + register).

Used by `digireform access apply` and the hub's configuration (who may log in, who is admin).
A problem is a ValidationError with `FILE:LINE: felt: melding` lines, and nothing is applied.
"""
from __future__ import annotations

from pathlib import Path

from digireform.io import textio
from digireform.io.yamlio import load_text_with_lines
from digireform.model import register
from digireform.model.access import Access, settings, user_access
from digireform.model.errors import DigireformError, Problem, ValidationError, display_path, os_reason
from digireform.validate.schema import SchemaCheck

SCHEMA = "access"


def access_path(data_dir: Path) -> Path:
    return Path(data_dir) / settings()["access_file"]


def load_access(data_dir: Path) -> Access:
    """The access file of `data_dir`; DigireformError when it is missing or unreadable,
    ValidationError (every problem with its line) when it is wrong."""
    path = access_path(data_dir)
    label = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DigireformError(f"{label} finnes ikke: skriv hvem som har tilgang (se docs/deployment.md).") from None
    except OSError as exc:
        raise DigireformError(f"{label} kan ikke leses ({os_reason(exc)}).") from None
    problems: list[Problem] = []
    text = textio.decode_stored(raw, label, problems)
    access = parse_access(text, label, problems) if text is not None else None
    if problems or access is None:
        raise ValidationError(f"Tilgangsfila {label} har feil; ingenting er endret.", problems)
    return access


def parse_access(text: str, label: str, problems: list[Problem]) -> Access | None:
    """YAML text → Access; problems appended with their lines (None when it cannot be read)."""
    data = load_text_with_lines(text, label, problems)
    if problems:
        return None
    check = SchemaCheck(data, SCHEMA, label)
    users = data.get("users") if isinstance(data, dict) else None
    if isinstance(users, dict):
        for user, entry in users.items():
            numbers = entry.get("municipalities") if isinstance(entry, dict) else None
            for i, number in enumerate(numbers if isinstance(numbers, list) else ()):
                if check.ok("users", user, "municipalities", i) and register.get(str(number).strip()) is None:
                    check.add(("users", user, "municipalities", i),
                              f"kommunenummer {str(number).strip()} finnes ikke i kommuneregisteret (2025)")
    problems += check.problems
    if problems or not isinstance(users, dict):
        return None
    return Access({str(u): user_access(str(u), e) for u, e in users.items()})
