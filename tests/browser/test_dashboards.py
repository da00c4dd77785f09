"""The dashboards in a real browser: they load, show the report's figures, react to the
municipality selector, fetch nothing from outside and leak nothing confidential."""
from __future__ import annotations

import re

import pytest

from .conftest import SCREENSHOTS, SECRET_CONTACT, SECRET_COST

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud"]
ERROR_WORDS = re.compile(r"Traceback|Exception|Error|Javascript|kunne ikke vises|NameError", re.IGNORECASE)


def open_dashboard(page, server, name: str) -> None:
    page.goto(f"{server['url']}/voila/render/{name}.ipynb", wait_until="domcontentloaded", timeout=60_000)
    page.locator(".dr-header").first.wait_for(state="visible", timeout=60_000)
    page.locator(".dr-selector select").first.wait_for(state="visible", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=30_000)


def visible_kpis(page) -> dict[str, str]:
    """data-value of every key-figure card that is visible now."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.dr-kpi')]
        .filter(e => e.offsetParent !== null).map(e => [e.dataset.kpi, e.dataset.value]))""")


def expected_kpis(name: str, report: dict, nr: str | None = None) -> dict[str, str]:
    """What `digireform report --json` says the page's key figures are (as data-value strings)."""
    scope = report["region"] if nr is None else report["municipalities"][nr]
    ov = report["overlap"]
    mine = (lambda items: items) if nr is None else (lambda items: [i for i in items if nr in i["municipalities"]])
    munis = report["municipalities"] if nr is None else {nr: report["municipalities"][nr]}
    if name == "oversikt":
        return {"systems": str(scope["systems"]), "distinct_products": str(scope["distinct_products"]),
                "annual_cost_nok": str(scope["annual_cost_nok"]),
                "cost_per_inhabitant_nok": str(scope["cost_per_inhabitant_nok"]),
                "shared_products": str(len(mine(ov["shared_products"]))),
                "next_exit_window": mine(ov["exit_windows"])[0]["proposed_start"]}
    if name == "overlapp":
        return {"shared_products": str(len(mine(ov["shared_products"]))),
                "harmonisation_candidates": str(len(mine(ov["harmonisation_candidates"]))),
                "exit_windows": str(len(mine(ov["exit_windows"])))}
    if name == "velferdsteknologi":
        total = lambda key: sum(v[key] or 0 for m in munis.values() for v in m["welfare"].values())  # noqa: E731
        return {"welfare_in_use": str(total("in_use")), "welfare_needed": str(total("needed")),
                "welfare_gap": str(total("gap"))}
    if name == "digital-modenhet":
        return {"targets": str(sum(len(m.get("targets", [])) for m in munis.values()))}
    return {}


def test_landing_page_lists_the_five_dashboards(page, server):
    page.goto(server["url"] + "/")
    links = page.locator(".dr-dashboard-list a")
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/voila/render/{n}.ipynb" for n in PAGES)
    assert "Digital kommunereform" in page.inner_text("body")
    assert page.external_requests == []


@pytest.mark.parametrize("name", PAGES)
def test_dashboard_loads_with_report_figures_and_nothing_secret(page, server, report, name):
    open_dashboard(page, server, name)
    text = page.inner_text("body")
    html = page.content()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    assert not ERROR_WORDS.search(text), ERROR_WORDS.search(text)
    assert page.locator(".dr-error").count() == 0
    assert "Eksempeldata" in text
    assert re.search(r"Data per \d{2}\.\d{2}\.\d{4}", text)
    assert "def " not in text and "import " not in text  # sources stripped
    kpis = visible_kpis(page)
    for key, value in expected_kpis(name, report).items():
        assert kpis.get(key) == value, (key, kpis)
    for secret in (SECRET_COST, "987 654 321", "987\u00a0654\u00a0321", SECRET_CONTACT):
        assert secret not in html and secret not in text
    assert page.external_requests == []


def test_municipality_selector_changes_the_figures(page, server, report):
    open_dashboard(page, server, "oversikt")
    assert visible_kpis(page)["systems"] == str(report["region"]["systems"])
    page.select_option(".dr-selector select", label="Evenes")
    page.wait_for_function(
        "v => [...document.querySelectorAll('.dr-kpi[data-kpi=systems]')]"
        ".some(e => e.offsetParent !== null && e.dataset.value === v)",
        arg=str(report["municipalities"]["1853"]["systems"]), timeout=15_000)
    assert visible_kpis(page) == {**visible_kpis(page), **expected_kpis("oversikt", report, "1853")}
    assert page.external_requests == []


def test_anbud_links_the_public_documents(page, server):
    open_dashboard(page, server, "anbud")
    links = page.locator(".dr-docs a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith("/kravspesifikasjon.docx") for h in links)
    response = page.request.get(server["url"] + links[0])
    assert response.status == 200
    forbidden = page.request.get(server["url"] + "/voila/files/anbud.ipynb")
    assert forbidden.status in (403, 404)
