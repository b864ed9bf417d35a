"""Text from a snapshot or a server is shown exactly: never read as Textual/Rich markup, never raw controls.

Issue 13 point 7 (TUI part) and issue 14 defect 5: a display name such as ``[bold]x[/]`` or
``[@click=app.quit]`` must appear as typed, and escape sequences (colours, OSC 52 clipboard writes, clear
screen), BEL, CR and bidi overrides must appear as visible escapes (``\\x1b``), on every screen.
"""

from __future__ import annotations

import unicodedata

import pytest

from explorer.core.snapshot.codec import snapshot_from_dict, snapshot_to_dict
from explorer.store.snapshot_file import load_demo
from explorer.tui.catalog import Context
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.matrix import MatrixScreen
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.who_can import WhoCanScreen
from explorer.tui.workspace import SnapshotRef, Workspace
from tests.tui.conftest import answered, demo_app, screen_text, squash, until

BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
NAME = "[bold]Back[/bold] \x1b]52;c;ZXZpbA==\x07Sync\u202e"
GROUP = "[@click=app.quit]integrations[/]"
PROJECT = "[link=https://evil.example]Eng[/link]\x1b[2J\rPlatform"
SUMMARY = "bell\x07 [red]x[/red]"
HOSTILE = {"Backbone Sync": NAME, "integrations": GROUP, "Engineering Platform": PROJECT}

pytestmark = pytest.mark.anyio


def _swap(value):
    if isinstance(value, str):
        return HOSTILE.get(value, value)
    if isinstance(value, list):
        return [_swap(v) for v in value]
    if isinstance(value, dict):
        return {k: _swap(v) for k, v in value.items()}
    return value


def hostile_workspace() -> Workspace:
    doc = _swap(snapshot_to_dict(load_demo()))
    for issue in doc.get("issues", []):
        issue["summary"] = SUMMARY
    doc["site"]["title"] = "\x1b[31mRed site\x1b[0m [blink]"
    ws = Workspace()
    site = ws.add_demo()
    site.snapshots[0] = SnapshotRef("hostile", None, "demo", snapshot_from_dict(doc))
    return ws


def _check(app, *literals: str) -> str:
    """No raw control or bidi character reached the screen; each literal is there as typed (made visible)."""
    text = screen_text(app)
    raw = sorted({ch for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf")})
    assert not raw, f"raw control characters on screen: {raw!r}"
    flat = squash(text)
    for literal in literals:
        assert literal in flat, literal
    return text


async def test_names_groups_projects_and_summaries_are_shown_exactly_everywhere():
    app = demo_app(workspace=hostile_workspace())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"back", "enter")
        await until(pilot, lambda: "Summary:" in screen_text(app))
        _check(app, "[bold]Back[/bold] \\x1b]52;c;ZXZpbA==\\x07Sync\\u202e", GROUP)  # tree and detail pane
        await pilot.press("escape", "slash", *"eng", "enter")
        await pilot.pause()
        _check(app, "[link=https://evil.example]Eng[/link]\\x1b[2J\\rPlatform")
        app.push_screen(ExplainScreen(app.current_ref, Context(account=BACKBONE, project="ENG",
                                                               permission="DELETE_OWN_ATTACHMENTS")))
        await answered(pilot)
        _check(app, "[bold]Back[/bold]", "\\x1b]52;c;ZXZpbA==\\x07", f"group {GROUP}")  # banner, proof, fixes
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"back")
        await pilot.pause()
        _check(app, "[bold]Back[/bold]")
        await pilot.press("escape", "escape")
        await pilot.pause()
        app.push_screen(WhoCanScreen(app.current_ref, Context(project="ENG", permission="BROWSE_PROJECTS")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        _check(app, "[bold]Back[/bold]")
        await pilot.press("escape")
        app.push_screen(MatrixScreen(app.current_ref, Context(project="ENG"), "project"))
        await until(pilot, lambda: getattr(app.screen, "matrix", None) is not None)
        _check(app, "[bold]Back[/bold]", "[link=https://evil.example]Eng[/link]")
        app.notify("Jira said: [b]boom[/b] \x1b[31m\x07")
        assert app.messages[-1].text == "Jira said: [b]boom[/b] \\x1b[31m\\x07"


async def test_issue_summaries_and_site_title_in_the_tree_and_detail():
    app = demo_app(workspace=hostile_workspace())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        tree = app.screen.tree
        tree.move_cursor(tree.root.children[0].children[0])  # the snapshot node: its summary names the site
        await until(pilot, lambda: "Red site" in screen_text(app))
        _check(app, "\\x1b[31mRed site\\x1b[0m [blink]")
        await pilot.press("slash", *"ENG", "enter", "right")
        await pilot.pause()
        issues = next(n for n in tree._walk(tree.root) if n.data is not None and n.data.kind == "issues-of")
        tree.move_cursor(issues)
        await pilot.press("right", "down")
        await until(pilot, lambda: "ENG-" in screen_text(app))
        _check(app, "bell\\x07 [red]x[/red]")
