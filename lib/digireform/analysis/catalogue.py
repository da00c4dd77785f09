"""The product catalogue: one canonical name per product, so inventories can be compared.

Municipalities write the same product in many ways («Tieto Gerica», «TietoEVRY Gerica»,
«gerica»; «visma  flyt skole»). Overlap only means something once those are one product,
so every inventory row is matched against the catalogue:

* the package catalogue ``lib/digireform/model/data/products.yaml`` (a YAML list of
  ``{name, aliases, vendor, vendor_orgnr?, service_area, function, cpv}``; the JSON Schema
  ``model/data/schemas/catalogue.schema.yaml``), plus
* the group's own extension file ``<data folder>/procurement/products.yaml`` (same
  shape; path set in ``data/overlap.yaml``). An entry whose name (or an alias) matches
  a package entry extends it: its aliases are added and its other fields override. New
  names become new products. The group never has to touch the package.

Matching compares normalised keys: case folded, punctuation and repeated whitespace
removed, and vendor prefixes (``overlap.yaml`` plus the first word of each catalogue
vendor) stripped when the full name does not match. Unknown products are kept exactly as
entered and flagged ``in_catalogue = False`` so the group can add them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from digireform.io import textio
from digireform.io.yamlio import load_text_with_lines
from digireform.model.errors import Problem, ValidationError, display_path
from digireform.model.schema import normalise_token, package_yaml
from digireform.validate.schema import SchemaCheck

SCHEMA = "catalogue"
_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)
# The package catalogue's name in sources and messages: relative to the package, so it is the
# same in a checkout and in a wheel install (read through model.resources either way).
PACKAGE_SOURCE = "digireform/model/data/products.yaml"
ENTRY_KEYS = ("name", "aliases", "vendor", "vendor_orgnr", "service_area", "function", "cpv")


def settings() -> dict[str, Any]:
    """The catalogue part of data/overlap.yaml."""
    return package_yaml("overlap.yaml")["catalogue"]


def normalise(text: str | None) -> str:
    """Matching key: case-folded words without punctuation («Arealplaner.no» → «arealplaner no»)."""
    if text is None:
        return ""
    return _PUNCT_RE.sub(" ", str(text).casefold()).strip()


@dataclass(frozen=True)
class CatalogueEntry:
    """One product as the group wants it named."""

    name: str
    aliases: tuple[str, ...] = ()
    vendor: str | None = None
    vendor_orgnr: str | None = None
    service_area: str | None = None
    function: str | None = None
    cpv: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class Catalogue:
    """Entries plus the lookup tables used to match inventory spellings."""

    entries: list[CatalogueEntry]
    sources: list[str] = field(default_factory=list)
    _exact: dict[str, int] = field(default_factory=dict, repr=False)
    _stripped: dict[str, int] = field(default_factory=dict, repr=False)
    _compact: dict[str, int] = field(default_factory=dict, repr=False)
    _prefixes: tuple[str, ...] = field(default=(), repr=False)
    _spaced_prefixes: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._build()

    def _build(self) -> None:
        cfg = settings()
        prefixes = {normalise(p) for p in cfg["vendor_prefixes"]}
        prefixes |= {normalise(e.vendor).split(" ")[0] for e in self.entries if normalise(e.vendor)}
        # longest first, so «tietoevry» is tried before «tieto»
        self._prefixes = tuple(sorted((p for p in prefixes if p), key=lambda p: (-len(p), p)))
        self._spaced_prefixes = tuple(p + " " for p in self._prefixes)  # what `_strip` compares with
        exact: dict[str, int] = {}
        for i, e in enumerate(self.entries):
            for spelling in (e.name, *e.aliases):
                exact.setdefault(normalise(spelling), i)
        stripped: dict[str, set[int]] = {}
        for key, i in exact.items():
            short = self._strip(key)
            if short != key and len(short) >= cfg["min_stripped_length"] and short not in exact:
                stripped.setdefault(short, set()).add(i)
        self._exact = exact
        # a stripped form that two products share is ambiguous and not used
        self._stripped = {k: next(iter(v)) for k, v in stripped.items() if len(v) == 1}
        # without any spaces («Office365», «Public360»), again only when unambiguous
        compact: dict[str, set[int]] = {}
        for key, i in [*exact.items(), *self._stripped.items()]:
            compact.setdefault(key.replace(" ", ""), set()).add(i)
        self._compact = {k: next(iter(v)) for k, v in compact.items() if len(v) == 1}

    def _strip(self, key: str, vendor: str | None = None) -> str:
        """Remove leading vendor words («tietoevry gerica» → «gerica»)."""
        prefixes = self._spaced_prefixes
        vkey = normalise(vendor)
        if vkey:
            prefixes = (vkey + " ", vkey.split(" ")[0] + " ", *prefixes)
        changed = True
        while changed:
            changed = False
            for p in prefixes:
                if key.startswith(p):
                    key, changed = key[len(p):], True
                    break
        return key

    def match(self, product: str | None, vendor: str | None = None) -> CatalogueEntry | None:
        """The catalogue entry for an inventory spelling, or None when it is not in the catalogue."""
        key = normalise(product)
        if not key:
            return None
        if key in self._exact:
            return self.entries[self._exact[key]]
        short = self._strip(key, vendor)
        for table in (self._exact, self._stripped):
            if short in table:
                return self.entries[table[short]]
        for candidate in (key, short):
            hit = self._compact.get(candidate.replace(" ", ""))
            if hit is not None:
                return self.entries[hit]
        return None

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def get(self, name: str) -> CatalogueEntry | None:
        """Entry by canonical name (exact)."""
        return next((e for e in self.entries if e.name == name), None)


# --------------------------------------------------------------------------- loading


def load_catalogue(data_dir: str | Path | None = None) -> Catalogue:
    """Package catalogue plus the group's extension file in `data_dir` (when it exists).

    Raises ValidationError naming file, line and field when either file is malformed.
    """
    base = _package_entries()
    sources = [PACKAGE_SOURCE]
    if data_dir is None:
        return Catalogue(list(base), sources)
    from digireform.io.paths import resolve_data_dir

    path = resolve_data_dir(data_dir) / settings()["extension_file"]
    if not path.is_file():
        return Catalogue(list(base), sources)
    problems: list[Problem] = []
    text = textio.decode_stored(path.read_bytes(), display_path(path), problems)
    extra = parse_entries(text, display_path(path), problems) if text is not None else []
    if problems:
        raise ValidationError(f"Produktkatalogen {display_path(path)} har feil.", problems)
    return Catalogue(merge_entries(list(base), extra), [*sources, display_path(path)])


@cache
def _package_entries() -> tuple[CatalogueEntry, ...]:
    from digireform.model.resources import read_data_text

    text = read_data_text("products.yaml")
    problems: list[Problem] = []
    entries = parse_entries(text, PACKAGE_SOURCE, problems)
    if problems:  # a broken package file is a bug, but still say where
        raise ValidationError("Produktkatalogen i pakken har feil.", problems)
    return tuple(entries)


def parse_entries(text: str, label: str, problems: list[Problem]) -> list[CatalogueEntry]:
    """YAML text → entries; every problem is appended with its line.

    The shape is the JSON Schema model/data/schemas/catalogue.schema.yaml; the one rule it
    cannot say (a spelling belongs to one product) is `_check_duplicates`.
    """
    data = load_text_with_lines(text, label, problems)
    if data is None:
        return []
    check = SchemaCheck(data, SCHEMA, label)
    items = [(i, item) for i, item in enumerate(data) if check.ok(i)] if isinstance(data, list) else []
    entries = [(i, _entry(item)) for i, item in items]
    _check_duplicates(entries, check)
    problems += check.problems
    return [e for _, e in entries]


def _entry(item: dict) -> CatalogueEntry:
    """The entry of an item that passed the schema (values as text, stripped)."""
    text = {k: (str(item[k]).strip() if item.get(k) is not None else None) for k in ENTRY_KEYS if k != "aliases"}
    return CatalogueEntry(
        name=text["name"], aliases=tuple(str(a).strip() for a in item.get("aliases") or []), vendor=text["vendor"],
        vendor_orgnr=text["vendor_orgnr"], service_area=text["service_area"], function=text["function"],
        cpv=text["cpv"],
    )


def _check_duplicates(entries: list[tuple[int, CatalogueEntry]], check: SchemaCheck) -> None:
    """Within one file, a spelling may belong to one product only."""
    seen: dict[str, str] = {}
    for i, e in entries:
        for spelling in (e.name, *e.aliases):
            key = normalise(spelling)
            other = seen.get(key)
            if other is not None and other != e.name:
                check.add((i, "aliases"), f"«{spelling}» er allerede brukt av «{other}»")
            seen.setdefault(key, e.name)


def merge_entries(base: list[CatalogueEntry], extra: Iterable[CatalogueEntry]) -> list[CatalogueEntry]:
    """Extension entries extend (same name or alias) or add to the package entries."""
    out = list(base)
    index = {normalise(s): i for i, e in enumerate(out) for s in (e.name, *e.aliases)}
    for e in extra:
        hit = next((index[normalise(s)] for s in (e.name, *e.aliases) if normalise(s) in index), None)
        if hit is None:
            out.append(e)
            i = len(out) - 1
        else:
            old = out[hit]
            aliases = tuple(dict.fromkeys([*old.aliases, *e.aliases, *([e.name] if e.name != old.name else [])]))
            changes = {k: getattr(e, k) for k in ENTRY_KEYS if k not in ("name", "aliases") and getattr(e, k)}
            out[hit] = replace(old, aliases=aliases, **changes)
            i = hit
        for s in (out[i].name, *out[i].aliases):
            index.setdefault(normalise(s), i)
    return out


# --------------------------------------------------------------------------- applying


def canonical_products(systems: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Systems plus `product_canonical`, `in_catalogue`, `cpv`, `function_key` (and catalogue area/function).

    Matching is done once per distinct (product, vendor) pair, so a national data set
    costs a few hundred lookups, not one per row.
    """
    out = systems.copy()
    product = out["product"].astype(object)
    vendor = out["vendor"].astype(object) if "vendor" in out else pd.Series(None, index=out.index, dtype=object)
    pairs = pd.DataFrame({"p": product, "v": vendor}).drop_duplicates()
    found: dict[tuple, CatalogueEntry | None] = {
        (p, v): catalogue.match(p, v if isinstance(v, str) else None) for p, v in zip(pairs["p"], pairs["v"], strict=True)
    }
    products = product.tolist()
    hits = [found[pv] for pv in zip(products, vendor.tolist(), strict=True)]
    out["product_canonical"] = pd.Series(
        [h.name if h else p for h, p in zip(hits, products, strict=True)], index=out.index, dtype=object)
    out["in_catalogue"] = pd.Series([h is not None for h in hits], index=out.index, dtype=bool)
    out["cpv"] = pd.Series([h.cpv if h else None for h in hits], index=out.index, dtype=object)
    out["catalogue_function"] = pd.Series([h.function if h else None for h in hits], index=out.index, dtype=object)
    out["catalogue_service_area"] = pd.Series([h.service_area if h else None for h in hits], index=out.index, dtype=object)
    out["function_key"] = _function_keys(out)
    return out


