"""The browse tree: Sites → snapshots → sections → ..., loaded lazily and narrowed by a filter.

Children are asked of a :class:`~explorer.tui.catalog.Catalog` when a node is
first expanded.  The filter rebuilds only what is expanded (each level cut to
:data:`~explorer.tui.catalog.MAX_CHILDREN`), and opens the sections that hold
matches, so narrowing stays fast however big the site is.
"""

from __future__ import annotations

from typing import Protocol

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from explorer.tui.catalog import FILTERED_CHILDREN, FILTERED_KINDS, MAX_CHILDREN, Catalog, Item, filter_terms
from explorer.tui.text import plain
from explorer.tui.workspace import SiteEntry, SnapshotRef


class TreeSource(Protocol):
    def tree_sites(self) -> list[SiteEntry]: ...
    def catalog_for(self, ref: SnapshotRef, root_key: tuple) -> Catalog | None: ...
    def request_load(self, ref: SnapshotRef) -> None: ...
    def site_label(self, site: SiteEntry) -> str: ...


def site_item(n: int, site: SiteEntry, label: str | None = None) -> Item:
    kind = {"configured": "", "file": "file", "demo": "demo"}[site.kind]
    if site.kind == "demo" and site.latest is not None and site.latest.source == "demo-dc":
        kind = "DC demo"
    name = label or site.name
    return Item("site", ("site", n), name, name.lower(), True, site, badge=kind)


def snapshot_item(site_key: tuple, m: int, ref: SnapshotRef) -> Item:
    badge = "latest" if m == 0 else ""
    if ref.error:
        badge = "unreadable"
    return Item("snapshot", (*site_key, "snap", m), f"Snapshot {ref.label}", "", True, ref, badge=badge)


