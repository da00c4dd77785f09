"""JupyterLab in Norwegian bokmål (locale nb_NO), shipped by digireform: data only, no imports.

A JupyterLab language pack in the standard form: the entry point `nb_NO` of the group
`jupyterlab.languagepack` (pyproject.toml) names this package, and JupyterLab reads
`locale/nb_NO/LC_MESSAGES/jupyterlab.json` (the browser's texts) and `jupyterlab.mo` (the menu
names the server translates). Both files are written by `deploy/lab/build_language_pack.py`
from its table and the official pack `jupyterlab-language-pack-no-NO`; edit the table there.
The module's name is the one JupyterLab's server imports for a locale
(`jupyterlab_language_pack_<locale>`).
"""

__version__ = "4.5.0"
