"""Real ``keyring`` backends for tests, installed in-process with ``keyring.set_keyring``.

They are genuine ``KeyringBackend`` subclasses, so our code talks to them
through the keyring API exactly as it talks to the Secret Service.  Their
priority is negative so keyring's own detection never picks them.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict; counts calls."""

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        if (service, username) not in self.items:
            raise PasswordDeleteError("not found")
        del self.items[(service, username)]


class HangingKeyring(KeyringBackend):
    """Every call blocks until ``release`` is set: a Secret Service waiting for an invisible prompt."""

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def _hang(self) -> None:
        self.calls += 1
        self.release.wait()

    def get_password(self, service: str, username: str) -> str | None:
        self._hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hang()

    def delete_password(self, service: str, username: str) -> None:
        self._hang()


class LockedKeyring(KeyringBackend):
    """Behaves like keyring's SecretService backend when the collection stays locked."""

    priority = -1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password  # type: ignore[assignment]


class LeakyErrorKeyring(KeyringBackend):
    """Fails to store, with an error message that repeats the password (a badly written backend)."""

    priority = -1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"D-Bus said no to item secret={password!r}")

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("not found")


class EmptyChainer(ChainerBackend):
    """A chainer that found no viable backend to chain."""

    backends = ()  # type: ignore[assignment]


class MemoryChainer(ChainerBackend):
    """A chainer with a refused file backend first and a usable one after it."""

    def __init__(self, *backends: KeyringBackend) -> None:
        super().__init__()
        self._chain = list(backends)

    @property
    def backends(self):  # type: ignore[override]
        return self._chain


class FakeAltFileKeyring(MemoryKeyring):
    """Stands in for a keyrings.alt file backend (only its module name matters)."""


FakeAltFileKeyring.__module__ = "keyrings.alt.file"