class SiteTree(Tree[Item]):
    """The lazily loaded, filterable tree on the left of the browse screen."""

    BINDINGS = [
        Binding("right,l", "expand_or_down", "Open", show=False),
        Binding("left,h", "collapse_or_parent", "Close", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g,home", "scroll_home", "First", show=False),
        Binding("G,end", "scroll_end", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    class ContextChanged(Message):
        """The highlighted node changed (the app keeps what it implies for e/w/m)."""

        def __init__(self, item: Item | None) -> None:
            self.item = item
            super().__init__()

    def __init__(self, source: TreeSource, **kwargs) -> None:
        super().__init__("Sites", **kwargs)
        self.source = source
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._expanded: set[tuple] = set()
        self._populated: set[int] = set()
        self._terms: tuple[str, ...] = ()
        self._refs: dict[tuple, SnapshotRef] = {}
        self._closed_defaults: set[tuple] = set()
        self._silent: set[tuple] = set()  # expanded by us, not by the user

    # ------------------------------------------------------------------ building
    @property
    def filter_text(self) -> str:
        return " ".join(self._terms)

    def rebuild(self, keep: tuple | None = None) -> None:
        """Rebuild from the sites, keeping what was expanded and the cursor (or ``keep``)."""
        cursor_key = keep or (self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else None)
        self.clear()
        self._populated.clear()
        for n, site in enumerate(self.source.tree_sites()):
            item = site_item(n, site, self.source.site_label(site))
            self._add(self.root, item, default_open=True)
        self._restore_cursor(cursor_key)

    def set_filter(self, text: str) -> None:
        terms = filter_terms(text)
        if terms == self._terms:
            return
        self._terms = terms
        with self.app.batch_update():
            self.rebuild()
            if terms:
                self._cursor_to_first_match()

    def _add(self, parent: TreeNode[Item], item: Item, default_open: bool = False) -> TreeNode[Item]:
        node = parent.add(self._label(item), data=item, allow_expand=item.expandable)
        opened = item.key in self._expanded or (default_open and item.key not in self._closed_defaults)
        if item.expandable and (opened or self._auto_open(item)):
            self._populate(node)
            if item.key not in self._expanded:
                self._silent.add(item.key)
            node.expand()
        return node

    def _auto_open(self, item: Item) -> bool:
        """While filtering, open the sections (and the latest snapshot) that hold matches."""
        if not self._terms:
            return False
        if item.kind == "snapshot":
            return item.ref.snapshot is not None  # type: ignore[union-attr]
        if item.kind == "section":
            return bool(self._matches_in(item))
        return False

    def _matches_in(self, item: Item) -> int:
        cat = self._catalog_of_key(item.key)
        if cat is None:
            return 0
        _, total = cat.visible_children(item, self._terms, limit=0)
        return total

    def _catalog_of_key(self, key: tuple) -> Catalog | None:
        ref = self._refs.get(key[:4])
        return self.source.catalog_for(ref, key[:4]) if ref is not None else None

    def _children(self, item: Item) -> tuple[list[Item], int, bool]:
        """(children to show, how many matched, whether still loading)."""
        if item.kind == "site":
            site: SiteEntry = item.ref  # type: ignore[assignment]
            kids = [snapshot_item(item.key, m, ref) for m, ref in enumerate(site.snapshots)]
            for kid in kids:
                self._refs[kid.key] = kid.ref  # type: ignore[assignment]
            return kids, len(kids), False
        if item.kind == "snapshot":
            ref: SnapshotRef = item.ref  # type: ignore[assignment]
            self._refs[item.key] = ref
            if ref.snapshot is None:
                if ref.error is None:
                    self.source.request_load(ref)
                return [], 0, ref.error is None
            cat = self.source.catalog_for(ref, item.key)
            if cat is None:
                return [], 0, True
            secs = cat.sections()
            return secs, len(secs), False
        cat = self._catalog_of_key(item.key)
        if cat is None:
            return [], 0, False
        shown, total = cat.visible_children(item, self._terms, FILTERED_CHILDREN if self._terms else MAX_CHILDREN)
        return shown, total, False

    def _populate(self, node: TreeNode[Item]) -> None:
        item = node.data
        if item is None:
            return
        node.remove_children()
        kids, total, loading = self._children(item)
        if loading:
            node.add_leaf(Text("loading…", style="italic"), data=Item("loading", (*item.key, "loading"), "loading…"))
        elif item.kind == "snapshot" and item.ref.error:  # type: ignore[union-attr]
            error = item.ref.error  # type: ignore[union-attr]
            node.add_leaf(plain(f"cannot open: {error}", newlines=False), data=Item("error", (*item.key, "error"),
                                                                                  error))
        for kid in kids:
            self._add(node, kid, default_open=kid.kind == "snapshot" and kid.key[-1] == 0)
        if total > len(kids):
            more = total - len(kids)
            note = f"… {more} more; press / and type to narrow"
            node.add_leaf(Text(note, style="italic"), data=Item("more", (*item.key, "more"), note))
        if self._terms and item.kind not in ("site", "snapshot") and not kids and not loading:
            node.add_leaf(Text("no match", style="italic"), data=Item("nomatch", (*item.key, "nomatch"), "no match"))
        self._populated.add(node.id)

    def _label(self, item: Item) -> Text:
        text = Text()
        if item.state:
            text.append(f"({item.state}) ", style="bold")
        text.append_text(plain(item.label, newlines=False))
        badge = item.badge
        if self._terms and item.kind == "section" and item.expandable:
            badge = f"{self._matches_in(item)} of {item.badge}"
        elif item.kind == "snapshot" and item.ref.snapshot is not None:  # type: ignore[union-attr]
            snap = item.ref.snapshot  # type: ignore[union-attr]
            badge = " ".join(x for x in (badge, f"{len(snap.gaps)} gaps" if snap.gaps else "") if x)
        if badge:
            text.append(f"  {badge}", style="dim")
        return text

    def render_label(self, node: TreeNode[Item], base_style: Style, style: Style) -> Text:
        """As the Tree draws it, but cut with an ellipsis at the pane's edge (the detail pane has it whole)."""
        text = super().render_label(node, base_style, style)
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        if 0 < room < text.cell_len:
            text.truncate(room, overflow="ellipsis")
        return text

    def get_label_width(self, node: TreeNode[Item]) -> int:
        """Labels are cut at the pane's edge: the tree never scrolls sideways (and this is cheap to work out)."""
        return min(node._label.cell_len + 2, max(1, self.scrollable_content_region.width))

    # ------------------------------------------------------------------ events
    def _current(self, node: TreeNode[Item]) -> bool:
        """Is ``node`` still in the tree?  Typing fast rebuilds the tree while events of the old one are queued."""
        return self._tree_nodes.get(node.id) is node

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        node = event.node
        if node.data is None or not self._current(node):
            return
        if node.data.key in self._silent:
            self._silent.discard(node.data.key)
            if node.id not in self._populated:
                self._populate(node)
            return
        self._expanded.add(node.data.key)
        self._closed_defaults.discard(node.data.key)
        if node.id not in self._populated:
            self._populate(node)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Item]) -> None:
        if event.node.data is not None and self._current(event.node):
            self._expanded.discard(event.node.data.key)
            self._closed_defaults.add(event.node.data.key)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        if self._current(event.node):
            self.post_message(self.ContextChanged(event.node.data))

    def refresh_ref(self, ref: SnapshotRef) -> None:
        """A snapshot finished loading: fill its node(s)."""
        with self.app.batch_update():
            for node in self._walk(self.root):
                if node.data is not None and node.data.kind == "snapshot" and node.data.ref is ref:
                    node.set_label(self._label(node.data))
                    if node.is_expanded or self._terms:
                        self._populate(node)
                        if node.data.key not in self._expanded:
                            self._silent.add(node.data.key)
                        node.expand()

    # ------------------------------------------------------------------ cursor
    def _walk(self, node: TreeNode[Item]):
        for child in node.children:
            yield child
            yield from self._walk(child)

    def _restore_cursor(self, key: tuple | None) -> None:
        """Put the cursor on ``key``, opening the nodes on the way; else on its deepest shown ancestor."""
        if key is None:
            return
        node: TreeNode[Item] = self.root
        best: TreeNode[Item] | None = None
        while True:
            nxt = None
            for child in node.children:
                ck = child.data.key if child.data is not None else None
                if ck is not None and key[: len(ck)] == ck:
                    nxt = child
                    break
            if nxt is None:
                break
            best = nxt
            if nxt.data is not None and nxt.data.key == key:
                break
            if nxt.allow_expand and not nxt.is_expanded:
                if nxt.id not in self._populated:
                    self._populate(nxt)
                self._silent.add(nxt.data.key)  # type: ignore[union-attr]
                nxt.expand()
            node = nxt
        if best is not None:
            self._move_when_laid_out(best)

    def _move_when_laid_out(self, node: TreeNode[Item]) -> None:
        """Move the cursor once the new nodes have their lines (right after this refresh)."""
        self.move_cursor(node)
        self.call_after_refresh(self.move_cursor, node)

    def _cursor_to_first_match(self) -> None:
        current = self.cursor_node
        if current is not None and current.data is not None and current.data.kind in FILTERED_KINDS \
                and current.data.matches(self._terms):
            return
        for node in self._walk(self.root):
            if node.data is not None and node.data.kind in FILTERED_KINDS and node.data.matches(self._terms):
                self._move_when_laid_out(node)
                return

    def select_key(self, key: tuple) -> bool:
        for node in self._walk(self.root):
            if node.data is not None and node.data.key == key:
                self._move_when_laid_out(node)
                return True
        return False

    def action_expand_or_down(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        else:
            self.action_cursor_down()

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


__all__ = ["SiteTree", "MAX_CHILDREN"]
