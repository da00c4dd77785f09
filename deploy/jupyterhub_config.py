"""JupyterHub for a digireform project group: one server, many logins (docs/deployment.md).

Started by `make hub` or `digireform hub --config deploy/jupyterhub_config.py`, as root (the
hub starts each user's server as that user's system account, so the operating system
enforces who may write which municipality's folder: `digireform access apply`).

* The hub and its proxy (configurable-http-proxy) listen on 127.0.0.1 only; put nginx or
  Caddy with TLS in front (docs/deployment.md). The hub's own database, cookie secret and the
  proxy's pid file live in DIGIREFORM_HUB_STATE (default /var/lib/digireform-hub).
* Who may log in: the users of the data repository's access.yaml (admins: `admin: true`);
  how they log in: DIGIREFORM_HUB_AUTH = `pam` (the server's own passwords, default), `entra`
  (the municipality's Entra ID through oauthenticator; settings below) or `shared` (one shared
  password from DIGIREFORM_HUB_SHARED_PASSWORD: for tests on a machine without PAM only).
* Each user gets JupyterLab (in Norwegian, with the lab settings of deploy/lab) on the
  checkout's notebooks, with DIGIREFORM_DATA pointing at the data repository and every save a
  git commit with the user as author (DIGIREFORM_COMMIT=1).
* The councillors' dashboards run as a hub service at /services/dashboards/, as the system
  user dr-dashbord, which may only read. They need no login: they show only what the public
  report shows (docs/data-model.md), and a councillor gets no notebook server.

Every setting can be changed from the environment (names below), so tests and a municipality
use this file as it is.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

CHECKOUT = Path(os.environ.get("DIGIREFORM_CHECKOUT") or Path(__file__).resolve().parents[1])
DATA = Path(os.environ.get("DIGIREFORM_DATA") or CHECKOUT)
STATE = Path(os.environ.get("DIGIREFORM_HUB_STATE") or "/var/lib/digireform-hub")
IP = os.environ.get("DIGIREFORM_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("DIGIREFORM_HUB_PORT", "8000"))
HUB_API_PORT = int(os.environ.get("DIGIREFORM_HUB_API_PORT", "8081"))
PROXY_API_PORT = int(os.environ.get("DIGIREFORM_PROXY_API_PORT", "8001"))
DASHBOARDS_PORT = int(os.environ.get("DIGIREFORM_DASHBOARDS_PORT", "8866"))
PUBLIC_HOSTS = [h for h in os.environ.get("DIGIREFORM_PUBLIC_HOSTS", "").split(",") if h.strip()]
# The Python the users' servers and the dashboards run with: it must be runnable by every
# user (a venv under /opt, not under /root). Default: the hub's own.
USER_PYTHON = os.environ.get("DIGIREFORM_USER_PYTHON") or sys.executable
USER_PYTHONPATH = os.environ.get("DIGIREFORM_USER_PYTHONPATH", "")


def _proxy_command() -> list[str]:
    """configurable-http-proxy: $DIGIREFORM_PROXY, else what `make hub` installed into .venv, else the PATH."""
    for candidate in (os.environ.get("DIGIREFORM_PROXY"), CHECKOUT / ".venv" / "node_modules" / ".bin" /
                      "configurable-http-proxy", shutil.which("configurable-http-proxy")):
        if candidate and os.access(candidate, os.X_OK):
            return [str(candidate)]
    raise SystemExit("configurable-http-proxy mangler: kjør «make hub» (installerer den med npm) "
                     "eller «npm install -g configurable-http-proxy».")


def _access():
    """The data repository's access.yaml, checked; a mistake stops the hub with the file's messages."""
    sys.path.insert(0, str(CHECKOUT / "lib"))
    from digireform.model.errors import DigireformError
    from digireform.validate.access import load_access

    try:
        return load_access(DATA)
    except DigireformError as exc:
        raise SystemExit(str(exc)) from None



# --------------------------------------------------------------------------- hub and proxy

STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB_API_PORT
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # a stopped hub stops the users' servers too
c.ConfigurableHTTPProxy.command = _proxy_command()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

# --------------------------------------------------------------------------- who logs in

ACCESS = _access()
c.Authenticator.allowed_users = set(ACCESS.users)
c.Authenticator.admin_users = {u.user for u in ACCESS.users.values() if u.admin}
AUTH = os.environ.get("DIGIREFORM_HUB_AUTH", "pam")
if AUTH == "pam":
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
    c.PAMAuthenticator.open_sessions = False
elif AUTH == "entra":  # pip install oauthenticator; the app registration is in docs/deployment.md
    c.JupyterHub.authenticator_class = "oauthenticator.azuread.AzureAdOAuthenticator"
    c.AzureAdOAuthenticator.tenant_id = os.environ["AAD_TENANT_ID"]
    c.AzureAdOAuthenticator.client_id = os.environ["AAD_CLIENT_ID"]
    c.AzureAdOAuthenticator.client_secret = os.environ["AAD_CLIENT_SECRET"]
    c.AzureAdOAuthenticator.oauth_callback_url = os.environ["AAD_CALLBACK_URL"]  # https://<host>/hub/oauth_callback
    c.AzureAdOAuthenticator.username_claim = "preferred_username"
    # «kari@evenes.kommune.no» signs in as the system user «kari» of access.yaml: one map entry
    # per user and domain (AAD_USER_DOMAINS: the partners' e-mail domains, comma-separated)
    c.Authenticator.username_map = {f"{user}@{domain.strip()}": user for user in ACCESS.users
                                    for domain in os.environ.get("AAD_USER_DOMAINS", "").split(",") if domain.strip()}
elif AUTH == "shared":  # tests only: one password for everybody
    c.JupyterHub.authenticator_class = "jupyterhub.authenticators.shared.SharedPasswordAuthenticator"
    c.SharedPasswordAuthenticator.user_password = os.environ["DIGIREFORM_HUB_SHARED_PASSWORD"]
else:
    raise SystemExit(f"DIGIREFORM_HUB_AUTH={AUTH}: bruk pam, entra eller shared.")

# --------------------------------------------------------------------------- users' servers

c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"  # setuid to the user (hub runs as root)
c.Spawner.cmd = [USER_PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(CHECKOUT)
c.Spawner.default_url = "/lab/tree/notebooks/01-inventar.ipynb"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.mem_limit = os.environ.get("DIGIREFORM_USER_MEM_LIMIT") or None  # informative for LocalProcessSpawner
# deploy/lab is a Jupyter config folder (Norwegian menus, no news: deploy/lab/README.md), as for `make lab`
_env = {"DIGIREFORM_DATA": str(DATA), "DIGIREFORM_COMMIT": "1", "JUPYTER_CONFIG_PATH": str(CHECKOUT / "deploy" / "lab")}
if USER_PYTHONPATH:
    _env["PYTHONPATH"] = USER_PYTHONPATH
if (CHECKOUT / "deploy" / "lab").is_dir():  # JupyterLab as `make lab` runs it: bokmål, no news (deploy/lab)
    _env["JUPYTER_CONFIG_PATH"] = str(CHECKOUT / "deploy" / "lab")
c.Spawner.environment = _env

# --------------------------------------------------------------------------- councillors' dashboards

_hosts = [f"{IP}:{PORT}", f"127.0.0.1:{PORT}", f"localhost:{PORT}", *PUBLIC_HOSTS]
_dashboards = {
    "name": "dashboards",
    "display": True,
    "url": f"http://127.0.0.1:{DASHBOARDS_PORT}",
    "command": [USER_PYTHON, "-m", "digireform.cli", "dashboards", "--port", str(DASHBOARDS_PORT),
                "--base-url", "/services/dashboards/", "--data", str(DATA),
                *[arg for host in _hosts for arg in ("--allow-host", host)]],
    "environment": {k: v for k, v in _env.items() if k != "DIGIREFORM_COMMIT"},
}
def user_exists(name: str) -> bool:
    """The package's own check (digireform.io.access), loaded from the checkout like _access()."""
    if str(CHECKOUT / "lib") not in sys.path:
        sys.path.insert(0, str(CHECKOUT / "lib"))
    from digireform.io.access import user_exists as exists

    return exists(name)


if os.geteuid() == 0 and user_exists("dr-dashbord"):  # made by `digireform access apply`: reads only
    _dashboards["user"] = "dr-dashbord"
c.JupyterHub.services = [_dashboards]
