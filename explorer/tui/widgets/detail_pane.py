"""The detail pane on the right of the browse screen."""

from __future__ import annotations

from rich.console import RenderableType
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPane(VerticalScroll):
    """A scrollable, focusable pane showing the selected node."""

    can_focus = True
    renderable: RenderableType = ""

    def compose(self):
        yield Static("", id="detail-body")

    def show(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self.query_one("#detail-body", Static).update(renderable)
        self.scroll_home(animate=False)

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)
