"""Municipality–product graph, how alike the partners' portfolios are, and who clusters.

Similarity is a weighted Jaccard index over products,
``J(a, b) = Σ_p min(w_a,p, w_b,p) / Σ_p max(w_a,p, w_b,p)``, where ``w_m,p`` is product
p's *share* of municipality m's users (``overlap.yaml``: ``similarity.weight``; also
``annual_cost_nok``, or ``none`` for the plain Jaccard index over product sets). Shares,
not raw counts, so that Narvik (ten times Evenes' size) is not "less similar" to Evenes
merely for being larger. Rows with an unknown weight count 0 and are reported.

Communities are found with Louvain modularity on the similarity graph (fixed seed, so
the same data gives the same groups).
"""
from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from digireform.model import formatting
from digireform.model.schema import package_yaml

WEIGHT_LABELS = {
    "users": "andel av kommunens brukere",
    "annual_cost_nok": "andel av kommunens årlige kostnad",
    "none": "produktene telles likt (vanlig Jaccard)",
}


def settings() -> dict[str, Any]:
    return package_yaml("overlap.yaml")["similarity"]


def weight_matrix(canon: pd.DataFrame, weight: str | None = None) -> pd.DataFrame:
    """Municipality × product weights (shares per municipality; 0/1 for weight `none`)."""
    weight = weight or settings()["weight"]
    if weight == "none":
        values = pd.Series(1.0, index=canon.index)
    else:
        values = pd.to_numeric(canon[weight], errors="coerce").astype("float64").fillna(0.0)
    df = pd.DataFrame({"m": canon["municipality"].astype(str), "p": canon["product_canonical"].astype(str), "w": values})
    mat = df.pivot_table(index="m", columns="p", values="w", aggfunc="sum", fill_value=0.0)
    if weight == "none":
        return (mat > 0).astype("float64")
    totals = mat.sum(axis=1).replace(0.0, np.nan)
    return mat.div(totals, axis=0).fillna(0.0)


def weighted_jaccard(weights: pd.DataFrame) -> pd.DataFrame:
    """Pairwise Σmin/Σmax between rows; 1 on the diagonal, 0 when both rows are empty."""
    w = weights.to_numpy(dtype="float64")
    n = len(w)
    sim = np.zeros((n, n))
    for i in range(n):
        mins = np.minimum(w[i], w[i:]).sum(axis=1)
        maxs = np.maximum(w[i], w[i:]).sum(axis=1)
        row = np.divide(mins, maxs, out=np.zeros_like(mins), where=maxs > 0)
        sim[i, i:] = row
        sim[i:, i] = row
    np.fill_diagonal(sim, 1.0)
    return pd.DataFrame(sim, index=weights.index, columns=weights.index)


def similarity(canon: pd.DataFrame, weight: str | None = None) -> pd.DataFrame:
    """Weighted Jaccard similarity between municipalities (see the module docstring)."""
    return weighted_jaccard(weight_matrix(canon, weight))


def missing_weights(canon: pd.DataFrame, weight: str | None = None) -> int:
    """Rows whose weight is unknown (counted as 0 in the similarity)."""
    weight = weight or settings()["weight"]
    return 0 if weight == "none" else int(canon[weight].isna().sum())


def similarity_pairs(sim: pd.DataFrame, limit: int | None = None) -> list[dict[str, Any]]:
    """Pairs a < b with similarity > 0, highest first."""
    names = np.asarray([str(x) for x in sim.index])
    values = sim.to_numpy()
    i, j = np.triu_indices(len(names), k=1)
    v = values[i, j]
    keep = v > 0
    i, j, v = i[keep], j[keep], v[keep]
    order = np.lexsort((names[j], names[i], -v))  # highest first, then by names
    if limit is not None:
        order = order[:limit]
    return [{"a": str(names[i[k]]), "b": str(names[j[k]]), "jaccard": round(float(v[k]), 4)} for k in order]