def _function_keys(canon: pd.DataFrame) -> pd.Series:
    """What task a row solves, for comparing across products: the row's own function text
    (normalised), else the catalogue's function for the product; None when neither is known."""
    own = canon["function"].astype(object) if "function" in canon else pd.Series(None, index=canon.index, dtype=object)
    chosen = own.where(own.notna(), canon["catalogue_function"])
    uniq = {v: normalise_token(v) for v in chosen.dropna().unique()}
    return pd.Series([uniq.get(v) if isinstance(v, str) else None for v in chosen], index=canon.index, dtype=object)


def not_in_catalogue(canon: pd.DataFrame) -> list[dict[str, Any]]:
    """Products no catalogue entry matched, as entered, with where they occur."""
    unknown = canon[~canon["in_catalogue"]]
    if unknown.empty:
        return []
    df = pd.DataFrame({"p": unknown["product_canonical"].astype(str), "m": unknown["municipality"].astype(str),
                       "s": unknown["system_id"].astype(str),
                       "v": unknown["vendor"].astype(object) if "vendor" in unknown else None})
    df = df.sort_values(["p", "m", "s"])
    systems: dict[str, dict[str, list[str]]] = {}
    vendors: dict[str, set[str]] = {}
    for p, m, sid, v in zip(*(df[c].tolist() for c in ("p", "m", "s", "v")), strict=True):
        systems.setdefault(p, {}).setdefault(m, []).append(sid)
        if isinstance(v, str):
            vendors.setdefault(p, set()).add(v)
    out = []
    for p, by_nr in systems.items():
        vs = sorted(vendors.get(p, ()))
        out.append({"product": p, "vendor": vs[0] if len(vs) == 1 else (vs or None),
                    "municipalities": sorted(by_nr), "systems": by_nr})
    return out
