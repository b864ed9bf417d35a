"""The jira-perms TUI application: state, global actions and their bindings.

Screens (browse, explain, who-can, matrix, help, add site, export) live in
:mod:`explorer.tui.screens`; widgets in :mod:`explorer.tui.widgets`; the
look in ``jira_perms.tcss``; every key in :mod:`explorer.tui.actions`.  Every
binding has an id (``app.explain``, ...) that users remap in the config file's
``[keymap]`` table.  The status bar shows ``status_segments``
(:mod:`explorer.tui.status`); a new mode appends its own segment there.

Nothing here blocks the screen: snapshots load, answers are computed and sites
are contacted in workers; :meth:`JiraPermsApp.job` shows each in the status bar
while it runs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.worker import get_current_worker

from explorer.core.errors import UserError
from explorer.core.escape import visible
from explorer.core.model import Snapshot
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.core.review.redact import is_redacted
from explorer.tui import whatif_mode
from explorer.tui.actions import APP, WHATIF, all_ids, bindings
from explorer.tui.catalog import Catalog, Context, Item
from explorer.tui.redaction import Redaction, redact_snapshot
from explorer.tui.status import DEFAULT_SEGMENTS
from explorer.tui.widgets.status_bar import Segment
from explorer.tui.workspace import SiteEntry, SnapshotRef, Workspace, utc_now

TOAST_SECONDS: dict[str, float] = {"information": 4, "warning": 6, "error": 8}
TOAST_CHARS = 220
"""A message longer than this is cut in its toast; ``M`` shows it whole."""
SNAPSHOT_ACTIONS = frozenset({"explain", "who_can", "matrix", "audit", "diff", "toggle_redaction"})


@dataclass(frozen=True, slots=True)
class Reach:
    """The outcome of the last real request to a site (sync, verify, sign-in check)."""

    ok: bool
    when: dt.datetime
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    when: dt.datetime
    severity: str
    title: str
    text: str


class JiraPermsApp(App[None]):
    """Browse sites, explain answers, list who can, show matrices; offline first."""

    CSS_PATH = "jira_perms.tcss"
    TITLE = "jira-perms"
    BINDINGS: list[Binding] = bindings(APP, WHATIF)  # type: ignore[assignment]
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"

    status_version: reactive[int] = reactive(0)
    redacted: reactive[bool] = reactive(False)

    def __init__(self, workspace: Workspace | None = None, *, clock: Callable[[], dt.datetime] = utc_now,
                 keymap: dict[str, str] | None = None, redaction_key: bytes | None = None,
                 theme: str | None = None, blink: bool = True, notes: list[str] | None = None,
                 colour_hint: bool = False) -> None:
        super().__init__()
        from explorer.tui.commands import ActionsProvider

        self.COMMANDS = App.COMMANDS | {ActionsProvider}
        self.workspace = workspace or Workspace()
        self.clock = clock
        self.user_keymap = dict(keymap or {})
        self._redaction_key = redaction_key
        self.blink = blink
        self.notes = list(notes or []) + list(self.workspace.problems)
        self.colour_hint = colour_hint
        self.animation_level = "none"
        if theme:
            self.theme = theme
        self.current_site: SiteEntry | None = None
        self.current_ref: SnapshotRef | None = None
        self.context = Context()  # original-snapshot ids
        self.tokens: dict[int, str] = {}  # id(site) -> "ready" | why there is no token
        self.reach: dict[int, Reach] = {}  # id(site) -> the last real request's outcome
        self.jobs: dict[int, tuple[str, float]] = {}  # running background work: label, start
        self.messages: list[Message] = []
        self.status_segments: list[Segment] = [*DEFAULT_SEGMENTS, whatif_mode.segment]
        self.staged: dict[int, object] = {}  # id(snapshot ref) -> its staged what-if changes (whatif_mode)
        self._redactions: dict[int, Redaction] = {}
        self._catalogs: dict[tuple, Catalog] = {}
        self._job_ids = 0
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
            self.notify(note, severity="warning")
        if self.colour_hint:
            self._colour_note()
        self._check_tokens()
        self.set_interval(0.25, self._tick_jobs)
        self.call_after_refresh(self._warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False, description="warm-up")
    def _warm_up(self) -> None:
        """After the first paint: load the screens and the replay, so the first e, w or m answers at once."""
        import importlib

        for name in ("explorer.tui.screens.explain", "explorer.tui.screens.who_can", "explorer.tui.screens.matrix",
                     "explorer.tui.screens.help", "explorer.core.render.explain"):
            importlib.import_module(name)

    def _colour_note(self) -> None:
        """Say what the terminal gets, from the colour system Textual actually chose."""
        import os

        if self.no_color:
            return
        system = self.console.color_system
        term = os.environ.get("TERM", "")
        if system == "standard":
            self.notify(f"16 colours (TERM={term or 'unset'}). For 256 colours start with TERM=xterm-256color; "
                        "with true colour also COLORTERM=truecolor.")
        elif system == "256":
            self.notify("256 colours (COLORTERM is not set, as usual over SSH). If your terminal has true colour, "
                        "start with COLORTERM=truecolor.")

    def _apply_keymap(self) -> None:
        if not self.user_keymap:
            return
        unknown = sorted(set(self.user_keymap) - all_ids())
        if unknown:
            self.notify(f"[keymap] in the config file names unknown binding ids: {', '.join(unknown)} "
                        "(press ? for the list)", severity="warning")
        self.set_keymap({k: v for k, v in self.user_keymap.items() if k not in unknown})

    def tune_inputs(self, screen) -> None:
        """Screens call this on mount: no cursor blink when the app was asked for none (snapshot tests)."""
        if not self.blink:
            from textual.widgets import Input

            for box in screen.query(Input):
                box.cursor_blink = False

    # ------------------------------------------------------------------ messages
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A short toast (never markup; control characters visible); the full text stays in ``M``."""
        text = visible(str(message))
        title = visible(title) or {"error": "✗ Error", "warning": "⚠ Note"}.get(severity, "")
        self.messages.append(Message(self.clock(), severity, title, text))
        shown = text if len(text) <= TOAST_CHARS else text[: TOAST_CHARS - 1].rstrip() + "… (M: whole message)"
        limit = TOAST_SECONDS.get(severity, 6)
        super().notify(shown, title=title, severity=severity, markup=False,
                       timeout=limit if timeout is None else min(timeout, limit))

    def action_dismiss_messages(self) -> None:
        self.clear_notifications()

    def action_messages(self) -> None:
        from explorer.tui.screens.messages import MessagesScreen

        self.push_screen(MessagesScreen())

    # ------------------------------------------------------------------ background work
    @contextmanager
    def job(self, label: str) -> Iterator[int]:
        """Show ``label`` and its time so far in the status bar while the block runs (any thread).

        Yields a token for :meth:`relabel` (e.g. a sync's percentage).
        """
        token = self.begin_job(label)
        try:
            yield token
        finally:
            self.end_job(token)

    def begin_job(self, label: str) -> int:
        """:meth:`job` for work that starts on one thread and ends on another; pair with :meth:`end_job`."""
        self._job_ids += 1
        token = self._job_ids
        self._call(self._job_started, token, label)
        return token

    def end_job(self, token: int) -> None:
        self._call(self._job_ended, token)

    def relabel(self, token: int, label: str) -> None:
        if token in self.jobs:
            self.jobs[token] = (label, self.jobs[token][1])
            self._call(self.bump_status)

    def _call(self, fn, *args) -> None:
        """Run ``fn`` on the UI thread, from it or from a worker thread."""
        import threading

        if threading.get_ident() == self._thread_id:
            fn(*args)
        else:
            self.call_from_thread(fn, *args)

    def _job_started(self, token: int, label: str) -> None:
        self.jobs[token] = (label, time.monotonic())
        self.bump_status()

    def _job_ended(self, token: int) -> None:
        if self.jobs.pop(token, None) is not None:
            self.bump_status()

    def _tick_jobs(self) -> None:
        if self.jobs:
            self.bump_status()

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

    @work(thread=True, group="load", description="load")
    def _load_ref(self, ref: SnapshotRef) -> None:
        with self.job("reading the snapshot"):
            try:
                snap = ref.load()
                if self.redacted:
                    self._redaction(ref, snap)
            except UserError as e:
                self.call_from_thread(self.notify, str(e), severity="error")
        self.call_from_thread(self._ref_loaded, ref)

    def _ref_loaded(self, ref: SnapshotRef) -> None:
        if ref.snapshot is not None and ref.source == "file":
            for site in self.workspace.sites:
                if site.kind == "file" and ref in site.snapshots and "://" not in site.url:
                    site.url = ref.snapshot.site.url + f" ({Path(site.url).name})"
        if self.current_ref is None or self.current_ref is ref:
            self.current_ref = ref
        self._tell_screens("snapshot_loaded", ref)
        self.bump_status()

    def _tell_screens(self, hook: str, *args, **kwargs) -> None:
        for screen in self.screen_stack:
            handler = getattr(screen, hook, None)
            if handler is not None:
                handler(*args, **kwargs)

    def _redaction(self, ref: SnapshotRef, snap: Snapshot) -> Redaction | None:
        """The redacted twin of ``snap``; None for a snapshot that is already a redacted copy (shown as it is)."""
        if is_redacted(snap):
            return None
        red = self._redactions.get(id(ref))
        if red is None or red.source is not snap:
            red = redact_snapshot(snap, self.redaction_key())
            self._redactions[id(ref)] = red
        return red

    def redaction_for(self, ref: SnapshotRef) -> Redaction | None:
        """The redacted twin of a snapshot as read (None: redaction off, or already a redacted copy)."""
        if not self.redacted or ref.snapshot is None:
            return None
        return self._redaction(ref, ref.snapshot)

    def redaction_key(self) -> bytes:
        """The user's redaction key (created on first use), or the one the app was given (tests)."""
        if self._redaction_key is None:
            from explorer.store.paths import redaction_key

            key = redaction_key()
            Pseudonymizer(key)  # refuses a short key with one line
            self._redaction_key = key
        return self._redaction_key

    def view(self, ref: SnapshotRef | None = None) -> Snapshot | None:
        """The snapshot as shown: with the staged what-if changes written in, and redacted when redaction is on."""
        ref = ref or self.current_ref
        if ref is None or ref.snapshot is None:
            return None
        staged = whatif_mode.staging(self, ref)
        snap = staged.after if staged is not None else ref.snapshot
        if self.redacted:
            red = self._redaction(ref, snap)
            return red.snapshot if red is not None else snap
        return snap

    def shown_is_redacted_copy(self) -> bool:
        ref = self.current_ref
        return ref is not None and ref.snapshot is not None and is_redacted(ref.snapshot)

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

    @work(thread=True, group="warm", description="warm")
    def _warm(self, cat: Catalog) -> None:
        """Prepare the big lists in the background, so the first filter keystroke is as fast as the rest."""
        cat.warm()

    def _translate(self, account_id: str | None, ref: SnapshotRef | None, to_view: bool) -> str | None:
        ref = ref or self.current_ref
        if account_id is None or not self.redacted or ref is None or ref.snapshot is None:
            return account_id
        red = self._redaction(ref, ref.snapshot)
        if red is None:
            return account_id
        return red.to_view(account_id) if to_view else red.to_original(account_id)

    def to_view_id(self, account_id: str | None, ref: SnapshotRef | None = None) -> str | None:
        return self._translate(account_id, ref, True)

    def to_original_id(self, account_id: str | None, ref: SnapshotRef | None = None) -> str | None:
        return self._translate(account_id, ref, False)

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

    # ------------------------------------------------------------------ status bar and sites
    def bump_status(self) -> None:
        self.status_version += 1

    def record_reach(self, site: SiteEntry, ok: bool, detail: str = "") -> None:
        """A real request to ``site`` succeeded or failed: the status bar says so (not just "a token exists")."""
        self.reach[id(site)] = Reach(ok, self.clock(), detail)
        self.bump_status()

    @work(thread=True, group="tokens", exclusive=True, description="tokens")
    def _check_tokens(self) -> None:
        from explorer.tui import live

        for site in list(self.workspace.sites):
            if site.kind == "configured":
                self.tokens[id(site)] = live.token_state(site.url, site.email)
        self.call_from_thread(self.bump_status)

    # ------------------------------------------------------------------ what keys can do now
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc dismisses messages only when there are some (otherwise it goes on to the screen's Esc)."""
        if action == "dismiss_messages":
            return bool(self._notifications)
        return True

    def offers(self, action: str) -> bool:
        """Whether the key bar and the help offer ``action`` now (a key pressed anyway says why it cannot work)."""
        if action == "dismiss_messages":
            return bool(self._notifications)
        ref = self.current_ref
        has_snapshot = ref is not None and ref.snapshot is not None
        if action in SNAPSHOT_ACTIONS:
            return has_snapshot
        if action in ("copy", "export"):
            can = getattr(self.screen, "can_copy", None)
            return bool(can()) if can is not None else False
        if action == "sync":
            return self.current_site is not None and self.current_site.kind == "configured"
        if action == "verify":
            site = self.current_site
            return getattr(self.screen, "result", None) is not None and site is not None and site.kind == "configured"
        if action == "open_demo":
            return not any(s.kind == "demo" for s in self.workspace.sites)
        if action in ("stage_add", "stage_remove"):
            return has_snapshot and not self.redacted and getattr(self.screen, "cursor_item", None) is not None
        if action == "whatif":
            return bool(whatif_mode.staged_count(self))
        return True

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
        if ref is not None:
            self.push_screen(ExplainScreen(ref, self._question_context()))

    def action_who_can(self) -> None:
        from explorer.tui.screens.who_can import WhoCanScreen

        ref = self._need_snapshot()
        if ref is not None:
            self.push_screen(WhoCanScreen(ref, self._question_context()))

    def action_matrix(self) -> None:
        from explorer.tui.screens.matrix import MatrixScreen

        ref = self._need_snapshot()
        if ref is None:
            return
        prefer = getattr(self.screen, "matrix_kind", lambda: None)()
        self.push_screen(MatrixScreen(ref, self._question_context(), prefer))

    def action_audit(self) -> None:
        from explorer.tui.screens.audit import AuditScreen

        ref = self._need_snapshot()
        if ref is not None:
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
        text = whatif_mode.mark(self, text, ".md")
        self.copy_to_clipboard(text)
        try:
            path = save_copy(text)
        except UserError as e:
            self.notify(f"Copied as Markdown via OSC 52{tmux_hint()}; the fallback file could not be written: {e}",
                        severity="warning")
            return
        self.last_copy_path = path
        state = " (redacted)" if self.redacted or self.shown_is_redacted_copy() else ""
        self.notify(f"Copied as Markdown{state} via OSC 52{tmux_hint()}. If your terminal did not take it, it is "
                    f"in {path}", title="Copied")

    def action_export(self) -> None:
        from explorer.tui.screens.export import ExportScreen

        payload = self.copy_payload()
        if payload is None:
            self.notify("Nothing to export here: select something, or open an explanation (e).", severity="warning")
            return
        extra = getattr(self.screen, "export_formats", lambda: {})()
        extra = {suffix: whatif_mode.mark(self, text, suffix) for suffix, text in extra.items()}
        name = payload[1]
        if whatif_mode.staged_count(self) and not name.startswith("what-if"):
            name = f"what-if-{name}"
        self.push_screen(ExportScreen(whatif_mode.mark(self, payload[0], ".md"), name, extra))

    def action_toggle_redaction(self) -> None:
        self._toggle_redaction(not self.redacted)

    @work(thread=True, group="redact", exclusive=True, description="redact")
    def _toggle_redaction(self, on: bool) -> None:
        if on:
            try:
                self.redaction_key()
            except (UserError, ValueError) as e:
                self.call_from_thread(self.notify, f"Cannot turn redaction on: {e}", severity="error")
                return
            with self.job("redacting"):
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
        self._tell_screens("redaction_changed")
        if self.shown_is_redacted_copy():
            self.notify("This snapshot is already a redacted copy: its names are the sender's pseudonyms and stay "
                        "as they are (they match the sender's mapping file). "
                        + ("Other open snapshots are redacted on screen now." if on else
                           "Other open snapshots show real names again."), title="Redaction")
            return
        self.notify("Redaction ON: names, emails, groups and account ids are pseudonyms on screen and in copies."
                    if on else "Redaction off: real names are shown.", title="Redaction")

    def action_stage_add(self) -> None:
        from explorer.tui.screens.picker import PickerScreen

        pick = whatif_mode.stage_add(self)
        if pick is not None:
            def picked(value: str | None) -> None:
                if value is not None:
                    whatif_mode.stage(self, *pick.make(value))

            self.push_screen(PickerScreen(pick.title, pick.choices, placeholder="type to search"), picked)

    def action_stage_remove(self) -> None:
        whatif_mode.stage_remove(self)

    def action_whatif(self) -> None:
        from explorer.tui.screens.whatif import WhatIfScreen

        if whatif_mode.can_open(self):
            self.push_screen(WhatIfScreen(self.current_ref))

    def action_help(self) -> None:
        from explorer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_close_view(self) -> None:
        """``q``: close the current view; on the main screen, quit."""
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_open_demo(self) -> None:
        site = self.workspace.add_demo()
        self.current_site = site
        self.current_ref = site.latest
        self._tell_screens("sites_changed", select=site)
        self.bump_status()

    def action_add_site(self) -> None:
        from explorer.tui.screens.add_site import AddSiteScreen

        self.push_screen(AddSiteScreen(), self._site_added)

    def _site_added(self, result: tuple[str, str, bool, str] | None) -> None:
        if not result:
            return
        url, email, checked, deployment = result
        site = self.workspace.add_configured(url, email, deployment)
        self.current_site = site
        self.current_ref = site.latest
        if checked:
            self.record_reach(site, True)
        self._tell_screens("sites_changed", select=site)
        self._check_tokens()
        self.bump_status()

    def action_sync(self) -> None:
        from explorer.tui import site_actions

        site_actions.start_sync(self)

    def action_verify(self) -> None:
        from explorer.tui import site_actions

        site_actions.start_verify(self)
