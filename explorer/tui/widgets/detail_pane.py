"""The detail pane on the right of the browse screen."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPane(VerticalScroll):
    """A scrollable, focusable pane showing the selected node (``tab`` from the tree; j/k/g/G scroll).

    The node's Rich renderable (tables and all) is drawn once per width into plain styled lines, so the
    many layout passes of a busy screen (typing in the filter) do not lay its tables out again each time.
    """

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

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._drawn_width = 0

    def compose(self):
        yield Static("", id="detail-body")

    def show(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._draw()
        self.scroll_home(animate=False)

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._drawn_width:
            self._draw()

    def _draw(self) -> None:
        width = max(10, self.scrollable_content_region.width or 40)
        self._drawn_width = self.scrollable_content_region.width
        console = self.app.console
        lines = console.render_lines(self.renderable, console.options.update_width(width), pad=False)
        text = Text(no_wrap=True, overflow="crop", end="")
        for n, line in enumerate(lines):
            if n:
                text.append("\n")
            for segment in line:
                if not segment.control:
                    text.append(segment.text, segment.style)
        self.body.update(text)

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)
