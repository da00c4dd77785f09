"""Figures readable for one municipality and for five: the network layout keeps nodes apart, the
heat map's height follows its rows, long labels are broken into lines."""
from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import digireform
from digireform.analysis import network
from digireform.analysis.catalogue import canonical_products, load_catalogue
from digireform.notebook import maturity_figures as mf
from digireform.notebook import welfare_figures as wf


def closest_pair(pos: dict[str, tuple[float, float]]) -> float:
    return min(math.dist(a, b) for a, b in itertools.combinations(pos.values(), 2))


def shown(graph: nx.Graph, min_partners: int = 2) -> nx.Graph:
    """The nodes graph_figure draws: every municipality, products of at least `min_partners`."""
    return graph.subgraph([n for n, d in graph.nodes(data=True)
                           if d["kind"] == "municipality" or graph.degree(n) >= min_partners])


@pytest.fixture
def example_graph(example_region) -> nx.Graph:
    region = digireform.load(example_region)
    canon = canonical_products(region.in_use_systems(), load_catalogue(example_region))
    return network.bipartite_graph(canon, {nr: region.name(nr) for nr in region.numbers})


def two_sharing_three() -> nx.Graph:
    """Two municipalities with the same three products: the three start on one spot."""
    g = nx.Graph()
    for nr in ("1806", "5512"):
        g.add_node(f"k:{nr}", kind="municipality", number=nr, label=nr)
    for p in ("A", "B", "C"):
        g.add_node(f"p:{p}", kind="product", label=p)
        g.add_edges_from([("k:1806", f"p:{p}"), ("k:5512", f"p:{p}")])
    return g


def test_two_municipalities_left_and_right_products_spread_between():
    pos = network.graph_layout(two_sharing_three())
    assert pos["k:1806"] == pytest.approx((-1.0, 0.0)) and pos["k:5512"] == pytest.approx((1.0, 0.0))
    assert closest_pair(pos) >= network.MIN_DISTANCE - 1e-9
    assert all(-1 < pos[f"p:{p}"][0] < 1 for p in "ABC")


def test_example_region_no_two_nodes_on_top_of_each_other(example_graph):
    g = shown(example_graph)
    pos = network.graph_layout(g)
    assert len(pos) == len(g) > 5
    assert closest_pair(pos) >= network.MIN_DISTANCE - 1e-9
    munis = {n: pos[n] for n in g if g.nodes[n]["kind"] == "municipality"}
    assert len(munis) == 5
    # five on the unit circle: neighbours 2·sin(36°) ≈ 1.18 apart (Narvik and Tjeldsund included)
    assert closest_pair(munis) == pytest.approx(2 * math.sin(math.pi / 5))
    assert all(math.hypot(*p) == pytest.approx(1.0) for p in munis.values())


def test_layout_is_the_same_every_time(example_graph):
    g = shown(example_graph)
    assert network.graph_layout(g) == network.graph_layout(g)


def test_one_municipality_alone_in_the_middle_and_a_small_figure(example_graph):
    narvik = example_graph.subgraph(["k:1806", *example_graph.neighbors("k:1806")])
    assert network.graph_layout(shown(narvik)) == {"k:1806": (0.0, 0.0)}  # no product shared with anyone
    small = network.graph_figure(narvik).layout.height
    large = network.graph_figure(example_graph).layout.height
    assert small == network.figure_height(1) == 320
    assert large == network.figure_height(len(shown(example_graph))) > small


def test_municipality_names_sit_outside_the_circle():
    fig = network.graph_figure(two_sharing_three())
    munis = fig.data[2]
    assert list(munis.textposition) == ["bottom center", "bottom center"]  # both on y = 0
    assert [t for t in munis.text] == ["<b>1806</b>", "<b>5512</b>"]


def scores(rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame([[2.0, np.nan]] * len(rows), index=rows,
                        columns=["Sak og arkiv", "Innbyggertjenester og selvbetjening"])


def test_heatmap_height_follows_the_rows_and_labels_are_broken():
    one, five = mf.heatmap_figure(scores(["Narvik"])), mf.heatmap_figure(scores(list("ABCDE")))
    # bottom margin: 30 + 15 per line of the longest area label
    # («Innbyggertjenester» / «og» / «selvbetjening»: 3 lines at 14 characters) = 75
    assert one.layout.height == mf.HEATMAP_TOP + 75 + mf.ROW_PX
    assert five.layout.height == mf.HEATMAP_TOP + 75 + 5 * mf.ROW_PX
    trace = one.data[0]
    assert list(trace.x) == ["Sak og arkiv", "Innbyggertjenester<br>og<br>selvbetjening"]
    assert trace.text.tolist() == [["Hovedsakelig<br>digitalt", "ukjent"]]
    assert trace.showscale is False
    assert trace.customdata[0] == ["Sak og arkiv", "Innbyggertjenester og selvbetjening"]  # hover: unbroken


def test_wrap_label_keeps_long_words_whole():
    assert mf.wrap_label("Hovedsakelig digitalt", 12) == "Hovedsakelig<br>digitalt"
    assert mf.wrap_label("Helt papir", 12) == "Helt papir"
    assert mf.wrap_label("Innbyggertjenester", 5) == "Innbyggertjenester"


def test_welfare_bars_slim_for_one_municipality_and_numbers_in_norwegian():
    needs = pd.DataFrame({"category": ["trygghetsalarm"], "name": ["Evenes"], "in_use": [10], "needed": [12],
                          "per_1000_80plus": [270.3], "coverage_basis": ["80plus"]})
    gap, cover = wf.gap_figure(needs, "trygghetsalarm"), wf.coverage_figure(needs, "trygghetsalarm")
    assert gap.layout.bargap == cover.layout.bargap == 0.6
    assert list(cover.data[0].text) == ["270,3"]
    assert wf.bar_layout(5)["bargap"] == 0.25


def test_similarity_numbers_in_norwegian():
    sim = pd.DataFrame([[1.0, 0.3412], [0.3412, 1.0]], index=["1806", "5512"], columns=["1806", "5512"])
    fig = network.similarity_figure(sim, {"1806": "Narvik", "5512": "Tjeldsund"}, weight="users")
    assert [list(row) for row in fig.data[0].text] == [["1", "0,34"], ["0,34", "1"]]
