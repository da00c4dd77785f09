"""The one YAML line lookup: every mapping key and list item keeps its line; a path that
leaves the data is reported at the nearest parent that exists."""
from __future__ import annotations

import pytest

from digireform.io.yamlio import InvalidDate, LineDict, LineList, line_at, load_text_with_lines

TEXT = """\
# a comment on line 1
title: T
contract:
  type: SSA-L

  years: 4
award_criteria:
  - code: pris
    weight: 40
  - {code: kvalitet, weight: 60}
participants:
  - "1806"
  - "1853"
timeline: {publication: 2027-02-30}
"""


@pytest.fixture(scope="module")
def data():
    problems: list = []
    loaded = load_text_with_lines(TEXT, "test.yaml", problems)
    assert problems == []
    return loaded


@pytest.mark.parametrize(("path", "line"), [
    ((), 2),                                    # the root mapping starts at its first key
    (("title",), 2),
    (("contract",), 3),
    (("contract", "years"), 6),                 # a blank line in between is counted
    (("award_criteria", 0), 8),                 # a list item: the line of its «-»
    (("award_criteria", 0, "weight"), 9),
    (("award_criteria", 1, "weight"), 10),      # a flow mapping: all on one line
    (("participants", 1), 13),
    (("contract", "start"), 3),                 # a missing key: its mapping's line
    (("award_criteria", 5, "code"), 7),         # past the end of a list: the list's key
    (("title", "x"), 2),                        # below a scalar: the scalar's key
    (("nothing",), 2),
])
def test_line_at_counts_lines_and_falls_back_to_the_nearest_parent(data, path, line):
    assert line_at(data, path) == line


def test_containers_know_their_lines_and_values_are_plain(data):
    assert isinstance(data, LineDict) and isinstance(data["participants"], LineList)
    assert data["participants"] == ["1806", "1853"] and data["participants"].item_lines == [12, 13]
    assert data["award_criteria"][1] == {"code": "kvalitet", "weight": 60}
    assert isinstance(data["timeline"]["publication"], InvalidDate)  # no calendar day, kept as text


def test_data_not_read_with_lines_has_no_line():
    assert line_at({"a": 1}, ("a",)) is None
