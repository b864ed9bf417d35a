"""What every full screen of the TUI shares: the status bar, the key bar, and what its keys are."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen

from explorer.tui.actions import KeyBarItem
from explorer.tui.widgets.key_bar import KeyBar
from explorer.tui.widgets.status_bar import StatusBar


class AppScreen(Screen):
    """A full screen: ``KEY_GROUPS`` are its own keys (``?`` lists them first), ``KEY_BAR`` what the bar offers."""

    KEY_GROUPS: tuple[str, ...] = ()
    KEY_BAR: tuple[KeyBarItem, ...] = ()

    def bars(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield KeyBar(id="keys")

    def on_screen_resume(self) -> None:
        self.refresh_bars()

    def refresh_bars(self) -> None:
        for bar in self.query(KeyBar):
            bar.refresh_keys()
        for status in self.query(StatusBar):
            status.refresh_status()

    def offers(self, action: str) -> bool:
        """Whether the key bar and the help offer this screen's ``action`` now (default: it can run)."""
        return bool(self.check_action(action, ()))

    def can_copy(self) -> bool:
        """Whether ``c`` / ``x`` have something to copy here."""
        return False
