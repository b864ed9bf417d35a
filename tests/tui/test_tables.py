"""Who can and the matrices: computed in workers, filterable, sortable, Enter explains."""

from __future__ import annotations

import pytest

from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.matrix import MatrixScreen, abbreviations
from explorer.tui.screens.who_can import WhoCanScreen
from tests.tui.conftest import demo_app, screen_text, until

BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"

pytestmark = pytest.mark.anyio


def _column(table, n: int) -> list[str]:
    return [str(table.get_row_at(r)[n]) for r in range(table.row_count)]


async def test_who_can_lists_filters_sorts_and_explains():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(WhoCanScreen(app.current_ref, Context(project="ENG", permission="BROWSE_PROJECTS")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        screen = app.screen
        names = _column(screen.table, 1)
        assert "Backbone Sync" in names and "Alice Admin" in names
        assert names == sorted(names, key=str.lower)
        await pilot.press("o")  # same column again: reversed
        await pilot.pause()
        assert _column(screen.table, 1) == sorted(names, key=str.lower, reverse=True)
        await pilot.press("slash", *"backbone", "enter")
        await pilot.pause()
        assert _column(screen.table, 1) == ["Backbone Sync"]
        text = screen_text(app)
        assert "Who can     Browse Projects" in text and "project ENG" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.result is not None)
        assert app.screen.result.verdict is Verdict.ALLOWED and app.screen.account == BACKBONE


async def test_w_from_browse_asks_what_is_missing():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"ENG", "enter")
        await pilot.pause()
        await pilot.press("w")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"create issues", "enter")
        await until(pilot, lambda: isinstance(app.screen, WhoCanScreen) and app.screen.result is not None)
        assert app.screen.result.project_key == "ENG" and app.screen.result.permission == "CREATE_ISSUES"


async def test_account_matrix_cells_sort_and_open():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(MatrixScreen(app.current_ref, Context(account=BACKBONE)))
        await until(pilot, lambda: getattr(app.screen, "matrix", None) is not None)
        screen = app.screen
        assert screen.matrix.kind == "account"
        assert [c.label.plain.split()[0] for c in screen.table.ordered_columns][1:] == [
            r.ref for r in screen.matrix.rows]
        perms = _column(screen.table, 0)
        assert "Delete Own Attachments" in perms
        eng = 1 + [r.ref for r in screen.matrix.rows].index("ENG")
        row = perms.index("Delete Own Attachments")
        screen.table.move_cursor(row=row, column=eng)
        await pilot.pause()
        await until(pilot, lambda: "✗ Backbone Sync does not have 'Delete Own Attachments' in project ENG"
                    in screen_text(app))  # the focused cell's reason
        await pilot.press("o")  # sort by the ENG column: allowed first
        await pilot.pause()
        cells = _column(screen.table, eng)
        assert cells == sorted(cells, key=lambda c: {"✓": 0, "?": 1, "✗": 2}[c])
        await pilot.press("slash", *"attach", "enter")
        await pilot.pause()
        assert all("Attachment" in p for p in _column(screen.table, 0))
        screen.table.move_cursor(row=_column(screen.table, 0).index("Delete Own Attachments"), column=eng)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.result is not None)
        assert app.screen.result.verdict is Verdict.DENIED


async def test_project_matrix_from_a_project_node():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"OPS", "enter")
        await pilot.pause()
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MatrixScreen) and app.screen.matrix is not None)
        assert app.screen.matrix.kind == "project" and "OPS" in app.screen.matrix.title
        assert app.screen.table.row_count >= 20


def test_abbreviations_are_short_and_unambiguous():
    from explorer.core.replay import catalogue

    keys = [p.key for p in catalogue.PROJECT_PERMISSIONS]
    labels = abbreviations(keys)
    assert len(set(labels.values())) == len(keys)  # "CI" was Close Issues and Create Issues
    assert all(1 <= len(label) <= 6 for label in labels.values())
    assert labels["CLOSE_ISSUES"] != labels["CREATE_ISSUES"] and labels["ASSIGN_ISSUES"] != labels["ARCHIVE_ISSUES"]
    odd = abbreviations(["CLOSE_ISSUES", "SOME_APP_PERMISSION", "ANOTHER_APP_PERMISSION", "SOME_APP_PERMISSION_2"])
    assert len(set(odd.values())) == 4
