"""A real Secret Service: gnome-keyring under ``dbus-run-session``, as the headless recipe in docs/credentials.md.

Needs the Debian packages ``dbus`` and ``gnome-keyring`` (``apt-get install -y dbus gnome-keyring``); skipped
with that reason when they are missing.  Every run gets its own HOME and XDG folders, so the keyring files
live in the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.account_helpers import EMAIL, TOKEN

pytest_plugins = ["tests.account_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
MISSING = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"{' and '.join(MISSING)} not installed: apt-get install -y dbus gnome-keyring")

UNLOCK = "echo keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1"
START_LOCKED = "gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1"


@pytest.fixture
def runtime_dir():
    """A short XDG_RUNTIME_DIR: gnome-keyring's control socket (``keyring/control`` inside it) must fit a Unix
    socket path (107 bytes). Under pytest-xdist, tmp_path is deep enough to pass that, and the daemon then never
    answers on the bus (every call ran into the keyring timeout: the flaky failures of the locked test)."""
    folder = Path(tempfile.mkdtemp(prefix="jp-kr-"))
    folder.chmod(0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def session_env(tmp_path: Path, runtime: Path, home: str = "home") -> dict[str, str]:
    assert len(os.fsencode(runtime / "keyring" / "control")) < 100, runtime
    base = tmp_path / home
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "JIRA_API_TOKEN", "DISPLAY",
                        "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL")}
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[name] = str(folder)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["JIRA_PERMS_CONFIG_DIR"] = str(tmp_path / "jp-config")
    env["JIRA_PERMS_DATA_DIR"] = str(tmp_path / "jp-data")
    # a locked keyring answers in under a second; on a loaded machine, starting the daemon and its prompter
    # (which fails: no display) gets room, so only a real hang reaches the timeout
    env["JIRA_PERMS_KEYRING_TIMEOUT"] = "45"
    env["PYTHONPATH"] = str(ROOT)
    return env


def in_session(tmp_path: Path, setup: str, script: str, env: dict[str, str], *args: str) -> dict:
    """Run ``script`` with python inside a fresh D-Bus session after ``setup``; returns the JSON it writes."""
    out = tmp_path / "result.json"
    out.unlink(missing_ok=True)
    (tmp_path / "script.py").write_text(script)
    command = f"{setup}; exec {sys.executable} {tmp_path / 'script.py'} {out} " + " ".join(f"'{a}'" for a in args)
    done = subprocess.run(["dbus-run-session", "--", "sh", "-c", command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=400)
    assert out.exists(), f"exit {done.returncode}; stdout {done.stdout[-2000:]}; stderr {done.stderr[-2000:]}"
    return json.loads(out.read_text())


MODULE_SCRIPT = """
import json, sys
from explorer.store import credentials as c
out, site, email, token = sys.argv[1:5]
result = {"report": c.diagnose_keyring().active}
result["before"] = c.get_stored_token(site, email)
result["backend"] = c.store_token(site, email, token)
result["read_back"] = c.get_stored_token(site, email) == token
result["resolved"] = c.find_token(site, email, interactive=False).source
import keyring
result["raw_entry"] = keyring.get_password("jira-perms", c.keyring_username(site, email)) == token
result["deleted"] = c.delete_token(site, email)
result["after"] = c.get_stored_token(site, email)
json.dump(result, open(out, "w"))
"""


def test_tokens_round_trip_through_gnome_keyring(tmp_path, runtime_dir):
    result = in_session(tmp_path, UNLOCK, MODULE_SCRIPT, session_env(tmp_path, runtime_dir),
                        "https://acme.atlassian.net", EMAIL, TOKEN)
    assert result == {"report": "keyring.backends.SecretService.Keyring", "before": None,
                      "backend": "keyring.backends.SecretService.Keyring", "read_back": True, "resolved": "keyring",
                      "raw_entry": True, "deleted": True, "after": None}


CLI_SCRIPT = """
import json, os, subprocess, sys
out, site, email, token = sys.argv[1:5]
def run(*args, stdin=""):
    done = subprocess.run([sys.executable, "-m", "explorer", *args], input=stdin, capture_output=True, text=True)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}
