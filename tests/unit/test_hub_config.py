"""deploy/jupyterhub_config.py read as JupyterHub reads it (a traitlets Config), without starting
anything: who may log in, how users' servers start, the dashboards service under its path, and
the Norwegian refusal of a wrong access.yaml or login setting. The running hub is test_hub.py."""
from __future__ import annotations

import runpy
import sys

import pytest
from traitlets.config import Config

from digireform.cli import main
from tests.support.planted import REPO

CONFIG = REPO / "deploy" / "jupyterhub_config.py"
ACCESS = 'users:\n  kari: {municipalities: ["1853"], admin: true}\n  ola: {procurement: true}\n'


def load(monkeypatch, tmp_path, access: str = ACCESS, **env: str) -> Config:
    data = tmp_path / "data"
    (data / "municipalities").mkdir(parents=True)
    (data / "access.yaml").write_text(access, encoding="utf-8")
    proxy = tmp_path / "configurable-http-proxy"
    proxy.write_text("#!/bin/sh\n", encoding="utf-8")
    proxy.chmod(0o755)
    for key, value in {"DIGIREFORM_DATA": str(data), "DIGIREFORM_HUB_STATE": str(tmp_path / "state"),
                       "DIGIREFORM_PROXY": str(proxy), "DIGIREFORM_DASHBOARDS_PORT": "9123", **env}.items():
        monkeypatch.setenv(key, value)
    c = Config()
    runpy.run_path(str(CONFIG), init_globals={"get_config": lambda: c})
    return c


def test_the_users_of_access_yaml_log_in_and_get_their_own_server_on_the_workbook(monkeypatch, tmp_path):
    c = load(monkeypatch, tmp_path)
    assert c.Authenticator.allowed_users == {"kari", "ola"} and c.Authenticator.admin_users == {"kari"}
    assert c.JupyterHub.authenticator_class == "jupyterhub.auth.PAMAuthenticator"
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Spawner.cmd == [sys.executable, "-m", "jupyterhub.singleuser"]
    assert c.Spawner.notebook_dir == str(REPO)
    env = c.Spawner.environment
    assert env["DIGIREFORM_DATA"] == str(tmp_path / "data") and env["DIGIREFORM_COMMIT"] == "1"
    assert (tmp_path / "state").is_dir() and (tmp_path / "state").stat().st_mode & 0o077 == 0


def test_the_dashboards_are_a_service_under_their_own_path_without_commits(monkeypatch, tmp_path):
    c = load(monkeypatch, tmp_path, DIGIREFORM_PUBLIC_HOSTS="digireform.kommune.example")
    (service,) = c.JupyterHub.services
    assert service["name"] == "dashboards" and service["url"] == "http://127.0.0.1:9123"
    command = service["command"]
    assert command[1:5] == ["-m", "digireform.cli", "dashboards", "--port"]
    assert command[command.index("--base-url") + 1] == "/services/dashboards/"
    assert "digireform.kommune.example" in command and "127.0.0.1:8000" in command
    assert "DIGIREFORM_COMMIT" not in service["environment"]


def test_entra_id_maps_each_partners_address_to_the_system_user(monkeypatch, tmp_path):
    c = load(monkeypatch, tmp_path, DIGIREFORM_HUB_AUTH="entra", AAD_TENANT_ID="t", AAD_CLIENT_ID="i",
             AAD_CLIENT_SECRET="s", AAD_CALLBACK_URL="https://x/hub/oauth_callback",
             AAD_USER_DOMAINS="evenes.kommune.no, narvik.kommune.no")
    assert c.JupyterHub.authenticator_class == "oauthenticator.azuread.AzureAdOAuthenticator"
    assert c.Authenticator.username_map["kari@evenes.kommune.no"] == "kari"
    assert c.Authenticator.username_map["ola@narvik.kommune.no"] == "ola"


def test_a_wrong_access_file_stops_the_hub_with_its_messages(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="access.yaml:2: users.kari.municipalities: «12» er ikke et firesifret"):
        load(monkeypatch, tmp_path, access="users:\n  kari: {municipalities: [12]}\n")


def test_an_unknown_login_setting_is_refused_in_norwegian(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="DIGIREFORM_HUB_AUTH=ldap: bruk pam, entra eller shared"):
        load(monkeypatch, tmp_path, DIGIREFORM_HUB_AUTH="ldap")


def test_the_hub_command_without_its_config_is_a_norwegian_error(tmp_path, capsys):
    assert main(["hub", "--config", str(tmp_path / "finnes-ikke.py"), "--data", str(REPO)]) == 1
    err = capsys.readouterr().err
    assert "finnes-ikke.py finnes ikke" in err and "Traceback" not in err
