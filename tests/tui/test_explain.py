"""Explain: prefilled from the selection, fuzzy pickers, verdict banner, proof tree, fixes."""

from __future__ import annotations

import pytest

from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.choices import Choice, rank
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.widgets.proof_view import ProofView
from tests.tui.conftest import demo_app, screen_text, until

BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
ALICE = "5b10ac8d82e05b22cc7d4ef5"

pytestmark = pytest.mark.anyio


def _proof_lines(app) -> list[str]:
    """Each logical line of the answer, as the view holds it (symbol first)."""
    view = app.screen.query_one(ProofView)
    return [line.prefix + line.body.plain for line in view.lines]


async def _answered(pilot, app) -> None:
    await until(pilot, lambda: getattr(app.screen, "result", None) is not None and not app.screen.fixes_pending)


async def test_denial_from_the_selected_account_with_pickers():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"backbone", "enter")
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert isinstance(app.screen_stack[-2], ExplainScreen)
        assert app.screen_stack[-2].account == BACKBONE  # prefilled from the selection
        await pilot.press(*"del own att")  # fuzzy-ish: words of the name
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"eng", "enter")
        await _answered(pilot, app)
        result = app.screen.result
        assert result.verdict is Verdict.DENIED and result.permission == "DELETE_OWN_ATTACHMENTS"
        assert result.project_key == "ENG"
        text = screen_text(app)
        assert "✗ DENIED" in text and "Backbone Sync" in text
        lines = _proof_lines(app)
        assert any("Scheme grants" in line and "does not match" in line for line in lines)
        assert any(line.startswith("1. Grant Delete Own Attachments to group integrations") for line in lines)
        assert any(line.startswith("Blast radius:") for line in lines)


async def test_allowed_with_symbol_and_words():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account=ALICE, project="ENG",
                                                               permission="ADMINISTER_PROJECTS")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        assert app.screen.result.verdict is Verdict.ALLOWED
        assert "✓ ALLOWED" in screen_text(app)
        assert not any(line.startswith("How to fix") for line in _proof_lines(app))


async def test_cannot_determine_says_what_is_missing():
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # WEB is team-managed and its role permissions were not read (a gap of the demo)
        app.push_screen(ExplainScreen(app.current_ref, Context(account="712020:dcc3b77a-a7a6-47bb-81a7-54803a6e64bb",
                                                               project="WEB", permission="EDIT_ISSUES")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        assert app.screen.result.verdict is Verdict.UNKNOWN
        assert "? CANNOT DETERMINE" in screen_text(app)
        assert any(line.startswith("? team roles of WEB") for line in _proof_lines(app))


async def test_changing_a_field_recomputes():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account=BACKBONE, project="ENG",
                                                               permission="DELETE_OWN_ATTACHMENTS")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"BROWSE_PROJECTS", "enter")
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None
                    and app.screen.result.permission == "BROWSE_PROJECTS")
        assert app.screen.result.verdict is Verdict.ALLOWED
        assert "Backbone Sync" in screen_text(app)


def test_picker_ranking_prefers_prefix_and_finds_by_email_and_id():
    choices = [Choice("1", "Alice Admin  <alice.admin@acme.example>", "alice admin alice.admin@acme.example 1"),
               Choice("2", "Backbone Sync  <backbone-sync@acme.example>", "backbone sync backbone-sync@acme.example 2"),
               Choice("3", "Bob Backbone  <bob@x>", "bob backbone bob@x 3")]
    assert [c.value for c in rank(choices, "backbone")][:2] == ["2", "3"]
    assert [c.value for c in rank(choices, "alice.admin@")] == ["1"]
    assert rank(choices, "bbsync")[0].value == "2"  # fuzzy when no substring matches


async def test_11_no_doubled_brackets_in_a_missing_fact():
    """Defect 11: "((no public REST API ...))" in explain (and in the CLI's show)."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(ExplainScreen(app.current_ref, Context(account="712020:dcc3b77a-a7a6-47bb-81a7-54803a6e64bb",
                                                               project="WEB", permission="EDIT_ISSUES")))
        await _answered(pilot, app)
        text = "\n".join(_proof_lines(app)) + screen_text(app)
        assert "(no public REST API for team-managed role permissions)" in text
        assert "((" not in text and "))" not in text