steps = {
    "login": run("login", "--site", site, "--email", email, stdin=token + "\\n"),
    "sites": run("sites"),
    "doctor": run("doctor"),
    "logout": run("logout"),
    "sites_after": run("sites"),
}
steps["leaked"] = [name for name, step in steps.items() if token in step["out"] + step["err"]]
config = os.path.join(os.environ["JIRA_PERMS_CONFIG_DIR"], "config.toml")
steps["config_has_token"] = token in open(config).read()
json.dump(steps, open(out, "w"))
"""


def test_login_sites_doctor_logout_with_gnome_keyring(tmp_path, jira, runtime_dir):
    steps = in_session(tmp_path, UNLOCK, CLI_SCRIPT, session_env(tmp_path, runtime_dir), jira.url, EMAIL, TOKEN)
    assert steps["login"]["code"] == 0, steps["login"]
    assert "token stored in the OS keyring (keyring.backends.SecretService.Keyring)" in steps["login"]["out"]
    assert steps["sites"]["out"].startswith(f"* {jira.url}") and "token in keyring" in steps["sites"]["out"]
    doctor = steps["doctor"]
    assert doctor["code"] == 0, doctor
    assert "backend in use: keyring.backends.SecretService.Keyring - usable" in doctor["out"]
    assert "token used: from the OS keyring" in doctor["out"] and "verdict: OK - signed in as Ada Admin" in doctor["out"]
    assert steps["logout"]["out"].startswith(f"removed the API token for {EMAIL}")
    assert "no token stored" in steps["sites_after"]["out"]
    assert steps["leaked"] == [] and steps["config_has_token"] is False


LOCKED_SCRIPT = """
import json, subprocess, sys
out = sys.argv[1]
done = subprocess.run([sys.executable, "-m", "explorer", "sites"], capture_output=True, text=True)
doctor = subprocess.run([sys.executable, "-m", "explorer", "doctor", "--offline"], capture_output=True, text=True)
from explorer.store import credentials as c
try:
    c.resolve_token("https://acme.atlassian.net", "admin@example.com", interactive=False)
    error = None
except Exception as e:
    error = {"type": type(e).__name__, "message": str(e)}
json.dump({"sites": done.stdout, "sites_err": done.stderr, "error": error, "doctor": doctor.stdout,
           "doctor_code": doctor.returncode}, open(out, "w"))
"""


def test_a_locked_gnome_keyring_is_one_line_not_a_hang(tmp_path, jira, runtime_dir):
    env = session_env(tmp_path, runtime_dir)
    in_session(tmp_path, UNLOCK, MODULE_SCRIPT, env, jira.url, EMAIL, TOKEN)  # creates the login keyring
    (tmp_path / "jp-config").mkdir(exist_ok=True)
    (tmp_path / "jp-config" / "config.toml").write_text(
        f'default_site = "{jira.url}"\n[[sites]]\nurl = "{jira.url}"\nemail = "{EMAIL}"\n')
    result = in_session(tmp_path, START_LOCKED, LOCKED_SCRIPT, env)  # daemon up, keyring not unlocked
    assert result["error"]["type"] == "UserError"
    message = result["error"]["message"]
    assert "\n" not in message, message
    assert "is locked" in message and "JIRA_API_TOKEN" in message, message
    assert "token unknown (keyring not usable)" in result["sites"]
    assert "keyring: keyring.backends.SecretService.Keyring is locked" in result["sites"]
    assert result["doctor_code"] == 2
    assert "backend in use: keyring.backends.SecretService.Keyring\n" in result["doctor"]
    assert "problem: keyring.backends.SecretService.Keyring is locked" in result["doctor"]


def test_a_missing_login_keyring_cannot_prompt_and_says_so(tmp_path, runtime_dir):
    result = in_session(tmp_path, START_LOCKED, LOCKED_SCRIPT, session_env(tmp_path, runtime_dir, "fresh"))
    message = result["error"]["message"]
    assert "\n" not in message, message
    assert "cannot show a prompt here" in message and "dbus-run-session" in message, message
