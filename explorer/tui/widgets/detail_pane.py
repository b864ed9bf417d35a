"""The detail pane on the right of the browse screen."""

from __future__ import annotations

from rich.console import RenderableType
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPane(VerticalScroll):
    """A scrollable, focusable pane showing the selected node (``tab`` from the tree; j/k/g/G scroll)."""

    can_focus = True
    renderable: RenderableType = ""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
    ]

    def compose(self):
        yield Static("", id="detail-body")

    def show(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self.query_one("#detail-body", Static).update(renderable)
        self.scroll_home(animate=False)

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)
