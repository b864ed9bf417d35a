"""The diff view: two open snapshots, compared from the command palette; redacted with the same pseudonyms."""

from __future__ import annotations

from dataclasses import replace

from explorer.core.model import Grant, Holder
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.store.snapshot_file import load_demo, write_snapshot
from explorer.tui.screens.diff import DiffScreen
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.workspace import Workspace
from tests.tui.conftest import TEST_KEY, demo_app, screen_text, until

FRANK = "712020:b19af857-dd55-482a-b848-8f42cb2bc98e"


def two_snapshots(tmp_path) -> Workspace:
    demo = load_demo()
    scheme = demo.permission_schemes[0]
    opened = replace(scheme, grants=(*scheme.grants, Grant("999", "BROWSE_PROJECTS", Holder("anyone"))))
    newer = replace(demo, permission_schemes=(opened, *demo.permission_schemes[1:]),
                    provenance=replace(demo.provenance, taken_at="2026-11-09T09:30:00Z"))
    ws = Workspace()
    ws.add_file(write_snapshot(newer, tmp_path / "newer.jpsnap"))
    ws.add_file(write_snapshot(demo, tmp_path / "older.jpsnap"))
    for site in ws.sites:
        site.snapshots[0].load()
    return ws


async def open_diff_from_palette(pilot) -> DiffScreen:
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"jira-perms: diff")
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, PickerScreen))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DiffScreen) and app.screen.result is not None)
    return app.screen


async def test_the_palette_opens_the_diff_of_two_snapshots(tmp_path):
    app = demo_app(workspace=two_snapshots(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_diff_from_palette(pilot)
        assert screen.result.changed_in_effect and screen.error is None
        # the older snapshot is "before", whichever one was current
        assert screen.result.old_taken_at < screen.result.new_taken_at
        assert "⚠ Widening" in screen.text
        assert "Anonymous (logged-out visitor) gained Browse Projects in ENG, LEGACY" in screen.text
        assert "Frank Finance" in screen.text
        payload = app.copy_payload()
        assert payload is not None and payload[0].startswith("## Changes in")
        await pilot.press("slash", *"frank", "enter")  # find in the report, like in an explanation
        await pilot.pause()
        assert screen.proof.matches and "Frank Finance" in screen_text(app)
        await pilot.press("escape")  # first Esc: the search
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen) and not screen.proof.matches
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)


async def test_the_diff_is_redacted_with_the_redact_pseudonyms(tmp_path):
    app = demo_app(workspace=two_snapshots(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")  # redaction on
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        screen = await open_diff_from_palette(pilot)
        assert "Frank Finance" not in screen.text and "acme-demo" not in screen.text
        assert Pseudonymizer(TEST_KEY).person(FRANK) in screen.text


async def test_without_a_second_snapshot_it_says_what_to_do():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.run_action("diff")
        await pilot.pause()
        assert not isinstance(app.screen, (DiffScreen, PickerScreen))
