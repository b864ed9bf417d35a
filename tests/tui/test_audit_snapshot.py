"""Snapshot of the audit screen at 80x24 (kept apart from the async tests: syrupy and anyio ids disagree)."""

from __future__ import annotations

from tests.tui.conftest import demo_app
from tests.tui.test_audit import FACTORY, _move_to, _open


def test_audit_screen_snapshot_80x24(snap_compare):
    async def run_before(pilot) -> None:
        screen = await _open(pilot, FACTORY, "factory")
        _move_to(screen, "MOB", 3)
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
