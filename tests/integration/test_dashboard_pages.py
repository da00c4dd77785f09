"""The dashboards without a browser: page data of every page against the public report,
a hand-computed change, the HTML rendering (escaping, views, no inline script), the data
version shown on every page, and one built site version."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from pathlib import Path

import pytest

from digireform.analysis.options import ReportOptions
from digireform.dashboard import common, dataversion, inline, pages, render, site
from digireform.dashboard.pages.base import DOCS_ENV, Context, texts
from digireform.report import build_report
from digireform.validate.region import load
from tests.support.regionfiles import copy_example as copy_region
from tests.support.regionfiles import git

NUMBERS = ["1806", "1851", "1853", "5512", "5516"]
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    return copy_region(tmp_path_factory.mktemp("region"))


@pytest.fixture(scope="module")
def report(region) -> dict:
    return json.loads(json.dumps(build_report(load(region), ReportOptions(as_of=TODAY)), default=str))


def kpis(block: dict, selection: str) -> dict[str, str]:
    """data-value of each key-figure card in one selection's HTML."""
    return dict(re.findall(r'data-kpi="([^"]+)" data-value="([^"]*)"', block["variants"][selection]))


def first_kpis(page: dict) -> dict:
    return next(b for b in page["blocks"] if b["kind"] == "html" and "data-kpi" in json.dumps(b))


@pytest.mark.parametrize("name", pages.PAGE_NAMES)
def test_every_page_has_a_view_per_selection_and_plain_json(region, name):
    page = pages.page_data(name, data_dir=region, as_of=TODAY)
    assert [s for s, _ in page["selections"]] == ["alle", *NUMBERS]
    assert page["title"] and page["intro"] and page["data_version"]["kind"] == "files"
    for block in page["blocks"]:
        assert set(block["variants"]) in ({"*"}, {"alle", *NUMBERS}), (name, set(block["variants"]))
    text = json.dumps(page, ensure_ascii=False)
    assert json.loads(text) == page
    for word in ("issue", "TODO", "originalkilde ikke kontrollert", "Sjekk "):
        assert word not in text, word


@pytest.mark.parametrize("nr", [None, *NUMBERS])
def test_oversikt_key_figures_are_the_reports(region, report, nr):
    page = pages.page_data("oversikt", data_dir=region, as_of=TODAY)
    scope = report["region"] if nr is None else report["municipalities"][nr]
    got = kpis(first_kpis(page), nr or "alle")
    assert got["systems"] == str(scope["systems"])
    assert got["annual_cost_nok"] == str(scope["annual_cost_nok"])
    assert got["cost_per_inhabitant_nok"] == str(scope["cost_per_inhabitant_nok"])
    shared = [p for p in report["overlap"]["shared_products"] if nr is None or nr in p["municipalities"]]
    assert got["shared_products"] == str(len(shared))


def test_other_pages_key_figures_are_the_reports(region, report):
    ov = report["overlap"]
    got = kpis(first_kpis(pages.page_data("overlapp", data_dir=region, as_of=TODAY)), "1853")
    assert got["shared_products"] == str(sum("1853" in p["municipalities"] for p in ov["shared_products"]))
    assert got["exit_windows"] == str(sum("1853" in w["municipalities"] for w in ov["exit_windows"]))
    welfare = report["municipalities"]["1806"]["welfare"].values()
    got = kpis(first_kpis(pages.page_data("velferdsteknologi", data_dir=region, as_of=TODAY)), "1806")
    assert got["welfare_in_use"] == str(sum(v["in_use"] or 0 for v in welfare))
    got = kpis(first_kpis(pages.page_data("digital-modenhet", data_dir=region, as_of=TODAY)), "alle")
    assert got["targets"] == str(sum(len(m.get("targets", [])) for m in report["municipalities"].values()))
    anbud = pages.page_data("anbud", data_dir=region, as_of=TODAY)
    assert kpis(anbud["blocks"][0], "alle")["tender_participants"] == "5"


