"""The TUI's actions on a configured site: start a sync, verify an explanation against Jira.

They sit above the screens they open and above :mod:`explorer.tui.live` (which
only talks to Jira and the store), so neither imports the other.
"""

from __future__ import annotations

from textual.app import App

from explorer.core.errors import UserError
from explorer.store.config import DC
from explorer.tui import live
from explorer.tui.screens.explain import ExplainScreen
from explorer.tui.screens.sync import SyncScreen


def _configured_site(app: App):
    site = app.current_site
    if site is None or site.kind != "configured":
        what = "the demo" if site is not None and site.kind == "demo" else "a file opened offline"
        app.notify(f"This is {what}: there is no Jira site to talk to. Press a to add a site, then s to sync it.",
                   severity="warning", timeout=8)
        return None
    if not site.email and site.deployment != DC:  # a Data Center site may sign in with a personal access token
        app.notify("This site has no email configured: add it again with a.", severity="warning")
        return None
    return site


def start_sync(app: App) -> None:
    site = _configured_site(app)
    if site is None:
        return
    app.push_screen(SyncScreen(site))


def start_verify(app: App) -> None:
    screen = app.screen
    result = getattr(screen, "result", None)
    if not isinstance(screen, ExplainScreen) or result is None:
        app.notify("Verify checks an explanation against Jira: open one with e first.", severity="warning")
        return
    site = _configured_site(app)
    if site is None:
        return
    ref = screen.ref
    snap = ref.snapshot
    if snap is None:
        return
    account = app.to_original_id(result.account.account_id, ref) or result.account.account_id
    app.notify("Asking Jira itself…", timeout=4)
    _verify_worker(app, screen, site, snap, account, result)


def _verify_worker(app, screen, site, snap, account_id, result) -> None:
    async def run() -> None:
        with app.job("asking Jira"):
            try:
                answer = await live.verify_with_jira(site.url, site.email, snap, account_id, result.permission,
                                                     result.project_key, result.issue_key, result.verdict)
            except UserError as e:
                outcome = live.reach_of(e)
                if outcome is not None:
                    app.record_reach(site, *outcome)
                app.notify(f"Verify failed: {e}", severity="error")
                return
        app.record_reach(site, True)
        screen.show_verification(answer)
        app.notify(answer.text, severity="information" if answer.agrees else "warning")

    app.run_worker(run(), group="verify", exclusive=True)