def communities(sim: pd.DataFrame, min_similarity: float | None = None, seed: int | None = None,
                neighbours: int | None = None) -> list[list[str]]:
    """Louvain communities of the similarity graph; largest first, members sorted.

    Each municipality keeps edges to its `neighbours` most similar partners (at least
    `min_similarity`): in a national data set every pair shares something, and the
    complete graph would make Louvain slow without changing which partners group together.
    """
    cfg = settings()
    min_similarity = cfg["community_min_similarity"] if min_similarity is None else min_similarity
    seed = cfg["community_seed"] if seed is None else seed
    neighbours = cfg["community_neighbours"] if neighbours is None else neighbours
    values = sim.to_numpy(dtype="float64").copy()
    np.fill_diagonal(values, -1.0)
    n = len(values)
    keep = np.zeros_like(values, dtype=bool)
    if n > 1:
        m = min(neighbours, n - 1)
        top = np.argpartition(-values, m - 1, axis=1)[:, :m]
        keep[np.repeat(np.arange(n), m), top.ravel()] = True
    keep = (keep | keep.T) & (values >= min_similarity)
    iu = np.triu_indices(n, k=1)
    mask = keep[iu]
    names = np.asarray(sim.index)
    g = nx.Graph()
    g.add_nodes_from(names)
    g.add_weighted_edges_from(zip(names[iu[0][mask]], names[iu[1][mask]], values[iu][mask], strict=True))
    found = nx.community.louvain_communities(g, weight="weight", seed=seed) if g.number_of_edges() else [
        {x} for x in g.nodes
    ]
    groups = [sorted(map(str, c)) for c in found]
    return sorted(groups, key=lambda c: (-len(c), c[0]))


def bipartite_graph(canon: pd.DataFrame, names: dict[str, str] | None = None) -> nx.Graph:
    """Municipality nodes ``k:<nr>`` and product nodes ``p:<product>``; edges carry users and cost."""
    g = nx.Graph()
    names = names or {}
    agg = canon.groupby(["municipality", "product_canonical"], sort=True, observed=True).agg(
        users=("users", lambda s: s.sum(min_count=1)),
        cost=("annual_cost_nok", lambda s: s.sum(min_count=1)),
        systems=("system_id", lambda s: sorted(map(str, s))),
    ).reset_index()
    for nr in sorted(agg["municipality"].unique()):
        g.add_node(f"k:{nr}", bipartite=0, kind="municipality", number=nr, label=names.get(nr, nr))
    for product in sorted(agg["product_canonical"].unique()):
        g.add_node(f"p:{product}", bipartite=1, kind="product", label=product)
    for r in agg.itertuples(index=False):
        g.add_edge(f"k:{r.municipality}", f"p:{r.product_canonical}",
                   users=None if pd.isna(r.users) else int(r.users),
                   annual_cost_nok=None if pd.isna(r.cost) else float(r.cost), systems=r.systems)
    return g


# Layout of the municipality–product graph, in layout units (municipalities on a circle of radius 1).
MIN_DISTANCE = 0.16  # no two nodes closer than this: a municipality's square never hides another node
_SPREAD_ROUNDS = 400


def _circle(numbers: list[str]) -> dict[str, np.ndarray]:
    """Municipalities evenly on the unit circle, first at the top, clockwise; one alone in the middle.

    Two sit left and right, so the products they share stack between them with their (horizontal)
    labels one above the other.
    """
    if len(numbers) == 1:
        return {numbers[0]: np.zeros(2)}
    first = np.pi if len(numbers) == 2 else np.pi / 2
    step = 2 * np.pi / len(numbers)
    return {n: np.array([np.cos(first - i * step), np.sin(first - i * step)]) for i, n in enumerate(numbers)}


def _spread(pos: dict[str, np.ndarray], fixed: set[str], min_distance: float) -> None:
    """Push apart, in place and deterministically, every pair of nodes closer than `min_distance`.

    Only nodes not in `fixed` move (a pair of two movable nodes shares the move); two nodes on the
    same spot are separated along a direction taken from their order, so the result never depends
    on chance. Stops when no pair is too close.
    """
    names = sorted(pos)
    for _ in range(_SPREAD_ROUNDS):
        moved = False
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                b = names[j]
                if a in fixed and b in fixed:
                    continue
                delta = pos[b] - pos[a]
                dist = float(np.hypot(*delta))
                if dist >= min_distance:
                    continue
                angle = 2.399963 * (i * len(names) + j)  # golden angle: distinct directions
                unit = delta / dist if dist > 1e-9 else np.array([np.cos(angle), np.sin(angle)])
                push = (min_distance - dist) * 1.01
                if a in fixed or b in fixed:
                    mover, sign = (b, 1) if a in fixed else (a, -1)
                    pos[mover] = pos[mover] + sign * push * unit
                else:
                    pos[a], pos[b] = pos[a] - push / 2 * unit, pos[b] + push / 2 * unit
                moved = True
        if not moved:
            return


