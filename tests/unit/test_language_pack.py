"""The bokmål language pack (lib/jupyterlab_language_pack_nb_NO) holds what deploy/lab/build_language_pack.py says.

Its two files are written from one table: jupyterlab.json (the browser's texts) and jupyterlab.mo
(the server's: the menu bar). Both must hold the table, and every text must be real bokmål, not
the English key left in place.
"""
from __future__ import annotations

import gettext
import json
import runpy

from tests.support.regionfiles import REPO

BUILD = runpy.run_path(str(REPO / "deploy" / "lab" / "build_language_pack.py"))
PACK = REPO / "lib" / "jupyterlab_language_pack_nb_NO" / "locale"
MESSAGES = PACK / "nb_NO" / "LC_MESSAGES"


def test_the_browser_texts_hold_the_table():
    shipped = json.loads((MESSAGES / "jupyterlab.json").read_text("utf-8"))
    assert shipped[""]["domain"] == "jupyterlab"
    for key, text in BUILD["TEXTS"].items():
        assert shipped[key] == [text], key


def test_the_server_texts_hold_the_table():
    mo = gettext.translation("jupyterlab", localedir=str(PACK), languages=["nb_NO"])
    for key, text in BUILD["TEXTS"].items():
        context, _, msgid = key.rpartition("\x04")
        assert (mo.pgettext(context, msgid) if context else mo.gettext(msgid)) == text, key


def test_the_menus_and_run_all_are_norwegian():
    texts = BUILD["TEXTS"]
    menu = {name: texts["menu\x04" + name] for name in ("File", "Edit", "View", "Run", "Kernel", "Tabs",
                                                        "Settings", "Help")}
    assert menu == {"File": "Fil", "Edit": "Rediger", "View": "Vis", "Run": "Kjør", "Kernel": "Kjerne",
                    "Tabs": "Faner", "Settings": "Innstillinger", "Help": "Hjelp"}
    assert texts["Run All Cells"] == "Kjør alle celler"
    untranslated = [k for k, v in texts.items() if k.rpartition("\x04")[2] == v and v not in ("Terminal", "Markdown")]
    assert untranslated == []
