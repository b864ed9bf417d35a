"""Sync a configured site: progress bar, what is being fetched, Esc cancels (nothing is written then)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState

from explorer.core.errors import UserError
from explorer.tui import live
from explorer.tui.text import plain
from explorer.tui.workspace import SiteEntry, SnapshotRef


class SyncScreen(ModalScreen[bool]):
    """Runs the sync as an async worker; the UI keeps answering keys while it runs."""

    BINDINGS = [Binding("escape", "cancel", "Cancel sync", id="sync.cancel")]

    def __init__(self, site: SiteEntry) -> None:
        super().__init__()
        self.site = site
        from explorer.jira.sync import SyncProgress

        self.progress = SyncProgress()
        self.worker: Worker | None = None
        self.outcome: str = ""
        self.job_token: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="sync"):
            yield Static(plain(f"Syncing {self.site.name}", "bold"), id="sync-title")
            yield ProgressBar(total=None, show_eta=False, id="sync-bar")
            yield Static("starting…", id="sync-phase")
            yield Static("Esc cancels; nothing is written unless the sync finishes.", id="sync-help")

    def on_mount(self) -> None:
        self.worker = self.run_worker(self._run(), group="sync", exclusive=True, exit_on_error=False)
        self.set_interval(0.2, self._tick)

    async def _run(self):
        with self.app.job("syncing") as token:  # type: ignore[attr-defined]
            self.job_token = token
            return await live.run_sync(self.site, self.progress)

    def _tick(self) -> None:
        fraction = live.progress_fraction(self.progress)
        bar = self.query_one(ProgressBar)
        if fraction is not None:
            bar.update(total=100, progress=round(fraction * 100))
        self.query_one("#sync-phase", Static).update(plain(live.progress_words(self.progress)))
        pct = f" {round(fraction * 100)}%" if fraction is not None else ""
        if self.job_token is not None:
            self.app.relabel(self.job_token, f"syncing{pct}")  # type: ignore[attr-defined]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        app = self.app
        if event.state is WorkerState.SUCCESS:
            snapshot, path = event.worker.result
            ref = SnapshotRef(path.name, path, "file", snapshot)
            from explorer.tui.workspace import _file_label

            ref.label = _file_label(path)
            self.site.snapshots.insert(0, ref)
            app.record_reach(self.site, True)  # type: ignore[attr-defined]
            self._finish(f"Synced {self.site.name}: {len(snapshot.accounts)} accounts, {len(snapshot.projects)} "
                         f"projects, {len(snapshot.gaps)} gaps. Saved to {path}", "information")
            app.current_site, app.current_ref = self.site, ref  # type: ignore[attr-defined]
            for screen in app.screen_stack:
                handler = getattr(screen, "sites_changed", None)
                if handler is not None:
                    handler(select=self.site)
            self.dismiss(True)
        elif event.state is WorkerState.CANCELLED:
            self._finish("Sync cancelled; no snapshot was written.", "warning")
            self.dismiss(False)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            outcome = live.reach_of(error)
            if outcome is not None:
                app.record_reach(self.site, *outcome)  # type: ignore[attr-defined]
            message = str(error) if isinstance(error, UserError) else f"the sync failed ({type(error).__name__})"
            self._finish(f"Sync failed: {' '.join(message.split())}", "error")
            self.dismiss(False)

    def _finish(self, message: str, severity: str) -> None:
        self.app.notify(message, severity=severity)  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.query_one("#sync-phase", Static).update("cancelling…")
            self.worker.cancel()
        else:
            self.dismiss(False)
