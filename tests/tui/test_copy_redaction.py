"""Copy as Markdown (OSC 52 plus a file), export, and redaction on screen and in copies."""

from __future__ import annotations

import stat

import pytest

from explorer.store.snapshot_file import load_demo
from explorer.tui.catalog import Context
from explorer.tui.clipboard import COPY_FILE, copies_dir
from explorer.tui.redaction import real_strings
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.export import ExportScreen
from tests.tui.conftest import demo_app, screen_text, until

BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
QUESTION = Context(account=BACKBONE, project="ENG", permission="DELETE_OWN_ATTACHMENTS")

pytestmark = pytest.mark.anyio


def _names() -> list[str]:
    demo = load_demo()
    return [a.display_name for a in demo.accounts] + [a.email for a in demo.accounts if a.email]


async def _explained(pilot, app):
    app.push_screen(ExplainScreen(app.current_ref, QUESTION))
    await until(pilot, lambda: getattr(app.screen, "result", None) is not None)


async def test_copy_sends_markdown_and_writes_the_fallback_file():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _explained(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        copied = app.clipboard
        assert copied.startswith("### ✗ Denied: Backbone Sync — Delete Own Attachments in project ENG")
        assert "**How to fix it**" in copied
        path = copies_dir() / COPY_FILE
        assert path.read_text(encoding="utf-8") == copied
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert any(str(path) in n.message for n in app._notifications)


async def test_copy_from_the_browse_screen_copies_the_detail():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"backbone", "enter")
        await until(pilot, lambda: "Summary: Browses" in screen_text(app))
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("### Backbone Sync") and "integrations" in app.clipboard


async def test_export_writes_the_chosen_format(tmp_path):
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _explained(pilot, app)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        box = app.screen.query_one("#export-path")
        target = tmp_path / "answer.json"
        box.value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: target.exists())
        assert '"verdict": "denied"' in target.read_text()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_redaction_hides_every_real_name_on_screen_and_in_copies():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"backbone", "enter")
        await until(pilot, lambda: "Summary: Browses" in screen_text(app))
        assert "Backbone Sync" in screen_text(app)
        await pilot.press("r")
        await until(pilot, lambda: app.redacted)
        await until(pilot, lambda: "Summary: Browses" in screen_text(app))
        text = screen_text(app)
        assert "REDACTED" in text
        leaked = [n for n in _names() if n in text]
        assert not leaked
        assert app.screen.tree.cursor_node.data.kind == "account"  # still on the same account
        await pilot.press("e")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"delete own attachments", "enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"ENG", "enter")
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        text = screen_text(app)
        assert "✗ DENIED" in text
        assert not [n for n in _names() if n in text]
        await pilot.press("c")
        await pilot.pause()
        copied = app.clipboard
        secrets = real_strings(load_demo())
        assert not [s for s in secrets if len(s) > 4 and s in copied]
        assert "acme" not in copied.lower()
        await pilot.press("r")
        await until(pilot, lambda: not app.redacted)
        await until(pilot, lambda: "Backbone Sync" in screen_text(app))  # the question survives the toggle
