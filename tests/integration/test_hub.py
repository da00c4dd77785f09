"""The shared server end to end: a real JupyterHub (deploy/jupyterhub_config.py, PAM logins,
configurable-http-proxy), two system users of two municipalities, their own servers and
kernels, the operating system's write rights from access.yaml, a git commit per save, and
the councillors' dashboards as a hub service. Loopback only; every step is bounded
(tests/support/hub.py); users, groups and processes made here are removed at the end.

Skipped, with the reason, only where the machine cannot create system users or run the
proxy (not root, no useradd, no configurable-http-proxy): `.ci/run` runs it as root.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from tests.support import hub as hubs
from tests.support.regionfiles import copy_example, git, git_commit_all, git_init

pytestmark = pytest.mark.slow
REASON = hubs.why_not()
if REASON is not None:
    pytest.skip(f"no hub with system users on this machine: {REASON}", allow_module_level=True)

EVE, NAR = "drt-eve", "drt-nar"
PASSWORD = "Prøve-passord-17"
ACCESS = f"""# Tilgang (test)
users:
  {EVE}:
    name: Eva Evenes
    municipalities: ["1853"]
  {NAR}:
    municipalities: ["1806"]
    procurement: true
"""

# What a person does in notebook 01: the systems form of their municipality, one row edited, «Lagre».
FORM_SAVE = """
import json
from digireform.io import history
from digireform.notebook import TableEditor
ed = TableEditor(None, "systems", {number!r})
ed.select([r["system_id"] for r in ed.snapshot.rows].index({sid!r}))
ed.fields["users"].value = {users!r}
saved = ed.save()
print(json.dumps({{"saved": saved, "status": ed.status.value, "warning": history.take_warning(),
                   "user": __import__("getpass").getuser()}}))
"""
RAW_WRITE = """
import json, os
path = os.path.join(os.environ["DIGIREFORM_DATA"], "municipalities", {folder!r}, "systems.csv")
try:
    open(path, "a").close()
    print(json.dumps({{"errno": 0}}))
except OSError as exc:
    print(json.dumps({{"errno": exc.errno}}))
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(hubs.REPO / "lib")}
    return subprocess.run([sys.executable, "-m", "digireform.cli", *args], capture_output=True, text=True, env=env,
                          timeout=hubs.STEP_SECONDS)


@pytest.fixture(scope="module")
def setup():
    """Data repository with access.yaml, access applied (users and groups), a hub on free ports."""
    base = Path(tempfile.mkdtemp(prefix="drt-hub-", dir="/tmp"))
    os.chmod(base, 0o755)  # the users reach the data and the Python below it
    data = copy_example(base / "data")
    (data / "access.yaml").write_text(ACCESS, encoding="utf-8")
    git_init(data)
    git_commit_all(data, "eksempeldata")
    state = base / "state"
    try:
        with hubs.machine_lock() as busy:
            if busy is not None:
                pytest.skip(f"no hub test now: {busy}")
            with hubs.SystemUsers() as users:
                if (real := hubs.real_hub_here()) is not None:
                    pytest.skip(real)
                first = cli("access", "apply", "--data", str(data))
                users.record()
                second = cli("access", "apply", "--data", str(data))
                for user in (EVE, NAR):
                    users.set_password(user, PASSWORD)
                python = hubs.user_python(base)
                with hubs.Traversable(hubs.REPO, Path(sys.prefix)), hubs.Hub(data, state, python) as hub:
                    yield {"data": data, "hub": hub, "apply": (first, second)}
    finally:
        subprocess.run(["rm", "-rf", "--one-file-system", str(base)], check=False, timeout=hubs.STEP_SECONDS)


@pytest.fixture(scope="module")
def sessions(setup):
    """Both users logged in through the login form, each with a token and a running server."""
    out = {}
    for user in (EVE, NAR):
        s = hubs.HubSession(setup["hub"], user)
        assert s.login(PASSWORD) == 200 and s.logged_in(), setup["hub"].log_text()[-3000:]
        s.request_token()
        s.start_server()
        out[user] = s
    return out


def test_access_apply_makes_groups_and_rights_and_a_second_run_changes_nothing(setup):
    first, second = setup["apply"]
    assert first.returncode == 0, first.stderr
    assert f"Opprett brukeren {EVE} (Eva Evenes)" in first.stdout and "Legg drt-eve til i gruppen dr-1853" in first.stdout
    assert second.returncode == 0 and second.stdout.startswith("Ingen endringer:"), second.stdout
    data = setup["data"]
    evenes = (data / "municipalities" / "1853-evenes").stat()
    assert Path("/etc/group").read_text().count("dr-1853:") == 1
    import grp

    assert grp.getgrgid(evenes.st_gid).gr_name == "dr-1853" and stat.S_IMODE(evenes.st_mode) == 0o2775
    assert set(grp.getgrnam("dr-1853").gr_mem) == {EVE} and set(grp.getgrnam("dr-innkjop").gr_mem) == {NAR}
    assert stat.S_IMODE(data.stat().st_mode) == 0o2750  # nobody outside the project group reads
    config = (data / ".git" / "config").stat()
    assert config.st_uid == 0 and not config.st_mode & 0o022  # no member can make git run a program
    assert git(data, "config", "core.sharedRepository") == "group"


