"""API tokens: the OS keyring, the JIRA_API_TOKEN variable, or a prompt that is not stored.

Lookup order (:func:`resolve_token`): the ``JIRA_API_TOKEN`` environment
variable, then the OS keyring (service ``jira-perms``, user name
``email@site-host``), then - only when the caller allows it and stdin is a
terminal - one ``getpass`` prompt whose answer is not stored.

Every keyring call runs in a daemon thread and is abandoned after
:data:`KEYRING_TIMEOUT` seconds (``JIRA_PERMS_KEYRING_TIMEOUT``): a Secret
Service waiting for an unlock prompt that nobody can see must not hang us.  An
unusable keyring (the fail or null backend, a chainer with nothing behind it, a
locked or missing Secret Service, an error, a timeout) becomes one
:class:`KeyringUnavailable` line that says what to do.  keyrings.alt backends
are refused, and a token is never written to a file.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from explorer.core.errors import UserError
from explorer.store.config import normalise_email, normalise_site_url, normalise_username, site_host

SERVICE = "jira-perms"
ENV_TOKEN = "JIRA_API_TOKEN"
ENV_TIMEOUT = "JIRA_PERMS_KEYRING_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
TOKEN_HELP_URL = "https://id.atlassian.com/manage-profile/security/api-tokens"
HEADLESS_HINT = (f"set {ENV_TOKEN} for this shell, or start a keyring first: `dbus-run-session -- sh`, then "
                 "`echo PASSWORD | gnome-keyring-daemon --unlock --components=secrets`, then run jira-perms in "
                 "that shell (docs/credentials.md)")

T = TypeVar("T")


class KeyringUnavailable(UserError):
    """The OS keyring cannot be used; ``str()`` is one line with what to do.

    ``absent`` is True when there is no keyring at all (fail/null backend, an
    empty chainer, a refused file backend): then nothing can be stored in it.
    ``backend`` names the backend keyring selected, when it got that far.
    """

    def __init__(self, reason: str, *, absent: bool = False, backend: str | None = None):
        super().__init__(f"the OS keyring is not usable: {reason}; {HEADLESS_HINT}")
        self.reason = reason
        self.absent = absent
        self.backend = backend


class _NoKeyring(Exception):
    """Inside the worker thread: the selected backend is not one we may use."""


def keyring_timeout() -> float:
    try:
        value = float(os.environ.get(ENV_TIMEOUT, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


PAT_USER = "personal-access-token"
"""The keyring user part for a Data Center site used with a personal access token (no username)."""


def keyring_username(site_url: str, email: str) -> str:
    """The keyring user name of one site+account: ``email@site-host`` (``me@acme.com@acme.atlassian.net``).

    On Data Center the account is a username (``jdoe@jira.example.com``), or none for a personal access
    token (``personal-access-token@jira.example.com``).  An ``http`` site (loopback only) spells its scheme
    out (``me@acme.com@http://127.0.0.1:8080``), so the http and https sites of one host never share a token.
    """
    url = normalise_site_url(site_url)
    where = site_host(url) if url.startswith("https://") else url
    return f"{_user(email) or PAT_USER}@{where}"


def _user(email: str) -> str:
    """An email (Cloud) or a username or nothing (Data Center), checked without insisting on an email."""
    return normalise_email(email) if "@" in (email or "") else normalise_username(email)


def secret_name(email: str) -> str:
    """What the secret for this account is called: an API token, or on DC a password or a personal access token."""
    if not email:
        return "personal access token"
    return "API token" if "@" in email else "password"


# --------------------------------------------------------------------------- the backend

def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_refused(backend: object) -> str | None:
    """Why jira-perms will not use this backend, or None if it may."""
    from keyring.backends import chainer, fail, null

    module = type(backend).__module__
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available (no Secret Service, KWallet or macOS/Windows keychain was found; " \
               "keyring chose its fail backend)"
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend, e.g. PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring " \
               "or `keyring --disable`)"
    if module.startswith("keyrings.alt") or module.startswith("keyrings.cryptfile"):
        return f"{backend_name(backend)} keeps secrets in a file, which jira-perms does not use"
    if isinstance(backend, chainer.ChainerBackend):
        return None if _chained(backend) else "the keyring chainer has no usable backend behind it"
    return None


def _chained(backend: object) -> list[object]:
    return [b for b in getattr(backend, "backends", []) if _is_refused(b) is None]


def _usable_backend(box: dict[str, object]) -> object:
    """The keyring backend to use (runs inside the bounded worker: detection may touch D-Bus)."""
    import keyring
    from keyring.backends import chainer

    backend = keyring.get_keyring()
    box["backend"] = backend_name(backend)
    refused = _is_refused(backend)
    if refused:
        raise _NoKeyring(refused)
    if isinstance(backend, chainer.ChainerBackend):
        return _chained(backend)[0]
    return backend


_broken_lock = threading.Lock()
_broken: str | None = None
"""Set once a keyring call timed out: its thread may still hold the connection, so later calls fail fast."""


def reset_keyring_state() -> None:
    """Forget an earlier timeout (for long-running front ends and tests)."""
    global _broken
    with _broken_lock:
        _broken = None


def _bounded(what: str, call: Callable[[object], T], *, secret: str | None = None) -> T:
    """Run ``call(backend)`` in a daemon thread; one-line errors; give up after the timeout."""
    global _broken
    with _broken_lock:
        if _broken:
            raise KeyringUnavailable(_broken)
    box: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            backend = _usable_backend(box)
            box["used"] = backend_name(backend)
            box["value"] = call(backend)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = error
        finally:
            done.set()

    thread = threading.Thread(target=work, name=f"jira-perms-keyring-{what}", daemon=True)
    thread.start()
    timeout = keyring_timeout()
    if not done.wait(timeout):
        reason = (f"the keyring did not answer within {timeout:g} s while {what} (a locked Secret Service "
                  "waiting for an unlock prompt, or a stuck D-Bus?)")
        with _broken_lock:
            _broken = reason
        raise KeyringUnavailable(reason, backend=box.get("backend"))  # type: ignore[arg-type]
    error = box.get("error")
    if error is None:
        return box["value"]  # type: ignore[return-value]
    backend = box.get("used") or box.get("backend")
    translated = _translate(error, what, str(backend or "the keyring"), secret)
    if isinstance(translated, KeyringUnavailable) and translated.backend is None:
        translated.backend = box.get("backend")  # type: ignore[assignment]
    raise translated from None


def _translate(error: BaseException, what: str, backend: str, secret: str | None) -> UserError:
    from keyring import errors as kerr

    if isinstance(error, KeyboardInterrupt):
        raise error
    if isinstance(error, UserError):
        return error
    if isinstance(error, _NoKeyring):
        return KeyringUnavailable(str(error), absent=True)
    if isinstance(error, kerr.NoKeyringError):
        return KeyringUnavailable("no keyring backend is available", absent=True)
    if isinstance(error, kerr.KeyringLocked):
        return KeyringUnavailable(f"{backend} is locked and could not be unlocked without a desktop prompt")
    detail = " ".join(str(error).split())
    if secret:
        detail = detail.replace(secret, "[token]")
    if len(detail) > 160:
        detail = detail[:159] + "…"
    if "Failed to create the collection" in detail or "Prompt dismissed" in detail:
        return KeyringUnavailable(f"{backend} has no unlocked keyring and cannot show a prompt here ({detail})")
    return KeyringUnavailable(f"{backend} failed while {what} ({type(error).__name__}: {detail or 'no detail'})")


# --------------------------------------------------------------------------- keyring operations

def get_stored_token(site_url: str, email: str) -> str | None:
    """The token stored for this site+email, or None; :class:`KeyringUnavailable` if the keyring cannot be used."""
    user = keyring_username(site_url, email)
    token = _bounded("reading the token", lambda backend: backend.get_password(SERVICE, user))  # type: ignore[attr-defined]
    return token or None


def store_token(site_url: str, email: str, token: str) -> str:
    """Store the token in the keyring; returns the backend's name."""
    token = check_token_text(token)
    user = keyring_username(site_url, email)

    def put(backend: object) -> str:
        backend.set_password(SERVICE, user, token)  # type: ignore[attr-defined]
        return backend_name(backend)

    return _bounded("storing the token", put, secret=token)


def delete_token(site_url: str, email: str) -> bool:
    """Remove the stored token; False if there was none.

    :class:`KeyringUnavailable` when the keyring cannot be asked (disabled, missing, locked): a token may
    still be stored where this session cannot reach it, so "none" would be a guess.
    """
    from keyring.errors import PasswordDeleteError

    user = keyring_username(site_url, email)

    def drop(backend: object) -> bool:
        if backend.get_password(SERVICE, user) is None:  # type: ignore[attr-defined]
            return False
        try:
            backend.delete_password(SERVICE, user)  # type: ignore[attr-defined]
        except PasswordDeleteError:
            return False
        return True

    return _bounded("deleting the token", drop)


# --------------------------------------------------------------------------- resolution

@dataclass(frozen=True)
class TokenLookup:
    """Where a token came from: ``env``, ``keyring`` or ``prompt`` (the token itself never shows in a repr)."""

    token: str = field(repr=False)
    source: str
    keyring_problem: str | None = None


def find_token(site_url: str, email: str, *, interactive: bool) -> TokenLookup:
    """:func:`resolve_token`, also saying where the token came from."""
    url = normalise_site_url(site_url)
    email = _user(email)
    what = secret_name(email)
    whose = f"for {email} at {url}" if email else f"for {url}"
    env = os.environ.get(ENV_TOKEN, "").strip()
    if env:
        return TokenLookup(check_token_text(env, source=ENV_TOKEN), "env")
    problem: KeyringUnavailable | None = None
    try:
        stored = get_stored_token(url, email)
    except KeyringUnavailable as error:
        stored, problem = None, error
    if stored:
        return TokenLookup(stored, "keyring")
    if interactive and _stdin_is_terminal():
        note = f" (the OS keyring is not usable: {problem.reason})" if problem else ""
        prompt = f"{what[0].upper() + what[1:]} {whose}, used once and not stored{note}: "
        token = read_token(prompt)
        return TokenLookup(token, "prompt", problem.reason if problem else None)
    if problem:
        raise UserError(f"no {what} {whose}: {problem}")
    login = f"jira-perms login --site {url}" + (f" --email {email}" if email else "")
    raise UserError(f"no {what} {whose}: run `{login}`, or set {ENV_TOKEN}")


def resolve_token(site_url: str, email: str, *, interactive: bool) -> str:
    """The API token for a site+email: JIRA_API_TOKEN, the keyring, or (terminal only) one prompt."""
    return find_token(site_url, email, interactive=interactive).token


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def read_token(prompt: str) -> str:
    """Read a token without echo: ``getpass`` on a terminal, else one line from stdin (a pipe)."""
    if _stdin_is_terminal():
        try:
            text = getpass.getpass(prompt, stream=sys.stderr)
        except EOFError:
            text = ""
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        text = line.rstrip("\r\n")
    if not text.strip():
        raise UserError("no API token was given; create one at "
                        f"{TOKEN_HELP_URL} and paste it at the prompt (or pipe it on stdin)")
    return check_token_text(text.strip())


def check_token_text(token: str, *, source: str = "the token") -> str:
    """Reject what cannot be a token, without ever echoing it."""
    if not token or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise UserError(f"{source} contains spaces or control characters; paste the API token exactly as "
                        f"Atlassian shows it ({TOKEN_HELP_URL})")
    return token


# --------------------------------------------------------------------------- diagnosis

@dataclass(frozen=True)
class BackendStatus:
    name: str
    priority: float | None
    usable: bool
    reason: str


@dataclass(frozen=True)
class KeyringReport:
    """What ``jira-perms doctor`` says about the keyring."""

    active: str | None
    usable: bool
    reason: str
    candidates: tuple[BackendStatus, ...]
    env_backend: str | None
    config_file: str | None


def diagnose_keyring() -> KeyringReport:
    """The backend in use (bounded by the timeout), and every known backend with why it is or is not viable."""
    env_backend = os.environ.get("PYTHON_KEYRING_BACKEND") or None
    config_file: str | None = None
    with contextlib.suppress(Exception):
        from keyring.util import platform_

        path = os.path.join(platform_.config_root(), "keyringrc.cfg")
        config_file = path if os.path.exists(path) else None
    try:
        active = _bounded("reading a probe entry", _probe)
        usable, reason = True, "usable"
    except KeyringUnavailable as error:
        active, usable, reason = error.backend, False, error.reason
    candidates: tuple[BackendStatus, ...] = ()
    box: dict[str, object] = {}

    def probe() -> None:
        box["value"] = _candidates()

    thread = threading.Thread(target=probe, name="jira-perms-keyring-probe", daemon=True)
    thread.start()
    thread.join(keyring_timeout())
    if isinstance(box.get("value"), tuple):
        candidates = box["value"]  # type: ignore[assignment]
    return KeyringReport(active, usable, reason, candidates, env_backend, config_file)


def _probe(backend: object) -> str:
    """Read an entry that does not exist: a locked Secret Service only shows itself on a real read."""
    backend.get_password(SERVICE, "jira-perms-doctor-probe")  # type: ignore[attr-defined]
    return backend_name(backend)


def _candidates() -> tuple[BackendStatus, ...]:
    from keyring import backend as kbackend
    from keyring.backend import KeyringBackend

    with contextlib.suppress(Exception):
        kbackend.get_all_keyring()  # imports every installed backend (entry points) so it can be listed
    out = []
    for cls in sorted(getattr(KeyringBackend, "_classes", ()), key=lambda c: (c.__module__, c.__qualname__)):
        name = f"{cls.__module__}.{cls.__qualname__}"
        if not (cls.__module__.startswith("keyring.") or cls.__module__.startswith("keyrings.")):
            continue  # backends defined by applications or tests
        try:
            priority = float(cls.priority)
        except Exception as error:  # noqa: BLE001 - a backend says why it is not viable by raising
            out.append(BackendStatus(name, None, False, " ".join(str(error).split()) or type(error).__name__))
            continue
        if cls.__module__.startswith(("keyrings.alt", "keyrings.cryptfile")):
            out.append(BackendStatus(name, priority, False, "stores secrets in a file: refused by jira-perms"))
        elif cls.__module__ in ("keyring.backends.fail", "keyring.backends.null"):
            out.append(BackendStatus(name, priority, False, "stores nothing"))
        elif cls.__module__ == "keyring.backends.chainer":
            out.append(BackendStatus(name, priority, priority > 0, "combines the viable backends"
                                     if priority > 0 else "fewer than two viable backends to chain"))
        else:
            out.append(BackendStatus(name, priority, priority > 0, "viable" if priority > 0 else "priority ≤ 0"))
    return tuple(out)
