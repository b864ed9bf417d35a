"""Browsing: the lazy tree, the filter as you type, the detail pane and the status bar."""

from __future__ import annotations

import pytest

from explorer.tui.catalog import Catalog
from explorer.tui.widgets.detail_pane import DetailPane
from tests.tui.conftest import demo_app, screen_text, until

pytestmark = pytest.mark.anyio


def _labels(tree) -> list[str]:
    return [n.data.label for n in tree._walk(tree.root) if n.data is not None]


async def test_opens_on_the_demo_with_sections_and_status():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.screen.tree
        labels = _labels(tree)
        for section in ("Projects", "Groups", "Accounts", "Permission schemes", "Issue security schemes",
                        "Global permissions", "Gaps"):
            assert section in labels
        assert "Backbone Sync" not in labels  # accounts are not built before Accounts is opened
        text = screen_text(app)
        assert "3 days old" in text and "offline (demo)" in text and "2 gaps" in text and "◇ names" in text


async def test_children_load_when_a_node_opens():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.screen.tree
        section = next(n for n in tree._walk(tree.root) if n.data and n.data.label == "Projects")
        tree.move_cursor(section)
        await pilot.press("right")
        await pilot.pause()
        labels = _labels(tree)
        assert any(label.startswith("ENG") for label in labels)
        eng = next(n for n in tree._walk(tree.root) if n.data and n.data.label.startswith("ENG"))
        assert not eng.children  # not built until opened
        tree.move_cursor(eng)
        await pilot.press("right")
        await pilot.pause()
        kinds = [c.data.label for c in eng.children]
        assert "Permission scheme: Software Permission Scheme" in kinds and "Roles" in kinds
        assert "Workflows" in kinds and "Issues in the snapshot" in kinds


async def test_filter_narrows_as_you_type_and_finds_the_service_account():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"backb")
        await pilot.pause()
        tree = app.screen.tree
        accounts = [n.data.label for n in tree._walk(tree.root) if n.data and n.data.kind == "account"]
        assert accounts == ["Backbone Sync"]
        await pilot.press("enter")
        await until(pilot, lambda: "Summary: Browses" in screen_text(app))
        assert tree.cursor_node.data.label == "Backbone Sync"
        assert app.focused is tree
        text = screen_text(app)
        assert "integrations" in text and "Developers" in text
        await pilot.press("escape")
        await pilot.pause()
        assert tree.filter_text == ""


async def test_filter_shows_how_many_match_per_section():
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"eng")
        await pilot.pause()
        text = screen_text(app)
        assert "Projects" in text and "1 of 6" in text


async def test_detail_pane_for_a_group_says_where_it_is_used():
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"integrations", "enter")
        await pilot.pause()
        tree = app.screen.tree
        assert tree.cursor_node.data.kind == "group"
        await until(pilot, lambda: "Where it is used" in screen_text(app))
        pane = app.screen.query_one(DetailPane)
        assert pane.renderable is not None


def test_catalog_cuts_long_lists_and_filters_within_the_cut():
    from dataclasses import replace

    from explorer.core.model import Account
    from explorer.store.snapshot_file import load_demo

    demo = load_demo()
    many = tuple(Account(f"id-{i:05d}", f"Person {i:05d}") for i in range(5000))
    cat = Catalog(replace(demo, accounts=demo.accounts + many), ("site", 0, "snap", 0))
    accounts = next(s for s in cat.sections() if s.label == "Accounts")
    shown, total = cat.visible_children(accounts, ())
    assert len(shown) == 200 and total == 5025
    shown, total = cat.visible_children(accounts, ("04999",))
    assert [i.label for i in shown] == ["Person 04999"] and total == 1
