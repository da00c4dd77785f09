"""The dashboard server over HTTP: headers on every response, Host allow-list, odd paths,
documents, planted secrets, and fresh data without a restart (loopback only)."""
from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from digireform.dashboard import dataversion, render, serve, site
from tests.support import server as server_process
from tests.support.planted import (
    REPO,
    copy_region,
    leaked,
    plant_secrets,
    plant_valid_secret,
    texts_of,
)
from tests.support.server import Serving

pytestmark = pytest.mark.slow
PAGES = [slug for slug, _, _ in render.DASHBOARDS]


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    data = copy_region(tmp_path_factory.mktemp("region"))
    plant_secrets(data)
    return data


@pytest.fixture(scope="module")
def valid_server(tmp_path_factory):
    """Valid data with a confidential row and a contact person: the documents are built."""
    data = copy_region(tmp_path_factory.mktemp("valid"))
    plant_valid_secret(data)
    with Serving(data, tmp_path_factory.mktemp("log") / "valid.log") as s:
        yield s


@pytest.fixture(scope="module")
def server(planted, tmp_path_factory):
    with Serving(planted, tmp_path_factory.mktemp("log") / "server.log", allow_hosts=("dashbord.example.no",)) as s:
        yield s


def request(server, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    """A raw request (the path is sent exactly as given, e.g. with %2f)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": f"127.0.0.1:{server.port}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def document_links(server) -> list[str]:
    _, _, body = request(server, render.page_url("anbud"))
    return sorted(set(re.findall(r'href="(/dokumenter/[^"]+)"', body.decode())))


def assert_secure_headers(headers: dict) -> None:
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "ws:" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "server" not in headers


def test_every_kind_of_response_carries_the_security_headers(valid_server):
    paths = ["/", *[render.page_url(n) for n in PAGES], "/oversikt", "/static/dashboard.js",
             "/static/plotly.min.js", "/static/topojson/world_110m.json", "/finnes-ikke",
             document_links(valid_server)[0]]
    server = valid_server
    for path in paths:
        status, headers, _ = request(server, path)
        assert status in (200, 404), path
        assert_secure_headers(headers)
    status, headers, _ = request(server, "/", "POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"
    assert_secure_headers(headers)


@pytest.mark.parametrize("path", [
    "/static/..%2f..%2fserve.py", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../serve.py",
    "/voila/templates/digireform/static/..%2f..%2f404.html", "/voila/static/..%2fvoila.json",
    "/logout", "/login", "/api/kernels", "/voila/files/anbud.ipynb", "/dokumenter/../pyproject.toml",
    "/dokumenter/velferdsteknologi-2027/..%2f..%2fkommune.yaml", "/voila/render/../../etc/passwd",
    "/oversikt.ipynb", "/%00", "/voila/render/oversikt.ipynb/../x",
])
def test_odd_paths_get_a_norwegian_404_never_500(server, path):
    status, headers, body = request(server, path)
    assert status in (400, 403, 404), (path, status)
    assert_secure_headers(headers)  # also a 400 from the HTTP parser itself, before any handler
    assert ("Fant ikke siden" if status == 404 else "") in body.decode() and "Traceback" not in body.decode()


def test_only_allowed_host_names_are_answered(server):
    for host in ("evil.example", "evil.example:80", f"127.0.0.1.evil.example:{server.port}", ""):
        status, headers, body = request(server, "/", headers={"Host": host})
        assert status == 421, host
        assert_secure_headers(headers)
        assert "Ukjent adresse" in body.decode()
    for host in (f"localhost:{server.port}", "dashbord.example.no", "dashbord.example.no:443",
                 "dashbord.example.no:80", f"dashbord.example.no:{server.port}"):  # as a proxy may forward it
        assert request(server, "/", headers={"Host": host})[0] == 200, host
    assert request(server, "/", headers={"Host": "dashbord.example.no:8443"})[0] == 421
    assert request(server, "/", headers={"Origin": "https://dashbord.example.no"})[0] == 200
    assert request(server, "/", headers={"Origin": "http://evil.example"})[0] == 403


@pytest.mark.parametrize("raw", [b"GET / HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
                                 b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"])
def test_requests_without_a_valid_host_get_a_400_with_the_security_headers(server, raw):
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 400 Bad Request"
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    assert_secure_headers(headers)
    assert int(headers["content-length"]) == len(body) and "Ugyldig forespørsel" in body.decode()


def test_the_landing_page_says_example_data(server):
    status, _, body = request(server, "/")
    html = body.decode()
    assert status == 200 and '<span class="dr-badge"' in html and ">Eksempeldata</span>" in html
    assert "Tallene er oppdiktede eksempeldata" in html


def test_pages_are_plain_html_with_no_inline_script(server):
    for name in PAGES:
        status, headers, body = request(server, render.page_url(name))
        html = body.decode()
        assert status == 200 and headers["content-type"].startswith("text/html")
        scripts = re.findall(r"<script([^>]*)>", html)
        assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts
        assert all(src.startswith("/static/") for src in re.findall(r'src="([^"]+)"', html))
        assert " style=" not in html and "ws://" not in html and "http://" not in html and "https://" not in html
        assert "Data: " in html and "Traceback" not in html


def test_compressed_and_revalidated_responses(server):
    status, headers, gz = request(server, "/oversikt", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    import gzip

    _, plain_headers, plain = request(server, "/oversikt")
    assert gzip.decompress(gz) == plain
    assert request(server, "/oversikt", headers={"If-None-Match": plain_headers["etag"]})[0] == 304
    # the landing page too: built with the version, not on every request
    status, headers, gz = request(server, "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["etag"].endswith('-gz"')
    _, plain_headers, plain = request(server, "/")
    assert gzip.decompress(gz) == plain and b"Eksempeldata" in plain and plain_headers["etag"]
    assert request(server, "/", headers={"If-None-Match": plain_headers["etag"]})[0] == 304


def _leaks(server, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        status, _, body = request(server, path)
        assert status == 200, path
        hits = leaked(texts_of(body, path))
        if hits:
            found[path] = hits
    return found


def test_no_planted_mistake_leaks_a_secret_into_pages_or_static_files(server):
    """«Ja», «YES», «x» and a header typo: every such row stays confidential on every page."""
    paths = ["/", *[render.page_url(n) for n in PAGES], *[f"/static/{n}" for n in render.static_files()]]
    assert _leaks(server, paths) == {}
    # the participants' data have errors, so no tender document is built (and none from before is served)
    assert document_links(server) == []
    assert request(server, "/dokumenter/velferdsteknologi-2027/anbudsdokumenter.md")[0] == 404


def test_no_secret_in_the_served_documents(valid_server):
    links = document_links(valid_server)
    assert len(links) == 11, links  # EPJ (SSA-L) six public documents, welfare (SSA-K: no service-level bilag) five
    assert not any("intern" in link for link in links)  # the project group's file is never served
    assert _leaks(valid_server, ["/", *[render.page_url(n) for n in PAGES], *links]) == {}
    names = set()
    for link in links:
        slug, name = link.split("/")[-2:]
        status, headers, body = request(valid_server, link)
        assert headers["content-disposition"] == f'attachment; filename="{slug}-{name}"'
        names.add(f"{slug}-{name}")
        if name.endswith(".docx"):
            core = zipfile.ZipFile(io.BytesIO(body)).read("docProps/core.xml").decode()
            assert "python-docx" not in core and "2013" not in core
            assert "<dc:creator>Narvik kommune</dc:creator>" in core
            assert re.search(r"<dc:title>Felles [^<]+</dc:title>", core)
            today = dataversion.local_today().isoformat()
            assert f">{today}T00:00:00Z</dcterms:created>" in core and f">{today}T00:00:00Z</dcterms:modified>" in core
    assert len(names) == 11  # two tenders' kravmatrise.xlsx no longer download under one name
    _, _, page = request(valid_server, render.page_url("anbud"))
    assert 'download="velferdsteknologi-2027-kravmatrise.xlsx"' in page.decode()


def test_the_pages_show_the_figures_of_the_public_report(valid_server):
    server = valid_server
    out = subprocess.run([sys.executable, "-m", "digireform.cli", "report", "--json", "--data", str(server.data)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    report = json.loads(out.stdout)
    _, _, body = request(server, "/oversikt")
    first = re.search(r'data-view="alle">(.*?)</div></div></div>', body.decode()).group(1)
    assert f'data-kpi="systems" data-value="{report["region"]["systems"]}"' in first
    assert f'data-kpi="annual_cost_nok" data-value="{report["region"]["annual_cost_nok"]}"' in first


def _systems_figure(url: str) -> str:
    with urllib.request.urlopen(url + "/oversikt", timeout=30) as resp:
        html = resp.read().decode()
    alle = html.split('data-view="alle">', 1)[1]
    return re.search(r'data-kpi="systems" data-value="(\d+)"', alle).group(1)


def _version_id(url: str) -> str:
    with urllib.request.urlopen(url + "/oversikt", timeout=30) as resp:
        return re.search(r'data-version="([^"]*)"', resp.read().decode()).group(1)


def _epj_row(server) -> str:
    """The Evenes EPJ system's row in the served requirement specification."""
    status, _, body = request(server, "/dokumenter/pleie-og-omsorg-epj-2027/anbudsdokumenter.md")
    assert status == 200
    return next(line for line in body.decode().splitlines() if "| EVE-009 |" in line)


def test_changed_data_is_served_without_a_restart(tmp_path):
    """One save adds a system and marks the EPJ row confidential: the page shows one system
    more and, in the same version, the served document no longer shows that contract end."""
    data = copy_region(tmp_path / "region")
    with Serving(data, tmp_path / "server.log", poll=0.5) as s:
        before, version = int(_systems_figure(s.url)), _version_id(s.url)
        assert "30.06.2028" in _epj_row(s)
        systems = next((data / "municipalities").glob("1853-*")) / "systems.csv"
        lines = systems.read_text("utf-8").splitlines()
        header = lines[0].split(",")
        added = lines[1].split(",")
        added[0] = "EVE-999"
        for i, line in enumerate(lines):
            if line.startswith("EVE-009,"):
                row = line.split(",")
                row[header.index("confidential")] = "yes"
                lines[i] = ",".join(row)
        time.sleep(1.1)  # the data version is the newest file time to the second
        systems.write_text("\n".join([*lines, ",".join(added)]) + "\n", "utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and int(_systems_figure(s.url)) == before:
            time.sleep(0.2)
        assert int(_systems_figure(s.url)) == before + 1
        assert "30.06.2028" not in _epj_row(s)  # swapped together with the pages
        assert "Ny versjon" in s.log.read_text()
        assert _version_id(s.url) != version
    assert s.proc.poll() is not None  # stopped with the block


def test_a_broken_build_keeps_the_last_good_version(tmp_path):
    data = copy_region(tmp_path / "region")
    with Serving(data, tmp_path / "server.log", poll=0.5) as s:
        before = _systems_figure(s.url)
        shutil.rmtree(data / "municipalities")
        (data / "municipalities").write_text("ikke en mappe", "utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "kunne ikke beregnes" not in s.log.read_text():
            time.sleep(0.5)
        assert "kunne ikke beregnes" in s.log.read_text()
        status, _, body = request(s, "/oversikt")
        assert status == 200 and _systems_figure(s.url) == before and "Traceback" not in body.decode()


def test_port_in_use_is_a_norwegian_message_and_exit_1(server):
    out = subprocess.run([sys.executable, "-m", "digireform.cli", "dashboards", "--port", str(server.port)],
                         capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 1 and "er i bruk" in out.stderr and "Traceback" not in out.stderr


def test_wait_ready_reports_a_server_that_stopped(tmp_path):
    proc = server_process.start(1, data=tmp_path / "finnes-ikke", log_file=tmp_path / "log")
    with pytest.raises(RuntimeError):
        server_process.wait_ready(1, proc, timeout=60)
    assert proc.wait(10) == 1


def test_before_the_first_version_pages_say_they_are_computing(tmp_path):
    """In-process: with no version yet a page is a self-reloading Norwegian 503, never a hang."""
    import asyncio
    import concurrent.futures

    from tornado.httpclient import AsyncHTTPClient

    from tests.support.server import free_port

    port = free_port()

    async def go() -> list[tuple[int, str, str]]:
        state = serve.State(tmp_path, serve.allowed_hosts(port), serve.load_static())
        server = serve.make_app(state).listen(port, address="127.0.0.1")
        client = AsyncHTTPClient()
        seen = []
        try:
            for failed in (False, True):
                state.failed = failed
                resp = await client.fetch(f"http://127.0.0.1:{port}/oversikt", raise_error=False)
                seen.append((resp.code, resp.headers.get("Retry-After", ""), resp.body.decode()))
            head = await client.fetch(f"http://127.0.0.1:{port}/", method="HEAD", raise_error=False)
            seen.append((head.code, head.headers.get("X-Content-Type-Options", ""), head.body.decode()))
        finally:
            server.stop()
        return seen

    # A thread of its own: the browser tests' Playwright (sync API) may keep an event loop
    # running in this thread for the whole session.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        computing, failed, head = pool.submit(asyncio.run, go()).result(timeout=120)
    assert computing[:2] == (503, "5") and "Tallene beregnes" in computing[2]
    assert '<meta http-equiv="refresh" content="5">' in computing[2]
    assert failed[0] == 503 and "kan ikke vises akkurat nå" in failed[2] and "Traceback" not in failed[2]
    assert head == (200, "nosniff", "")


def test_data_that_leave_out_a_municipality_are_held_back(tmp_path):
    """Invalid kommune.yaml for Evenes: the figures stay those with Evenes, Evenes stays in
    the selector, every page and the landing page say newer data are not shown, the log says why."""
    data = copy_region(tmp_path / "region")
    with Serving(data, tmp_path / "server.log", poll=0.5) as s:
        before, version = _systems_figure(s.url), _version_id(s.url)
        (next((data / "municipalities").glob("1853-*")) / "kommune.yaml").write_text("name: [ikke lukket\n", "utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "Nyere data vises ikke" not in s.log.read_text():
            time.sleep(0.3)
        assert "Nyere data vises ikke" in s.log.read_text() and "kommune.yaml:2" in s.log.read_text()
        assert _systems_figure(s.url) == before and _version_id(s.url) == version
        for path in ["/", *[render.page_url(n) for n in PAGES]]:
            status, _, body = request(s, path)
            html = body.decode()
            assert status == 200 and "Nyere data har feil og vises ikke ennå; tallene er fra dataene slik de var" in html
            assert "kommune.yaml" not in html and str(data) not in html
        assert '<option value="1853">Evenes</option>' in request(s, "/oversikt")[2].decode()


def test_the_landing_page_names_what_is_left_out_or_held_back(tmp_path, monkeypatch):
    """In-process: a first start that left Evenes out, then newer data held back; the landing
    page is rendered with each version (and its notice), never per request."""
    import asyncio
    import concurrent.futures

    from tornado.httpclient import AsyncHTTPClient

    from tests.support.server import free_port

    port = free_port()
    version = {"kind": "git", "hash": "abc1234", "date": "2026-11-30", "dirty": False}
    left_out = [{"number": "1853", "name": "Evenes", "what": "kommune", "reason": "x"}]

    renders, real_landing = [], render.landing_page

    def counting_landing(*args, **kwargs):
        renders.append(1)
        return real_landing(*args, **kwargs)

    monkeypatch.setattr(render, "landing_page", counting_landing)

    async def go() -> tuple[list[str], list[int]]:
        state = serve.State(tmp_path, serve.allowed_hosts(port), serve.load_static())
        server = serve.make_app(state).listen(port, address="127.0.0.1")
        client, url = AsyncHTTPClient(), f"http://127.0.0.1:{port}/"
        seen, counts = [], []
        try:
            seen.append((await client.fetch(url)).body.decode())  # before the first version
            state.current = state.published = site.SiteVersion("fp", version, {}, {}, example_data=True,
                                                               check={"left_out": left_out})
            counts.append(len(renders))
            seen += [(await client.fetch(url)).body.decode() for _ in range(2)]
            counts.append(len(renders))
            state.current = state.published = site.SiteVersion("fp", version, {}, {}, example_data=True)
            serve.hold_back(state, {"check": {"left_out": left_out}})
            counts.append(len(renders))
            seen += [(await client.fetch(url)).body.decode() for _ in range(2)]
            counts.append(len(renders))
        finally:
            server.stop()
        return seen, counts

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        (none, first, again, held, held_again), counts = pool.submit(asyncio.run, go()).result(timeout=120)
    assert "dr-dashboard-list" in none and "dr-meta" not in none and "Eksempeldata" not in none
    assert first == again and held == held_again
    assert counts == [2, 2, 4, 4]  # one for «/» before any version, one per version and notice variant
    assert "Tallene er ufullstendige fordi dataene har feil: Evenes er ikke med." in first and "Nyere" not in first
    assert "Nyere data har feil og vises ikke ennå; tallene er fra versjon abc1234 fra 30.11.2026." in held
    assert ">Eksempeldata</span>" in held and "ufullstendige" not in held
