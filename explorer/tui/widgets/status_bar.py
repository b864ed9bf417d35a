"""The status bar: site, snapshot age (warns when old), online/offline, gaps, redaction."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Status:
    site: str = "no site"
    age: str = ""
    old: bool = False
    mode: str = "offline"  # "online" | "offline" | "offline: no token"
    gaps: int = 0
    redacted: bool = False
    busy: str = ""  # "syncing 40%" etc.


class StatusBar(Static):
    """One line; meaning never depends on colour alone (words and symbols)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.status = Status()

    def on_mount(self) -> None:
        self.watch(self.app, "status_version", self._refresh_from_app, init=True)

    def _refresh_from_app(self, _version: int = 0) -> None:
        getter = getattr(self.app, "current_status", None)
        if getter is not None:
            self.show(getter())

    def show(self, status: Status) -> None:
        self.status = status
        text = Text(no_wrap=True, overflow="ellipsis")
        if status.redacted:
            text.append(" ◆ REDACTED ", style="bold reverse")
        site = status.site if len(status.site) <= 30 else status.site[:29] + "…"
        text.append(f" {site} ", style="bold")
        if status.age:
            if status.old:
                text.append(f"│ ⚠ {status.age} ", style="bold reverse")
            else:
                text.append(f"│ {status.age} ")
        text.append(f"│ {'● online' if status.mode == 'online' else '○ ' + status.mode} ")
        text.append(f"│ {status.gaps} gap{'s' if status.gaps != 1 else ''} " if status.gaps else "│ no gaps ")
        if not status.redacted:
            text.append("│ names shown ")
        if status.busy:
            text.append(f"│ {status.busy} ", style="italic")
        self.update(text)
