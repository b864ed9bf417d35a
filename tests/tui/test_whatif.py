"""What-if mode: stage changes from the tree, every screen answers under them (and says so), the what-if screen
shows the effect, takes changes back and exports the changes file and the change request."""

from __future__ import annotations

import json

import pytest

from explorer.core.readiness.audit import Auditor
from explorer.core.whatif.apply import apply_changes
from explorer.core.whatif.engine import parse_changes
from explorer.core.whatif.language import read_changes_file
from explorer.store.profiles import shipped_profiles
from explorer.store.snapshot_file import load_demo
from explorer.tui.catalog import Context
from explorer.tui.screens.audit import AuditScreen
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.export import ExportScreen
from explorer.tui.screens.matrix import MatrixScreen
from explorer.tui.screens.whatif import WhatIfScreen
from explorer.tui.screens.who_can import WhoCanScreen
from tests.tui.conftest import answered, bar_lines, demo_app, screen_text, squash, until

pytestmark = pytest.mark.anyio
CONTRACTORS = ("remove-grant", "Software Permission Scheme: BROWSE_PROJECTS -> group contractors")
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
DEMO = load_demo()
NADIA = next(a.account_id for a in DEMO.accounts if a.display_name == "Nadia Ivanova")
FRANK = next(a.account_id for a in DEMO.accounts if a.display_name == "Frank Finance")


def find(tree, pred):
    return next(n for n in tree._walk(tree.root) if n.data is not None and pred(n.data))


async def open_path(pilot, *preds):
    """Open tree nodes one after the other (each a predicate on the node's item); the cursor ends on the last."""
    tree = pilot.app.screen.tree
    node = None
    for pred in preds:
        node = find(tree, pred)
        tree.move_cursor(node)
        await pilot.pause()
        if node.allow_expand and not node.is_expanded:
            await pilot.press("right")
            await pilot.pause()
    return node


async def stage_contractors_removal(pilot) -> None:
    await open_path(pilot, lambda d: d.label == "Permission schemes", lambda d: d.label == "Software Permission Scheme",
                    lambda d: d.label == "Grants by permission",
                    lambda d: d.kind == "perm-grants" and d.ctx.permission == "BROWSE_PROJECTS",
                    lambda d: d.kind == "grant" and d.label == "group contractors")
    await pilot.press("minus")
    await until(pilot, lambda: "what-if" in bar_lines(pilot.app)[0])


async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_staging_a_grant_removal_and_reading_the_what_if_screen(size):
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await stage_contractors_removal(pilot)
        status, keys = bar_lines(app)
        assert "◈ what-if: 1" in status
        tree = app.screen.tree
        browse = find(tree, lambda d: d.kind == "perm-grants" and d.ctx.permission == "BROWSE_PROJECTS")
        assert "group contractors" not in [c.data.label for c in browse.children]  # the tree shows the staged site
        await settle(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WhatIfScreen) and app.screen.result is not None)
        await settle(pilot)
        text = squash(screen_text(app))
        assert "What-if: 1 change staged (nothing is changed in Jira)" in text
        assert "1. Remove the grant of Browse Projects to group contractors" in text
        assert "2 accounts lose permissions" in text
        assert "Lukas Becker" in text and "loses Browse Projects, View Voters and Watchers in LEGACY" in text
        assert "del unstage" in bar_lines(app)[1]
        await pilot.press("G")
        await pilot.pause()
        assert "Per project" in squash(screen_text(app)) or size == (120, 40)