def test_one_more_system_adds_one_and_its_cost(tmp_path):
    """Hand-computed: a new Evenes system costing 123 456 kr adds 1 system and 123 456 kr."""
    data = copy_region(tmp_path)
    before = {s: kpis(first_kpis(pages.page_data("oversikt", data_dir=data, as_of=TODAY)), s) for s in ("alle", "1853")}
    path = next((data / "municipalities").glob("1853-*")) / "systems.csv"
    lines = path.read_text("utf-8").splitlines()
    fields = lines[1].split(",")
    header = lines[0].split(",")
    fields[header.index("system_id")] = "EVE-999"
    fields[header.index("annual_cost_nok")] = "123456"
    fields[header.index("confidential")] = "no"
    path.write_text("\n".join([*lines, ",".join(fields)]) + "\n", "utf-8")
    after = {s: kpis(first_kpis(pages.page_data("oversikt", data_dir=data, as_of=TODAY)), s) for s in ("alle", "1853")}
    for s in ("alle", "1853"):
        assert int(after[s]["systems"]) == int(before[s]["systems"]) + 1
        assert int(after[s]["annual_cost_nok"]) == int(before[s]["annual_cost_nok"]) + 123456
    assert after["alle"]["cost_per_inhabitant_nok"] != before["alle"]["cost_per_inhabitant_nok"]


# --------------------------------------------------------------------------- rendering


def tiny_page() -> dict:
    evil = "</script><script>alert(1)</script>"
    return {
        "name": "oversikt", "title": "Oversikt", "intro": "Intro <b>", "texts": texts(),
        "example_data": True, "as_of": "2026-12-01", "problems": 0, "home_url": "/", "credits": ["Kart: X"],
        "data_version": {"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": True},
        "selections": [["alle", "Alle partnere"], ["1853", "Evenes"]],
        "blocks": [
            {"kind": "html", "variants": {"alle": common.kpi_cards([{"key": "systems", "label": "Systemer",
                                                                       "value": 3, "text": "3"}]),
                                          "1853": common.table(["Produkt"], [[evil]])}},
            {"kind": "figure", "title": "Figur", "note": "", "height": 330, "empty": "Ingen avtaler.",
             "variants": {"alle": {"data": [{"type": "bar", "x": [evil], "y": [1]}], "layout": {}, "config": {}},
                          "1853": None}},
        ],
    }


def test_rendered_page_escapes_data_and_has_no_inline_script():
    html = render.dashboard_page(tiny_page(), {"dashboard.js": "v1"})
    assert "<script>alert" not in html and "Intro &lt;b&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # in the table
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in html  # in the chart JSON
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [' src="/static/dashboard.js?v=v1" defer', ' type="application/json" class="dr-fig"']
    assert 'data-plotly="/static/plotly.min.js"' in html  # loaded by dashboard.js after the first paint
    assert " style=" not in html and "onclick" not in html


def test_rendered_page_shows_alle_and_hides_the_other_views():
    html = render.dashboard_page(tiny_page())
    assert re.findall(r'class="(dr-view[^"]*)" data-view="([^"]+)"', html) == [
        ("dr-view dr-active", "alle"), ("dr-view", "1853"), ("dr-view dr-active", "alle"), ("dr-view", "1853")]
    assert '<option value="alle" selected>Alle partnere</option><option value="1853">Evenes</option>' in html
    assert "Ingen avtaler." in html and "dr-h360" in html  # 330 px rounds to the 360 px class
    assert '"topojsonURL":"/static/topojson/"' in html


def test_chart_json_round_trips():
    html = render.dashboard_page(tiny_page())
    raw = re.search(r'class="dr-fig">(.*?)</script>', html).group(1)
    assert json.loads(raw)["data"][0]["x"] == ["</script><script>alert(1)</script>"]


def test_the_data_version_in_words():
    assert common.version_text({"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": False}) == \
        "Data: versjon abc1234 fra 30.11.2026"
    assert common.version_text({"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": True}) == \
        "Data: versjon abc1234 fra 30.11.2026 (endret etter siste commit)"
    assert common.version_text({"kind": "files", "time": "2026-12-01T09:41:07"}) == \
        "Data: filer endret 01.12.2026 kl. 09:41"
    assert common.version_text(None) == "Data: ukjent versjon"
    # the same wording inside a sentence («tallene er fra …»), without the heading's «Data:»
    assert common.version_text({"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": True},
                               in_sentence=True) == "versjon abc1234 fra 30.11.2026"
    assert common.version_text({"kind": "files", "time": "2026-12-01T09:41:07"}, in_sentence=True) == \
        "dataene slik de var 01.12.2026 kl. 09:41"
    assert common.version_text(None, in_sentence=True) == "en tidligere versjon"


