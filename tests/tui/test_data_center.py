"""The TUI on a Data Center site: the bundled DC demo, usernames, nested groups in the proof."""

from __future__ import annotations

import pytest

from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.widgets.proof_view import ProofView
from explorer.tui.workspace import Workspace
from tests.tui.conftest import demo_app, screen_text, until

pytestmark = pytest.mark.anyio
DAVE = "JIRAUSER10102"


def dc_app():
    ws = Workspace()
    ws.add_demo(data_center=True).snapshots[0].load()
    return demo_app(workspace=ws)


def _proof_lines(app) -> list[str]:
    view = app.screen.query_one(ProofView)
    return [line.prefix + line.body.plain for line in view.lines]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_dc_demo_opens_with_its_badge(size):
    app = dc_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "jira.initech.example" in text and "DC demo" in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_denial_through_a_nested_group_is_explained(size):
    app = dc_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account=DAVE, issue="PAY-7", project="PAY",
                                                               permission="EDIT_ISSUES")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        assert app.screen.result.verdict is Verdict.DENIED
        text = screen_text(app)
        assert "✗ DENIED" in text and "dave.contractor" in text
        lines = _proof_lines(app)
        assert any("nested group developers > contractors" in line for line in lines)
        assert any("Payments staff" in line for line in lines)
        view = app.screen.query_one(ProofView)
        assert view.rows and all(row.cell_len <= view.size.width for row in view.rows)  # read whole: wrapped
        assert len(view.rows) > len(view.lines)  # at either width some proof line needs more than one row


async def test_account_details_show_username_and_key():
    app = dc_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"dave", "enter")
        await until(pilot, lambda: "Username" in screen_text(app))
        text = screen_text(app)
        assert "dave.contractor" in text and DAVE in text
