"""The API token never reaches stdout, stderr, logs, the config file or a traceback, in any failure path."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from keyring.backends import fail

from explorer.cli.main import build_parser
from explorer.core.errors import UserError
from explorer.store.config import config_path
from tests.account_helpers import EMAIL, TOKEN, cli
from tests.keyring_backends import HangingKeyring, LeakyErrorKeyring, LockedKeyring, MemoryKeyring
from tests.myself_server import closed_port_url

pytest_plugins = ["tests.account_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FORMS = (TOKEN, base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode(), TOKEN[8:40])

SERVER_CASES = ["ok", "wrong-token", "no-access", "captcha", "not-jira", "html", "redirect", "unavailable", "refused"]
KEYRING_CASES = ["memory", "fail", "hanging", "leaky", "locked"]


def arrange(case: str, jira, use_keyring, monkeypatch) -> tuple[str, object]:
    site = jira.url
    if case == "wrong-token":
        jira.accounts[EMAIL].token = "the-right-one"
    elif case == "no-access":
        jira.accounts[EMAIL].no_access = True
    elif case == "captcha":
        jira.accounts[EMAIL].captcha = True
    elif case == "refused":
        site = closed_port_url()
    elif case != "ok":
        jira.mode = case
    return site, None


def keyring_for(kind: str, use_keyring, monkeypatch):
    monkeypatch.setenv("JIRA_PERMS_KEYRING_TIMEOUT", "0.2")
    backend = {"memory": MemoryKeyring, "fail": fail.Keyring, "hanging": HangingKeyring,
               "leaky": LeakyErrorKeyring, "locked": LockedKeyring}[kind]()
    use_keyring(backend)
    return backend


def assert_nowhere(*texts: str) -> None:
    for text in texts:
        for form in FORMS:
            assert form not in text


def traceback_of(argv: list[str]) -> str:
    """The full chained traceback a failing command would raise, as text ('' if it succeeded)."""
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except UserError as error:
        return "".join(traceback.format_exception(error))
    return ""


@pytest.mark.parametrize("keyring_kind", KEYRING_CASES)
@pytest.mark.parametrize("case", SERVER_CASES)
def test_login_never_shows_the_token(homes, jira, use_keyring, monkeypatch, capsys, caplog, case, keyring_kind):
    caplog.set_level(logging.DEBUG)
    backend = keyring_for(keyring_kind, use_keyring, monkeypatch)
    try:
        site, _ = arrange(case, jira, use_keyring, monkeypatch)
        argv = ["login", "--site", site, "--email", EMAIL]
        code, out, err = cli(monkeypatch, capsys, *argv, stdin=TOKEN + "\n")
        assert code == (0 if case == "ok" and keyring_kind == "memory" else 2), (out, err)
        if code == 2:
            assert len(err.strip().splitlines()) == 1
        if case != "refused":
            assert any(r.name == "explorer.jira" for r in caplog.records)  # debug logging was on
        from explorer.store import credentials
        credentials.reset_keyring_state()
        monkeypatch.setattr(sys, "stdin", __import__("io").StringIO(TOKEN + "\n"))
        tb = traceback_of(argv)
        assert_nowhere(out, err, caplog.text, tb, *(m for r in caplog.records for m in (str(r.args), r.getMessage())))
        if config_path().exists():
            assert_nowhere(config_path().read_text())
    finally:
        if isinstance(backend, HangingKeyring):
            backend.release.set()


@pytest.mark.parametrize("case", SERVER_CASES)
def test_doctor_sites_logout_never_show_a_stored_or_env_token(homes, jira, use_keyring, monkeypatch, capsys, caplog,
                                                               case):
    caplog.set_level(logging.DEBUG)
    backend = keyring_for("memory", use_keyring, monkeypatch)
    assert cli(monkeypatch, capsys, "login", "--site", jira.url, "--email", EMAIL, stdin=TOKEN + "\n")[0] == 0
    site, _ = arrange(case, jira, use_keyring, monkeypatch)
    if site != jira.url:  # a second, unreachable site that uses the same token through JIRA_API_TOKEN
        cli(monkeypatch, capsys, "login", "--site", site, "--email", EMAIL, "--no-store", stdin=TOKEN + "\n")
        monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    texts = []
    for argv in (["doctor"], ["doctor", "--offline"], ["sites"], ["sites", "--format", "json"], ["logout"]):
        code, out, err = cli(monkeypatch, capsys, *argv)
        texts += [out, err]
    assert backend.items == {}  # logout removed it
    assert_nowhere(*texts, caplog.text, config_path().read_text())


@pytest.mark.parametrize("case", ["wrong-token", "refused", "not-jira"])
def test_debug_mode_in_a_real_process_still_hides_the_token(homes, jira, case, monkeypatch, use_keyring):
    site, _ = arrange(case, jira, use_keyring, monkeypatch)
    env = {**os.environ, "JIRA_PERMS_DEBUG": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "PYTHONPATH": str(ROOT)}
    login = subprocess.run([sys.executable, "-m", "explorer", "login", "--site", site, "--email", EMAIL],
                           input=TOKEN + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    doctor = subprocess.run([sys.executable, "-m", "explorer", "doctor"], capture_output=True, text=True, cwd=ROOT,
                            env={**env, "JIRA_API_TOKEN": TOKEN}, timeout=120)
    assert login.returncode == 2
    assert_nowhere(login.stdout, login.stderr, doctor.stdout, doctor.stderr)
