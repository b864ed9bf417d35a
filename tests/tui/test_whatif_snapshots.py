"""What-if in pictures (SVG snapshots) at 80x24 and 120x40: the browse screen with a staged change (the tree shows
the staged site, the status bar says so) and the what-if screen with the effect."""

from __future__ import annotations

import pytest

from explorer.tui.screens.whatif import WhatIfScreen
from tests.tui.conftest import demo_app, until
from tests.tui.test_whatif import SIZES, settle, stage_contractors_removal


def _run(steps):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await stage_contractors_removal(pilot)
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_browse_with_a_staged_change(snap_compare, size):
    async def steps(pilot):
        pass

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))


@pytest.mark.parametrize("size", SIZES)
def test_whatif_screen(snap_compare, size):
    async def steps(pilot):
        await pilot.press("W")
        await until(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen) and pilot.app.screen.result is not None)

    assert snap_compare(demo_app(), terminal_size=size, run_before=_run(steps))
