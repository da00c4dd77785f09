"""The dashboard server under a base URL (a JupyterHub service at /services/dashboards/):
every route and every link in the pages move under it; without one, everything stays at /.

In-process, loopback only: a small hand-made site version is swapped in as the refresher
would (`serve.rebase`), so no site build is needed.
"""
from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from digireform.cli import main
from digireform.dashboard import serve, site
from digireform.model.errors import DigireformError
from tests.support.server import free_port

BASE = "/services/dashboards/"
PAGE = ('<html><head><link rel="stylesheet" href="/static/digireform.css"></head><body>'
        '<a href="/">Hjem</a> <a href="/voila/render/anbud.ipynb">Anbud</a> <img src="/static/favicon.svg">'
        '<a href="//example.no/x">ekstern</a> <a href="https://example.no/">ekstern</a> <a href="#del">del</a>'
        '<p>Teksten «/static/» er ikke en lenke.</p></body></html>').encode()


def _version() -> site.SiteVersion:
    html = site.CONTENT_TYPES[".html"]
    pages = {"oversikt": site.Resource.make(PAGE, html)}
    return site.SiteVersion("fp", {"kind": "files", "time": "2026-12-01T09:41:00"}, pages, {})


@pytest.mark.parametrize(("given", "expected"), [
    (None, "/"), ("", "/"), ("/", "/"), ("services/dashboards", BASE), ("/services/dashboards/", BASE),
    ("//services//dashboards", BASE),
])
def test_base_url_is_normalised(given, expected):
    assert serve.normalize_base_url(given) == expected


@pytest.mark.parametrize("bad", ["/a b/", "/../x", "/x?y=1", '/x"/', "/ø/"])
def test_a_base_url_that_is_not_a_plain_path_is_refused_in_norwegian(bad):
    with pytest.raises(DigireformError, match="--base-url: .* er ikke en gyldig sti"):
        serve.normalize_base_url(bad)


def test_a_bad_base_url_on_the_command_line_is_exit_1_without_traceback(capsys):
    assert main(["dashboards", "--port", str(free_port()), "--base-url", "/a b/"]) == 1
    err = capsys.readouterr().err
    assert "er ikke en gyldig sti" in err and "Traceback" not in err


def test_rebase_moves_only_our_root_links():
    out = serve.rebase_html(PAGE, BASE).decode()
    assert 'href="/services/dashboards/static/digireform.css"' in out
    assert 'href="/services/dashboards/"' in out
    assert 'href="/services/dashboards/voila/render/anbud.ipynb"' in out
    assert 'src="/services/dashboards/static/favicon.svg"' in out
    assert 'href="//example.no/x"' in out and 'href="https://example.no/"' in out and 'href="#del"' in out
    assert "Teksten «/static/» er ikke en lenke." in out
    assert serve.rebase_html(PAGE, "/") is PAGE


def _fetch_all(base_url: str, paths: list[str]) -> list[tuple[int, str, str]]:
    """(status, Location, body) of each path, from an in-process server with `_version()` swapped in."""
    from tornado.httpclient import AsyncHTTPClient

    port = free_port()

    async def go() -> list[tuple[int, str, str]]:
        state = serve.State(serve.Path("."), serve.allowed_hosts(port), serve.load_static(), base_url=base_url)
        state.published = _version()
        state.current = serve.rebase(state.published, base_url)
        server = serve.make_app(state).listen(port, address="127.0.0.1")
        client = AsyncHTTPClient()
        try:
            seen = []
            for path in paths:
                resp = await client.fetch(f"http://127.0.0.1:{port}{path}", raise_error=False, follow_redirects=False)
                seen.append((resp.code, resp.headers.get("Location", ""), resp.body.decode("utf-8", "replace")))
            return seen
        finally:
            server.stop()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a thread of its own (Playwright's loop)
        return pool.submit(asyncio.run, go()).result(timeout=120)


def test_under_a_base_url_every_route_moves_and_the_root_is_gone():
    paths = [f"{BASE}oversikt", f"{BASE}voila/render/oversikt.ipynb", f"{BASE}static/digireform.css", BASE,
             BASE.rstrip("/"), "/oversikt", "/", f"{BASE}finnes-ikke"]
    page, voila, css, landing, bare, old, root, missing = _fetch_all(BASE, paths)
    assert page[0] == 200 and 'href="/services/dashboards/voila/render/anbud.ipynb"' in page[2]
    assert voila[0] == 200 and voila[2] == page[2]
    assert css[0] == 200
    assert landing[0] == 200 and 'href="/services/dashboards/voila/render/oversikt.ipynb"' in landing[2]
    assert 'href="/voila/' not in landing[2] and 'href="/static/' not in landing[2]
    assert bare[:2] == (302, BASE)
    assert old[0] == 404 and root[0] == 404
    assert missing[0] == 404 and 'href="/services/dashboards/"' in missing[2]


def test_without_a_base_url_everything_stays_at_the_root():
    page, landing, prefixed = _fetch_all("/", ["/oversikt", "/", f"{BASE}oversikt"])
    assert page[0] == 200 and page[2] == PAGE.decode()
    assert landing[0] == 200 and 'href="/voila/render/oversikt.ipynb"' in landing[2]
    assert prefixed[0] == 404