def test_a_wrong_password_does_not_log_in(setup):
    s = hubs.HubSession(setup["hub"], EVE)
    s.login("feil-passord")
    assert not s.logged_in()


def test_each_user_gets_jupyterlab_in_norwegian_with_the_data_and_history_settings(sessions):
    s = sessions[EVE]
    status, setting = s.api("GET", f"/user/{EVE}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert status == 200 and setting["schema"]["properties"]["locale"]["default"] == "nb_NO"  # deploy/lab
    env = json.loads(s.run_code("import json, os; print(json.dumps({k: os.environ.get(k) for k in "
                                "('DIGIREFORM_DATA', 'DIGIREFORM_COMMIT', 'JUPYTERHUB_USER')}))"))
    assert env == {"DIGIREFORM_DATA": str(s.hub.data), "DIGIREFORM_COMMIT": "1", "JUPYTERHUB_USER": EVE}


def test_each_user_saves_their_own_municipality_through_the_form_and_it_is_a_commit_by_them(setup, sessions):
    data = setup["data"]
    eve = json.loads(sessions[EVE].run_code(FORM_SAVE.format(number="1853", sid="EVE-004", users="77")))
    nar = json.loads(sessions[NAR].run_code(FORM_SAVE.format(number="1806", sid="NAR-001", users="88")))
    assert eve["user"] == EVE and nar["user"] == NAR  # each kernel runs as its own system user
    assert eve["saved"] and nar["saved"], (eve, nar)
    assert eve["warning"] is None and nar["warning"] is None
    log = git(data, "log", "-2", "--format=%an|%s").splitlines()
    assert sorted(log) == sorted(["Eva Evenes|Evenes: endret EVE-004 (Antall brukere)",
                                  f"{NAR}|Narvik: endret NAR-001 (Antall brukere)"])
    assert not git(data, "status", "--porcelain", "--", "municipalities")
    saved = data / "municipalities" / "1853-evenes" / "systems.csv"
    assert saved.stat().st_uid == __import__("pwd").getpwnam(EVE).pw_uid
    import grp

    assert grp.getgrgid(saved.stat().st_gid).gr_name == "dr-1853"  # the setgid folder kept the group


def test_writing_the_other_municipality_is_refused_by_the_system_in_norwegian(setup, sessions):
    data = setup["data"]
    before = (data / "municipalities" / "1806-narvik" / "systems.csv").read_bytes()
    head = git(data, "rev-parse", "HEAD")
    out = json.loads(sessions[EVE].run_code(FORM_SAVE.format(number="1806", sid="NAR-002", users="5")))
    assert out["saved"] is False
    assert "Du kan bare endre data for Evenes" in out["status"] and "Traceback" not in out["status"]
    raw = json.loads(sessions[EVE].run_code(RAW_WRITE.format(folder="1806-narvik")))
    assert raw["errno"] == 13  # EACCES: the kernel refuses whatever code writes, not only the form
    assert (data / "municipalities" / "1806-narvik" / "systems.csv").read_bytes() == before
    assert git(data, "rev-parse", "HEAD") == head


def test_a_councillor_reaches_the_dashboards_but_no_notebook_server(setup, sessions):
    hub = setup["hub"]
    hubs.wait_for(lambda: hubs.get(f"{hub.url}/services/dashboards/oversikt")[0] == 200,
                  "the dashboards service shows its first version", hub.proc, timeout=180)  # one full build
    status, _, body = hubs.get(f"{hub.url}/services/dashboards/oversikt")
    page = body.decode("utf-8")
    assert status == 200 and 'href="/services/dashboards/' in page and 'href="/static/' not in page
    assert hubs.get(f"{hub.url}/services/dashboards/static/digireform.css")[0] == 200
    for path in (f"/user/{EVE}/lab", f"/user/{EVE}/lab/tree/notebooks/01-inventar.ipynb", "/hub/home", "/hub/spawn"):
        stranger = hubs.HubSession(hub, "ingen")  # no login: every redirect followed, cookies kept
        landed = stranger.opener.open(hub.url + path, timeout=hubs.STEP_SECONDS)
        assert urllib.parse.urlsplit(landed.url).path == "/hub/login", (path, landed.url)
        assert b"JupyterLab" not in landed.read()
    own = sessions[EVE].opener.open(f"{hub.url}/user/{EVE}/lab", timeout=hubs.STEP_SECONDS)  # her cookie: JupyterLab
    assert own.status == 200 and b"JupyterLab" in own.read()
    anonymous = hubs.HubSession(hub, "ingen")
    assert anonymous.api("POST", f"/hub/api/users/{EVE}/server")[0] == 403
    assert anonymous.api("GET", f"/user/{EVE}/api/contents")[0] in (302, 403)
