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


async def test_typing_faster_than_the_tree_rebuilds_never_crashes():
    """A burst of keys (a paste, a fast typist over SSH) rebuilds the tree while the old tree's expand
    events are still queued: they must be ignored, not applied to removed nodes (it crashed with KeyError)."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.screen.tree
        for prefix in ("h", "he", "hel", "help", "hel", "he", "h", "", "o", "op", "ops"):
            tree.set_filter(prefix)  # no pause between: the events of each rebuild queue up
        await pilot.pause()
        await pilot.pause()
        assert tree.filter_text == "ops"
        projects = [n.data.label for n in tree._walk(tree.root) if n.data and n.data.kind == "project"]
        assert len(projects) == 1 and projects[0].startswith("OPS")


def test_detail_lists_are_cut_with_a_count_on_big_sites():
    """A group used in hundreds of projects, an account with roles in hundreds: the pane shows the first
    rows and says how many more (each layout pass of a busy screen measures the pane again)."""
    from dataclasses import replace

    from rich.console import Console

    from explorer.store.snapshot_file import load_demo
    from explorer.tui import details

    demo = load_demo()
    eng = next(p for p in demo.projects if p.key == "ENG")
    copies = tuple(replace(eng, key=f"E{n:03d}", name=f"Copy {n}", id=f"9{n:04d}") for n in range(60))
    big = replace(demo, projects=demo.projects + copies)
    cat = Catalog(big, ("site", 0, "snap", 0))
    group = next(g for g in big.groups if g.name == "developers")
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(details._group_detail(group, cat))
    text = console.export_text()
    assert "… and" in text and "more places" in text
    assert text.count("actor of role") <= details.SHOWN_ROWS
    backbone = next(a for a in big.accounts if a.display_name == "Backbone Sync")
    facts = details.account_facts(big, backbone)
    assert len(facts.roles) > details.SHOWN_ROWS
    console.print(details.account_detail(backbone, cat, facts))
    assert "more projects (m: the account's matrix)" in console.export_text()
