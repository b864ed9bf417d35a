"""login, logout, sites and doctor against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from keyring.backends import fail

from explorer.store.config import config_path
from tests.account_helpers import EMAIL, TOKEN, assert_one_line_failure, cli
from tests.keyring_backends import HangingKeyring, MemoryKeyring
from tests.myself_server import closed_port_url

pytest_plugins = ["tests.account_fixtures"]

ROOT = Path(__file__).resolve().parent.parent


def login(monkeypatch, capsys, site: str, *extra: str, email: str = EMAIL, token: str = TOKEN):
    return cli(monkeypatch, capsys, "login", "--site", site, "--email", email, *extra, stdin=token + "\n")


def keyring_key(site_url: str, email: str = EMAIL) -> tuple[str, str]:
    """The keyring entry of a site: https sites by host, http (loopback test) sites with their scheme."""
    return ("jira-perms", f"{email}@{site_url.split('://', 1)[1] if site_url.startswith('https') else site_url}")


# --------------------------------------------------------------------------- login

def test_login_checks_the_token_stores_it_and_adds_the_default_site(homes, memory_keyring, jira, monkeypatch,
                                                                     capsys):
    code, out, err = login(monkeypatch, capsys, jira.url + "/jira/your-work")
    assert code == 0, err
    assert err == ""
    assert out.startswith(f"signed in to {jira.url} (default site) as Ada Admin <{EMAIL}>")
    assert "token stored in the OS keyring (tests.keyring_backends.MemoryKeyring)" in out
    assert memory_keyring.items == {keyring_key(jira.url): TOKEN}
    saved = tomllib.loads(config_path().read_text())
    assert saved == {"default_site": jira.url, "sites": [{"url": jira.url, "email": EMAIL}]}
    (request,) = jira.requests
    assert request["path"] == "/rest/api/3/myself"
    assert request["authorization"] == "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    assert request["user-agent"].startswith("jira-perms/")


def test_a_second_site_is_not_the_default_unless_asked(homes, memory_keyring, jira, monkeypatch, capsys):
    other = jira.url.replace("127.0.0.1", "localhost")
    assert login(monkeypatch, capsys, jira.url)[0] == 0
    code, out, _ = login(monkeypatch, capsys, other)
    assert code == 0 and "(default site)" not in out
    assert tomllib.loads(config_path().read_text())["default_site"] == jira.url
    code, out, _ = login(monkeypatch, capsys, other, "--default")
    assert code == 0 and "(default site)" in out
    saved = tomllib.loads(config_path().read_text())
    assert saved["default_site"] == other and len(saved["sites"]) == 2  # logging in again replaces, not adds


def test_netrc_does_not_replace_the_token(homes, memory_keyring, jira, monkeypatch, capsys, tmp_path):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login intruder@example.com password stolen\n")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    assert login(monkeypatch, capsys, jira.url)[0] == 0
    assert base64.b64decode(jira.requests[0]["authorization"][6:]).decode() == f"{EMAIL}:{TOKEN}"


@pytest.mark.parametrize("case, needles", [
    ("wrong-token", ("authentication failed", "rejected admin@example.com", "api-tokens")),
    ("no-access", ("permission denied", "HTTP 403", "Jira access")),
    ("captcha", ("authentication failed", "CAPTCHA", "browser")),
    ("not-jira", ("wrong site", "HTTP 404", "check the site URL")),
    ("html", ("wrong site", "not like Jira Cloud")),
    ("redirect", ("wrong site", "redirects to other-site.example.net")),
    ("unavailable", ("unavailable", "HTTP 503", "try again later")),
    ("refused", ("wrong site or network down", "connection refused")),
])
def test_login_failures_are_one_line_exit_2_and_change_nothing(homes, memory_keyring, jira, monkeypatch, capsys,
                                                                case, needles):
    site = jira.url
    if case == "wrong-token":
        jira.accounts[EMAIL].token = "another-token"
    elif case == "no-access":
        jira.accounts[EMAIL].no_access = True
    elif case == "captcha":
        jira.accounts[EMAIL].captcha = True
    elif case == "refused":
        site = closed_port_url()
    else:
        jira.mode = case
    code, out, err = login(monkeypatch, capsys, site)
    assert_one_line_failure(code, out, err, *needles)
    assert memory_keyring.items == {}
    assert not config_path().exists()


@pytest.mark.parametrize("site, needle", [
    ("http://acme.atlassian.net", "refusing plain http"),
    ("ftp://acme.atlassian.net", "https://"),
    ("https://me:tok@acme.atlassian.net", "must not contain a user name or password"),
])
def test_login_refuses_bad_site_urls_before_asking_for_the_token(homes, memory_keyring, monkeypatch, capsys, site,
                                                                  needle):
    code, out, err = login(monkeypatch, capsys, site)
    assert_one_line_failure(code, out, err, needle)
    assert sys.stdin.read() == TOKEN + "\n"  # the token was not even read


@pytest.mark.parametrize("flag", ["--token", "--api-token", "--password"])
def test_the_token_is_never_accepted_on_the_command_line(homes, memory_keyring, jira, monkeypatch, capsys, flag):
    code, out, err = cli(monkeypatch, capsys, "login", "--site", jira.url, "--email", EMAIL, flag, TOKEN)
    line = assert_one_line_failure(code, out, err, "never accepted on the command line")
    assert TOKEN not in line
    assert jira.requests == []


def test_a_stray_argument_is_refused_without_echo(homes, memory_keyring, jira, monkeypatch, capsys):
    code, out, err = cli(monkeypatch, capsys, "login", "--site", jira.url, "--email", EMAIL, TOKEN)
    line = assert_one_line_failure(code, out, err, "no positional arguments", "not shown")
    assert TOKEN not in line and jira.requests == []


@pytest.mark.parametrize("stdin, needle", [("", "no API token was given"), ("\n", "no API token was given"),
                                           ("two words\n", "spaces or control characters")])
def test_login_with_no_usable_token_on_stdin(homes, memory_keyring, jira, monkeypatch, capsys, stdin, needle):
    code, out, err = cli(monkeypatch, capsys, "login", "--site", jira.url, "--email", EMAIL, stdin=stdin)
    assert_one_line_failure(code, out, err, needle)
    assert "words" not in err
    assert jira.requests == []


def test_login_with_an_unusable_keyring_changes_nothing_and_says_what_to_do(homes, use_keyring, jira, monkeypatch,
                                                                             capsys):
    use_keyring(fail.Keyring())
    code, out, err = login(monkeypatch, capsys, jira.url)
    assert_one_line_failure(code, out, err, "signed in to", "the token was not stored and nothing was changed",
                            "JIRA_API_TOKEN", "dbus-run-session", "--no-store")
    assert not config_path().exists()
    code, out, err = login(monkeypatch, capsys, jira.url, "--no-store")
    assert code == 0, err
    assert "token not stored: set JIRA_API_TOKEN" in out
    assert tomllib.loads(config_path().read_text())["sites"] == [{"url": jira.url, "email": EMAIL}]


def test_login_with_a_hanging_keyring_gives_up(homes, use_keyring, jira, monkeypatch, capsys):
    backend = HangingKeyring()
    use_keyring(backend)
    monkeypatch.setenv("JIRA_PERMS_KEYRING_TIMEOUT", "0.2")
    try:
        code, out, err = login(monkeypatch, capsys, jira.url)
        assert_one_line_failure(code, out, err, "did not answer within 0.2 s while storing the token")
        assert not config_path().exists()
    finally:
        backend.release.set()


# --------------------------------------------------------------------------- logout

def test_logout_removes_the_token_and_forget_removes_the_site(homes, memory_keyring, jira, monkeypatch, capsys):
    other = jira.url.replace("127.0.0.1", "localhost")
    jira.add("bot@example.com", "bot-token", "Bot")
    login(monkeypatch, capsys, jira.url)
    login(monkeypatch, capsys, other, email="bot@example.com", token="bot-token")
    code, out, err = cli(monkeypatch, capsys, "logout")
    assert code == 0, err
    assert out == f"removed the API token for {EMAIL} at {jira.url} from the OS keyring\n"
    assert keyring_key(jira.url) not in memory_keyring.items
    code, out, _ = cli(monkeypatch, capsys, "logout")
    assert code == 0 and out.startswith("no API token was stored")
    code, out, _ = cli(monkeypatch, capsys, "logout", "--forget")
    assert code == 0 and "removed the site from the config file" in out
    saved = tomllib.loads(config_path().read_text())
    assert saved == {"default_site": other, "sites": [{"url": other, "email": "bot@example.com"}]}
    assert memory_keyring.items == {keyring_key(other, "bot@example.com"): "bot-token"}


def test_logout_needs_a_site_when_none_is_configured(homes, memory_keyring, monkeypatch, capsys):
    code, out, err = cli(monkeypatch, capsys, "logout")
    assert_one_line_failure(code, out, err, "no Jira site is configured")


def test_logout_without_any_keyring_still_forgets_the_site(homes, use_keyring, jira, monkeypatch, capsys):
    use_keyring(fail.Keyring())
    login(monkeypatch, capsys, jira.url, "--no-store")
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    code, out, err = cli(monkeypatch, capsys, "logout", "--forget")
    assert code == 0, err
    assert "cannot tell whether an API token is stored" in out and "removed the site" in out
    assert "JIRA_API_TOKEN is still set" in out
    assert tomllib.loads(config_path().read_text()) == {"sites": []}


# --------------------------------------------------------------------------- sites

def test_sites_lists_default_and_token_presence_never_the_token(homes, memory_keyring, jira, monkeypatch, capsys):
    code, out, _ = cli(monkeypatch, capsys, "sites")
    assert code == 0 and "no sites configured" in out
    login(monkeypatch, capsys, jira.url)
    other = jira.url.replace("127.0.0.1", "localhost")
    jira.add("bot@example.com", "bot-token")
    login(monkeypatch, capsys, other, email="bot@example.com", token="bot-token")
    cli(monkeypatch, capsys, "logout", "--site", other)
    code, out, err = cli(monkeypatch, capsys, "sites")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"* {jira.url}") and lines[0].endswith("token in keyring") and EMAIL in lines[0]
    assert lines[1].startswith(f"  {other}") and lines[1].endswith("no token stored")
    assert TOKEN not in out
    code, out, _ = cli(monkeypatch, capsys, "sites", "--format", "json")
    data = json.loads(out)
    assert data["default_site"] == jira.url
    assert [(s["url"], s["default"], s["keyring_token"]) for s in data["sites"]] == [
        (jira.url, True, "keyring"), (other, False, "none")]
    assert TOKEN not in out


def test_sites_with_an_unusable_keyring_says_unknown(homes, use_keyring, jira, monkeypatch, capsys):
    use_keyring(fail.Keyring())
    login(monkeypatch, capsys, jira.url, "--no-store")
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    code, out, _ = cli(monkeypatch, capsys, "sites")
    assert code == 0
    assert "token unknown (keyring not usable)" in out
    assert "JIRA_API_TOKEN is set" in out and "keyring: no keyring backend is available" in out


# --------------------------------------------------------------------------- doctor

def test_doctor_checks_every_site_with_a_verdict(homes, memory_keyring, jira, monkeypatch, capsys):
    other = jira.url.replace("127.0.0.1", "localhost")
    jira.add("bot@example.com", "bot-token", "Bot")
    login(monkeypatch, capsys, jira.url)
    login(monkeypatch, capsys, other, email="bot@example.com", token="bot-token")
    code, out, err = cli(monkeypatch, capsys, "doctor")
    assert code == 0, out + err
    assert "backend in use: tests.keyring_backends.MemoryKeyring - usable" in out
    assert f"config file: {config_path()} (mode 0600)" in out
    assert "data folder:" in out and "JIRA_API_TOKEN: not set" in out
    assert out.count("verdict: OK - signed in as") == 2 and out.rstrip().endswith("verdict: 2 of 2 sites ready")
    jira.accounts["bot@example.com"].token = "rotated"  # the stored token was revoked
    code, out, err = cli(monkeypatch, capsys, "doctor")
    assert code == 2 and err == ""
    assert "verdict: FAILED - revoked credentials:" in out and "jira-perms login --site" in out
    assert out.rstrip().endswith("verdict: 1 of 2 sites ready")
    assert TOKEN not in out and "bot-token" not in out


def test_doctor_offline_only_checks_token_presence(homes, memory_keyring, jira, monkeypatch, capsys):
    login(monkeypatch, capsys, jira.url)
    jira.requests.clear()
    code, out, _ = cli(monkeypatch, capsys, "doctor", "--offline")
    assert code == 0 and "token available (offline: sign-in not checked)" in out
    assert jira.requests == []
    cli(monkeypatch, capsys, "logout")
    code, out, _ = cli(monkeypatch, capsys, "doctor", "--offline")
    assert code == 2 and "verdict: NOT READY - no token" in out


def test_doctor_without_a_keyring_explains_and_uses_the_env_token(homes, use_keyring, jira, monkeypatch, capsys):
    use_keyring(fail.Keyring())
    login(monkeypatch, capsys, jira.url, "--no-store")
    code, out, _ = cli(monkeypatch, capsys, "doctor")
    assert code == 2
    assert "backend in use: keyring.backends.fail.Keyring\n" in out
    assert "problem: no keyring backend is available" in out and "what to do: set JIRA_API_TOKEN" in out
    assert "not viable: keyring.backends.SecretService.Keyring" in out
    assert "NOT READY - no token" in out
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    code, out, _ = cli(monkeypatch, capsys, "doctor")
    assert code == 0, out
    assert "token used: from JIRA_API_TOKEN" in out and "verdict: OK - signed in as Ada Admin" in out
    monkeypatch.setenv("JIRA_API_TOKEN", "wrong-token")
    code, out, _ = cli(monkeypatch, capsys, "doctor")
    assert code == 2 and "FAILED - authentication failed" in out and "JIRA_API_TOKEN" in out


def test_doctor_reports_a_broken_config(homes, memory_keyring, monkeypatch, capsys):
    homes["config"].mkdir(parents=True)
    config_path().write_text("sites = [")
    code, out, _ = cli(monkeypatch, capsys, "doctor", "--offline")
    assert code == 2 and "config problem:" in out and "verdict: config file unreadable" in out


# --------------------------------------------------------------------------- as a real process

def run(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


def test_a_piped_token_in_a_real_process(homes, jira):
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run("login", "--site", jira.url, "--email", EMAIL, stdin=TOKEN + "\n", env=env)
    assert_one_line_failure(result.returncode, result.stdout, result.stderr, "the token was not stored",
                            "dbus-run-session")
    result = run("login", "--site", jira.url, "--email", EMAIL, "--no-store", stdin=TOKEN + "\n", env=env)
    assert result.returncode == 0, result.stderr
    result = run("doctor", env={**env, "JIRA_API_TOKEN": TOKEN})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verdict: 1 of 1 site ready" in result.stdout
    result = run("login", "--site", jira.url, "--email", EMAIL, stdin="bad-token\n", env=env)
    assert_one_line_failure(result.returncode, result.stdout, result.stderr, "authentication failed")


def test_doctor_and_sites_with_a_hanging_keyring_finish_and_say_why(homes, use_keyring, jira, monkeypatch, capsys):
    use_keyring(MemoryKeyring())
    login(monkeypatch, capsys, jira.url)
    backend = HangingKeyring()
    use_keyring(backend)
    monkeypatch.setenv("JIRA_PERMS_KEYRING_TIMEOUT", "0.2")
    try:
        code, out, _ = cli(monkeypatch, capsys, "doctor")
        assert code == 2
        assert "problem: the keyring did not answer within 0.2 s" in out and "NOT READY - no token" in out
        code, out, _ = cli(monkeypatch, capsys, "sites")
        assert code == 0 and "token unknown (keyring not usable)" in out and "did not answer" in out
        assert backend.calls == 1  # after the first timeout nothing else waits on the stuck keyring
    finally:
        backend.release.set()
