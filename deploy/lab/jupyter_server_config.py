"""Run by every JupyterLab server that has deploy/lab on JUPYTER_CONFIG_PATH, as the person it serves.

Choose bokmål for a person who has not chosen a language: JupyterLab's server translates the menu
bar (Fil, Rediger, Kjør, …) only by the language in the person's own settings, never by a default
such as labconfig/default_setting_overrides.json. So when the person's settings have no language
setting yet, this writes one, `nb_NO` (the project's language pack), where JupyterLab reads them:
JUPYTERLAB_SETTINGS_DIR (`make lab`: .venv/lab-user-settings) or ~/.jupyter/lab/user-settings (a
JupyterHub user). A language the person has picked in *Settings → Language* is never changed.
"""
import json
import os
from pathlib import Path

LOCALE = "nb_NO"
PLUGIN = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"


def _seed_language() -> None:
    from jupyter_core.paths import jupyter_config_dir

    folder = os.environ.get("JUPYTERLAB_SETTINGS_DIR") or os.path.join(jupyter_config_dir(), "lab", "user-settings")
    target = Path(folder) / PLUGIN
    if target.exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"locale": LOCALE}, indent=2) + "\n", "utf-8")
    except OSError as exc:  # a read-only home: the lab starts, in English menus
        print(f"deploy/lab: kunne ikke velge bokmål i {target}: {exc}")


_seed_language()
