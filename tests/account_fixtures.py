"""Fixtures for the credential and site tests: private folders, an in-process keyring, a /myself server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest

from explorer.store import credentials
from tests.account_helpers import EMAIL, TOKEN
from tests.keyring_backends import MemoryKeyring
from tests.myself_server import MyselfServer


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Private config and data folders; no token or keyring choice leaks in from the environment."""
    config, data = tmp_path / "config", tmp_path / "data"
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(config))
    monkeypatch.setenv("JIRA_PERMS_DATA_DIR", str(data))
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("JIRA_PERMS_KEYRING_TIMEOUT", raising=False)
    return {"config": config, "data": data}


@pytest.fixture
def use_keyring() -> Iterator:
    """``use_keyring(backend)`` installs a keyring backend for this test; the previous one comes back after."""
    before = keyring.core._keyring_backend
    credentials.reset_keyring_state()
    yield keyring.set_keyring
    keyring.core._keyring_backend = before
    credentials.reset_keyring_state()


@pytest.fixture
def memory_keyring(use_keyring) -> MemoryKeyring:
    backend = MemoryKeyring()
    use_keyring(backend)
    return backend


@pytest.fixture
def jira() -> Iterator[MyselfServer]:
    server = MyselfServer().start()
    server.add(EMAIL, TOKEN, "Ada Admin")
    yield server
    server.stop()
