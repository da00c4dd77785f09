"""One version of the public site: every page and every tender document, built together.

Why together: a viewer must never see pages from one state of the data and documents
from another, so `build` computes the five pages and rebuilds the tenders' documents
in one step (in a child process, ``python -m digireform.dashboard.site``, so the server
keeps answering and no analysis state or memory stays behind), and `load` reads the
result into one immutable `SiteVersion` that the server swaps in with one assignment.

What data a version is of (its fingerprint, its data version, Oslo's date) is in
`dataversion`, which the pages read as well.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import mimetypes
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digireform.dashboard.dataversion import local_now, local_today
from digireform.dashboard.pages.base import DOCS_ENV, Context

if TYPE_CHECKING:  # pragma: no cover
    pass

DOCS_DIR = "dokumenter"
PAGES_DIR = "pages"
VERSION_FILE = "version.json"
DOCUMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(docx|xlsx|md|json)$")
CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown; charset=utf-8", ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
}


# --------------------------------------------------------------------------- building (child process)


def build(data_dir: Path, out: Path, fp: str, hold_back: bool = False) -> dict[str, Any]:
    """Write pages/<name>.html, dokumenter/<slug>/<file> and version.json into `out` (a new folder).

    The data are loaded and judged first (`datacheck.check`): with `hold_back` (the server
    has an earlier version) data that leave out a whole municipality or data file are not
    built at all: version.json says ``held_back`` and why. Else documents, then pages,
    from the same data folder read once; the fingerprint `fp` was taken before reading,
    so a change made meanwhile shows up as a new fingerprint at the next poll.
    """
    from digireform.dashboard import pages, render
    from digireform.io.paths import municipality_folders
    from digireform.model.errors import DigireformError

    if not municipality_folders(data_dir):
        raise DigireformError(f"{data_dir / 'municipalities'}: fant ingen kommunemapper; dashbordene bygges ikke.")
    ctx = Context(str(data_dir), local_today().isoformat())  # the one load of this build
    out.mkdir(parents=True, exist_ok=False)
    version = ctx.data_version
    if hold_back and not ctx.check.publishable:
        meta = {"fingerprint": fp, "data_version": version, "held_back": True, "check": ctx.check.as_dict(),
                "warnings": [], "problems": ctx.check.problems,
                "built": local_now().isoformat(timespec="seconds")}
        (out / VERSION_FILE).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        return meta
    versions = render.static_versions()
    docs = out / DOCS_DIR
    docs.mkdir()
    warnings = build_documents(ctx, docs)
    (out / PAGES_DIR).mkdir()
    problems = len(ctx.region.problems)  # the same data behind every page
    previous = os.environ.get(DOCS_ENV)
    os.environ[DOCS_ENV] = str(docs)  # the Anbud page links the documents found here
    try:
        for name in pages.PAGE_NAMES:
            page = pages.build_page(name, ctx)
            (out / PAGES_DIR / f"{name}.html").write_text(render.dashboard_page(page, versions), "utf-8")
    finally:
        if previous is None:
            os.environ.pop(DOCS_ENV, None)
        else:
            os.environ[DOCS_ENV] = previous
    meta = {"fingerprint": fp, "data_version": version, "warnings": warnings, "problems": problems,
            "held_back": False, "check": ctx.check.as_dict(), "example_data": bool(ctx.report["example_data"]),
            "built": local_now().isoformat(timespec="seconds")}
    (out / VERSION_FILE).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    return meta


def build_documents(ctx: Context, out: Path) -> list[str]:
    """Build each tender's public documents into out/<slug>/; returns Norwegian warnings.

    From the pages' region and date (`ctx`): no second load of the data, and the documents
    are dated in Oslo time like the pages, not by the server's clock.
    """
    from digireform.model.errors import DigireformError
    from digireform.tender.build import build_tender, prepare

    warnings = []
    folder = ctx.data_dir / "procurement" / "tenders"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            build_tender(path, out_dir=out / path.stem, internal=False,  # served: never the internal file
                         assembly=prepare(path, region=ctx.region, as_of=ctx.as_of))
        except DigireformError as exc:
            warnings.append(f"Anbudet {path.name} ble ikke bygget: {str(exc).splitlines()[0]}")
    return warnings


def main(argv: list[str] | None = None) -> int:
    """`python -m digireform.dashboard.site --data DIR --out DIR --fingerprint FP` (used by serve)."""
    parser = argparse.ArgumentParser(description="bygg én versjon av dashbordene")
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fingerprint", default="")
    parser.add_argument("--hold-back", action="store_true",
                        help="bygg ikke når hele kommuner eller datafiler mangler (serveren har en tidligere versjon)")
    args = parser.parse_args(argv)
    from digireform.dashboard import datacheck
    from digireform.model.errors import DigireformError

    try:
        meta = build(Path(args.data), Path(args.out), args.fingerprint, hold_back=args.hold_back)
    except DigireformError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if meta["check"]["left_out"]:
        print(f"Ikke med i tallene: {datacheck.log_text(meta['check']['left_out'])}", file=sys.stderr)
    if meta["held_back"]:
        return 0
    for warning in meta["warnings"]:
        print(warning, file=sys.stderr)
    if meta["problems"]:
        print(f"Advarsel: dataene har {meta['problems']} feil (se digireform validate).", file=sys.stderr)
    return 0


def read_meta(folder: Path) -> dict[str, Any]:
    """version.json of a built folder."""
    return json.loads((folder / VERSION_FILE).read_text("utf-8"))


def with_notice(version: SiteVersion, notice_html: str) -> SiteVersion:
    """The same version with `notice_html` in every page's notice slot and on the landing page
    (compressed once, here)."""
    from digireform.dashboard.common import HELD_BACK_SLOT

    slot = HELD_BACK_SLOT.encode()
    pages_html = {name: Resource.make(res.body.replace(slot, slot + notice_html.encode("utf-8"), 1),
                                      res.content_type) for name, res in version.pages.items()}
    return replace(version, pages=pages_html, landing=landing_resource(version, notice_html))


def landing_resource(version: SiteVersion, notice_html: str = "") -> Resource:
    """«/» for this version: its data version, the «Eksempeldata» badge, `notice_html` and,
    when the data left something out (a first start), which municipality or file."""
    from digireform.dashboard import datacheck, render

    notice = notice_html
    if version.check.get("left_out"):
        notice += render.c.notice(datacheck.left_out_text(version.check["left_out"]), "alert")
    html = render.landing_page(render.static_versions(), version.data_version, example=version.example_data,
                               notice=notice)
    return Resource.make(html.encode("utf-8"), CONTENT_TYPES[".html"])


# --------------------------------------------------------------------------- loading (server)


@dataclass(frozen=True)
class Resource:
    """One response body, kept in memory with its gzip form (compressed once, not per request)."""

    body: bytes
    content_type: str
    gzipped: bytes = b""
    download: bool = False

    @classmethod
    def make(cls, body: bytes, content_type: str, download: bool = False) -> Resource:
        small = len(body) < 1024 or content_type.startswith(("application/vnd", "image/png"))
        return cls(body, content_type, b"" if small else gzip.compress(body, 6, mtime=0), download)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class SiteVersion:
    """Every page and document of one state of the data; swapped in whole, never edited."""

    fingerprint: str
    data_version: dict[str, Any]
    pages: dict[str, Resource]
    documents: dict[str, Resource]
    warnings: list[str] = field(default_factory=list)
    example_data: bool = False
    check: dict[str, Any] = field(default_factory=dict)  # datacheck.DataCheck.as_dict of these data
    landing: Resource | None = None  # «/» (see `landing_resource`): rendered once here when not given

    def __post_init__(self) -> None:
        if self.landing is None:
            object.__setattr__(self, "landing", landing_resource(self))


def load(folder: Path) -> SiteVersion:
    """Read a built folder into memory (pages, documents and the landing page as bytes, compressed once)."""
    meta = json.loads((folder / VERSION_FILE).read_text("utf-8"))
    pages_html = {path.stem: Resource.make(path.read_bytes(), CONTENT_TYPES[".html"])
                  for path in sorted((folder / PAGES_DIR).glob("*.html"))}
    documents = {}
    for path in sorted((folder / DOCS_DIR).glob("*/*")):
        if path.is_file() and not path.is_symlink() and DOCUMENT_NAME.match(path.name):
            ctype = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            documents[f"{path.parent.name}/{path.name}"] = Resource.make(path.read_bytes(), ctype, download=True)
    return SiteVersion(meta["fingerprint"], meta["data_version"], pages_html, documents, meta.get("warnings", []),
                       bool(meta.get("example_data")), meta.get("check") or {})


if __name__ == "__main__":
    raise SystemExit(main())
