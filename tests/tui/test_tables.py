"""Who can and the matrices: computed in workers, filterable, sortable, Enter explains."""

from __future__ import annotations

import pytest

from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.matrix import MatrixScreen, abbreviations
from explorer.tui.screens.who_can import WhoCanScreen
from tests.tui.conftest import demo_app, screen_text, squash, until

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


async def test_3_matrix_keeps_names_spells_out_columns_explains_cells_and_jumps_by_name():
    """Defect 3: ambiguous 2-4 letter headers, no frozen first column (rows lost their names after scrolling
    right), no full permission name or reason for the focused cell, / filtered rows only."""
    from explorer.tui.screens.picker import PickerScreen

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(MatrixScreen(app.current_ref, Context(project="HELP"), "project"))
        await until(pilot, lambda: getattr(app.screen, "matrix", None) is not None)
        screen = app.screen
        assert screen.table.fixed_columns == 1
        headers = [c.label.plain.strip(" ▲▼") for c in screen.table.ordered_columns][1:]
        assert len(set(headers)) == len(headers) == 39
        screen.table.move_cursor(column=len(headers))  # far right
        await pilot.pause()
        text = screen_text(app)
        assert "Alice Admin" in text  # the name column stayed
        assert "Delete All Worklogs (DELETE_ALL_WORKLOGS)" in text  # the focused column, spelled out
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"edit issues", "enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert screen.matrix.permissions[screen.table.cursor_column - 1] == "EDIT_ISSUES"
        await until(pilot, lambda: "Alice Admin has 'Edit Issues' in project HELP" in squash(screen_text(app)))


async def test_7_w_says_where_the_permission_came_from_and_2_changes_it():
    """Defect 7: w silently reused the last permission, and who-can had no way to change it."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.update_context(permission="DELETE_OWN_ATTACHMENTS")  # an earlier question
        await pilot.press("slash", *"ENG", "enter")
        await pilot.pause()
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WhoCanScreen) and app.screen.result is not None)
        assert "Delete Own Attachments  · kept from your last question" in screen_text(app)
        await pilot.press("2")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"EDIT_ISSUES", "enter")
        await until(pilot, lambda: isinstance(app.screen, WhoCanScreen) and app.screen.result is not None
                    and app.screen.result.permission == "EDIT_ISSUES")
        assert "last question" not in screen_text(app)
        await pilot.press("3")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"OPS", "enter")
        await until(pilot, lambda: isinstance(app.screen, WhoCanScreen) and app.screen.result is not None
                    and app.screen.result.project_key == "OPS")


async def test_20_who_can_separates_every_issue_from_some_issues():
    """Defect 20: "✓ could be in customfield_10050 of some issue" was listed as "can" without a word."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(WhoCanScreen(app.current_ref, Context(project="ENG", permission="EDIT_ISSUES")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        rows = {r.cells[1]: r for r in app.screen.full_rows}
        assert rows["Nadia Ivanova"].cells[0] == "◐" and rows["Nadia Ivanova"].cells[3].startswith("only on some")
        assert rows["Alice Admin"].cells[0] == "✓"  # an actor of Administrators: on every issue
        text = screen_text(app)
        assert "◐ Nadia Ivanova" in squash(text) or "◐  Nadia Ivanova" in text
        assert "on every issue" in text and "on some issues" in text
        result = app.screen.result
        some = {e.account.display_name for e in result.allowed if not e.on_every_issue}
        assert "Nadia Ivanova" in some and "Alice Admin" not in some


def test_20_every_issue_agrees_with_the_explanations():
    """The fast who-can (set evaluation) and the per-account explanation agree on "only on some issues"."""
    from explorer.core.replay import catalogue
    from explorer.core.replay.explanation import Match
    from explorer.core.replay.queries import who_can
    from explorer.store.snapshot_file import load_demo

    demo = load_demo()
    checked = 0
    for project in demo.projects:
        for perm in catalogue.PROJECT_PERMISSIONS:
            for entry in who_can(demo, perm.key, project.key).allowed:
                matched = [c for c in entry.explanation.checks if c.match is not None and c.passed]
                if not matched:
                    continue
                expected = any(c.match is not Match.COULD_MATCH for c in matched)
                assert entry.on_every_issue is expected, (project.key, perm.key, entry.account.display_name)
                checked += 1
    assert checked > 100