def test_status_and_error_pages_are_norwegian_and_refresh_without_js():
    waiting = render.status_page(False)
    assert "Tallene beregnes" in waiting and '<meta http-equiv="refresh" content="5">' in waiting
    assert "<script" not in waiting
    assert "prøver igjen" in render.status_page(True)
    assert "Fant ikke siden" in render.error_page(404) and "(500)" in render.error_page(500)


def test_notebook_outputs_hold_html_and_plotly_for_one_selection():
    bundles = inline.notebook_outputs(tiny_page(), "alle")
    assert [sorted(b) for b in bundles] == [["text/html"], ["application/vnd.plotly.v1+json", "text/plain"],
                                            ["text/html"]]
    assert 'data-kpi="systems"' in bundles[0]["text/html"]
    evenes = inline.notebook_outputs(tiny_page(), "1853")
    assert "Ingen avtaler." in evenes[1]["text/html"] and "&lt;/script&gt;" in evenes[0]["text/html"]


# --------------------------------------------------------------------------- data version and fingerprint


GIT_DATE = "2026-11-30T12:00:00"


def test_data_version_from_git_and_from_file_times(tmp_path):
    data = tmp_path / "region"
    (data / "municipalities" / "1853-evenes").mkdir(parents=True)
    csv = data / "municipalities" / "1853-evenes" / "systems.csv"
    csv.write_text("system_id\n", "utf-8")
    stamp = dt.datetime(2026, 11, 2, 7, 5, tzinfo=dt.UTC).timestamp()  # 08:05 in Oslo (CET)
    os.utime(csv, (stamp, stamp))
    assert dataversion.data_version(data) == {"kind": "files", "time": "2026-11-02T08:05:00"}
    git(data, "init", "-q")
    git(data, "add", ".")
    git(data, "commit", "-qm", "data", date=GIT_DATE)
    short = git(data, "rev-parse", "--short", "HEAD")
    assert dataversion.data_version(data) == {"kind": "git", "hash": short, "date": "2026-11-30", "dirty": False}
    csv.write_text("system_id\nEVE-1\n", "utf-8")
    assert dataversion.data_version(data)["dirty"] is True