async def test_every_screen_answers_under_the_staged_changes():
    """Explain, who-can, the matrix and the audit answer from the staged copy, and the status bar says so."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await stage_contractors_removal(pilot)
        await settle(pilot)
        app.push_screen(ExplainScreen(app.current_ref, Context(account=NADIA, project="ENG",
                                                               permission="BROWSE_PROJECTS")))
        await answered(pilot)
        assert app.screen.result.verdict.value == "denied"
        assert "◈ what-if: 1 change staged" in bar_lines(app)[0]
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("> **What if** (proposed, not made in Jira):")
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.push_screen(WhoCanScreen(app.current_ref, Context(project="ENG", permission="BROWSE_PROJECTS")))
        await until(pilot, lambda: getattr(app.screen, "result", None) is not None)
        who = {e.account.account_id for e in app.screen.result.allowed}
        assert NADIA not in who

        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(MatrixScreen(app.current_ref, Context(account=NADIA)))
        await until(pilot, lambda: getattr(app.screen, "matrix", None) is not None)
        eng = next(r for r in app.screen.matrix.rows if r.ref == "ENG")
        assert eng.cells["BROWSE_PROJECTS"].value == "denied"  # allowed on the snapshot as read
        assert "◈ what-if: 1 change staged" in bar_lines(app)[0]
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(AuditScreen(app.current_ref, Context(account=NADIA), "backbone"))
        await until(pilot, lambda: getattr(app.screen, "report", None) is not None)
        assert "◈ what-if: 1 change staged" in bar_lines(app)[0]
        shown = {(c.project_key, c.column.number): c.verdict for c in app.screen.report.cells()}
    staged = apply_changes(DEMO, tuple(parse_changes(DEMO, [CONTRACTORS]))).after
    nadia = next(a for a in DEMO.accounts if a.account_id == NADIA)
    backbone = next(p for p in shipped_profiles() if p.id == "backbone")
    expected, before = ({(c.project_key, c.column.number): c.verdict
                         for c in Auditor(site, nadia, with_fixes=False).audit(backbone).cells()}
                        for site in (staged, DEMO))
    assert shown == expected and shown != before


async def test_plus_stages_additions_and_minus_takes_them_back():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_path(pilot, lambda d: d.label == "Groups", lambda d: d.kind == "group" and d.label == "developers")
        await pilot.press("plus")
        await until(pilot, lambda: "Add to group developers" in screen_text(app))
        await pilot.press(*"frank", "enter")
        await until(pilot, lambda: "what-if: 1" in bar_lines(app)[0])
        await settle(pilot)
        member = await open_path(pilot, lambda d: d.kind == "group" and d.label == "developers",
                                 lambda d: d.kind == "account" and d.label == "Frank Finance")
        assert member is not None  # the staged member shows in the tree
        await pilot.press("minus")
        await until(pilot, lambda: "what-if" not in bar_lines(app)[0])
        assert any("Taken back" in m.text for m in app.messages)
        await open_path(pilot, lambda d: d.label == "Projects", lambda d: d.label.startswith("ENG"),
                        lambda d: d.label == "Roles", lambda d: d.kind == "role" and d.label == "Developers")
        await pilot.press("plus")
        await until(pilot, lambda: "Add to role Developers in ENG" in screen_text(app))
        await pilot.press(*"group contractors", "enter")
        await until(pilot, lambda: "what-if: 1" in bar_lines(app)[0])
        await settle(pilot)
        await open_path(pilot, lambda d: d.kind == "role" and d.label == "Developers",
                        lambda d: d.kind == "actor" and d.label == "Lukas Becker")
        await pilot.press("minus")
        await until(pilot, lambda: "what-if: 2" in bar_lines(app)[0])
        staged = app.staged[id(app.current_ref)].changes
        assert [c.kind.value for c in staged] == ["add-to-role", "remove-from-role"]


async def test_unstage_clear_and_the_empty_screen():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await stage_contractors_removal(pilot)
        await open_path(pilot, lambda d: d.label == "Groups", lambda d: d.kind == "group" and d.label == "developers",
                        lambda d: d.kind == "account" and d.label == "Mei Lin")
        await pilot.press("minus")
        await until(pilot, lambda: "what-if: 2" in bar_lines(app)[0])
        await settle(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WhatIfScreen) and app.screen.result is not None)
        await pilot.press("delete")
        await until(pilot, lambda: "what-if: 1" in bar_lines(app)[0])
        await until(pilot, lambda: app.screen.result is not None and len(app.screen.result.changes) == 1)
        assert app.screen.result.changes[0].kind.value == "remove-from-group"
        await pilot.press("C")
        await until(pilot, lambda: "No change is staged" in screen_text(app))
        assert "what-if" not in bar_lines(app)[0]


async def test_exports_the_changes_file_and_the_change_request(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await stage_contractors_removal(pilot)
        await settle(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WhatIfScreen) and app.screen.result is not None)
        for suffix in (".toml", ".md", ".json"):
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ExportScreen))
            box = app.screen.query_one("#export-path")
            box.value = str(tmp_path / f"change{suffix}")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, WhatIfScreen))
        changes = parse_changes(DEMO, read_changes_file((tmp_path / "change.toml").read_text()))
        assert [c.text for c in changes] == ["Software Permission Scheme: BROWSE_PROJECTS -> group contractors"]
        request = (tmp_path / "change.md").read_text()
        assert request.startswith("## Permission change request")
        assert "- [ ] Remove the grant of Browse Projects to group contractors" in request
        assert json.loads((tmp_path / "change.json").read_text())["changedInEffect"] is True


async def test_redaction_keeps_staged_answers_but_not_names():
    from explorer.tui.redaction import real_strings

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await stage_contractors_removal(pilot)
        await settle(pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.redacted)
        await settle(pilot)
        assert "what-if: 1" in bar_lines(app)[0]
        await pilot.press("minus")
        await pilot.pause()
        assert "turn redaction off" in app.messages[-1].text  # staging names real groups: not while sharing
        app.push_screen(ExplainScreen(app.current_ref, Context(account=NADIA, project="ENG",
                                                               permission="BROWSE_PROJECTS")))
        await answered(pilot)
        assert app.screen.result.verdict.value == "denied"
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("> **What if: answered under 1 proposed change")
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, WhatIfScreen) and app.screen.result is not None)
        await settle(pilot)
        text = screen_text(app)
        assert "Remove the grant of Browse Projects to group" in squash(text)
        assert "2 accounts lose permissions" in squash(text)
        leaked = [s for s in real_strings(DEMO) if len(s) > 3 and s in text]
        assert not leaked, leaked
        await pilot.press("c")
        await pilot.pause()
        assert not [s for s in real_strings(DEMO) if len(s) > 3 and s in app.clipboard]


async def test_plus_and_minus_elsewhere_say_where_they_work():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_path(pilot, lambda d: d.label == "Projects")
        await pilot.press("minus")
        await pilot.pause()
        assert "- on a scheme grant, a role actor or a group member" in app.messages[-1].text
        assert not app.staged or not app.staged[id(app.current_ref)].changes
        assert FRANK


def test_staged_changes_read_the_same_on_the_redacted_twin():
    """The what-if screen under redaction asks the redacted twin: the same effect, account by account."""
    from explorer.core.whatif.engine import what_if
    from explorer.tui.redaction import redact_snapshot
    from explorer.tui.staging import redacted_changes
    from tests.tui.conftest import TEST_KEY

    red = redact_snapshot(DEMO, TEST_KEY)
    items = [("remove-grant", "Software Permission Scheme: BROWSE_PROJECTS -> group contractors"),
             ("add-grant", "Software Permission Scheme: EDIT_ISSUES -> user Frank Finance"),
             ("add-to-role", "ENG: Developers += group qa-team"), ("remove-from-role", "ENG: Developers -= user Lukas Becker"),
             ("add-to-group", "jira-admins-acme += Mei Lin"), ("set-scheme", "OPS = Software Permission Scheme"),
             ("deactivate", "Rob Reviewer"), ("remove-product-access", "Jira Service Management: Tom Nguyen"),
             ("remove-product-access", "Jira Software -= group jira-software-users"), ("archive", "LEGACY")]
    for item in items:
        changes = parse_changes(DEMO, [item])
        twins = redacted_changes(changes, DEMO, red.snapshot, red.to_view)
        real, hidden = what_if(DEMO, changes), what_if(red.snapshot, twins)
        seen = {(red.to_view(e.account_id), e.permission, e.project_key, e.issue_key, e.before, e.after)
                for e in real.effects.effects()}
        assert seen == {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after)
                        for e in hidden.effects.effects()}, item
        assert [o.applied for o in real.applied.outcomes] == [o.applied for o in hidden.applied.outcomes]
