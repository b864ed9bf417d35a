"""The jira-perms TUI application: state, global actions and their bindings.

Screens (browse, explain, who-can, matrix, help, add site, export) live in
:mod:`explorer.tui.screens`; widgets in :mod:`explorer.tui.widgets`; the
look in ``jira_perms.tcss``.  Every binding has an id (``app.explain``, ...)
that users remap in the config file's ``[keymap]`` table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import get_current_worker

from explorer.core.errors import UserError
from explorer.core.model import Snapshot
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.tui.actions import APP_ACTIONS, all_ids, bindings
from explorer.tui.catalog import Catalog, Context, Item
from explorer.tui.redaction import Redaction, redact_snapshot
from explorer.tui.widgets.status_bar import Status
from explorer.tui.workspace import SiteEntry, SnapshotRef, Workspace, age_words, utc_now


class JiraPermsApp(App[None]):
    """Browse sites, explain answers, list who can, show matrices; offline first."""

    CSS_PATH = "jira_perms.tcss"
    TITLE = "jira-perms"
    BINDINGS: list[Binding] = bindings(APP_ACTIONS)  # type: ignore[assignment]
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"

    status_version: reactive[int] = reactive(0)
    redacted: reactive[bool] = reactive(False)

    def __init__(self, workspace: Workspace | None = None, *, clock: Callable[[], dt.datetime] = utc_now,
                 keymap: dict[str, str] | None = None, redaction_key: bytes | None = None,
                 theme: str | None = None, blink: bool = True, notes: list[str] | None = None) -> None:
        super().__init__()
        from explorer.tui.commands import ActionsProvider

        self.COMMANDS = App.COMMANDS | {ActionsProvider}
        self.workspace = workspace or Workspace()
        self.clock = clock
        self.user_keymap = dict(keymap or {})
        self._redaction_key = redaction_key
        self.blink = blink
        self.notes = list(notes or []) + list(self.workspace.problems)
        self.animation_level = "none"
        if theme:
            self.theme = theme
        self.current_site: SiteEntry | None = None
        self.current_ref: SnapshotRef | None = None
        self.context = Context()  # original-snapshot ids
        self.online: dict[int, str] = {}  # id(site) -> "online" | "offline: ..."
        self.busy = ""
        self._redactions: dict[int, Redaction] = {}
        self._catalogs: dict[tuple, Catalog] = {}
        self.last_copy_path: Path | None = None

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        from explorer.tui.screens.main import BrowseScreen

        self._apply_keymap()
        first = self.workspace.first_ref()
        if first is not None:
            self.current_site, self.current_ref = first
        self.push_screen(BrowseScreen())
        for note in self.notes:
            self.notify(note, severity="warning", timeout=10)
        self._check_sites_online()

    def _apply_keymap(self) -> None:
        if not self.user_keymap:
            return
        unknown = sorted(set(self.user_keymap) - all_ids())
        if unknown:
            self.notify(f"[keymap] in the config file names unknown binding ids: {', '.join(unknown)} "
                        "(press ? for the list)", severity="warning", timeout=10)
        self.set_keymap({k: v for k, v in self.user_keymap.items() if k not in unknown})

    def tune_inputs(self, screen) -> None:
        """Screens call this on mount: no cursor blink when the app was asked for none (snapshot tests)."""
        if not self.blink:
            from textual.widgets import Input

            for box in screen.query(Input):
                box.cursor_blink = False

    # ------------------------------------------------------------------ snapshots and views
    def tree_sites(self) -> list[SiteEntry]:
        return self.workspace.sites

    def site_label(self, site: SiteEntry) -> str:
        """A site's name as shown: the redacted site when redaction is on."""
        ref = site.latest
        view = self.view(ref) if ref is not None else None
        if self.redacted:
            if view is not None:
                return view.site.url.split("://", 1)[-1] + (" (file)" if site.kind == "file" else "")
            return "site (redacted; loading)"
        return site.name

    def request_load(self, ref: SnapshotRef) -> None:
        self._load_ref(ref)

    @work(thread=True, group="load")
    def _load_ref(self, ref: SnapshotRef) -> None:
        try:
            snap = ref.load()
            if self.redacted:
                self._redaction(ref, snap)
        except UserError as e:
            self.call_from_thread(self.notify, str(e), severity="error", timeout=15)
        self.call_from_thread(self._ref_loaded, ref)

    def _ref_loaded(self, ref: SnapshotRef) -> None:
        if ref.snapshot is not None and ref.source == "file":
            for site in self.workspace.sites:
                if site.kind == "file" and ref in site.snapshots and "://" not in site.url:
                    site.url = ref.snapshot.site.url + f" ({Path(site.url).name})"
        if self.current_ref is None or self.current_ref is ref:
            self.current_ref = ref
        for screen in self.screen_stack:
            handler = getattr(screen, "snapshot_loaded", None)
            if handler is not None:
                handler(ref)
        self.bump_status()

    def _redaction(self, ref: SnapshotRef, snap: Snapshot) -> Redaction:
        red = self._redactions.get(id(ref))
        if red is None or red.source is not snap:
            red = redact_snapshot(snap, self.redaction_key())
            self._redactions[id(ref)] = red
        return red

    def redaction_key(self) -> bytes:
        """The user's redaction key (created on first use), or the one the app was given (tests)."""
        if self._redaction_key is None:
            from explorer.store.paths import redaction_key

            key = redaction_key()
            Pseudonymizer(key)  # refuses a short key with one line
            self._redaction_key = key
        return self._redaction_key

    def view(self, ref: SnapshotRef | None = None) -> Snapshot | None:
        """The snapshot as shown: redacted when redaction is on."""
        ref = ref or self.current_ref
        if ref is None or ref.snapshot is None:
            return None
        if self.redacted:
            return self._redaction(ref, ref.snapshot).snapshot
        return ref.snapshot

    def catalog_for(self, ref: SnapshotRef, root_key: tuple) -> Catalog | None:
        snap = self.view(ref)
        if snap is None:
            return None
        key = (id(ref), self.redacted, root_key, id(snap))
        cat = self._catalogs.get(key)
        if cat is None:
            cat = Catalog(snap, root_key)
            self._catalogs[key] = cat
            self._warm(cat)
        return cat

    @work(thread=True, group="warm")
    def _warm(self, cat: Catalog) -> None:
        """Prepare the big lists in the background, so the first filter keystroke is as fast as the rest."""
        cat.warm()

    def to_view_id(self, account_id: str | None, ref: SnapshotRef | None = None) -> str | None:
        ref = ref or self.current_ref
        if account_id is None or not self.redacted or ref is None or ref.snapshot is None:
            return account_id
        return self._redaction(ref, ref.snapshot).to_view(account_id)

    def to_original_id(self, account_id: str | None, ref: SnapshotRef | None = None) -> str | None:
        ref = ref or self.current_ref
        if account_id is None or not self.redacted or ref is None or ref.snapshot is None:
            return account_id
        return self._redaction(ref, ref.snapshot).to_original(account_id)

    # ------------------------------------------------------------------ context from the tree
    def select_item(self, item: Item | None, ref: SnapshotRef | None, site: SiteEntry | None) -> None:
        """The browse tree's cursor moved: remember the site and snapshot it is in."""
        changed = False
        if site is not None and site is not self.current_site:
            self.current_site = site
            changed = True
        if ref is not None and ref is not self.current_ref:
            self.current_ref = ref
            changed = True
        if changed:
            self.bump_status()

    def update_context(self, *, account: str | None = None, project: str | None = None, issue: str | None = None,
                       permission: str | None = None, clear_issue: bool = False) -> None:
        c = self.context
        new_issue = issue if issue is not None else (None if clear_issue else c.issue)
        self.context = Context(account=account or c.account, project=project or c.project, issue=new_issue,
                               permission=permission or c.permission)

    # ------------------------------------------------------------------ status bar
    def bump_status(self) -> None:
        self.status_version += 1

    def current_status(self) -> Status:
        site = self.current_site
        ref = self.current_ref
        if site is not None and self.redacted and (ref is None or ref.snapshot is None):
            return Status(site="(redacted)", redacted=True, busy=self.busy)
        if site is None:
            return Status(site="no site open — a: add a site · d: demo", redacted=self.redacted, busy=self.busy)
        snap = ref.snapshot if ref is not None else None
        age, old = ("", False)
        gaps = 0
        name = site.name
        if snap is not None:
            age, old = age_words(snap.provenance.taken_at, self.clock())
            gaps = len(snap.gaps)
            shown = self.view(ref) or snap
            name = shown.site.url.split("://", 1)[-1]
        elif ref is not None:
            age = "loading…" if ref.error is None else "unreadable"
        mode = self.online.get(id(site), "offline" if site.kind != "configured" else "offline: checking")
        if site.kind == "demo":
            mode = "offline (demo)"
        elif site.kind == "file":
            mode = "offline (file)"
        return Status(site=name, age=age, old=old, mode=mode, gaps=gaps, redacted=self.redacted, busy=self.busy)

    @work(thread=True, group="online", exclusive=True)
    def _check_sites_online(self) -> None:
        from explorer.tui import live

        for site in list(self.workspace.sites):
            if site.kind != "configured":
                continue
            state = live.credential_state(site.url, site.email)
            self.online[id(site)] = state
        self.call_from_thread(self.bump_status)

    # ------------------------------------------------------------------ actions
    def _question_context(self) -> Context:
        getter = getattr(self.screen, "question_context", None)
        return getter() if getter is not None else self.context

    def _need_snapshot(self) -> SnapshotRef | None:
        ref = self.current_ref
        if ref is None or ref.snapshot is None:
            self.notify("Open a snapshot first: select a site in the tree (a: add a site, d: the demo).",
                        severity="warning")
            return None
        return ref

    def action_explain(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        ref = self._need_snapshot()
        if ref is None:
            return
        self.push_screen(ExplainScreen(ref, self._question_context()))

    def action_who_can(self) -> None:
        from explorer.tui.screens.who_can import WhoCanScreen

        ref = self._need_snapshot()
        if ref is None:
            return
        self.push_screen(WhoCanScreen(ref, self._question_context()))

    def action_matrix(self) -> None:
        from explorer.tui.screens.matrix import MatrixScreen

        ref = self._need_snapshot()
        if ref is None:
            return
        ctx = self._question_context()
        prefer = getattr(self.screen, "matrix_kind", lambda: None)()
        self.push_screen(MatrixScreen(ref, ctx, prefer))

    def action_audit(self) -> None:
        from explorer.tui.screens.audit import AuditScreen

        ref = self._need_snapshot()
        if ref is None:
            return
        self.push_screen(AuditScreen(ref, self._question_context()))

    def action_diff(self) -> None:
        from explorer.tui.screens.diff import open_diff

        open_diff(self)

    def copy_payload(self) -> tuple[str, str] | None:
        getter = getattr(self.screen, "copy_payload", None)
        return getter() if getter is not None else None

    def action_copy(self) -> None:
        from explorer.tui.clipboard import save_copy, tmux_hint

        payload = self.copy_payload()
        if payload is None:
            self.notify("Nothing to copy here: select something, or open an explanation (e).", severity="warning")
            return
        text, _name = payload
        self.copy_to_clipboard(text)
        try:
            path = save_copy(text)
        except UserError as e:
            self.notify(f"Copied as Markdown via OSC 52{tmux_hint()}; the fallback file could not be written: {e}",
                        severity="warning", timeout=10)
            return
        self.last_copy_path = path
        state = " (redacted)" if self.redacted else ""
        self.notify(f"Copied as Markdown{state} via OSC 52{tmux_hint()}. If your terminal did not take it, it is "
                    f"in {path}", title="Copied", timeout=10)

    def action_export(self) -> None:
        from explorer.tui.screens.export import ExportScreen

        payload = self.copy_payload()
        if payload is None:
            self.notify("Nothing to export here: select something, or open an explanation (e).", severity="warning")
            return
        extra = getattr(self.screen, "export_formats", lambda: {})()
        self.push_screen(ExportScreen(payload[0], payload[1], extra))

    def action_toggle_redaction(self) -> None:
        self._toggle_redaction(not self.redacted)

    @work(thread=True, group="redact", exclusive=True)
    def _toggle_redaction(self, on: bool) -> None:
        if on:
            try:
                self.redaction_key()
            except (UserError, ValueError) as e:
                self.call_from_thread(self.notify, f"Cannot turn redaction on: {e}", severity="error")
                return
            for site in self.workspace.sites:
                for ref in site.snapshots:
                    if ref.snapshot is not None:
                        if get_current_worker().is_cancelled:
                            return
                        self._redaction(ref, ref.snapshot)
        self.call_from_thread(self._set_redacted, on)

    def _set_redacted(self, on: bool) -> None:
        self.redacted = on
        self.bump_status()
        for screen in self.screen_stack:
            handler = getattr(screen, "redaction_changed", None)
            if handler is not None:
                handler()
        self.notify("Redaction ON: names, emails, groups and account ids are pseudonyms on screen and in copies."
                    if on else "Redaction off: real names are shown.", title="Redaction")

    def action_help(self) -> None:
        from explorer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_open_demo(self) -> None:
        site = self.workspace.add_demo()
        self.current_site = site
        self.current_ref = site.latest
        for screen in self.screen_stack:
            handler = getattr(screen, "sites_changed", None)
            if handler is not None:
                handler(select=site)
        self.bump_status()

    def action_add_site(self) -> None:
        from explorer.tui.screens.add_site import AddSiteScreen

        self.push_screen(AddSiteScreen(), self._site_added)

    def _site_added(self, result: tuple[str, str | None] | None) -> None:
        if not result:
            return
        url, email = result
        site = self.workspace.add_configured(url, email)
        self.current_site = site
        self.current_ref = site.latest
        for screen in self.screen_stack:
            handler = getattr(screen, "sites_changed", None)
            if handler is not None:
                handler(select=site)
        self._check_sites_online()
        self.bump_status()

    def action_sync(self) -> None:
        from explorer.tui import site_actions

        site_actions.start_sync(self)

    def action_verify(self) -> None:
        from explorer.tui import site_actions

        site_actions.start_verify(self)
