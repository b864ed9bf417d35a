"""A screen holding one filterable, sortable table (who-can and the matrices share it)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from explorer.tui.actions import TABLE_ACTIONS, bindings
from explorer.tui.widgets.status_bar import StatusBar


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[str | Text, ...]
    sort_keys: tuple  # one per column
    search: str


class TableScreen(Screen):
    """Subclasses fill :attr:`rows` and :attr:`columns`, then call :meth:`render_rows`."""

    BINDINGS: list[Binding] = bindings(TABLE_ACTIONS)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[Row] = []
        self.sort_column = 0
        self.sort_reverse = False
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="table-screen"):
            yield Static("", id="table-title")
            yield Input(placeholder="filter rows: type to narrow, Enter to go back to the table", id="table-filter")
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="table-note")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#table-filter", Input).display = False
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self.query_one(DataTable).focus()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def set_title(self, text: str | Text) -> None:
        self.query_one("#table-title", Static).update(text)

    def set_note(self, text: str | Text) -> None:
        self.query_one("#table-note", Static).update(text)

    def shown_rows(self) -> list[Row]:
        terms = self.filter_text.lower().split()
        rows = [r for r in self.rows if all(t in r.search for t in terms)]
        rows.sort(key=lambda r: r.sort_keys[self.sort_column], reverse=self.sort_reverse)
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
            table.add_column(name + arrow, key=str(n))
        shown = self.shown_rows()
        for row in shown:
            table.add_row(*row.cells, key=row.key)
        if current is not None:
            keys = [r.key for r in shown]
            if current in keys:
                table.move_cursor(row=keys.index(current), column=col)
        self.after_render(len(shown))

    def after_render(self, shown: int) -> None:
        """Hook for the count line."""

    # ------------------------------------------------------------------ actions
    def action_filter(self) -> None:
        box = self.query_one("#table-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#table-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.render_rows()

    @on(Input.Submitted, "#table-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_sort(self) -> None:
        """Cell tables sort by the cursor's column; row tables step through the columns.

        Pressing again on the same column reverses the order.
        """
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
            self.table.focus()
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
