"""Snapshot (SVG) tests of every screen at 80x24 and 120x40, from the demo with a fixed clock and key.

Deterministic: no cursor blink, the clock is injected (the demo is "3 days old"), the redaction key is fixed,
workers are awaited and toasts cleared before the picture.  Update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import pytest

from explorer.tui.catalog import Context
from explorer.tui.screens.add_site import AddSiteScreen
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.matrix import MatrixScreen
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.who_can import WhoCanScreen
from tests.tui.conftest import answered, demo_app, until

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
DENIAL = Context(account=BACKBONE, project="ENG", permission="DELETE_OWN_ATTACHMENTS")


async def _settle(pilot) -> None:
    app = pilot.app
    for _ in range(5):
        await pilot.pause()
        await app.workers.wait_for_complete()
    app.clear_notifications()
    await pilot.pause()


def _run(steps):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await steps(pilot)
        await _settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_browse(snap_compare, size):
    async def steps(pilot):
        pass

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_browse_filtered_account(snap_compare, size):
    async def steps(pilot):
        await pilot.press("slash", *"backbone", "enter")
        await until(pilot, lambda: "Summary: Browses" in str(pilot.app.screen.detail.renderable.renderables))

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_browse_project_open(snap_compare, size):
    async def steps(pilot):
        await pilot.press("slash", *"ENG", "enter", "right")
        await pilot.pause()
        await pilot.press("escape")

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_explain_denied(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, DENIAL))
        await answered(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_explain_zoomed(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, DENIAL))
        await answered(pilot)
        await pilot.press("plus", "space")

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_explain_redacted(snap_compare, size):
    async def steps(pilot):
        await pilot.press("r")
        await until(pilot, lambda: pilot.app.redacted)
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, DENIAL))
        await answered(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_account_picker(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, Context(project="ENG")))
        await until(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
        await pilot.press(*"sync")

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_who_can(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(WhoCanScreen(pilot.app.current_ref, Context(project="ENG", permission="EDIT_ISSUES")))
        await until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_account_matrix(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(MatrixScreen(pilot.app.current_ref, Context(account=BACKBONE)))
        await until(pilot, lambda: getattr(pilot.app.screen, "matrix", None) is not None)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_project_matrix(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(MatrixScreen(pilot.app.current_ref, Context(project="HELP"), "project"))
        await until(pilot, lambda: getattr(pilot.app.screen, "matrix", None) is not None)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size):
    async def steps(pilot):
        await pilot.press("question_mark")

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_add_site_without_keyring(snap_compare, size):
    async def steps(pilot):
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, AddSiteScreen)
                    and pilot.app.screen.keyring_ok is not None)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_light_theme_explain(snap_compare, size):
    async def steps(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, DENIAL))
        await answered(pilot)

    assert snap_compare(demo_app(theme="textual-light"), terminal_size=size, run_before=_run(steps))
