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


async def test_17_export_keeps_the_path_editable_and_asks_before_replacing(tmp_path, monkeypatch):
    """Defect 17: the whole path was selected, so Backspace wiped it; an existing file was overwritten silently."""
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _explained(pilot, app)
        await until(pilot, lambda: not app.screen.fixes_pending)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        box = app.screen.query_one("#export-path")
        start = box.value
        assert start.endswith(".md") and box.selection.is_empty and box.cursor_position == len(start)
        await pilot.press("backspace", "backspace", *"txt")
        await pilot.pause()
        assert box.value == start[:-2] + "txt"  # one extension changed, the path kept
        target = tmp_path / box.value.rsplit("/", 1)[-1]
        target.write_text("precious\n")
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text() == "precious\n" and isinstance(app.screen, ExportScreen)
        assert "exists" in screen_text(app)
        await pilot.press("enter")  # again: replace it
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen))
        assert target.read_text().startswith("✗ DENIED")


async def test_19_r_on_a_redacted_copy_keeps_its_pseudonyms(tmp_path):
    """Defect 19: r on an already-redacted snapshot re-pseudonymised it, so names no longer matched the mapping."""
    from explorer.core.review.redact import redact
    from explorer.store.snapshot_file import write_snapshot
    from explorer.tui.workspace import Workspace

    copy = redact(load_demo(), b"someone-elses-redaction-key-3232").snapshot
    path = write_snapshot(copy, tmp_path / "redacted.jpsnap")
    ws = Workspace()
    ws.add_file(path).snapshots[0].load()
    name = sorted(a.display_name for a in copy.accounts)[0]
    app = demo_app(workspace=ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "◆ REDACTED COPY" in screen_text(app)  # the state shows even with r off
        await pilot.press("slash", *name.lower().split()[0], "enter")
        await until(pilot, lambda: name in screen_text(app))
        await pilot.press("r")
        await until(pilot, lambda: app.redacted)
        await pilot.pause()
        assert any("already a redacted copy" in m.text for m in app.messages)
        assert app.view(app.current_ref) is app.current_ref.snapshot  # shown as it is: the sender's pseudonyms
        await until(pilot, lambda: name in screen_text(app))
