"""Fixtures for the TUI tests: an isolated config/data dir, the demo app with a fixed clock and key."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from explorer.tui.app import JiraPermsApp
from explorer.tui.workspace import Workspace

FIXED_NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)  # the demo snapshot is then 3 days old
TEST_KEY = b"jira-perms-test-redaction-key-32"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Never read or write the developer's own config, data or keyring."""
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("JIRA_PERMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    import keyring
    from keyring.backends import fail

    from explorer.store.credentials import reset_keyring_state

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # other tests may have installed an in-memory keyring process-wide
    reset_keyring_state()
    yield tmp_path
    reset_keyring_state()
    keyring.set_keyring(before)


def demo_workspace() -> Workspace:
    ws = Workspace()
    site = ws.add_demo()
    site.snapshots[0].load()
    return ws


def demo_app(**kwargs) -> JiraPermsApp:
    kwargs.setdefault("clock", lambda: FIXED_NOW)
    kwargs.setdefault("redaction_key", TEST_KEY)
    kwargs.setdefault("blink", False)
    return JiraPermsApp(kwargs.pop("workspace", None) or demo_workspace(), **kwargs)


async def until(pilot, condition, tries: int = 400, *, workers: bool = True) -> None:
    """Let the app run until ``condition()`` holds (no sleeps with a fixed length).

    ``workers``: also let running workers finish between looks (not for states seen while one runs).
    """
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
        if workers:
            await pilot.app.workers.wait_for_complete()
    assert condition(), "the app never reached the expected state"


def screen_text(app) -> str:
    """The characters on screen, one line per row (from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, body in re.findall(r'<text[^>]*\sx="([\d.]+)"\s+y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(body).replace("\xa0", " ")))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items()))


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector, name, obj):
    """Async tests here run under anyio's pytest plugin (anyio is a test extra): mark them as collected."""
    import inspect

    if "tests/tui" in str(collector.path) and inspect.iscoroutinefunction(obj) \
            and not any(m.name == "anyio" for m in getattr(obj, "pytestmark", [])):
        pytest.mark.anyio(obj)


async def answered(pilot) -> None:
    """Wait until the explain screen shows its whole answer (the fixes included)."""
    app = pilot.app
    await until(pilot, lambda: getattr(app.screen, "result", None) is not None
                and not getattr(app.screen, "fixes_pending", False))
    await pilot.pause()


SCROLLBAR = str.maketrans("", "", "▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐")


def squash(text: str) -> str:
    """Whitespace runs as one space, scrollbar and border blocks gone: a wrapped line reads like the line it was."""
    return " ".join(text.translate(SCROLLBAR).split())


def bar_lines(app) -> tuple[str, str]:
    """(status bar, key bar): the last two rows of the screen."""
    lines = screen_text(app).rstrip("\n").split("\n")
    return lines[-2], lines[-1]
