"""Reading and checking a municipality's kommune.yaml, with YAML line numbers.

Its shape is the JSON Schema model/data/schemas/kommune.schema.yaml (checked by
`validate.schema`); the rules across fields follow it here.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from digireform.io.tables import read_text
from digireform.io.yamlio import load_text_with_lines
from digireform.model import register
from digireform.model.errors import Problem, display_path
from digireform.model.region import AGE_BANDS, PROFILE_FILE
from digireform.model.schema import load_yaml_text, yaml_problem
from digireform.validate.schema import SchemaCheck

SCHEMA = "kommune"


def read_profile(folder: Path, number: str, problems: list[Problem], label: str | None = None) -> dict | None:
    path = folder / PROFILE_FILE
    label = label or display_path(path)
    if not os.path.lexists(path):
        problems.append(Problem(label, None, "(fil)", "kommune.yaml mangler", scope="file"))
        return None
    text = read_text(path, problems, label)
    if text is None:
        return None
    try:
        data = _load_profile_yaml(text)
    except Exception as exc:  # yaml.YAMLError: report its position
        problems.append(yaml_problem(exc, label))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(label, 1, "(fil)", "kommune.yaml skal være en tabell med nøkler (number, name, ...)",
                                scope="file"))
        return None
    check_profile(data, number, label, text, problems)
    return data


def _load_profile_yaml(text: str) -> Any:
    """YAML → dict; an impossible date (2027-02-30) is kept as text so the check can name it."""
    try:
        return load_yaml_text(text)
    except ValueError:  # raised by the timestamp constructor, without a position
        import yaml

        from digireform.model.schema import YamlLoader

        class _DatesAsText(YamlLoader):  # repeated keys refused here too
            pass

        _DatesAsText.yaml_implicit_resolvers = {
            k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        return yaml.load(text, Loader=_DatesAsText)


def check_profile(data: dict, folder_number: str, label: str, text: str, problems: list[Problem]) -> None:
    """Check kommune.yaml against its schema and rules; append problems with YAML line numbers.

    The shape is the JSON Schema model/data/schemas/kommune.schema.yaml; `data` may be a plain
    dict (the editor's), so the lines come from `text`. What the schema cannot say follows it:
    the number in the register and in the folder name, the age bands summing to the total, a
    channel year and a target id written once. (A written-but-empty value where leaving it out
    would mean something else, `example_data:` or `population.total:`, is the schema check's.)
    """
    check = SchemaCheck(data, SCHEMA, label, lines=lambda: load_text_with_lines(text, label, []))
    if isinstance(data, dict):
        _check_number(data, folder_number, check)
        _check_age_bands(data, check)
        _check_once(data, check, "channels", "year", lambda year: f"året {year} står to ganger")
        _check_once(data, check, "targets", "id", lambda tid: f"«{tid}» er brukt før")
    problems += check.problems


def _check_number(data: dict, folder_number: str, c: SchemaCheck) -> None:
    if not c.ok("number"):
        return
    number = str(data["number"]).strip()
    if register.get(number) is None:
        c.add(("number",), f"kommunenummer {number} finnes ikke i kommuneregisteret (2025)")
    elif number != folder_number:
        c.add(("number",), f"{number} stemmer ikke med mappenavnet ({folder_number}-…)")


def _check_age_bands(data: dict, c: SchemaCheck) -> None:
    """The four age bands, when all are given, sum to the total."""
    pop = data.get("population")
    if not c.ok("population") or not isinstance(pop, dict):
        return
    bands, total = pop.get("age_bands"), pop.get("total")
    if isinstance(bands, dict) and total is not None and set(map(str, bands)) == set(AGE_BANDS):
        s = sum(bands.values())
        if s != total:
            c.add(("population", "age_bands"), f"summen av aldersgruppene ({s}) er ikke lik total ({total})")


def _check_once(data: dict, c: SchemaCheck, key: str, item_key: str, message) -> None:
    """`item_key` of the items of list `key` written once (a channel year, a target id)."""
    seen = set()
    items = data.get(key)
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not c.ok(key, i, item_key):
            continue
        value = item.get(item_key)
        if value in seen:
            c.add((key, i, item_key), message(value))
        seen.add(value)