def test_data_version_is_the_last_commit_that_touched_the_data(tmp_path):
    """Data inside the code's repository: a later code commit, built output or a code edit
    changes neither the hash nor «dirty»; the commit's date is Oslo's (23:30 UTC is the next day)."""
    repo = tmp_path / "repo"
    data = repo / "example"
    (data / "municipalities" / "1853-evenes").mkdir(parents=True)
    (data / "municipalities" / "1853-evenes" / "systems.csv").write_text("system_id\n", "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    env_date = "2026-11-30T23:30:00+00:00"
    data_commit = _commit(repo, "data", env_date)
    (repo / "code.py").write_text("x = 1\n", "utf-8")
    git(repo, "add", ".")
    _commit(repo, "code", "2026-12-01T09:00:00+00:00")
    (repo / "code.py").write_text("x = 2\n", "utf-8")  # uncommitted code change
    (data / "procurement" / "out").mkdir(parents=True)
    (data / "procurement" / "out" / "x.md").write_text("bygget", "utf-8")
    assert dataversion.data_version(data) == {"kind": "git", "hash": data_commit, "date": "2026-12-01", "dirty": False}
    (data / "municipalities" / "1853-evenes" / "systems.csv").write_text("system_id\nEVE-1\n", "utf-8")
    assert dataversion.data_version(data)["dirty"] is True


def _commit(repo: Path, message: str, date: str) -> str:
    git(repo, "commit", "-qm", message, date=date)
    return git(repo, "rev-parse", "--short", "HEAD")


def test_fingerprint_follows_data_files_and_head_but_not_built_output(tmp_path):
    data = copy_region(tmp_path / "region")
    first = dataversion.fingerprint(data, TODAY)
    (data / "procurement" / "out").mkdir(exist_ok=True)
    (data / "procurement" / "out" / "x.md").write_text("bygget", "utf-8")
    assert dataversion.fingerprint(data, TODAY) == first
    assert dataversion.fingerprint(data, TODAY + dt.timedelta(days=1)) != first
    profile = next((data / "municipalities").glob("1853-*")) / "kommune.yaml"
    profile.write_text(profile.read_text("utf-8") + "\n", "utf-8")
    second = dataversion.fingerprint(data, TODAY)
    assert second != first
    git(data, "init", "-q")
    git(data, "add", ".")
    git(data, "commit", "-qm", "data", date=GIT_DATE)
    assert dataversion.fingerprint(data, TODAY) != second


def test_a_built_version_holds_five_pages_and_the_documents(region, tmp_path):
    meta = site.build(region, tmp_path / "v1", "fp1")
    assert meta["fingerprint"] == "fp1" and meta["warnings"] == []
    version = site.load(tmp_path / "v1")
    assert sorted(version.pages) == sorted(pages.PAGE_NAMES)
    assert len(version.documents) == 11 and all(r.download for r in version.documents.values())
    assert not (tmp_path / "v1" / "dokumenter" / "velferdsteknologi-2027" / "intern").exists()  # never built there
    page = version.pages["anbud"]
    assert gzip.decompress(page.gzipped) == page.body
    assert b"/dokumenter/velferdsteknologi-2027/konkurransegrunnlag.docx" in page.body
    with pytest.raises(FileExistsError):  # a version folder is never written twice
        site.build(region, tmp_path / "v1", "fp2")
    assert DOCS_ENV not in os.environ  # the build left this process as it found it


def test_a_build_loads_the_data_once_and_dates_pages_and_documents_alike(region, tmp_path, monkeypatch):
    """One load and one Context for the five pages and every tender's documents; all of them
    dated by Oslo's date (here one day after the server's, as just after midnight in Norway)."""
    from digireform.tender import build as tender_build
    from digireform.validate import region as region_module

    loads, real_load = [], region_module.load

    def counting_load(*args, **kwargs):
        loads.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(region_module, "load", counting_load)
    monkeypatch.setattr(tender_build, "load", counting_load)
    contexts, real_context = [], Context.__init__

    def counting_context(self, *args, **kwargs):
        contexts.append(args)
        real_context(self, *args, **kwargs)

    monkeypatch.setattr(Context, "__init__", counting_context)
    oslo = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(site, "local_today", lambda: oslo)
    site.build(region, tmp_path / "v1", "fp1")
    assert len(loads) == 1 and len(contexts) == 1
    version = site.load(tmp_path / "v1")
    for name, res in version.pages.items():
        assert f"beregnet {common.fmt_date(oslo.isoformat())}" in res.body.decode(), name
    releases = [json.loads(res.body)["releases"][0] for key, res in version.documents.items() if key.endswith(".json")]
    assert len(releases) == 2
    for release in releases:
        assert release["date"].startswith(oslo.isoformat()) and oslo.strftime("%Y%m%d") in release["id"]


# --------------------------------------------------------------------------- data with errors (datacheck)


def _evenes(data: Path) -> Path:
    return next((data / "municipalities").glob("1853-*"))


def _set_cell(data: Path, system_id: str, column: str, value: str) -> None:
    path = _evenes(data) / "systems.csv"
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    for i, line in enumerate(lines):
        if line.startswith(system_id + ","):
            row = line.split(",")
            row[header.index(column)] = value
            lines[i] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_datacheck_tells_a_left_out_municipality_from_cell_errors(tmp_path):
    from digireform.dashboard import datacheck

    assert datacheck.check(load(copy_region(tmp_path / "ok"))).as_dict() == {
        "problems": 0, "cell_problems": 0, "left_out": [], "cell_municipalities": []}
    broken = copy_region(tmp_path / "yaml")
    (_evenes(broken) / "kommune.yaml").write_text("name: [ikke lukket\n", "utf-8")
    verdict = datacheck.check(load(broken))
    assert not verdict.publishable
    assert [(i["number"], i["name"], i["what"]) for i in verdict.left_out] == [("1853", "Evenes", "kommune")]
    assert datacheck.left_out_text(verdict.left_out) == (
        "Tallene er ufullstendige fordi dataene har feil: Evenes er ikke med. Prosjektgruppen retter dem.")
    quote = copy_region(tmp_path / "quote")  # a quote never closed: the rest of systems.csv is not read
    _set_cell(quote, "EVE-005", "notes", '"aldri lukket')
    verdict = datacheck.check(load(quote))
    assert [(i["name"], i["what"]) for i in verdict.left_out] == [("Evenes", "systems")]
    assert "systemlisten til Evenes er ikke med" in datacheck.left_out_text(verdict.left_out)
    cell = copy_region(tmp_path / "cell")
    _set_cell(cell, "EVE-009", "annual_cost_nok", "mye")
    verdict = datacheck.check(load(cell))
    assert verdict.publishable and verdict.cell_problems == 1 and verdict.cell_municipalities == ["Evenes"]
    assert datacheck.cell_text(1, ["Evenes"]) == (
        "Dataene har 1 feil i Evenes som prosjektgruppen må rette; celler med feil er ikke med i tallene.")
    bom = copy_region(tmp_path / "bom")  # a BOM is named, but every row is still read
    path = _evenes(bom) / "welfare.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert datacheck.check(load(bom)).publishable


def test_datacheck_goes_by_the_problems_scope_not_their_wording(tmp_path):
    from digireform.dashboard import datacheck
    from digireform.model.errors import Problem

    data = copy_region(tmp_path)
    evenes = _evenes(data)

    def verdict(*problems: Problem) -> datacheck.DataCheck:
        region = load(data)
        region.problems[:] = list(problems)
        return datacheck.check(region)

    words = "en helt ny formulering"  # no message validation writes
    for scope, name, what in (("file", "systems.csv", "systems"), ("file", "welfare.csv", "welfare"),
                              ("file", "kommune.yaml", "kommune"), ("folder", "", "kommune")):
        held = verdict(Problem(str(evenes / name) if name else str(evenes), None, "x", words, scope=scope))
        assert not held.publishable, (scope, name)
        assert [(i["number"], i["name"], i["what"]) for i in held.left_out] == [("1853", "Evenes", what)]
    held = verdict(Problem(str(data / "municipalities" / "evenes"), None, "y", words, scope="folder"))
    assert [(i["name"], i["what"]) for i in held.left_out] == [("evenes", "kommune")]
    # the same messages and fields, scoped to a cell or a row (or in the optional survey.csv): published
    for scope, name in (("cell", "systems.csv"), ("row", "welfare.csv"), ("cell", "kommune.yaml"),
                        ("file", "survey.csv")):
        published = verdict(Problem(str(evenes / name), 3, "(fil)", "filen er tom; " + words, scope=scope))
        assert published.publishable and published.cell_municipalities == ["Evenes"], (scope, name)
    assert verdict(Problem(str(evenes), None, "(mappe)", "mappenavnet skal være ...")).publishable


def test_a_build_that_would_leave_out_a_municipality_is_held_back(tmp_path):
    data = copy_region(tmp_path / "region")
    (_evenes(data) / "kommune.yaml").write_text("name: [ikke lukket\n", "utf-8")
    meta = site.build(data, tmp_path / "held", "fp", hold_back=True)
    assert meta["held_back"] is True and not (tmp_path / "held" / site.PAGES_DIR).exists()
    assert meta["check"]["left_out"][0]["name"] == "Evenes"
    # first start (nothing published before): published, with a warning naming Evenes
    meta = site.build(data, tmp_path / "first", "fp")
    assert meta["held_back"] is False and meta["problems"] == len(load(data).problems) > 0
    version = site.load(tmp_path / "first")
    assert version.check["left_out"][0]["name"] == "Evenes"  # the landing page names it too (serve)
    for name, res in version.pages.items():
        assert "Tallene er ufullstendige fordi dataene har feil: Evenes er ikke med." in res.body.decode(), name


def test_a_held_back_version_puts_the_notice_on_every_page(region, tmp_path):
    site.build(region, tmp_path / "v1", "fp1")
    version = site.load(tmp_path / "v1")
    notice = common.held_back_notice({"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": False})
    held = site.with_notice(version, notice)
    for name, res in held.pages.items():
        text = res.body.decode()
        assert text.count("Nyere data har feil og vises ikke ennå; tallene er fra versjon abc1234 fra 30.11.2026.") \
            == 1, name
        assert gzip.decompress(res.gzipped) == res.body
    assert held.documents == version.documents and "Nyere data" not in version.pages["oversikt"].body.decode()
    assert "Nyere data" in render.landing_page(version=version.data_version, notice=notice)
    assert held.landing.body.count(notice.encode()) == 1 and notice.encode() not in version.landing.body
    assert gzip.decompress(held.landing.gzipped) == held.landing.body


def _anbud_text(data: Path) -> tuple[dict, str]:
    import html as html_mod

    page = pages.build_page("anbud", Context(str(data), TODAY.isoformat()))
    body = render.dashboard_page(page)
    return page, html_mod.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("breakage", ["cell", "kommune.yaml"])
def test_anbud_with_data_errors_shows_the_tender_file_and_one_calm_sentence(tmp_path, breakage):
    data = copy_region(tmp_path)
    if breakage == "cell":
        _set_cell(data, "EVE-009", "annual_cost_nok", "mye")
    else:
        (_evenes(data) / "kommune.yaml").write_text("name: [ikke lukket\n", "utf-8")
    page, text = _anbud_text(data)
    for title in ("Felles journalsystem for pleie- og omsorgstjenestene", "Felles anskaffelse av velferdsteknologi"):
        assert title in text, title
    assert "pleie-og-omsorg-epj-2027" not in text and "velferdsteknologi-2027" not in text
    assert "Anbudsdokumentene er ikke oppdatert fordi dataene har feil; prosjektgruppen retter dem." in text
    for word in ("digireform", "validate", "Anbudsfila", "procurement", str(data), "er ikke med i dette anbudet"):
        assert word not in text, word
    assert kpis(page["blocks"][0], "alle")["tender_participants"] == "5"
    if breakage == "cell":
        assert kpis(page["blocks"][0], "1853")["tender_participants"] == "5"  # Evenes takes part


def test_anbud_says_not_taking_part_only_when_the_tender_file_says_so(region):
    page = pages.build_page("anbud", Context(str(region), TODAY.isoformat()))
    views = [b["variants"] for b in page["blocks"]]
    outside = [(i, nr) for i, v in enumerate(views) for nr in NUMBERS if "er ikke med i dette anbudet" in v[nr]]
    from digireform.tender.definition import load_tender

    files = sorted((region / "procurement" / "tenders").glob("*.yaml"))
    expected = [(i, nr) for i, f in enumerate(files) for nr in NUMBERS if nr not in load_tender(f).participants]
    assert outside == expected


def test_the_exit_window_chart_says_how_many_of_the_key_figure_it_shows(region, report):
    page = pages.build_page("overlapp", Context(str(region), TODAY.isoformat()))
    block = next(b for b in page["blocks"] if b.get("title") == "Felles exit-vinduer")
    total = len(report["overlap"]["exit_windows"])
    assert total > 20 and kpis(first_kpis(page), "alle")["exit_windows"] == str(total)
    assert block["view_notes"]["alle"] == f"Viser de 20 første av {total} felles exit-vinduer."
    assert len(block["variants"]["alle"]["data"][0]["y"]) == 20
    html = render.dashboard_page(page)
    assert f"Viser de 20 første av {total} felles exit-vinduer." in html
    fewer = [nr for nr in NUMBERS if sum(nr in w["municipalities"] for w in report["overlap"]["exit_windows"]) <= 20]
    assert all(nr not in block["view_notes"] for nr in fewer)


def test_wide_tables_and_charts_scroll_inside_their_box():
    assert common.table(["A"], [["1"]]).startswith('<div class="dr-scroll"><table')
    html = render.figure_block({"title": "T", "variants": {"*": {"data": [], "layout": {}}}, "min_width": 1000},
                               "/static/topojson/")
    assert '<div class="dr-scroll"><div class="dr-chart dr-h360 dr-w1000">' in html
    css = (render.STATIC_DIR / "digireform.css").read_text("utf-8")
    assert ".dr-w1000 { min-width: 1000px; }" in css and ".dr-scroll { overflow-x: auto;" in css


def test_anbud_shows_the_notice_key_fields_and_the_cost_sharing_of_each_tender(region):
    _, text = _anbud_text(region)
    text = re.sub(r"\s+", " ", text)
    # the welfare tender: open procedure, tender deadline, four lots whose values sum to the estimate
    assert ("Kunngjøringstype Kunngjøring av konkurranse – direktiv 2014/24/EU, standardregimet (eForms 16) "
            "Prosedyre Åpen anbudskonkurranse (FOA § 13-1 første ledd) Tilbudsfrist 01.03.2027") in text
    assert "1 Trygghetsalarm og responssenter 21 645 601 kr" in text
    # the EPJ: two stages, so the deadline shown is the one for requests to participate
    assert "Frist for forespørsel om å delta 06.04.2027 Fordeling av kostnadene" in text
    assert "Fordelingsnøkkel: brukere av systemene i omfanget (anslått verdi per år)" in text
    assert "Sum 1 015 100,00 % 2 563 333 kr" in text  # 15 380 000 kr over 4 + 2 years
