"""The browse screen: the site tree on the left, the detail pane on the right, the status bar below."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input
from textual.worker import get_current_worker

from explorer.core.model import Account
from explorer.tui import details
from explorer.tui.actions import BROWSE, bindings
from explorer.tui.catalog import Context, Item
from explorer.tui.screens.base import AppScreen
from explorer.tui.text import plain
from explorer.tui.widgets.detail_pane import DetailPane
from explorer.tui.widgets.site_tree import SiteTree
from explorer.tui.workspace import SiteEntry, SnapshotRef

DETAIL_DELAY = 0.08
"""Seconds the cursor must rest on a node before its detail is drawn."""

def _welcome() -> Group:
    """What to do when no site is open: two keys, each with its one-line story (wraps with a hanging indent)."""
    keys = Table.grid(padding=(0, 2))
    keys.add_column(style="bold", no_wrap=True)
    keys.add_column()
    keys.add_row("a", "add a site: URL, email and API token (kept in the OS keyring, or JIRA_API_TOKEN when there "
                      "is no keyring)")
    keys.add_row("d", "open the bundled demo site and try it out")
    return Group(Text("No Jira site is configured yet.", style="bold"), Text(""), keys, Text(""),
                 Text("Offline: jira-perms tui --snapshot FILE opens a snapshot someone sent you. ? lists every "
                      "key; q quits."))


class BrowseScreen(AppScreen):
    """Sites → snapshots → projects, groups, accounts, schemes, globals and gaps."""

    BINDINGS: list[Binding] = bindings(BROWSE)  # type: ignore[assignment]
    KEY_GROUPS = ("browse", "whatif")
    KEY_BAR = ("browse.filter", "app.explain", "app.who_can", "app.matrix", "app.copy", "app.redact",
               "browse.pane", "app.add_site", "app.demo", "app.close")

    def __init__(self) -> None:
        super().__init__()
        self._facts: dict[tuple[int, str], details.AccountFacts] = {}
        self._detail_timer = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="browse"):
            with Vertical(id="tree-column"):
                yield Input(placeholder="filter: type to narrow, Enter to go to the tree, Esc to clear",
                            id="tree-filter")
                yield SiteTree(self.app, id="site-tree")  # type: ignore[arg-type]
            yield DetailPane(id="detail")
        yield from self.bars()

    @property
    def tree(self) -> SiteTree:
        return self.query_one(SiteTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.query_one("#tree-filter", Input).display = False
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self.tree.rebuild()
        if not self.app.workspace.sites:  # type: ignore[attr-defined]
            self.detail.show(_welcome())
        self.tree.focus()
        if self.tree.cursor_node is None and self.tree.root.children:
            self.tree.move_cursor(self.tree.root.children[0])

    # ------------------------------------------------------------------ app notifications
    def snapshot_loaded(self, ref: SnapshotRef) -> None:
        self.tree.refresh_ref(ref)
        self._show_detail(self._cursor_item())

    def redaction_changed(self) -> None:
        box = self.query_one("#tree-filter", Input)
        if box.value:  # what was typed may be a real name: never leave it on screen
            with box.prevent(Input.Changed):
                box.value = ""
            box.display = False
            self.tree._terms = ()
        self.tree.rebuild()
        self._show_detail(self._cursor_item())

    def whatif_changed(self) -> None:
        """Staged what-if changes differ: the tree shows the staged copy."""
        self.tree.rebuild()
        self._show_detail(self._cursor_item())

    def cursor_item(self) -> Item | None:
        """The node under the cursor (what-if stages its changes from it)."""
        return self._cursor_item()

    def sites_changed(self, select: SiteEntry | None = None) -> None:
        self.tree.rebuild()
        if select is not None:
            sites = self.app.workspace.sites  # type: ignore[attr-defined]
            if select in sites:
                self.tree.select_key(("site", sites.index(select)))
        self.tree.focus()

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.query_one("#tree-filter", Input).display)
        return True

    def offers(self, action: str) -> bool:
        if action in ("filter", "switch_pane"):
            return bool(self.app.workspace.sites)  # type: ignore[attr-defined]
        return bool(self.check_action(action, ()))

    def action_filter(self) -> None:
        box = self.query_one("#tree-filter", Input)
        box.display = True
        self.set_focus(box)  # at once: keys typed right after / go into the box
        self.refresh_bars()

    def action_clear_filter(self) -> None:
        box = self.query_one("#tree-filter", Input)
        if box.value or box.display:
            box.value = ""
            box.display = False
            self.tree.set_filter("")
            self.set_focus(self.tree)
            self.refresh_bars()

    def action_switch_pane(self) -> None:
        """Tab: tree ⇄ detail pane (the focused one has the heavy border)."""
        self.set_focus(self.detail if self.focused is not self.detail else self.tree)

    @on(Input.Changed, "#tree-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.tree.set_filter(event.value)

    @on(Input.Submitted, "#tree-filter")
    def _filter_submitted(self) -> None:
        self.set_focus(self.tree)

    # ------------------------------------------------------------------ selection
    def _cursor_item(self) -> Item | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def _ref_site_of(self, item: Item) -> tuple[SnapshotRef | None, SiteEntry | None]:
        sites = self.app.workspace.sites  # type: ignore[attr-defined]
        key = item.key
        site = sites[key[1]] if len(key) >= 2 and key[0] == "site" and key[1] < len(sites) else None
        ref = None
        if site is not None and len(key) >= 4 and key[2] == "snap" and key[3] < len(site.snapshots):
            ref = site.snapshots[key[3]]
        elif site is not None:
            ref = site.latest
        return ref, site

    @on(SiteTree.ContextChanged)
    def _context_changed(self, event: SiteTree.ContextChanged) -> None:
        item = event.item
        if item is None:
            return
        ref, site = self._ref_site_of(item)
        self.app.select_item(item, ref, site)  # type: ignore[attr-defined]
        # While the cursor moves fast (typing in the filter, holding ↓) only the last node's detail is drawn.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._show_detail(self._cursor_item()))

    def _show_detail(self, item: Item | None) -> None:
        if item is None:
            return
        ref, site = self._ref_site_of(item)
        if item.kind == "site":
            self.detail.show(_site_detail(site, self.app, item.label))
            return
        if ref is None or ref.snapshot is None:
            self.detail.show(plain("Loading the snapshot…" if ref is not None and ref.error is None
                                   else f"Cannot open this snapshot: {ref.error if ref else 'none'}"))
            return
        cat = self.app.catalog_for(ref, item.key[:4])  # type: ignore[attr-defined]
        if cat is None:
            return
        if item.kind in ("more", "loading", "nomatch", "error"):
            self.detail.show(plain(item.label))
            return
        facts = None
        if isinstance(item.ref, Account):
            facts = self._facts.get((id(cat.snapshot), item.ref.account_id))
            if facts is None:
                self._summarise(cat.snapshot, item.ref)
        self.detail.show(details.render(item, cat, facts))

    @work(thread=True, exclusive=True, group="summary", description="summary")
    def _summarise(self, snapshot, account: Account) -> None:
        worker = get_current_worker()
        try:
            facts = details.account_facts(snapshot, account, stop=lambda: worker.is_cancelled)
        except details.Cancelled:
            return
        self._facts[(id(snapshot), account.account_id)] = facts
        self.app.call_from_thread(self._summary_ready)

    def _summary_ready(self) -> None:
        self._show_detail(self._cursor_item())

    # ------------------------------------------------------------------ what e / w / m / c use
    def question_context(self) -> Context:
        """What the cursor's node (and the nodes above it) say, then the last question's answers."""
        found: dict[str, str | None] = {"account": None, "project": None, "issue": None, "permission": None}
        node = self.tree.cursor_node
        while node is not None:
            item = node.data
            if item is not None:
                for name in found:
                    if found[name] is None:
                        found[name] = getattr(item.ctx, name)
            node = node.parent
        app = self.app
        if found["account"]:
            found["account"] = app.to_original_id(found["account"])  # type: ignore[attr-defined]
        last: Context = app.context  # type: ignore[attr-defined]
        if found["project"] and found["project"] != last.project:
            last = Context(account=last.account, permission=last.permission)
        return Context(account=found["account"] or last.account, project=found["project"] or last.project,
                       issue=found["issue"] or (last.issue if not found["project"] else None),
                       permission=found["permission"] or last.permission)

    def matrix_kind(self) -> str | None:
        item = self._cursor_item()
        if item is None:
            return None
        if item.kind in ("account", "actor") and item.ctx.account:
            return "account"
        if item.ctx.project:
            return "project"
        return None

    def can_copy(self) -> bool:
        item = self._cursor_item()
        return item is not None and item.kind not in ("loading", "more", "nomatch")

    def copy_payload(self) -> tuple[str, str] | None:
        item = self._cursor_item()
        if item is None or item.kind in ("loading", "more", "nomatch"):
            return None
        body = self.detail.renderable
        console = Console(width=100, record=True, file=_Null(), color_system=None)
        console.print(body)
        text = console.export_text().rstrip()
        title = item.label
        return f"### {title}\n\n```\n{text}\n```\n", "detail"


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def _site_detail(site: SiteEntry | None, app, label: str) -> Text:
    if site is None:
        return Text("")
    text = Text()
    text.append_text(plain(f"{label}\n", "bold"))
    kind = {"configured": "configured site", "file": "snapshot file opened offline",
            "demo": "the bundled demo site (a fictional company)"}[site.kind]
    text.append(f"{kind}\n")
    if site.email and not app.redacted:
        text.append_text(plain(f"account: {site.email}\n"))
    text.append(f"{len(site.snapshots)} snapshot{'s' if len(site.snapshots) != 1 else ''}\n\n")
    if site.kind == "configured":
        text.append_text(plain(f"connection: {_connection_words(app, site)}\n"))
        if not site.snapshots:
            text.append("No snapshot yet: press s to sync this site.\n")
        else:
            text.append("s syncs a new snapshot; v verifies an answer against Jira.\n")
    else:
        text.append("Offline: answers come from the snapshot alone.\n")
    return text


def _connection_words(app, site: SiteEntry) -> str:
    reach = app.reach.get(id(site))
    if reach is not None:
        when = reach.when.strftime("%H:%M UTC")
        if reach.ok:
            return f"reached at {when}" + (f" ({reach.detail})" if reach.detail else "")
        return f"unreachable at {when}: {reach.detail}"
    token = app.tokens.get(id(site))
    if token is None:
        return "checking for a token…"
    if token == "ready":
        return "token found; not contacted yet (s syncs)"
    return token
