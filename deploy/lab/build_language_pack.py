"""Write the bokmål language pack (lib/jupyterlab_language_pack_nb_NO) from the table below.

    python deploy/lab/build_language_pack.py

The pack is the official `jupyterlab-language-pack-no-NO` (its ~57 texts, when it is installed)
with the texts below on top: what a municipal user meets in the menus, the notebook's toolbar, the
kernel's dialogs, the launcher and the file browser. Keys are JupyterLab's English texts exactly
(«%1» is filled in by JupyterLab); a key «menu\\x04File» is the text «File» in the context «menu»
(the menu bar's names, which JupyterLab's server translates). Writes jupyterlab.json (read by
the browser) and jupyterlab.mo (read by the server); tests/unit/test_language_pack.py checks that
the two files hold this table.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "lib" / "jupyterlab_language_pack_nb_NO" / "locale" / "nb_NO" / "LC_MESSAGES"
HEADER = {"domain": "jupyterlab", "language": "nb-NO", "plural_forms": "nplurals=2; plural=(n != 1);",
          "version": "jupyterlab"}
MENU = "menu\x04"

TEXTS = {
    # the menu bar (translated by the server)
    MENU + "File": "Fil", MENU + "Edit": "Rediger", MENU + "View": "Vis", MENU + "Run": "Kjør",
    MENU + "Kernel": "Kjerne", MENU + "Tabs": "Faner", MENU + "Settings": "Innstillinger",
    MENU + "Help": "Hjelp", MENU + "New": "Ny", MENU + "Open With": "Åpne med",
    MENU + "Theme": "Fargetema", MENU + "Language": "Språk", MENU + "Appearance": "Utseende",
    MENU + "Workspaces": "Arbeidsområder", MENU + "Save and Export Notebook As": "Lagre og eksporter notatbok som",
    # the same names where the browser shows them
    "File": "Fil", "Edit": "Rediger", "View": "Vis", "Run": "Kjør", "Kernel": "Kjerne", "Tabs": "Faner",
    "Settings": "Innstillinger", "Help": "Hjelp", "Language": "Språk",
    # File
    "New": "Ny", "Notebook": "Notatbok", "Console": "Konsoll", "Terminal": "Terminal",
    "Text File": "Tekstfil", "Markdown File": "Markdown-fil",
    "New Launcher": "Ny startside", "Open from Path…": "Åpne fra sti…", "Open from URL…": "Åpne fra URL…",
    "Close Tab": "Lukk fanen", "Close All Tabs": "Lukk alle faner",
    "Save %1": "Lagre %1", "Save %1 As…": "Lagre %1 som…", "Save All": "Lagre alle",
    "Reload %1 from Disk": "Last inn %1 på nytt fra disken",
    "Revert %1 to Checkpoint…": "Tilbakestill %1 til sjekkpunkt…",
    "Open Recent": "Åpne nylige", "New View for %1": "Ny visning av %1",
    "New Console for Activity": "Ny konsoll for aktiviteten",
    "Close and Shut Down": "Lukk og slå av", "Close and Shut Down…": "Lukk og slå av…",
    "Close and Shut Down Notebook…": "Lukk og slå av notatboka…",
    "Rename%1…": "Gi nytt navn%1…", "Duplicate %1": "Lag en kopi av %1", "Save": "Lagre",
    "Save Current Workspace": "Lagre gjeldende arbeidsområde", "Hub Control Panel": "Kontrollpanel for huben",
    "Download": "Last ned", "Print…": "Skriv ut…", "Log Out": "Logg ut", "Shut Down": "Slå av",
    # Edit
    "Undo": "Angre", "Redo": "Gjør om", "Cut": "Klipp ut", "Copy": "Kopier", "Paste": "Lim inn",
    "Delete": "Slett", "Cut Cell": "Klipp ut celle", "Copy Cell": "Kopier celle",
    "Undo Cell Operation": "Angre celleendring", "Redo Cell Operation": "Gjør om celleendring",
    "Cut Cells": "Klipp ut celler", "Copy Cells": "Kopier celler", "Paste Cells Below": "Lim inn celler under",
    "Delete Cells": "Slett celler", "Select All Cells": "Merk alle celler", "Find…": "Søk…",
    "Move Cell Up": "Flytt cellen opp", "Move Cell Down": "Flytt cellen ned", "Split Cell": "Del cellen",
    "Merge Selected Cells": "Slå sammen valgte celler", "Insert Cell Above": "Sett inn celle over",
    "Insert Cell Below": "Sett inn celle under", "Clear Cell Output": "Tøm cellens utdata",
    "Clear Outputs of All Cells": "Tøm utdata for alle celler",
    # Run
    "Run Selected Cell": "Kjør valgt celle", "Run Selected Cells": "Kjør valgte celler",
    "Run Selected Cell and Do not Advance": "Kjør valgt celle uten å gå videre",
    "Run Selected Cell and Insert Below": "Kjør valgt celle og sett inn en ny under",
    "Run All Above Selected Cell": "Kjør alle celler over den valgte",
    "Run Selected Cell and All Below": "Kjør valgt celle og alle under",
    "Run All Cells": "Kjør alle celler",
    "Restart Kernel and Run All Cells…": "Start kjernen på nytt og kjør alle celler…",
    "Restart Kernel and Run up to Selected Cell…": "Start kjernen på nytt og kjør fram til valgt celle…",
    "Render All Markdown Cells": "Vis alle Markdown-celler",
    # Kernel and its dialogs
    "Interrupt Kernel": "Avbryt kjernen", "Restart Kernel…": "Start kjernen på nytt…",
    "Restart Kernel": "Start kjernen på nytt", "Shut Down Kernel": "Slå av kjernen",
    "Shut Down All Kernels…": "Slå av alle kjerner…", "Change Kernel…": "Bytt kjerne…",
    "Select Kernel": "Velg kjerne", "Restart Kernel?": "Starte kjernen på nytt?",
    "Do you want to restart the kernel of %1? All variables will be lost.":
        "Vil du starte kjernen for %1 på nytt? Alle variabler blir borte.",
    "Restart": "Start på nytt", "Cancel": "Avbryt", "Select": "Velg", "Close": "Lukk", "Discard": "Forkast",
    "Save your work": "Lagre arbeidet ditt", "Reconnect to Kernel": "Koble til kjernen på nytt",
    "Restart Kernel and Clear Outputs of All Cells…": "Start kjernen på nytt og tøm utdata for alle celler…",
    "No Kernel": "Ingen kjerne", "Kernel status": "Kjernestatus", "Idle": "Ledig", "Busy": "Opptatt",
    "Starting": "Starter",
    # the notebook's toolbar
    "Save and create checkpoint": "Lagre og lag sjekkpunkt", "Insert a cell below": "Sett inn en celle under",
    "Insert a cell above": "Sett inn en celle over", "Cut the selected cells": "Klipp ut de valgte cellene",
    "Copy the selected cells": "Kopier de valgte cellene",
    "Paste cells from the clipboard": "Lim inn celler fra utklippstavlen",
    "Run this cell and advance": "Kjør denne cellen og gå videre", "Interrupt the kernel": "Avbryt kjernen",
    "Restart the kernel": "Start kjernen på nytt",
    "Restart the kernel and run all cells": "Start kjernen på nytt og kjør alle celler",
    "Select the cell type": "Velg celletype", "Code": "Kode", "Markdown": "Markdown", "Raw": "Rå",
    # View, Tabs, Settings, Help
    "Show Left Sidebar": "Vis venstre sidepanel", "Show Log Console": "Vis loggkonsollen",
    "Presentation Mode": "Presentasjonsmodus", "Activate Next Tab": "Gå til neste fane",
    "Activate Previous Tab": "Gå til forrige fane", "Settings Editor": "Innstillingsredigering",
    "Advanced Settings Editor": "Avanserte innstillinger", "Auto Close Brackets": "Lukk parenteser automatisk",
    "JupyterLab Light": "JupyterLab lys", "JupyterLab Dark": "JupyterLab mørk", "About %1": "Om %1",
    "Show Contextual Help": "Vis kontekstuell hjelp",
    # the launcher and the file browser
    "Python File": "Python-fil", "Modified": "Endret",
    "Launcher": "Startside", "Other": "Annet", "File Browser": "Filutforsker", "New Folder": "Ny mappe",
    "Upload Files": "Last opp filer", "Refresh the file browser.": "Oppdater filutforskeren.",
    "Name": "Navn", "Last Modified": "Sist endret", "Open": "Åpne", "Rename": "Gi nytt navn",
    "Duplicate": "Lag en kopi", "Copy Path": "Kopier sti", "Filter files by name": "Filtrer filer etter navn",
}


def official() -> dict:
    """The official pack's jupyterlab texts ({} if it is not installed)."""
    try:
        import jupyterlab_language_pack_no_NO as pack
    except ImportError:
        return {}
    path = Path(pack.__file__).parent / "locale" / "no_NO" / "LC_MESSAGES" / "jupyterlab.json"
    return {k: v[0] for k, v in json.loads(path.read_text("utf-8")).items() if k}


def catalogue() -> dict[str, str]:
    return {**official(), **TEXTS}


def write(out: Path = OUT) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    texts = catalogue()
    out.mkdir(parents=True, exist_ok=True)
    data = {"": HEADER, **{k: [v] for k, v in sorted(texts.items())}}
    (out / "jupyterlab.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    cat = Catalog(locale="nb_NO", domain="jupyterlab")
    for key, value in sorted(texts.items()):
        context, _, msgid = key.rpartition("\x04")
        cat.add(msgid, value, context=context or None)
    with open(out / "jupyterlab.mo", "wb") as fh:
        write_mo(fh, cat)
    print(out, len(texts), "tekster")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
