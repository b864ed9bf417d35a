"""A screen holding one filterable, sortable table (who-can, the matrices and the audit share it).

Rows are prepared by the subclass (off the UI thread when there are many); the
table shows at most :data:`SHOWN_ROWS` of the filtered, sorted rows, with a
line saying how many more there are, so a who-can of 40,000 accounts or a
50,000-row matrix never fills the table on the UI thread.  Text cells are shown
exactly (never read as markup).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from explorer.tui.actions import TABLE, bindings
from explorer.tui.screens.base import AppScreen
from explorer.tui.text import one_line, plain

SHOWN_ROWS = 500
"""The table holds at most this many rows; / narrows the rest."""


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[str | Text, ...]
    sort_keys: tuple  # one per column
    search: str


def cell(value: str | Text) -> Text:
    """A table cell shown exactly: a ``str`` becomes a Text (DataTable reads a ``str`` as markup)."""
    return value if isinstance(value, Text) else Text(one_line(value), no_wrap=True, overflow="ellipsis")


class Grid(DataTable):
    """A DataTable with the keys admins expect from k9s and lazygit (hjkl, g/G)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h", "cursor_left", "Left", show=False),
        Binding("l", "cursor_right", "Right", show=False),
        Binding("g", "scroll_top", "First row", show=False),
        Binding("G", "scroll_bottom", "Last row", show=False),
    ]


class TableScreen(AppScreen):
    """Subclasses fill :attr:`rows` and :attr:`columns` (and :attr:`widths`), then call :meth:`render_rows`."""

    BINDINGS = bindings(TABLE)
    KEY_GROUPS = ("table",)
    KEY_BAR = ("table.filter", "table.sort", "table.open", "app.copy", "app.export", "app.redact", "table.back")
    CURSOR = "row"

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.widths: list[int | None] = []
        self.rows: list[Row] = []
        self.sort_column = 0
        self.sort_reverse = False
        self.filter_text = ""
        self.shown: list[Row] = []  # after filter and sort (all of them, not only those in the table)
        self._sorted: tuple[tuple, list[Row]] = ((), [])  # (sort state, rows in that order)
        self._narrowed: tuple[str, list[Row]] = ("", [])  # (filter text, rows it kept)

    def compose(self) -> ComposeResult:
        with Vertical(id="table-screen"):
            yield from self.compose_head()
            yield Input(placeholder="filter rows: type to narrow, Enter to go back to the table", id="table-filter")
            yield Grid(id="table", cursor_type=self.CURSOR, zebra_stripes=True)
            yield from self.compose_foot()
            yield Static("", id="table-note")
        yield from self.bars()

    def compose_head(self) -> ComposeResult:
        yield Static("", id="table-title")

    def compose_foot(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one("#table-filter", Input).display = False
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self.set_focus(self.table)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def set_title(self, text: str | Text) -> None:
        self.query_one("#table-title", Static).update(plain(text) if isinstance(text, str) else text)

    def set_note(self, text: str | Text) -> None:
        self.query_one("#table-note", Static).update(plain(text) if isinstance(text, str) else text)

    def shown_rows(self) -> list[Row]:
        """The rows the filter keeps, in sort order (sorted once per order; a longer filter narrows the last)."""
        state = (self.sort_column, self.sort_reverse, id(self.rows), len(self.rows))
        if self._sorted[0] != state:
            ordered = sorted(self.rows, key=lambda r: r.sort_keys[self.sort_column], reverse=self.sort_reverse)
            self._sorted = (state, ordered)
            self._narrowed = ("", ordered)
        ordered = self._sorted[1]
        terms = self.filter_text.lower().split()
        text = " ".join(terms)
        if not terms:
            return ordered
        last_text, last_rows = self._narrowed
        base = last_rows if last_text and text.startswith(last_text) else ordered
        rows = [r for r in base if all(t in r.search for t in terms)]
        self._narrowed = (text, rows)
        return rows

    def render_rows(self) -> None:
        table = self.table
        current = None
        if table.row_count and table.cursor_row is not None and 0 <= table.cursor_row < table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        col = table.cursor_column
        table.clear(columns=True)
        for n, name in enumerate(self.columns):
            arrow = (" ▼" if self.sort_reverse else " ▲") if n == self.sort_column else ""
            width = self.widths[n] if n < len(self.widths) else None
            table.add_column(Text(name + arrow, no_wrap=True, overflow="ellipsis"), key=str(n),
                             width=None if width is None else max(width, 1))
        self.shown = self.shown_rows()
        keys = []
        for row in self.shown[:SHOWN_ROWS]:
            table.add_row(*[cell(c) for c in row.cells], key=row.key)
            keys.append(row.key)
        if current is not None and current in keys:
            table.move_cursor(row=keys.index(current), column=col)
        self.after_render(len(self.shown))

    def row_key(self) -> str | None:
        """Our key of the row under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def more_rows_note(self, shown: int) -> str:
        hidden = shown - min(shown, SHOWN_ROWS)
        return f" · first {SHOWN_ROWS} of {shown:,}: / narrows" if hidden else ""

    def after_render(self, shown: int) -> None:
        """Hook for the count line."""

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("filter", "sort", "open_row"):
            return bool(self.rows)
        return True

    def action_filter(self) -> None:
        box = self.query_one("#table-filter", Input)
        box.display = True
        self.set_focus(box)

    @on(Input.Changed, "#table-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.render_rows()

    @on(Input.Submitted, "#table-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)

    def action_sort(self) -> None:
        """Sort by the column under the cursor (row tables: step through the columns); again reverses."""
        if not self.columns:
            return
        if self.table.cursor_type == "cell":
            col = self.table.cursor_column
            if col == self.sort_column:
                self.sort_reverse = not self.sort_reverse
            else:
                self.sort_column, self.sort_reverse = col, False
        elif not self.sort_reverse:
            self.sort_reverse = True
        else:
            self.sort_column, self.sort_reverse = (self.sort_column + 1) % len(self.columns), False
        self.render_rows()

    def action_back(self) -> None:
        box = self.query_one("#table-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.set_focus(self.table)
            return
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    @on(DataTable.CellSelected)
    def _selected(self) -> None:
        self.action_open_row()

    def action_open_row(self) -> None:
        """Subclasses open an explanation for the row or cell."""

    def redaction_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Subclasses recompute from the (possibly redacted) snapshot."""
