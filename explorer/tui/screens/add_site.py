"""Add a site: URL, email and API token (masked), the token kept in the OS keyring.

Jira Data Center signs in with a username and password, or with a personal
access token and no user: the account field then takes a username, or stays
empty.  Jira itself says which product a site is when the token is checked
(without a check, an account with no ``@`` means Data Center, as ``login`` does).

Without a usable keyring the screen says so before anything is typed, hides the
token field and offers the JIRA_API_TOKEN route: the site is saved, and the
token comes from the environment when jira-perms starts.
"""

from __future__ import annotations

import asyncio
import os

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from explorer.core.errors import UserError
from explorer.tui.text import plain

ENV_TOKEN = "JIRA_API_TOKEN"


class AddSiteScreen(ModalScreen[tuple[str, str, bool, str] | None]):
    """Returns (site URL, email or DC username, whether Jira was reached to check the token, deployment) once
    saved (deployment as in the config: ``"dc"`` or ``""`` for Cloud), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add_site.cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.keyring_ok: bool | None = None
        self.keyring_reason = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="add-site"):
            yield Static(plain("Add a Jira site", "bold"), id="add-title")
            yield Label("Site URL")
            yield Input(placeholder="https://your-site.atlassian.net", id="add-url")
            yield Label("Account email (Data Center: username, or empty for a PAT)")
            yield Input(placeholder="you@example.com", id="add-email")
            yield Label("API token (hidden; stored in the OS keyring)", id="add-token-label")
            yield Input(placeholder="paste the token", password=True, id="add-token")
            yield Static("Checking the OS keyring…", id="add-keyring")
            yield Static("", id="add-error")
            with Horizontal(id="add-buttons"):
                yield Button("Save site", id="add-save", variant="primary", compact=True)
                yield Button("Cancel", id="add-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#add-url", Input).focus()
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self._probe_keyring()

    @work(thread=True, exclusive=True, group="keyring", description="keyring")
    def _probe_keyring(self) -> None:
        from explorer.store.credentials import diagnose_keyring

        report = diagnose_keyring()
        self.app.call_from_thread(self._keyring_known, report.usable, report.active or "", report.reason)

    def _keyring_known(self, usable: bool, backend: str, reason: str) -> None:
        self.keyring_ok = usable
        self.keyring_reason = reason
        box = self.query_one("#add-keyring", Static)
        env = bool(os.environ.get(ENV_TOKEN, "").strip())
        if usable:
            box.update(plain(f"✓ OS keyring: {backend}. The token is stored there, never in a file."))
            return
        self.query_one("#add-token", Input).display = False
        self.query_one("#add-token-label", Label).display = False
        lines = [f"✗ No usable OS keyring on this machine: {reason}.",
                 f"jira-perms will not write the token to a file. Use the {ENV_TOKEN} route instead:",
                 f"  save the site here, quit, then run:  read -rs {ENV_TOKEN} && export {ENV_TOKEN}",
                 "  (paste the token; it is not echoed) and start jira-perms again in that shell."]
        if env:
            lines.append(f"{ENV_TOKEN} is set in this session: it will be used for this site.")
        else:
            lines.append(f"{ENV_TOKEN} is not set here: the site is saved, but it works offline until you do that.")
        box.update(plain("\n".join(lines)))

    def _error(self, text: str) -> None:
        self.query_one("#add-error", Static).update(plain(f"✗ {text}", "bold"))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["add-url", "add-email", "add-token"]
        if event.input.id in order[:-1]:
            nxt = self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input)
            if nxt.display:
                nxt.focus()
                return
        self._save()

    @on(Button.Pressed, "#add-save")
    def _save_pressed(self) -> None:
        self._save()

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _save(self) -> None:
        from explorer.store.config import normalise_email, normalise_site_url, normalise_username

        try:
            url = normalise_site_url(self.query_one("#add-url", Input).value)
            raw = self.query_one("#add-email", Input).value
            email = normalise_email(raw) if "@" in raw else normalise_username(raw)
        except UserError as e:
            self._error(str(e))
            return
        token = self.query_one("#add-token", Input).value.strip()
        if self.keyring_ok is None:
            self._error("still checking the keyring; try again in a moment")
            return
        if self.keyring_ok and not token:
            self._error("paste the API token (create one at https://id.atlassian.com/manage-profile/security/api-tokens)")
            return
        self.query_one("#add-error", Static).update("Checking the token with Jira (GET myself)…"
                                                    if token else "Saving…")
        self._store(url, email, token if self.keyring_ok else "")

    @work(exclusive=True, group="add-site", description="add-site")
    async def _store(self, url: str, email: str, token: str) -> None:
        from explorer.store.config import DC, SiteConfig, load_config, save_config

        deployment = "" if "@" in email else DC
        try:
            if token:
                from explorer.core.model import Deployment
                from explorer.jira.site_check import check_site
                from explorer.store.credentials import store_token

                me = await asyncio.to_thread(check_site, url, email or None, token)
                deployment = DC if me.deployment is Deployment.DATA_CENTER else ""
                await asyncio.to_thread(store_token, url, email, token)
            config = load_config()
            config.add(SiteConfig(url, email, deployment))
            await asyncio.to_thread(save_config, config)
        except UserError as e:
            self._error(" ".join(str(e).split()))
            return
        product = " (Jira Data Center)" if deployment == DC else ""
        who = f"for {email}" if email else "with a personal access token"
        if token:
            message = f"Added {url}{product} {who}: Jira accepted the token, now in the OS keyring. Press s to sync it."
        elif os.environ.get(ENV_TOKEN, "").strip():
            message = f"Added {url}{product} {who}; its token comes from {ENV_TOKEN} (set in this session). " \
                      "Press s to sync it."
        else:
            message = f"Added {url} without a token (no keyring, {ENV_TOKEN} not set): s cannot sync until you " \
                      f"start jira-perms again with {ENV_TOKEN} set."
        self.app.notify(message, title="Site added", severity="information" if token or "s to sync" in message
                        else "warning")
        self.dismiss((url, email, bool(token), deployment))
