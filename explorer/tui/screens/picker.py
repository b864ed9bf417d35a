"""A fuzzy picker: type a few letters of a name, email, id, key or summary; Enter picks."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from explorer.tui.choices import Choice, rank
from explorer.tui.text import one_line, plain


class PickerScreen(ModalScreen[str | None]):
    """Returns the picked value, or None when dismissed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "down", "Down", show=False),
        Binding("up", "up", "Up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("pageup", "page_up", show=False),
    ]

    def __init__(self, title: str, choices: list[Choice], current: str | None = None, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current
        self.placeholder = placeholder
        self._shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(plain(self.title_text, "bold", newlines=False), id="picker-title")
            yield Input(placeholder=self.placeholder or "type to search", id="picker-input")
            yield OptionList(id="picker-options")
            yield Static("", id="picker-count")

    def on_mount(self) -> None:
        self._refresh("")
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self.query_one(Input).focus()

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._refresh(event.value)

    def _refresh(self, query: str) -> None:
        self._shown = rank(self.choices, query)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(one_line(c.label), no_wrap=True, overflow="ellipsis"), id=str(i))
                             for i, c in enumerate(self._shown)])
        if self._shown:
            index = 0
            if not query and self.current is not None:
                index = next((i for i, c in enumerate(self._shown) if c.value == self.current), 0)
            options.highlighted = index
        self._show_count()

    def on_resize(self) -> None:
        self._show_count()

    def _show_count(self) -> None:
        """The bottom line, in the longest form that fits the picker's width (never cut)."""
        box = self.query_one("#picker-count", Static)
        width = box.size.width or 60
        shown, total = len(self._shown), len(self.choices)
        counts = [f"{shown} shown of {total}", f"{shown} of {total}"]
        if not shown:
            counts = ["no match; try fewer letters", "no match"]
        keys = ["↑↓ move · Enter pick · Esc cancel", "↑↓ · Enter · Esc", ""]
        for count in counts:
            for hint in keys:
                line = f"{count} · {hint}" if hint else count
                if len(line) <= width:
                    box.update(line)
                    return
        box.update(counts[-1][:width])

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self._shown:
            self.dismiss(self._shown[options.highlighted].value)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[int(event.option.id or 0)].value)

    def _move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if not self._shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self._shown) - 1, current + delta))

    def action_down(self) -> None:
        self._move(1)

    def action_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(10)

    def action_page_up(self) -> None:
        self._move(-10)

    def action_cancel(self) -> None:
        self.dismiss(None)
