"""The audit screen: a project-by-requirement grid, the selected cell's explanation and fix, Markdown copy."""

from __future__ import annotations

from explorer.core.readiness.audit import Readiness
from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.screens.audit import AuditScreen
from explorer.tui.screens.explain import ExplainScreen
from tests.tui.conftest import demo_app, screen_text, until

FACTORY = "712020:80409efe-9b29-4ecc-9959-13357f626516"
WORKATO = "712020:bdac4683-ad46-4d06-b1a6-6b9855fd4a31"


def _audit_ready(app) -> bool:
    return isinstance(app.screen, AuditScreen) and app.screen.report is not None


async def _open(pilot, account: str, profile: str, features=None) -> AuditScreen:
    app = pilot.app
    await pilot.pause()
    app.push_screen(AuditScreen(app.current_ref, Context(account=account), profile, features))
    await until(pilot, lambda: _audit_ready(app))
    return app.screen


def _move_to(screen: AuditScreen, project: str, number: int) -> None:
    keys = [screen.table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(screen.table.row_count)]
    screen.table.move_cursor(row=keys.index(project), column=number + 1)


async def test_grid_cells_are_told_apart_by_symbols_and_explain_themselves():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, FACTORY, "factory")
        report = screen.report
        assert report.readiness is Readiness.NOT_READY
        text = screen_text(app)
        assert "✓" in text and "✗" in text and "?" in text
        assert "Factory Droid · Factory: not ready" in text
        _move_to(screen, "MOB", 3)  # Transition Issues in MOB: missing
        await pilot.pause()
        detail = str(screen.query_one("#audit-detail-text").render())
        assert "✗ 3. Transition Issues" in detail and "missing" in detail
        assert "Fix 1: Add Factory Droid to role Member in MOB" in detail
        assert "MOB · 3. Transition Issues: ✗ missing · Enter proof" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.result is not None)
        assert app.screen.result.verdict is Verdict.DENIED and app.screen.result.project_key == "MOB"


async def test_not_applicable_cells_and_row_summary():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, "712020:15596ca9-33bf-4ee8-887e-cfe52c10aca5", "support-fusion")
        _move_to(screen, "ENG", 5)  # View Customers: only in service management projects
        await pilot.pause()
        assert "–" in screen_text(app)
        detail = str(screen.query_one("#audit-detail-text").render())
        assert "does not apply in ENG: only in service management projects" in detail
        screen.table.move_cursor(column=1)
        await pilot.pause()
        keys = [screen.table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(screen.table.row_count)]
        screen.table.move_cursor(row=keys.index("HELP"), column=1)
        await pilot.pause()
        detail = str(screen.query_one("#audit-detail-text").render())
        assert "HELP (Customer Help Desk): not ready" in detail
        assert "One change fixes every missing requirement: Give Support Fusion Integration Jira Service" in detail


async def test_copy_puts_the_whole_audit_as_markdown(isolated_dirs):
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, WORKATO, "workato")
        await pilot.press("c")
        await pilot.pause()
        copied = app.last_copy_path.read_text(encoding="utf-8")
        assert copied.startswith("## ✗ Not ready: Workato Connector for Workato\n")
        assert "| ENG | ✗ not ready |" in copied and "### Least privilege" in copied


async def test_least_privilege_pane_and_feature_choice():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, FACTORY, "factory")
        await pilot.press("L")
        await pilot.pause()
        detail = str(screen.query_one("#audit-detail-text").render())
        assert "! HIGH Factory Droid holds the global permission Administer Jira" in detail
        await pilot.press("3")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"all features", "enter")
        await until(pilot, lambda: _audit_ready(app) and len(app.screen.report.features) == 4)
        assert [f.id for f in app.screen.report.features] == ["issues", "comments", "status", "create-edit"]


async def test_from_the_palette_pick_account_and_profile():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"audit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"workato connector", "enter")
        await until(pilot, lambda: "profile" in str(getattr(app.screen, "title_text", "")))
        await pilot.press(*"workato", "enter")
        await until(pilot, lambda: _audit_ready(app))
        assert app.screen.report.account.display_name == "Workato Connector"
        assert app.screen.report.profile.id == "workato"


async def test_from_an_account_node_i_opens_the_audit_for_that_account():
    app = demo_app()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"Backbone Sync", "enter")
        await pilot.pause()
        await until(pilot, lambda: app.screen.tree.cursor_node is not None
                    and app.screen.tree.cursor_node.data.kind == "account")
        assert "i audit" in screen_text(app)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.__class__.__name__ == "PickerScreen")
        await pilot.press(*"backbone", "enter")
        await until(pilot, lambda: _audit_ready(app))
        report = app.screen.report
        assert report.account.display_name == "Backbone Sync" and report.profile.id == "backbone"
