"""Rows of a stored table as strings, and which row is which in two versions of it.

A systems row is the same row when its system_id is; a welfare row has no id, so
identical rows pair first, then rows of one category in file order. The save path
(merging) and the weekly change list both pair rows by this one rule.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

Row = dict[str, str]


def row_label(row: Row, kind: str) -> str:
    """How a row is named to people: system_id for systems, category (+product) for welfare."""
    if kind == "systems":
        return row.get("system_id") or "(uten system-ID)"
    text = row.get("category") or "(uten kategori)"
    return f"{text} ({row['product']})" if row.get("product") else text


def match_rows(base: list[Row], other: list[Row], kind: str) -> dict[int, int]:
    """Pair rows of `base` with rows of `other` (index → index); see the module docstring.

    Linear: the rows of `other` are put in dicts by key once (a one-row save of a big file
    must not compare every row with every other).
    """
    if kind == "systems":
        return _match_by(base, other, lambda r: r.get("system_id") or None, set(), first_only=True)
    used: set[int] = set()
    pairs = _match_by(base, other, row_key, used)  # identical rows first
    later = [i for i in range(len(base)) if i not in pairs]
    rest = _match_by([base[i] for i in later], other, lambda r: r.get("category"), used)  # then category, file order
    pairs.update({later[i]: j for i, j in rest.items()})
    return pairs


def _match_by(base: list[Row], other: list[Row], key: Callable[[Row], Any], used: set[int],
              first_only: bool = False) -> dict[int, int]:
    """Pair each base row with the first unused row of `other` with the same key (None: no key).

    `first_only`: only the first row of `other` per key can pair (a repeated system_id is
    a validation error, and its later rows count as added).
    """
    queues: dict[Any, deque[int]] = {}
    for j, o in enumerate(other):
        if j not in used and (k := key(o)) is not None:
            queue = queues.setdefault(k, deque())
            if not (first_only and queue):
                queue.append(j)
    pairs: dict[int, int] = {}
    for i, r in enumerate(base):
        queue = queues.get(key(r))
        if queue:
            j = queue.popleft()
            pairs[i] = j
            used.add(j)
    return pairs


def row_key(row: Row) -> str:
    return "\x1f".join(f"{k}={v}" for k, v in sorted(row.items()))
