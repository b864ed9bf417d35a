"""Help lists every binding; ids remap from the config's [keymap]; the palette runs every action."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from explorer.tui.actions import GROUPS, all_ids
from explorer.tui.catalog import Context
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.help import HelpScreen
from tests.tui.conftest import answered, bar_lines, demo_app, screen_text, until

pytestmark = pytest.mark.anyio


async def test_help_lists_every_binding_id():
    app = demo_app()
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = set(app.screen.listed)
        for group in GROUPS.values():
            if group.id != "help":
                assert {spec.id for spec in group.specs} <= listed
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_remaps_by_binding_id_and_help_shows_it():
    app = demo_app(keymap={"app.explain": "ctrl+e", "no.such.binding": "f9"})
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        assert any("no.such.binding" in n.message for n in app._notifications)
        await pilot.press("slash", *"backbone", "enter")
        await pilot.pause()
        await pilot.press("e")  # no longer bound
        await pilot.pause()
        assert not isinstance(app.screen, ExplainScreen)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: any(isinstance(s, ExplainScreen) for s in app.screen_stack))


async def test_palette_offers_every_action():
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"redact")
        await until(pilot, lambda: "jira-perms: redact" in screen_text(app), workers=False)
        await pilot.press("enter")
        await until(pilot, lambda: app.redacted)


def test_binding_ids_are_unique_and_namespaced():
    ids = [spec.id for group in GROUPS.values() for spec in group.specs]
    assert len(ids) == len(set(ids)) == len(all_ids())
    assert all("." in i for i in ids)


BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"


async def test_1_tab_moves_focus_to_the_detail_pane_and_shows_it():
    """Defect 1: Tab kept the focus on the tree, so the detail pane could never be scrolled."""
    from explorer.tui.widgets.detail_pane import DetailPane
    from explorer.tui.widgets.site_tree import SiteTree

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"backbone", "enter")
        await until(pilot, lambda: "Summary: Browses" in screen_text(app))
        assert isinstance(app.focused, SiteTree)
        await pilot.press("tab")
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        assert app.focused is pane
        assert pane.styles.border_left[0] == "thick" and app.screen.tree.styles.border_right[0] != "thick"
        before = pane.scroll_y
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert pane.scroll_y > before  # the pane scrolls now
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, SiteTree) and app.screen.tree.styles.border_right[0] == "thick"


async def test_5_help_shows_keymap_ids_literally():
    """Defect 5: "?" showed "Id (for )": Rich swallowed "[keymap]" as markup."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Id (for [keymap])" in screen_text(app)


async def test_help_lists_the_screens_keys_first_and_runs_one():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account=BACKBONE, project="ENG",
                                                               permission="DELETE_OWN_ATTACHMENTS")))
        await answered(pilot)
        explain = app.screen
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert text.index("Explain") < text.index("Everywhere") if "Everywhere" in text else "Explain" in text
        help_screen = app.screen
        first = next(spec for spec, _ in help_screen.entries if spec is not None)
        assert first.id.startswith("explain.")
        index = next(n for n, (spec, _) in enumerate(help_screen.entries) if spec is not None
                     and spec.id == "explain.zoom")
        help_screen.query_one("#help-list").highlighted = index
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is explain and explain.zoomed)


async def test_8_vi_keys_and_q_work_in_the_tree_and_in_explain():
    """Defect 8: j/k were dead in the tree; q, j, G and / (search in the proof) were dead in explain."""
    from explorer.tui.widgets.proof_view import ProofView

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.screen.tree
        line = tree.cursor_line
        await pilot.press("j", "j")
        await pilot.pause()
        assert tree.cursor_line == line + 2
        await pilot.press("k")
        await pilot.pause()
        assert tree.cursor_line == line + 1
        app.push_screen(ExplainScreen(app.current_ref, Context(account=BACKBONE, project="ENG",
                                                               permission="DELETE_OWN_ATTACHMENTS")))
        await answered(pilot)
        view = app.screen.query_one(ProofView)
        await pilot.press("j", "j")
        await pilot.pause()
        assert view.scroll_y == 2
        await pilot.press("G")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 2
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("slash", *"blast radius")
        await pilot.pause()
        assert len(view.matches) >= 3 and "lines" in screen_text(app)
        await pilot.press("enter", "n")
        await pilot.pause()
        assert view.current == 1
        await pilot.press("N")
        await pilot.pause()
        assert view.current == 0 and view.scroll_y > 0  # the match is on screen
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, ExplainScreen)  # q closes the view (on the main screen it quits)


async def test_18_messages_are_short_lived_never_cover_the_bars_and_esc_dismisses_them():
    """Defect 18: error toasts lasted 12-15 s, could be 16 lines tall, covered the status bar and could not
    be dismissed from the keyboard."""
    app = demo_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account=BACKBONE, project="ENG",
                                                               permission="DELETE_OWN_ATTACHMENTS")))
        await answered(pilot)
        long = "The server said: " + "a very long explanation of what went wrong, " * 20
        app.notify(long, severity="error", timeout=15)
        await pilot.pause()
        shown = list(app._notifications)
        assert shown and all(n.timeout <= 8 for n in shown)
        assert all(len(n.message) <= 240 for n in shown) and "(M: whole message)" in shown[-1].message
        status, keys = bar_lines(app)
        assert "gaps" in status and keys.rstrip().endswith("keys")  # the bars stay visible under the toast
        await pilot.pause(0.1)
        toasts = list(app.screen.query("Toast"))
        assert toasts and all(t.region.bottom <= 24 - 2 and t.region.height <= 8 for t in toasts)
        # flush right: the rack's scrollbar gutter beside a toast left stray characters in a real terminal (tmux)
        assert all(t.region.right == 80 for t in toasts) and app.screen.query_one("ToastRack").scrollbar_gutter \
            .width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert not app._notifications and isinstance(app.screen, ExplainScreen)  # Esc took the toast only
        await pilot.press("M")
        await pilot.pause()
        assert "a very long explanation" in screen_text(app) and app.messages[-1].text == long
