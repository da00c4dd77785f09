"""Reading and checking a municipality's kommune.yaml, with YAML line numbers."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from digireform.io.tables import read_text
from digireform.model import register
from digireform.model.errors import Problem, display_path
from digireform.model.region import AGE_BANDS, CHANNEL_FIELDS, PROFILE_FILE
from digireform.model.schema import (
    DIGITALISATION_LEVELS,
    SERVICE_AREAS,
    code_list,
    load_yaml_text,
    orgnr_valid,
    yaml_problem,
)


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
    """Check the shape of kommune.yaml (docs/data-model.md) and append problems with YAML line numbers."""

    def add(path: tuple, field_name: str, message: str) -> None:
        problems.append(Problem(label, _yaml_line(text, path), field_name, message))

    number = str(data.get("number", "")).strip()
    if not re.fullmatch(r"\d{4}", number):
        add(("number",), "number", f"«{number}» er ikke et firesifret kommunenummer (skriv det i anførselstegn)")
    elif register.get(number) is None:
        add(("number",), "number", f"kommunenummer {number} finnes ikke i kommuneregisteret (2025)")
    elif number != folder_number:
        add(("number",), "number", f"{number} stemmer ikke med mappenavnet ({folder_number}-…)")
    if not str(data.get("name", "") or "").strip():
        add(("name",), "name", "mangler (påkrevd felt)")
    if "example_data" in data and not isinstance(data["example_data"], bool):
        add(("example_data",), "example_data", "skal være true eller false")
    if data.get("orgnr") is not None and not orgnr_valid(str(data["orgnr"])):
        add(("orgnr",), "orgnr", f"«{data['orgnr']}» er ikke et gyldig organisasjonsnummer")
    _check_population(data.get("population"), add)
    _check_contacts(data.get("contacts"), add)
    _check_digitalisation(data.get("digitalisation"), add)
    _check_channels(data.get("channels"), add)
    _check_targets(data.get("targets"), add)


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _check_population(pop: Any, add) -> None:
    if pop is None:
        return
    if not isinstance(pop, dict):
        add(("population",), "population", "skal være en tabell med year, source, total og age_bands")
        return
    for key in ("year", "total"):
        if key in pop and not _is_count(pop[key]):
            add(("population", key), f"population.{key}", f"«{pop[key]}» er ikke et heltall ≥ 0")
    bands = pop.get("age_bands")
    if bands is None:
        return
    if not isinstance(bands, dict):
        add(("population", "age_bands"), "population.age_bands", "skal være en tabell aldersgruppe → antall")
        return
    for band, n in bands.items():
        if str(band) not in AGE_BANDS:
            add(("population", "age_bands", band), "population.age_bands", f"ukjent aldersgruppe «{band}»; gyldige: {', '.join(AGE_BANDS)}")
        elif not _is_count(n):
            add(("population", "age_bands", band), f"population.age_bands.{band}", f"«{n}» er ikke et heltall ≥ 0")
    if _is_count(pop.get("total")) and set(map(str, bands)) == set(AGE_BANDS) and all(_is_count(v) for v in bands.values()):
        s = sum(bands.values())
        if s != pop["total"]:
            add(("population", "age_bands"), "population.age_bands", f"summen av aldersgruppene ({s}) er ikke lik total ({pop['total']})")


def _check_contacts(contacts: Any, add) -> None:
    if contacts is None:
        return
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        add(("contacts",), "contacts", "skal være en liste av {role, name, email, phone}")
        return
    for i, c in enumerate(contacts):
        email = c.get("email")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(email)):
            add(("contacts", i, "email"), "contacts.email", f"«{email}» er ikke en e-postadresse")


def _check_digitalisation(dig: Any, add) -> None:
    if dig is None:
        return
    if not isinstance(dig, dict):
        add(("digitalisation",), "digitalisation", "skal være en tabell tjenesteområde → nivå")
        return
    areas, levels = code_list(SERVICE_AREAS), code_list(DIGITALISATION_LEVELS)
    for area, level in dig.items():
        if area not in areas:
            add(("digitalisation", area), "digitalisation", f"ukjent tjenesteområde «{area}»; gyldige: {', '.join(areas)}")
        elif level not in levels:
            add(("digitalisation", area), f"digitalisation.{area}", f"«{level}» er ikke et gyldig nivå; gyldige: {', '.join(levels)}")


def _check_channels(channels: Any, add) -> None:
    if channels is None:
        return
    if not isinstance(channels, list) or not all(isinstance(c, dict) for c in channels):
        add(("channels",), "channels", "skal være en liste med én post per år")
        return
    years = set()
    for i, rec in enumerate(channels):
        year = rec.get("year")
        if not _is_count(year):
            add(("channels", i), "channels.year", f"«{year}» er ikke et årstall")
        elif year in years:
            add(("channels", i, "year"), "channels.year", f"året {year} står to ganger")
        years.add(year)
        for key, value in rec.items():
            if key in ("year", "source"):
                continue
            if key not in CHANNEL_FIELDS:
                add(("channels", i, key), f"channels.{key}", f"ukjent kanal; gyldige: {', '.join(CHANNEL_FIELDS)}")
            elif value is not None and not _is_count(value):
                add(("channels", i, key), f"channels.{key}", f"«{value}» er ikke et heltall ≥ 0")


def _check_targets(targets: Any, add) -> None:
    import datetime as dt

    if targets is None:
        return
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        add(("targets",), "targets", "skal være en liste av {id, text, metric, target, deadline}")
        return
    ids = set()
    for i, t in enumerate(targets):
        for key in ("id", "text", "metric", "target", "deadline"):
            if t.get(key) in (None, ""):
                add(("targets", i), f"targets.{key}", "mangler (påkrevd felt)")
        if t.get("id") in ids:
            add(("targets", i, "id"), "targets.id", f"«{t['id']}» er brukt før")
        ids.add(t.get("id"))
        for key in ("target", "baseline", "current"):
            v = t.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                add(("targets", i, key), f"targets.{key}", f"«{v}» er ikke et tall")
        for key in ("deadline", "baseline_date", "current_date"):
            v = t.get(key)
            if v is not None and not isinstance(v, dt.date) and not _iso_date(v):
                add(("targets", i, key), f"targets.{key}", f"«{v}» er ikke en gyldig dato ÅÅÅÅ-MM-DD")


def _iso_date(value: Any) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


def _yaml_line(text: str, path: tuple) -> int | None:
    """1-based line of the node at `path` (keys / list indexes) in a YAML text."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(step)), None)
            key_node = next((k for k, v in node.value if k.value == str(step)), None)
            if nxt is None:
                return line
            line, node = key_node.start_mark.line + 1, nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line
