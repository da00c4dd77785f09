"""The dashboards in a real browser: they load (ten times each) with the report's figures,
react to the municipality selector, fetch nothing from outside, break no CSP rule, leak
nothing confidential, and hold up when 30 HTTP and 10 Chromium viewers arrive at once."""
from __future__ import annotations

import asyncio
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.browser import CHROMIUM_ARGS, SCREENSHOTS, chromium_path, watch
from tests.support.planted import leaked

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["oversikt", "overlapp", "velferdsteknologi", "digital-modenhet", "anbud"]
CHART_PAGES = {"oversikt", "overlapp", "velferdsteknologi", "digital-modenhet"}
ERROR_WORDS = re.compile(r"Traceback|Exception|Error|Javascript error|kunne ikke vises|NameError|model not found",
                         re.IGNORECASE)
LOADS = 10


def url(server, name: str) -> str:
    return f"{server.url}/voila/render/{name}.ipynb"


def open_dashboard(page, server, name: str) -> None:
    page.goto(url(server, name), wait_until="load", timeout=60_000)
    page.locator(".dr-header").first.wait_for(state="visible", timeout=60_000)
    page.locator(".dr-selector select").first.wait_for(state="visible", timeout=60_000)
    if name in CHART_PAGES:
        page.locator(".dr-view.dr-active .js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=60_000)


VISIBLE_KPIS = """() => Object.fromEntries([...document.querySelectorAll('.dr-kpi')]
    .filter(e => e.offsetParent !== null).map(e => [e.dataset.kpi, e.dataset.value]))"""


def visible_kpis(page) -> dict[str, str]:
    """data-value of every key-figure card that is visible now."""
    return page.evaluate(VISIBLE_KPIS)


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
    return {"tender_participants": "5"}


def test_landing_page_lists_the_five_dashboards(page, server):
    page.goto(server.url + "/")
    links = page.locator(".dr-dashboard-list a")
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/voila/render/{n}.ipynb" for n in PAGES)
    assert "Digital kommunereform" in page.inner_text("body")
    assert page.external_requests == [] and page.problems == []


@pytest.mark.parametrize("name", PAGES)
def test_dashboard_loads_ten_times_with_report_figures_and_nothing_secret(page, server, report, name):
    expected = expected_kpis(name, report)
    for i in range(LOADS):
        open_dashboard(page, server, name)
        text = page.inner_text("body")
        assert not ERROR_WORDS.search(text), (i, ERROR_WORDS.search(text))
        assert page.locator(".dr-error").count() == 0
        kpis = visible_kpis(page)
        assert {k: kpis.get(k) for k in expected} == expected, i
    html = page.content()
    assert page.evaluate(LAYOUT_PROBLEMS) == []  # 1366×768: nothing wider than the screen
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert "Eksempeldata" in text
    assert re.search(r"Data: (versjon [0-9a-f]{7,} fra|filer endret) \d{2}\.\d{2}\.\d{4}", text)
    assert "def " not in text and "import " not in text and "issue" not in text.lower()
    assert leaked(html) == [] and leaked(text) == []
    assert page.external_requests == []
    assert page.problems == []  # no CSP violation, no script error, no failed request


def test_municipality_selector_changes_the_figures(page, server, report):
    open_dashboard(page, server, "oversikt")
    assert visible_kpis(page)["systems"] == str(report["region"]["systems"])
    page.select_option(".dr-selector select", label="Evenes")
    page.wait_for_function(
        "v => [...document.querySelectorAll('.dr-kpi[data-kpi=systems]')]"
        ".some(e => e.offsetParent !== null && e.dataset.value === v)",
        arg=str(report["municipalities"]["1853"]["systems"]), timeout=15_000)
    kpis = visible_kpis(page)
    assert {k: kpis[k] for k in expected_kpis("oversikt", report, "1853")} == expected_kpis("oversikt", report, "1853")
    page.locator('.dr-view.dr-active[data-view="1853"] .js-plotly-plot').first.wait_for(state="visible")
    assert page.url.endswith("#1853")
    page.reload()  # the choice survives a reload (it is in the address)
    page.wait_for_function("() => document.querySelector('.dr-selector select').value === '1853'")
    assert page.external_requests == [] and page.problems == []


def test_anbud_links_the_public_documents(page, server):
    open_dashboard(page, server, "anbud")
    links = page.locator(".dr-docs a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith("/konkurransegrunnlag.docx") for h in links)
    response = page.request.get(server.url + links[0])
    assert response.status == 200 and response.headers["x-content-type-options"] == "nosniff"
    assert page.request.get(server.url + "/voila/files/anbud.ipynb").status == 404


# --------------------------------------------------------------------------- a council meeting


def _http_viewer(address: str) -> tuple[int, str]:
    with urllib.request.urlopen(address, timeout=120) as resp:
        return resp.status, resp.read().decode("utf-8")


async def _chromium_viewers(address: str, port: int, n: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(n)]

            async def one(ctx) -> dict:
                pg = await ctx.new_page()
                problems: list[str] = []
                pg.on("pageerror", lambda e: problems.append(str(e)))
                await pg.goto(address, wait_until="commit", timeout=180_000)
                await pg.locator(".dr-kpi").first.wait_for(state="visible", timeout=180_000)
                await pg.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=180_000)
                return {"kpis": await pg.evaluate(VISIBLE_KPIS), "text": await pg.inner_text("body"),
                        "problems": problems}

            return await asyncio.wait_for(asyncio.gather(*(one(c) for c in contexts)), 300)
        finally:
            await browser.close()


def test_thirty_http_and_ten_chromium_viewers_at_once(server, report):
    """All 40 get the key figures, none sees an error text, none hangs (bounded timeouts)."""
    address = url(server, "oversikt")
    expected = expected_kpis("oversikt", report)
    with ThreadPoolExecutor(max_workers=31) as pool:
        # its own thread: the session's sync Playwright already runs an event loop in this one
        browsers = pool.submit(asyncio.run, _chromium_viewers(address, server.port, 10))
        http = [pool.submit(_http_viewer, address) for _ in range(30)]
        answers = [f.result(timeout=300) for f in http]
        chromium = browsers.result(timeout=400)
    assert [status for status, _ in answers] == [200] * 30
    for _, html in answers:
        assert f'data-kpi="systems" data-value="{expected["systems"]}"' in html
        assert "Tallene beregnes" not in html and not ERROR_WORDS.search(html.split("<main", 1)[1].replace(
            "application/json", ""))
    assert len(chromium) == 10
    for viewer in chromium:
        assert {k: viewer["kpis"].get(k) for k in expected} == expected
        assert not ERROR_WORDS.search(viewer["text"]) and viewer["problems"] == []


# --------------------------------------------------------------------------- a phone


LAYOUT_PROBLEMS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) out.push('page ' + document.documentElement.scrollWidth);
  for (const e of document.querySelectorAll('.dr-kpi-value')) {
    if (e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1) out.push('kpi ' + e.textContent);
  }
  for (const e of document.querySelectorAll('.dr-section, .dr-figure, .dr-kpi')) {
    const r = e.getBoundingClientRect();
    if (e.offsetParent !== null && r.right > width + 1) out.push('box ' + e.className + ' ' + Math.round(r.right));
  }
  for (const e of document.querySelectorAll('.dr-view.dr-active .js-plotly-plot')) {
    if (e.getBoundingClientRect().width < 600 && e.closest('.dr-scroll')) out.push('chart narrow');
  }
  return out;
}"""


def test_pages_fit_the_screen_of_a_phone(browser, server):
    """Nothing wider than the screen: tables and wide charts scroll inside their box, key figures
    wrap (1366×768 is checked by the ten-loads test, which saves `<name>.png`)."""
    w, h = 390, 844
    context = browser.new_context(viewport={"width": w, "height": h}, locale="nb-NO")
    try:
        pg = context.new_page()
        watch(pg, server.port)
        for name in ["/", *PAGES]:
            if name == "/":
                pg.goto(server.url + "/", wait_until="load")
            else:
                open_dashboard(pg, server, name)
            assert pg.evaluate(LAYOUT_PROBLEMS) == [], (name, w)
            SCREENSHOTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(SCREENSHOTS / f"{'forside' if name == '/' else name}-{w}x{h}.png"), full_page=True)
        assert pg.problems == [] and pg.external_requests == []
    finally:
        context.close()
