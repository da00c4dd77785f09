"""Serve the councillors' dashboards (`digireform dashboards`, `make dashboards`).

A small Tornado app on 127.0.0.1 serves precomputed pages from memory: no kernel per
viewer, no widget model, no websocket, nothing a viewer can make the server run. Why:
Voilà with preheated kernels lost widget models when a pooled kernel was culled between
the request and the browser's websocket (see docs/dashboards.md), and every viewer of a
crowd started a kernel of its own.

* A refresher polls the data's fingerprint (`dataversion.fingerprint`) every `poll` seconds; on
  a change it builds a whole new site version (pages and tender documents) in a child
  process at low priority, then swaps it in with one assignment. A failed build is logged
  and the last good version stays. Until the first version exists, pages answer with a
  Norwegian «Tallene beregnes …» page that reloads itself.
* Every response carries the security headers (`HEADERS`); the Host header must be one of
  the allowed names (loopback with the port, plus `--allow-host` / $DIGIREFORM_ALLOWED_HOSTS);
  only GET and HEAD exist; every other path is a Norwegian 404, never a 500.
* Behind a proxy that forwards a path of its own (a JupyterHub service at
  ``/services/dashboards/``), `--base-url` puts every route under that path and every link in
  the pages (`href="/…"`, `src="/…"`) is rewritten to it when a version is swapped in, once per
  version (`rebase`); without it everything stays at ``/``.
"""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import tornado.httpserver
import tornado.web

from digireform.dashboard import datacheck, dataversion, render, site
from digireform.model.errors import DigireformError, os_reason

HOST = "127.0.0.1"
POLL_SECONDS = 10.0
BUILD_TIMEOUT = 900
HOSTS_ENV = "DIGIREFORM_ALLOWED_HOSTS"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PAGE_NAMES = tuple(slug for slug, _, _ in render.DASHBOARDS)

log = logging.getLogger("digireform.dashboard")


# --------------------------------------------------------------------------- state


@dataclass
class State:
    """What the handlers read: the current site version (replaced whole), the static files."""

    data_dir: Path
    allowed_hosts: frozenset[str]
    static: dict[str, site.Resource]
    current: site.SiteVersion | None = None  # what is served (the published version, maybe with a notice)
    published: site.SiteVersion | None = None  # the last published version as built
    held_back: dict[str, Any] | None = None  # version.json of newer data held back (datacheck), if any
    attempted: str = ""
    failed: bool = False
    builds: int = 0
    child: asyncio.subprocess.Process | None = field(default=None, repr=False)
    base_url: str = "/"  # the path the pages are served under (`normalize_base_url`)


def normalize_base_url(text: str | None) -> str:
    """«services/dashboards» → «/services/dashboards/»; empty or None → «/». A base URL with
    anything but path characters is refused in Norwegian (it is put into every link)."""
    parts = [part for part in (text or "").split("/") if part]
    for part in parts:
        if not re.fullmatch(r"[A-Za-z0-9._~-]+", part) or part in (".", ".."):
            raise DigireformError(f"--base-url: «{text}» er ikke en gyldig sti (bare bokstaver a–z, tall og . _ ~ -).")
    return "/" + "".join(f"{part}/" for part in parts)


_ROOT_LINK = re.compile(rb'(\b(?:href|src|action)=")/(?!/)')


def rebase_html(body: bytes, base_url: str) -> bytes:
    """Links to «/…» in our own HTML pointed at `base_url` instead (unchanged for «/»)."""
    if base_url == "/":
        return body
    return _ROOT_LINK.sub(lambda m: m.group(1) + base_url.encode("utf-8"), body)


def rebase(version: site.SiteVersion, base_url: str) -> site.SiteVersion:
    """`version` with its pages and landing page linking under `base_url` (compressed once, here)."""
    if base_url == "/":
        return version

    def one(res: site.Resource) -> site.Resource:
        return site.Resource.make(rebase_html(res.body, base_url), res.content_type, res.download)

    landing = one(version.landing) if version.landing is not None else None
    return dataclasses.replace(version, pages={name: one(res) for name, res in version.pages.items()}, landing=landing)


