"""Every message of this session in full (``M``): toasts are short and brief, this list keeps them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

SYMBOL = {"error": "✗", "warning": "⚠", "information": "·"}


class MessagesScreen(ModalScreen[None]):
    """Newest first; Esc, q or M closes it."""

    BINDINGS = [Binding("escape,q,M", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="messages"):
            yield Static(Text("Messages this session (newest first) · Esc closes", style="bold"))
            yield Static(self._body(), id="messages-body")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#messages", VerticalScroll))

    def _body(self) -> Text:
        messages = list(reversed(self.app.messages))  # type: ignore[attr-defined]
        if not messages:
            return Text("No messages yet.", style="italic")
        out = Text()
        for m in messages:
            out.append(f"{m.when.strftime('%H:%M:%S')} {SYMBOL.get(m.severity, '·')} ", style="bold")
            if m.title:
                out.append(f"{m.title}: ", style="bold")
            out.append(f"{m.text}\n\n")  # already made visible by the app's notify
        return out

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
