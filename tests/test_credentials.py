"""Token lookup and the OS keyring, through real keyring backends installed in-process."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from keyring.backends import fail, null

from explorer.core.errors import UserError
from explorer.store import credentials
from explorer.store.credentials import (
    KeyringUnavailable,
    delete_token,
    diagnose_keyring,
    find_token,
    get_stored_token,
    keyring_username,
    resolve_token,
    store_token,
)
from tests.account_helpers import EMAIL, TOKEN
from tests.keyring_backends import (
    EmptyChainer,
    FakeAltFileKeyring,
    HangingKeyring,
    LeakyErrorKeyring,
    LockedKeyring,
    MemoryChainer,
    MemoryKeyring,
)

pytest_plugins = ["tests.account_fixtures"]

SITE = "https://acme.atlassian.net"
ROOT = Path(__file__).resolve().parent.parent


def assert_keyring_line(error: BaseException, *needles: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert "JIRA_API_TOKEN" in message and "dbus-run-session" in message and "gnome-keyring-daemon --unlock" in message
    for needle in needles:
        assert needle in message, message


def test_one_entry_per_site_and_email(homes, memory_keyring):
    assert keyring_username("acme.atlassian.net/", " me@acme.com ") == "me@acme.com@acme.atlassian.net"
    assert keyring_username("http://127.0.0.1:8080", "me@acme.com") == "me@acme.com@http://127.0.0.1:8080"
    assert keyring_username("https://127.0.0.1:8080", "me@acme.com") == "me@acme.com@127.0.0.1:8080"
    store_token(SITE, "me@acme.com", "tok-1")
    store_token(SITE, "bot@acme.com", "tok-2")
    store_token("https://beta.atlassian.net", "me@acme.com", "tok-3")
    assert memory_keyring.items == {("jira-perms", "me@acme.com@acme.atlassian.net"): "tok-1",
                                    ("jira-perms", "bot@acme.com@acme.atlassian.net"): "tok-2",
                                    ("jira-perms", "me@acme.com@beta.atlassian.net"): "tok-3"}
    assert get_stored_token("acme.atlassian.net", "bot@acme.com") == "tok-2"
    assert delete_token(SITE, "bot@acme.com") is True
    assert delete_token(SITE, "bot@acme.com") is False
    assert get_stored_token(SITE, "bot@acme.com") is None


def test_lookup_order_env_then_keyring(homes, memory_keyring, monkeypatch):
    with pytest.raises(UserError, match="run `jira-perms login --site https://acme.atlassian.net"):
        resolve_token(SITE, EMAIL, interactive=False)
    store_token(SITE, EMAIL, "from-keyring")
    assert find_token(SITE, EMAIL, interactive=False).source == "keyring"
    assert resolve_token(SITE, EMAIL, interactive=False) == "from-keyring"
    monkeypatch.setenv("JIRA_API_TOKEN", " from-env \n")
    calls = memory_keyring.calls
    found = find_token(SITE, EMAIL, interactive=True)
    assert (found.token, found.source) == ("from-env", "env")
    assert memory_keyring.calls == calls  # the keyring is not even asked
    assert "from-env" not in repr(found)


def test_interactive_without_a_terminal_does_not_prompt(homes, memory_keyring, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("should-not-be-read\n"))
    with pytest.raises(UserError, match="no API token for"):
        resolve_token(SITE, EMAIL, interactive=True)
    assert sys.stdin.read() == "should-not-be-read\n"


def test_env_token_with_spaces_is_refused_without_echo(homes, memory_keyring, monkeypatch):
    monkeypatch.setenv("JIRA_API_TOKEN", "abc def-secret")
    with pytest.raises(UserError) as caught:
        resolve_token(SITE, EMAIL, interactive=False)
    assert "JIRA_API_TOKEN" in str(caught.value) and "def-secret" not in str(caught.value)


@pytest.mark.parametrize("backend, needle", [
    (fail.Keyring(), "no keyring backend is available"),
    (null.Keyring(), "disabled"),
    (EmptyChainer(), "chainer has no usable backend"),
    (FakeAltFileKeyring(), "keeps secrets in a file"),
    (MemoryChainer(FakeAltFileKeyring()), "chainer has no usable backend"),
])
def test_no_usable_keyring_is_one_line_with_what_to_do(homes, use_keyring, backend, needle):
    use_keyring(backend)
    with pytest.raises(KeyringUnavailable) as caught:
        get_stored_token(SITE, EMAIL)
    assert_keyring_line(caught.value, needle)
    assert caught.value.absent
    with pytest.raises(KeyringUnavailable):
        store_token(SITE, EMAIL, TOKEN)
    with pytest.raises(KeyringUnavailable):  # a token may be stored where this session cannot reach: no guessing
        delete_token(SITE, EMAIL)
    with pytest.raises(UserError) as caught:
        resolve_token(SITE, EMAIL, interactive=False)
    assert_keyring_line(caught.value, "no API token for admin@example.com", needle)
    if isinstance(backend, FakeAltFileKeyring):
        assert backend.items == {}  # never fell back to the file backend


def test_a_chainer_uses_the_usable_backend_and_skips_file_backends(homes, use_keyring):
    alt, good = FakeAltFileKeyring(), MemoryKeyring()
    use_keyring(MemoryChainer(alt, good))
    store_token(SITE, EMAIL, TOKEN)
    assert alt.items == {} and list(good.items.values()) == [TOKEN]
    assert resolve_token(SITE, EMAIL, interactive=False) == TOKEN


def test_a_locked_keyring_says_so(homes, use_keyring):
    use_keyring(LockedKeyring())
    with pytest.raises(KeyringUnavailable) as caught:
        get_stored_token(SITE, EMAIL)
    assert_keyring_line(caught.value, "is locked")
    assert not caught.value.absent
    with pytest.raises(KeyringUnavailable):
        delete_token(SITE, EMAIL)  # a locked keyring may hold a token: not "nothing stored"


def test_a_hanging_keyring_is_abandoned_after_the_timeout(homes, use_keyring, monkeypatch):
    backend = HangingKeyring()
    use_keyring(backend)
    monkeypatch.setenv("JIRA_PERMS_KEYRING_TIMEOUT", "0.2")
    outcome: dict[str, BaseException] = {}

    def attempt() -> None:
        try:
            get_stored_token(SITE, EMAIL)
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error

    try:
        caller = threading.Thread(target=attempt, daemon=True)
        caller.start()
        caller.join(60)  # a liveness guard, not a measurement: the call must come back at all
        assert not caller.is_alive(), "the keyring call hung"
        assert isinstance(outcome.get("error"), KeyringUnavailable)
        assert_keyring_line(outcome["error"], "did not answer within 0.2 s while reading the token")
        # The stuck thread may still hold the connection: later calls fail at once, without a new thread.
        with pytest.raises(KeyringUnavailable, match="did not answer"):
            store_token(SITE, EMAIL, TOKEN)
        with pytest.raises(UserError, match="did not answer"):
            resolve_token(SITE, EMAIL, interactive=False)
        assert backend.calls == 1
    finally:
        backend.release.set()


def test_a_hanging_keyring_is_not_touched_when_the_env_token_is_set(homes, use_keyring, monkeypatch):
    backend = HangingKeyring()
    use_keyring(backend)
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    try:
        assert resolve_token(SITE, EMAIL, interactive=False) == TOKEN
        assert backend.calls == 0
    finally:
        backend.release.set()


def test_backend_errors_never_repeat_the_token(homes, use_keyring):
    use_keyring(LeakyErrorKeyring())
    with pytest.raises(KeyringUnavailable) as caught:
        store_token(SITE, EMAIL, TOKEN)
    assert TOKEN not in str(caught.value)
    assert "[token]" in str(caught.value) and "RuntimeError" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_diagnosis_names_the_backend_and_why_others_are_not_viable(homes, use_keyring, memory_keyring):
    report = diagnose_keyring()
    assert report.usable and report.active == "tests.keyring_backends.MemoryKeyring"
    names = {c.name: c for c in report.candidates}
    assert not names["keyring.backends.fail.Keyring"].usable
    assert names["keyring.backends.macOS.Keyring"].reason  # each non-viable backend says why
    use_keyring(fail.Keyring())
    report = diagnose_keyring()
    assert not report.usable and report.active == "keyring.backends.fail.Keyring"
    assert "no keyring backend" in report.reason


# --------------------------------------------------------------------------- the prompt on a real terminal

PROMPT_SCRIPT = """
import sys
from explorer.store.credentials import find_token
found = find_token("https://acme.atlassian.net", "admin@example.com", interactive=True)
print("SOURCE=" + found.source + " LENGTH=" + str(len(found.token)) + " MATCH=" + str(found.token == sys.argv[1]))
"""


def run_in_terminal(args: list[str], typed: str, env: dict[str, str]) -> tuple[int, str]:
    """Run a process whose controlling terminal is a new pty; type ``typed``; return (exit code, screen)."""
    import fcntl
    import termios

    master, slave = pty.openpty()

    def own_terminal() -> None:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env,
                            preexec_fn=own_terminal, close_fds=True)
    os.close(slave)
    screen = b""
    sent = False
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                raise AssertionError(f"no output from the process; screen so far: {screen!r}")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            screen += chunk
            if not sent and b"token" in screen.lower() and screen.rstrip().endswith(b":"):
                os.write(master, typed.encode() + b"\r")
                sent = True
    finally:
        os.close(master)
    return proc.wait(60), screen.decode(errors="replace")


def test_the_prompt_reads_from_the_terminal_without_echo(homes, tmp_path):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONPATH": str(ROOT)}
    env.pop("JIRA_API_TOKEN", None)
    code, screen = run_in_terminal([sys.executable, "-c", PROMPT_SCRIPT, TOKEN], TOKEN, env)
    assert code == 0, screen
    assert "SOURCE=prompt" in screen and f"LENGTH={len(TOKEN)}" in screen and "MATCH=True" in screen
    assert "used once and not stored" in screen and "keyring is not usable" in screen
    assert TOKEN not in screen  # typed, but never echoed
    assert credentials.SERVICE == "jira-perms"
