"""Help lists every binding; ids remap from the config's [keymap]; the palette runs every action."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from explorer.tui.actions import GROUPS, all_ids
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.help import HelpScreen
from tests.tui.conftest import demo_app, screen_text, until

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