def allowed_hosts(port: int, extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    """Host header values accepted: loopback names with the port; each extra name without a port
    or with one a reverse proxy may forward (80, 443 or the server's own)."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    hosts = {f"{n}:{port}" for n in names}
    for name in [*extra, *filter(None, os.environ.get(HOSTS_ENV, "").split(","))]:
        name = name.strip().lower()
        if name:
            hosts.update({name, f"{name}:80", f"{name}:443", f"{name}:{port}"})
    return frozenset(hosts)


@functools.cache
def bad_request_response() -> bytes:
    """Tornado's HTTP parser answers a request it cannot parse (no or malformed Host, a broken
    request line) with a bare «400 Bad Request» written straight to the socket, before any
    handler; `Server` swaps in this one: the security headers and a Norwegian page."""
    body = render.error_page(400, render.static_versions()).encode("utf-8")
    head = ["HTTP/1.1 400 Bad Request", "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}",
            "Cache-Control: no-store", "Connection: close", *(f"{k}: {v}" for k, v in HEADERS.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


BARE_400 = b"HTTP/1.1 400 Bad Request\r\n\r\n"  # tornado.http1connection, on HTTPInputError


class Server(tornado.httpserver.HTTPServer):
    """Tornado's HTTP server, but its own 400 carries the security headers (see bad_request_response)."""

    def handle_stream(self, stream: Any, address: tuple) -> None:
        write, better = stream.write, bad_request_response()

        def write_400_with_headers(data: Any, *args: Any, **kwargs: Any) -> Any:
            bare = len(data) == len(BARE_400) and bytes(data) == BARE_400
            return write(better if bare else data, *args, **kwargs)

        stream.write = write_400_with_headers
        super().handle_stream(stream, address)


def load_static() -> dict[str, site.Resource]:
    """The static files in memory, compressed once."""
    out = {}
    for name, path in render.static_files().items():
        ctype = site.CONTENT_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
        out[name] = site.Resource.make(path.read_bytes(), ctype)
    return out


# --------------------------------------------------------------------------- handlers


class Base(tornado.web.RequestHandler):
    """Security headers on every response, the Host/Origin check, Norwegian error pages."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
    etag: str | None = None

    @property
    def state(self) -> State:
        return self.application.settings["state"]

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        for key, value in HEADERS.items():
            self.set_header(key, value)

    def prepare(self) -> None:
        if self.request.host.lower() not in self.state.allowed_hosts:
            raise tornado.web.HTTPError(421)
        origin = self.request.headers.get("Origin")
        if origin and origin.lower().split("://", 1)[-1] not in self.state.allowed_hosts:
            raise tornado.web.HTTPError(403)
        if self.request.method not in ("GET", "HEAD"):
            raise tornado.web.HTTPError(405)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A Norwegian page for every error; the exception (if any) goes to the log, never out."""
        for name in ("Content-Disposition", "Content-Encoding", "ETag"):
            self.clear_header(name)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if status_code == 405:
            self.set_header("Allow", "GET, HEAD")
        self.finish(rebase_html(render.error_page(status_code, render.static_versions()).encode("utf-8"),
                                self.state.base_url))

    def compute_etag(self) -> str | None:
        return self.etag

    def send(self, res: site.Resource, cache: str = "no-cache", filename: str = "") -> None:
        """Write a resource: its gzip form when the browser takes it, ETag for cheap revalidation."""
        self.etag = res.etag
        self.set_header("Content-Type", res.content_type)
        self.set_header("Cache-Control", cache)
        self.set_header("Vary", "Accept-Encoding")
        if res.download:  # named after the tender: two tenders' kravmatrise.xlsx must not collide
            self.set_header("Content-Disposition", f'attachment; filename="{filename}"' if filename else "attachment")
        if res.gzipped and "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.etag = res.etag[:-1] + '-gz"'  # the compressed body is a different representation
            self.set_header("Content-Encoding", "gzip")
            self.write(res.gzipped)
        else:
            self.write(res.body)

    def html(self, text: str, status: int = 200, cache: str = "no-cache") -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", cache)
        self.write(rebase_html(text.encode("utf-8"), self.state.base_url))

    def not_ready(self) -> None:
        """«Tallene beregnes …» (or «kan ikke vises») with a meta refresh: a viewer never waits forever."""
        self.set_header("Retry-After", "5")
        self.html(render.status_page(self.state.failed, render.static_versions()), 503, "no-store")

    def head(self, *args: str) -> None:
        self.get(*args)


class LandingHandler(Base):
    def get(self) -> None:
        current = self.state.current
        if current is None or current.landing is None:  # before the first version: the list, without a date
            self.html(render.landing_page(render.static_versions()))
            return
        self.send(current.landing)  # built with the version (and its notices, site.with_notice)


class PageHandler(Base):
    def get(self, name: str) -> None:
        current = self.state.current
        if current is None or name not in current.pages:
            self.not_ready()
            return
        self.send(current.pages[name])


class DocumentHandler(Base):
    def get(self, slug: str, filename: str) -> None:
        current = self.state.current
        res = current.documents.get(f"{slug}/{filename}") if current else None
        if res is None:
            raise tornado.web.HTTPError(404)
        self.send(res, filename=f"{slug}-{filename}")  # both are [a-z0-9._-] (the route), safe to quote


class StaticHandler(Base):
    def get(self, name: str) -> None:
        res = self.state.static.get(name)
        if res is None:
            raise tornado.web.HTTPError(404)
        self.send(res, "public, max-age=86400")


class FaviconHandler(Base):
    def get(self) -> None:
        self.send(self.state.static["favicon.svg"], "public, max-age=86400")


class BaseRedirectHandler(Base):
    def get(self) -> None:
        self.redirect(self.state.base_url)


class NotFoundHandler(Base):
    def get(self, *args: str) -> None:
        raise tornado.web.HTTPError(404)


