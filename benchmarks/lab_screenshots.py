"""Full-page screenshots of JupyterLab as a project-group member meets it: the start page (menus, the
news question), the «File»/«Fil» menu and each notebook 01–05 after «Run All».

    python benchmarks/lab_screenshots.py OUT_DIR [--root CHECKOUT] [--bare]

--root: the checkout whose notebooks, data and package are shown (default: this one); the notebooks are
run in a temporary copy of its notebooks/ and municipalities/, so nothing in the checkout changes.
--bare: start JupyterLab without the project's settings (deploy/lab), as before they existed.
Chromium is /usr/bin/chromium. Prints one line per file written and the top-level menu labels.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import CHROMIUM_ARGS  # noqa: E402
from tests.support.lab import Lab, open_notebook, run_all  # noqa: E402

WINDOWING = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}

NOTEBOOKS = ["01-inventar", "02-overlapp", "03-velferdsteknologi", "04-digital-modenhet", "05-anbud"]
WIDTH = 1366


def copy_checkout(root: Path, into: Path) -> Path:
    """The parts of a checkout a notebook reads, copied so running them changes nothing in it."""
    for name in ("notebooks", "municipalities", "procurement"):
        if (root / name).exists():
            shutil.copytree(root / name, into / name, ignore=shutil.ignore_patterns("out", ".ipynb_checkpoints"))
    return into


def full_page(page, path: Path) -> None:
    """Grow the viewport to the notebook's whole height (the lab scrolls inside a panel), then shoot."""
    outer = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')"
    height = page.evaluate(f"() => {{ const el = {outer}; return el ? el.scrollHeight : 0; }}")
    page.set_viewport_size({"width": WIDTH, "height": max(768, min(int(height) + 160, 32000))})
    page.evaluate(f"() => {{ const el = {outer}; if (el) el.scrollTop = 0; }}")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 768})
    print(path)


def menus(page) -> list[str]:
    return page.eval_on_selector_all("#jp-MainMenu .lm-MenuBar-itemLabel", "els => els.map(e => e.textContent)")


def start_page(page, lab: Lab, out: Path) -> None:
    """The lab as it opens (menus, any news question) and its first menu opened."""
    page.goto(f"{lab.url}/lab?token={lab.token}", wait_until="domcontentloaded")
    page.wait_for_selector("#jp-MainMenu .lm-MenuBar-itemLabel", timeout=120_000)
    page.wait_for_timeout(4000)
    page.screenshot(path=str(out / "00-start.png"))
    print(out / "00-start.png", "menyer:", ", ".join(menus(page)))
    page.click("#jp-MainMenu .lm-MenuBar-item >> nth=0")
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "00-meny.png"))
    print(out / "00-meny.png")
    page.keyboard.press("Escape")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--bare", action="store_true")
    ap.add_argument("--only", nargs="*", default=NOTEBOOKS, help="notebooks to shoot (default: all)")
    ap.add_argument("--no-start", action="store_true", help="skip the start page and menu")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    root = args.root.resolve()
    config = None if args.bare else [root / "deploy" / "lab"]
    from playwright.sync_api import sync_playwright

    os.environ["PYTHONPATH"] = str(root / "lib")  # the kernel imports the checkout shown
    with tempfile.TemporaryDirectory() as tmp:
        work = copy_checkout(root, Path(tmp))
        # Only «every cell drawn» as a user setting (one screenshot holds the whole notebook): the
        # language, the news question and the rest are what the lab and deploy/lab decide.
        lab = Lab(work, work, work / "lab.log", settings=WINDOWING, config_path=config)
        with lab, sync_playwright() as p:
            shoot(p, lab, args)


def shoot(p, lab: Lab, args) -> None:
    """The start page and menu, then each notebook in a fresh page after «Run All»."""
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": WIDTH, "height": 768}, locale="nb-NO")
    if not args.no_start:
        start_page(page, lab, args.out)
    page.close()
    for name in args.only:
        page = browser.new_page(viewport={"width": WIDTH, "height": 768}, locale="nb-NO")
        open_notebook(page, lab, f"{name}.ipynb")
        ok = run_all(page)
        page.wait_for_timeout(3000)  # let the plotly figures draw
        full_page(page, args.out / f"{name}.png")
        print("  alle celler kjørt uten feil" if ok else "  en celle feilet")
        page.close()
        lab.shutdown_kernels()
    browser.close()


if __name__ == "__main__":
    main()
