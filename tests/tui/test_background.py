"""Long answers never block the screen (issue 12, "TUI on the big site").

Explain (with fixes), who-can and matrices run in worker threads with a visible "working" state (in the
view and in the status bar, with the time so far), the keys keep working meanwhile, and a new question
supersedes the one in flight: a late answer to an old question is never shown.  The core is slowed down
here with an event the test releases (no timing asserts).
"""

from __future__ import annotations

import threading

import pytest

from explorer.core.replay.explanation import Verdict
from explorer.tui.catalog import Context
from explorer.tui.screens import explain as explain_screen
from explorer.tui.screens import matrix as matrix_screen
from explorer.tui.screens import who_can as who_can_screen
from explorer.tui.screens.help import HelpScreen
from explorer.tui.screens.picker import PickerScreen
from tests.tui.conftest import answered, bar_lines, demo_app, screen_text, until

BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
DENIAL = Context(account=BACKBONE, project="ENG", permission="DELETE_OWN_ATTACHMENTS")

pytestmark = pytest.mark.anyio


class Gate:
    """Holds calls to a core function until released (for the calls ``when`` picks)."""

    def __init__(self, real, when):
        self.real, self.when = real, when
        self.open = threading.Event()
        self.held = threading.Event()

    def __call__(self, *args, **kwargs):
        if self.when(*args, **kwargs):
            self.held.set()
            assert self.open.wait(30), "the test never released the gate"
        return self.real(*args, **kwargs)


async def test_a_new_question_supersedes_the_one_in_flight(monkeypatch):
    gate = Gate(explain_screen.explain, lambda snap, acc, perm, *a, **k: perm == "DELETE_OWN_ATTACHMENTS")
    monkeypatch.setattr(explain_screen, "explain", gate)
    monkeypatch.setattr(explain_screen, "is_indexed", lambda snap: False)  # as a big site's first question
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(explain_screen.ExplainScreen(app.current_ref, DENIAL))
        screen = app.screen
        await until(pilot, gate.held.is_set, workers=False)
        await pilot.pause()
        assert "Replaying Jira's checks" in screen_text(app)
        status, _ = bar_lines(app)
        assert "⟳ explaining" in status
        await pilot.press("question_mark")  # the keys work while the answer is computed
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), workers=False)
        await pilot.press("escape")
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), workers=False)
        await pilot.press(*"BROWSE_PROJECTS", "enter")
        await until(pilot, lambda: screen.result is not None and screen.result.permission == "BROWSE_PROJECTS",
                    workers=False)
        gate.open.set()  # the old question's answer arrives late ...
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result.permission == "BROWSE_PROJECTS"  # ... and is dropped
        assert screen.result.verdict is Verdict.ALLOWED and "Delete Own" not in screen_text(app).split("\n")[0]
        assert "⟳" not in bar_lines(app)[0]


async def test_the_proof_shows_at_once_and_the_fixes_follow(monkeypatch):
    gate = Gate(explain_screen.explain, lambda *a, with_fixes=True, **k: with_fixes)
    monkeypatch.setattr(explain_screen, "explain", gate)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(explain_screen.ExplainScreen(app.current_ref, DENIAL))
        screen = app.screen
        await until(pilot, lambda: gate.held.is_set() and screen.result is not None, workers=False)
        await pilot.pause()
        text = screen_text(app)
        assert "✗ DENIED" in text and screen.fixes_pending
        assert "finding fixes" in bar_lines(app)[0]
        assert "c copy" not in bar_lines(app)[1]  # nothing half-done to copy
        await pilot.press("j")  # scrolling works meanwhile
        gate.open.set()
        await answered(pilot)
        assert screen.result.fixes and not screen.fixes_pending
        assert "c copy" in bar_lines(app)[1]


async def test_on_an_indexed_site_the_verdict_comes_with_the_pick_and_only_the_fixes_wait(monkeypatch):
    """The verdict and proof take well under a millisecond once the site is indexed: worked out in the pick's own
    handler, so they reach the screen in the same repaint (a worker would cost a frame and its start-up, tens
    of ms, hundreds on a loaded machine); only the fixes go to a worker.  Before the index exists (a big
    site's first question) everything runs in the worker."""
    threads: dict[bool, str] = {}

    def spy(*args, with_fixes=True, **kwargs):
        threads[with_fixes] = threading.current_thread().name
        return real(*args, with_fixes=with_fixes, **kwargs)

    real = explain_screen.explain
    monkeypatch.setattr(explain_screen, "explain", spy)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = threading.current_thread().name
        app.push_screen(explain_screen.ExplainScreen(app.current_ref, DENIAL))
        await answered(pilot)
        assert threads[False] == main and threads[True] != main
        assert app.screen.result.fixes and "Replaying" not in screen_text(app)
        await pilot.press("escape")
        threads.clear()
        monkeypatch.setattr(explain_screen, "is_indexed", lambda snap: False)
        app.push_screen(explain_screen.ExplainScreen(app.current_ref, DENIAL))
        await answered(pilot)
        assert threads[False] != main and threads[True] != main


async def test_who_can_and_matrix_work_in_the_background(monkeypatch):
    who_gate = Gate(who_can_screen.who_can, lambda *a, **k: True)
    monkeypatch.setattr(who_can_screen, "who_can", who_gate)
    matrix_gate = Gate(matrix_screen.project_matrix, lambda *a, **k: True)
    monkeypatch.setattr(matrix_screen, "project_matrix", matrix_gate)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(who_can_screen.WhoCanScreen(app.current_ref, Context(project="ENG",
                                                                              permission="EDIT_ISSUES")))
        screen = app.screen
        await until(pilot, who_gate.held.is_set, workers=False)
        await pilot.pause()
        assert "Working it out for 25 accounts" in screen_text(app) and "⟳ who can" in bar_lines(app)[0]
        await pilot.press("3")  # change the question while the first is computed
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), workers=False)
        await pilot.press(*"OPS", "enter")
        await pilot.pause()
        who_gate.open.set()
        await until(pilot, lambda: screen.result is not None)
        assert screen.result.project_key == "OPS"
        await pilot.press("escape")
        app.push_screen(matrix_screen.MatrixScreen(app.current_ref, Context(project="HELP"), "project"))
        matrix = app.screen
        await until(pilot, matrix_gate.held.is_set, workers=False)
        await pilot.pause()
        assert "Working it out" in screen_text(app) and "⟳ matrix" in bar_lines(app)[0]
        matrix_gate.open.set()
        await until(pilot, lambda: matrix.matrix is not None)
        assert "⟳" not in bar_lines(app)[0]


def test_every_worker_has_a_description():
    """Textual's @work writes repr() of every argument into the worker's description unless it is given: for a
    50,000-account snapshot that repr took seconds on the UI thread, each time a worker started."""
    import ast
    from pathlib import Path

    import explorer.tui

    missing = []
    for path in Path(explorer.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "work" \
                    and not any(k.arg == "description" for k in node.keywords):
                missing.append(f"{path.name}:{node.lineno}")
    assert not missing, missing