def make_app(state: State) -> tornado.web.Application:
    """Landing page, the five pages (Voilà-era URL and a short alias), documents, static files,
    all under the state's base URL (the base without its last «/» redirects to it)."""
    names = "|".join(re.escape(n) for n in PAGE_NAMES)
    root = re.escape(state.base_url.rstrip("/"))
    routes = [
        (r"/", LandingHandler),
        (rf"/voila/render/({names})\.ipynb", PageHandler),
        (rf"/({names})", PageHandler),
        (r"/dokumenter/([a-z0-9][a-z0-9._-]*)/([a-z0-9][a-z0-9._-]*)", DocumentHandler),
        (r"/static/([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*)", StaticHandler),
        (r"/favicon\.ico", FaviconHandler),
    ]
    routes = [(root + pattern, handler) for pattern, handler in routes]
    if root:
        routes.append((root, BaseRedirectHandler))
    return tornado.web.Application(routes, state=state, default_handler_class=NotFoundHandler,
                                   serve_traceback=False, log_function=_log_request)


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Only errors are logged (a crowd of successful requests is noise)."""
    if handler.get_status() >= 400 and handler.get_status() != 503:
        log.info("%d %s %s", handler.get_status(), handler.request.method, handler.request.uri[:200])


# --------------------------------------------------------------------------- refresher


async def refresh_once(state: State, work: Path) -> bool:
    """Build and swap in a new version if the data changed; True when a new version was swapped in."""
    loop = asyncio.get_running_loop()
    fp = await loop.run_in_executor(None, dataversion.fingerprint, state.data_dir)
    if fp == state.attempted:
        return False
    state.attempted = fp
    out = work / f"v{state.builds + 1}"
    state.builds += 1
    try:
        ok = await _build_child(state, out, fp, hold_back=state.published is not None)
        if ok:
            meta = await loop.run_in_executor(None, site.read_meta, out)
            if meta.get("held_back") and state.published is not None:
                hold_back(state, meta)
                return False
            version = await loop.run_in_executor(None, site.load, out)
            state.published = version
            state.held_back = None
            state.current = rebase(version, state.base_url)  # one assignment: every handler sees the old or the new site whole
            state.failed = False
            log.warning("Ny versjon av dashbordene: %s", render.c.version_text(version.data_version))
            for warning in version.warnings:
                log.warning("%s", warning)
            return True
        state.failed = state.current is None
        return False
    finally:
        shutil.rmtree(out, ignore_errors=True)


def hold_back(state: State, meta: dict[str, Any]) -> None:
    """Newer data leave out a whole municipality or file (`datacheck`): keep serving the last
    published version, with a notice on every page that newer data could not be shown."""
    published = state.published
    assert published is not None
    notice = render.c.held_back_notice(published.data_version)
    state.held_back = meta
    state.current = rebase(site.with_notice(published, notice), state.base_url)
    log.error("Nyere data vises ikke fordi hele kommuner eller datafiler mangler (%s); "
              "dashbordene viser fortsatt %s.", datacheck.log_text(meta["check"]["left_out"]),
              render.c.version_text(published.data_version, in_sentence=True))


async def _build_child(state: State, out: Path, fp: str, hold_back: bool = False) -> bool:
    """Run `python -m digireform.dashboard.site` at low priority; log its messages."""
    argv = [sys.executable, "-m", "digireform.dashboard.site", "--data", str(state.data_dir), "--out", str(out),
            "--fingerprint", fp, *(["--hold-back"] if hold_back else [])]
    env = {k: v for k, v in os.environ.items() if k != "DIGIREFORM_DEBUG"}
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, env=env,
                                                preexec_fn=_lower_priority)
    state.child = proc
    try:
        output, _ = await asyncio.wait_for(proc.communicate(), BUILD_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        log.error("Beregningen av dashbordene ble avbrutt etter %d s; forrige versjon vises fortsatt.", BUILD_TIMEOUT)
        return False
    finally:
        state.child = None
    text = output.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        log.error("Dashbordene kunne ikke beregnes (kode %s); forrige versjon vises fortsatt.\n%s",
                  proc.returncode, text[-4000:])
        return False
    if text:
        log.warning("%s", text[-4000:])
    return True


def _lower_priority() -> None:
    os.nice(10)


async def refresher(state: State, work: Path, poll: float) -> None:
    """Poll forever; an unexpected error is logged and the loop goes on."""
    while True:
        try:
            await refresh_once(state, work)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Feil i oppdateringen av dashbordene")
        await asyncio.sleep(poll)


# --------------------------------------------------------------------------- running


async def run(port: int, data_dir: Path, extra_hosts: list[str], poll: float, ready: Any = None,
              base_url: str = "/") -> None:
    """Listen on 127.0.0.1:`port` under `base_url`, refresh in the background, stop on SIGTERM/SIGINT."""
    state = State(data_dir, allowed_hosts(port, extra_hosts), load_static(), base_url=normalize_base_url(base_url))
    app = make_app(state)
    try:
        server = Server(app, xheaders=False)
        server.listen(port, address=HOST)
    except OSError as exc:
        raise DigireformError(f"Kunne ikke lytte på {HOST}:{port}: {os_reason(exc)}.") from exc
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready(state)
    with tempfile.TemporaryDirectory(prefix="digireform-dashboards-") as work:
        task = asyncio.create_task(refresher(state, Path(work), poll))
        try:
            await stop.wait()
        finally:
            task.cancel()
            if state.child is not None and state.child.returncode is None:
                state.child.kill()
            server.stop()


def check_port(port: int) -> None:
    """Refuse a port number out of range or in use, in Norwegian, before anything starts."""
    if not 0 < port < 65536:
        raise DigireformError(f"--port: {port} er ikke et gyldig portnummer (1–65535).")
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError as exc:
            raise DigireformError(f"--port: porten {port} på {HOST} er i bruk ({os_reason(exc)}).") from exc