def graph_layout(graph: nx.Graph, min_distance: float = MIN_DISTANCE) -> dict[str, tuple[float, float]]:
    """Node → (x, y): the same picture for the same data, and no two nodes on top of each other.

    Why not a plain spring layout: it pulls municipalities that share most products (Narvik and
    Tjeldsund) onto the same spot. Here the municipalities sit evenly on a circle (by number), each
    product starts at the centre of the municipalities that use it and a seeded spring layout with
    the municipalities held still settles the products between them; then every pair closer than
    `min_distance` is pushed apart.
    """
    numbers = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "municipality")
    fixed = _circle(numbers)
    start = dict(fixed)
    for n in sorted(graph):
        if n not in fixed:
            around = [fixed[m] for m in sorted(graph.neighbors(n)) if m in fixed]
            start[n] = np.mean(around, axis=0) * 0.8 if around else np.zeros(2)
    pos = start
    if len(graph) > len(fixed):
        pos = nx.spring_layout(graph, pos=start, fixed=numbers or None, seed=0, k=0.35, iterations=80)
    pos = {n: np.asarray(p, dtype=float) for n, p in pos.items()}
    _spread(pos, set(fixed), min_distance)
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


def graph_figure(graph: nx.Graph, groups: list[list[str]] | None = None, min_partners: int = 2,
                 title: str = "Kommuner og felles produkter"):
    """Plotly figure of the bipartite graph; products used by fewer than `min_partners` are hidden.

    The height follows the number of nodes shown, so one municipality gets a small figure and
    five with fifty shared products a tall one.
    """
    import plotly.graph_objects as go
    from plotly.colors import qualitative

    keep = [n for n, d in graph.nodes(data=True) if d["kind"] == "municipality" or graph.degree(n) >= min_partners]
    g = graph.subgraph(keep)
    pos = graph_layout(g)
    palette = qualitative.Set2
    community_of = {nr: i for i, c in enumerate(groups or []) for nr in c}
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for a, b in sorted(g.edges):
        edge_x += [pos[a][0], pos[b][0], None]
        edge_y += [pos[a][1], pos[b][1], None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 0.6, "color": "#b0b0b0"},
                             hoverinfo="skip", showlegend=False))
    munis = sorted(n for n in g if g.nodes[n]["kind"] == "municipality")
    prods = sorted(n for n in g if g.nodes[n]["kind"] == "product")
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in prods], y=[pos[n][1] for n in prods], mode="markers+text",
        text=[g.nodes[n]["label"] for n in prods], textposition="top center", textfont={"size": 9},
        marker={"size": [6 + 3 * g.degree(n) for n in prods], "color": "#9ecae1", "line": {"width": 0.5}},
        hovertext=[f"{g.nodes[n]['label']}: {g.degree(n)} kommuner" for n in prods], hoverinfo="text",
        name="Produkt",
    ))
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in munis], y=[pos[n][1] for n in munis], mode="markers+text",
        text=[f"<b>{g.nodes[n]['label']}</b>" for n in munis],
        textposition=["top center" if pos[n][1] > 1e-6 else "bottom center" for n in munis],  # outwards
        textfont={"size": 13},
        marker={"size": 18, "symbol": "square",
                "color": [palette[community_of.get(g.nodes[n]["number"], 0) % len(palette)] for n in munis]},
        hovertext=[f"{g.nodes[n]['label']} ({g.nodes[n]['number']}): {g.degree(n)} produkter" for n in munis],
        hoverinfo="text", name="Kommune",
    ))
    fig.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                      plot_bgcolor="white", height=figure_height(len(g)),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h"})
    return fig


def figure_height(nodes: int) -> int:
    """Pixels for a graph of `nodes` nodes: room for labels, between a small and a screen-high figure."""
    return int(min(900, max(320, 260 + 9 * nodes)))


def similarity_figure(sim: pd.DataFrame, names: dict[str, str] | None = None, weight: str | None = None):
    """Heat map of the municipality similarity (weighted Jaccard)."""
    import plotly.graph_objects as go

    names = names or {}
    labels = [names.get(nr, nr) for nr in sim.index]
    weight = weight or settings()["weight"]
    text = [[formatting.decimal(v, 2) for v in row] for row in sim.to_numpy()]  # «0,34», as every number shown
    fig = go.Figure(go.Heatmap(z=sim.to_numpy().round(2), x=labels, y=labels, zmin=0, zmax=1,
                               colorscale="Blues", text=text, texttemplate="%{text}",
                               hovertemplate="%{y} – %{x}: %{text}<extra></extra>"))
    fig.update_layout(title=f"Likhet mellom kommunene (vektet Jaccard, {WEIGHT_LABELS.get(weight, weight)})",
                      height=450, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig
