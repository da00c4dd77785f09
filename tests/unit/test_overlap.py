"""Overlap on a small hand-made region: shared products, harmonisation, similarity, windows, report."""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

import digireform
from digireform import cli
from digireform.analysis import network, overlap
from digireform.analysis.catalogue import canonical_products, load_catalogue
from digireform.analysis.options import ReportOptions
from digireform.report import build_report, to_json
from tests.support.regionfiles import system_row, write_region

CONTACTS = [{"role": "IKT", "name": "Kari Hemmelig", "email": "kari@example.no", "phone": "12345678"}]


def row(sid: str, product: str, area: str, function: str, users: str, cost: str, end: str, notice: str,
        lifecycle: str = "operational", confidential: str = "no") -> dict:
    return system_row(system_id=sid, product=product, vendor="", vendor_orgnr="", service_area=area, function=function,
                      lifecycle=lifecycle, users=users, annual_cost_nok=cost, contract_end=end, notice_months=notice,
                      personal_data="", dpa="", satisfaction="", confidential=confidential)


EPJ = ("helse_velferd", "Pleie og omsorg EPJ")
OFFICE = ("felles", "Kontorstøtte")


def build(root: Path) -> Path:
    """Three partners. Users per product (shares in brackets):
    Evenes 1853:    Gerica 30 (0.75), Microsoft 365 10 (0.25)
    Narvik 1806:    Tieto Gerica 10 (0.5), Visma Profil 10 (0.5)   + a retired system
    Tjeldsund 5512: Office 365 5 (0.25), Visma Profil 15 (0.75)
    """
    systems = {"1853": [
        row("E1", "Gerica", *EPJ, "30", "300000", "2027-12-31", "6"),
        row("E2", "Microsoft 365", *OFFICE, "10", "50000", "2027-06-30", "3"),
    ], "1806": [
        row("N1", "Tieto Gerica", *EPJ, "10", "100000", "2028-06-30", "12"),
        row("N2", "Visma Profil", *EPJ, "10", "85000", "2026-04-30", "3", confidential="yes"),
        row("N3", "ePhorte", "sak_arkiv", "Sak og arkiv", "0", "0", "2022-12-31", "6", lifecycle="retired"),
    ], "5512": [
        row("T1", "Office 365", *OFFICE, "5", "20000", "2027-06-30", "3"),
        row("T2", "Visma Profil", *EPJ, "15", "60000", "", "6"),
    ]}
    return write_region(root, municipalities={n: {"contacts": CONTACTS} for n in systems}, systems=systems)


@pytest.fixture()
def region(tmp_path):
    r = digireform.load(build(tmp_path))
    assert r.problems == []
    return r


AS_OF = dt.date(2026, 1, 1)


def test_shared_products_trace_back_to_rows(region):
    canon = canonical_products(region.in_use_systems(), load_catalogue())
    shared = {s["product"]: s for s in overlap.shared_products(canon)}
    assert set(shared) == {"Gerica", "Microsoft 365", "Visma Profil"}  # retired ePhorte is not in use
    assert shared["Gerica"]["municipalities"] == ["1806", "1853"]
    assert shared["Gerica"]["systems"] == {"1806": ["N1"], "1853": ["E1"]}
    assert shared["Gerica"]["users"] == 40
    assert shared["Gerica"]["annual_cost_nok"] == 400000
    assert shared["Microsoft 365"]["systems"] == {"1853": ["E2"], "5512": ["T1"]}


def test_product_matrix(region):
    canon = canonical_products(region.in_use_systems(), load_catalogue())
    m = overlap.product_matrix(canon, "annual_cost_nok")
    assert m.at["Gerica", "1853"] == 300000 and m.at["Gerica", "1806"] == 100000
    assert m.at["Visma Profil", "5512"] == 60000


def test_harmonisation_candidate_with_cost_and_users_per_product(region):
    canon = canonical_products(region.in_use_systems(), load_catalogue())
    [h] = overlap.harmonisation_candidates(canon)
    assert (h["service_area"], h["function"]) == EPJ
    assert h["products"] == {"Gerica": ["1806", "1853"], "Visma Profil": ["1806", "5512"]}
    assert h["product_details"]["Gerica"] == {"municipalities": ["1806", "1853"], "users": 40, "annual_cost_nok": 400000}
    assert h["product_details"]["Visma Profil"]["users"] == 25
    assert h["annual_cost_nok"] == 545000  # 300000 + 100000 + 85000 + 60000 (full data)


def test_weighted_jaccard_by_user_share(region):
    canon = canonical_products(region.in_use_systems(), load_catalogue())
    sim = network.similarity(canon, "users")
    # Σmin/Σmax over shares: Evenes–Narvik 0.5/1.5, Evenes–Tjeldsund 0.25/1.75, Narvik–Tjeldsund 0.5/1.5
    assert sim.at["1853", "1806"] == pytest.approx(1 / 3)
    assert sim.at["1853", "5512"] == pytest.approx(1 / 7)
    assert sim.at["1806", "5512"] == pytest.approx(1 / 3)
    assert sim.at["1806", "1806"] == 1.0
    plain = network.similarity(canon, "none")  # plain Jaccard over product sets: 1/3 for every pair
    assert plain.at["1853", "1806"] == pytest.approx(1 / 3) and plain.at["1853", "5512"] == pytest.approx(1 / 3)
    pairs = network.similarity_pairs(sim)
    assert [(p["a"], p["b"]) for p in pairs] == [("1806", "1853"), ("1806", "5512"), ("1853", "5512")]
    assert pairs[-1]["jaccard"] == round(1 / 7, 4)


def test_communities_and_graph(region):
    canon = canonical_products(region.in_use_systems(), load_catalogue())
    sim = network.similarity(canon, "users")
    # with the threshold above every similarity, each municipality is its own community
    assert network.communities(sim, min_similarity=0.9) == [["1806"], ["1853"], ["5512"]]
    groups = network.communities(sim, min_similarity=0.0)
    assert sorted(nr for g in groups for nr in g) == ["1806", "1853", "5512"]
    g = network.bipartite_graph(canon, {"1853": "Evenes"})
    assert g.nodes["k:1853"]["label"] == "Evenes"
    assert g.edges["k:1806", "p:Gerica"]["systems"] == ["N1"]
    assert g.degree("p:Gerica") == 2
    fig = network.graph_figure(g, groups)
    assert len(fig.data) == 3


def test_exit_windows_full_data(region):
    result = overlap.analyse(region.systems, load_catalogue(), ReportOptions(as_of=AS_OF))
    by_product = {w["product"]: w for w in result.exit_windows}
    gerica = by_product["Gerica"]
    # Evenes free 2028-01-01 (end 2027-12-31), Narvik 2028-07-01 (end 2028-06-30): within 12 months
    assert gerica["municipalities"] == ["1806", "1853"]
    assert gerica["systems"] == {"1806": ["N1"], "1853": ["E1"]}
    assert (gerica["window_start"], gerica["window_end"], gerica["proposed_start"]) == (
        "2028-01-01", "2028-07-01", "2028-07-01")
    assert gerica["notice_deadlines"] == {"1806": "2027-06-30", "1853": "2027-06-30"}
    assert gerica["contract_end"] == {"1806": "2028-06-30", "1853": "2027-12-31"}
    assert gerica["running_on_notice"] == []
    # Visma Profil: Tjeldsund has no contract end → no window, reported as missing
    assert "Visma Profil" not in by_product
    assert {(m["system_id"], tuple(m["fields"])) for m in result.missing_dates} == {("T2", ("contract_end",))}
    # function window over the EPJ products: Narvik's latest EPJ contract decides (Gerica 2028-06-30);
    # its binding notice deadline is the earliest (Visma Profil 2026-04-30 − 3 months = 2026-01-30)
    [fw] = [w for w in result.function_windows if w["function"] == "Pleie og omsorg EPJ"]
    assert fw["municipalities"] == ["1806", "1853"]
    assert fw["notice_deadlines"]["1806"] == "2026-01-30"
    assert fw["running_on_notice"] == []
    # a month later that deadline has passed: Narvik is flagged as running on notice
    later = overlap.analyse(region.systems, load_catalogue(), ReportOptions(as_of=dt.date(2026, 2, 1)))
    [fw] = [w for w in later.function_windows if w["function"] == "Pleie og omsorg EPJ"]
    assert fw["running_on_notice"] == ["1806"]
    assert fw["products"] == {"Gerica": ["1806", "1853"], "Visma Profil": ["1806"]}


def test_k3_needs_three_partners(region):
    result = overlap.analyse(region.systems, load_catalogue(), ReportOptions(as_of=AS_OF, k=3))
    assert result.exit_windows == [] and result.function_windows == []


def test_report_section_is_public_and_iso(region):
    report = json.loads(to_json(build_report(region, ReportOptions(as_of=AS_OF))))
    o = report["overlap"]
    for key in ("shared_products", "harmonisation_candidates", "exit_windows", "tender_candidates", "not_in_catalogue"):
        assert key in o
    assert [w["product"] for w in o["exit_windows"]] == ["Microsoft 365", "Gerica"]
    ms = o["exit_windows"][0]
    assert ms["proposed_start"] == "2027-07-01" and ms["notice_deadlines"] == {"1853": "2027-03-30", "5512": "2027-03-30"}
    # Narvik's confidential Visma Profil row: cost and dates hidden, reported as such
    text = json.dumps(report, ensure_ascii=False)
    assert "2026-04-30" not in text and "85000" not in text and "Kari Hemmelig" not in text
    assert {"municipality": "1806", "system_id": "N2", "product": "Visma Profil", "line": 3,
            "fields": ["contract_end", "notice_months"], "reason": "confidential"} in o["missing_dates"]
    [h] = o["harmonisation_candidates"]
    assert h["annual_cost_nok"] == 460000  # the confidential 85 000 is left out
    assert o["similarity"]["weight"] == "users" and o["communities"]
    assert any("mangler avtaleutløp" in w for w in report["warnings"])


def test_filters_by_service_area_and_municipality(region):
    cat = load_catalogue()
    only_felles = overlap.analyse(region.systems, cat, ReportOptions(as_of=AS_OF), service_areas=["felles"])
    assert [s["product"] for s in only_felles.shared_products] == ["Microsoft 365"]
    two = overlap.analyse(region.systems, cat, ReportOptions(as_of=AS_OF), municipalities=["1853", "1806"])
    assert [s["product"] for s in two.shared_products] == ["Gerica"]


def test_cli_prints_norwegian_summary(region, capsys):
    args = argparse.Namespace(data=str(region.data_dir), as_of=AS_OF, k=2, tolerance_months=12, horizon_years=5)
    assert cli.cmd_overlap(args) == 0
    out = capsys.readouterr().out
    assert "Felles produkter (brukt av minst to kommuner): 3" in out
    assert "Gerica: Narvik, Evenes ledige 01.01.2028–01.07.2028, felles oppstart 01.07.2028" in out
    assert "Harmoniseringskandidater" in out


def test_cli_refuses_invalid_data(tmp_path, capsys):
    build(tmp_path)
    bad = tmp_path / "municipalities" / "1853-evenes" / "systems.csv"
    bad.write_text(bad.read_text("utf-8").replace("2027-12-31", "31.12.2027"), encoding="utf-8")
    assert cli.main(["overlap", "--data", str(tmp_path), "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "Overlappen lages ikke før dataene er gyldige" in err
    assert "systems.csv:2: contract_end" in err


def test_example_region_has_shared_harmonisation_and_window():
    region = digireform.load()
    if not region.numbers:
        pytest.skip("example region not present")
    o = build_report(region, ReportOptions(as_of=dt.date(2026, 3, 1)))["overlap"]
    assert o["shared_products"] and o["harmonisation_candidates"] and o["exit_windows"]
    w = o["exit_windows"][0]
    for nr, ids in w["systems"].items():  # traceable to rows that exist
        rows = region.systems[(region.systems["municipality"] == nr) & region.systems["system_id"].isin(ids)]
        assert len(rows) == len(ids)
