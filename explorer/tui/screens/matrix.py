"""Permission matrices: one account across every project, or every account in one project."""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.widgets import DataTable

from explorer.core.errors import UserError
from explorer.core.render.tables import matrix_csv, matrix_json, matrix_text
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import Matrix, account_matrix, project_matrix
from explorer.tui.actions import MATRIX_ACTIONS, TABLE_ACTIONS, bindings
from explorer.tui.catalog import Context
from explorer.tui.choices import account_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.table_base import Row, TableScreen
from explorer.tui.workspace import SnapshotRef

CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "✗", Verdict.UNKNOWN: "?"}
CELL_STYLE = {Verdict.ALLOWED: "bold", Verdict.DENIED: "dim", Verdict.UNKNOWN: "italic"}
ORDER = {Verdict.ALLOWED: 0, Verdict.UNKNOWN: 1, Verdict.DENIED: 2}



def abbreviation(name: str) -> str:
    """``Delete Own Attachments`` → ``DOA``: a column label that fits; the note line spells it out."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in ("and", "the", "of")]
    return "".join(w[0].upper() for w in words)[:4] or name[:3]


class MatrixScreen(TableScreen):
    """A matrix with a cell cursor; Enter explains the cell."""

    BINDINGS = [*bindings(MATRIX_ACTIONS), *bindings(TABLE_ACTIONS)]  # type: ignore[assignment]

    def __init__(self, ref: SnapshotRef, ctx: Context, prefer: str | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.account = ctx.account  # original id
        self.project = ctx.project
        self.kind = prefer or ("account" if ctx.account else "project" if ctx.project else "account")
        self.matrix: Matrix | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.table.cursor_type = "cell"
        self.table.zebra_stripes = True
        self.reload()

    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    def reload(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        if self.kind == "account" and not self.account:
            self.action_pick_account()
            return
        if self.kind == "project" and not self.project:
            self.action_pick_project()
            return
        self.set_note("Working it out…")
        view_account = self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]
        self._compute(snap, self.kind, view_account, self.project)

    def action_pick_account(self) -> None:
        snap = self.snapshot
        if snap is not None:
            self.app.push_screen(PickerScreen("Matrix for which account?", account_choices(snap)), self._picked_account)

    def _picked_account(self, value: str | None) -> None:
        if value is None:
            if self.matrix is None:
                self.app.pop_screen()
            return
        self.account = self.app.to_original_id(value, self.ref)  # type: ignore[attr-defined]
        self.kind = "account"
        self.reload()

    def action_pick_project(self) -> None:
        snap = self.snapshot
        if snap is not None:
            choices = [c for c in where_choices(snap) if c.value.startswith("project:")]
            self.app.push_screen(PickerScreen("Matrix for which project?", choices), self._picked_project)

    def _picked_project(self, value: str | None) -> None:
        if value is None:
            if self.matrix is None:
                self.app.pop_screen()
            return
        self.project = value.partition(":")[2]
        self.kind = "project"
        self.reload()

    @work(thread=True, exclusive=True, group="matrix")
    def _compute(self, snap, kind: str, account: str | None, project: str | None) -> None:
        try:
            matrix = account_matrix(snap, account) if kind == "account" else project_matrix(snap, project)  # type: ignore[arg-type]
        except UserError as e:
            self.app.call_from_thread(self.set_note, f"Cannot answer: {e}")
            return
        self.app.call_from_thread(self._show, matrix)

    def _show(self, matrix: Matrix) -> None:
        self.matrix = matrix
        self.sort_column, self.sort_reverse = 0, False
        if matrix.kind == "account":
            refs = [r.ref for r in matrix.rows]
            self.columns = ["Permission", *refs]
            rows = []
            for perm in matrix.permissions:
                name = catalogue.display_name(perm)
                verdicts = [row.cells[perm] for row in matrix.rows]
                rows.append(Row(perm, (name, *[_cell(v) for v in verdicts]),
                                (name.lower(), *[ORDER[v] for v in verdicts]), f"{name} {perm}".lower()))
        else:
            self.columns = ["Account", *[abbreviation(catalogue.display_name(p)) for p in matrix.permissions]]
            rows = []
            for row in matrix.rows:
                verdicts = [row.cells[p] for p in matrix.permissions]
                rows.append(Row(row.ref, (row.label, *[_cell(v) for v in verdicts]),
                                (row.label.lower(), *[ORDER[v] for v in verdicts]), f"{row.label} {row.ref}".lower()))
        self.rows = rows
        self.set_title(Text(matrix.title, style="bold"))
        self.render_rows()
        self._describe_cell()

    def _cell_question(self) -> tuple[str | None, str | None, str | None, Verdict | None]:
        """(account view id, project, permission, verdict) under the cursor."""
        m = self.matrix
        table = self.table
        if m is None or not table.row_count:
            return None, None, None, None
        coord = table.cursor_coordinate
        row_key = table.coordinate_to_cell_key(coord).row_key.value
        col = coord.column
        if m.kind == "account":
            perm = row_key
            if col == 0:
                return None, None, perm, None
            mrow = m.rows[col - 1]
            return None, mrow.ref, perm, mrow.cells[perm]  # type: ignore[index]
        if col == 0:
            return row_key, self.project, None, None
        perm = m.permissions[col - 1]
        mrow = next(r for r in m.rows if r.ref == row_key)
        return row_key, self.project, perm, mrow.cells[perm]

    @on(DataTable.CellHighlighted)
    def _describe_cell(self) -> None:
        m = self.matrix
        if m is None:
            return
        account, project, perm, verdict = self._cell_question()
        if m.kind == "account":
            who = ""
        else:
            label = next((r.label for r in m.rows if r.ref == account), account or "")
            who = f"{label} · "
        if perm is None or verdict is None:
            text = f"{who}{catalogue.display_name(perm) if perm else ''}".strip(" ·")
        else:
            text = f"{who}{project} · {catalogue.display_name(perm)}: {CELL[verdict]} {verdict.words}"
        self.set_note(f"{text}  —  ✓ allowed ✗ denied ? cannot tell · Enter explain · / filter · o sort column")

    def action_open_row(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        account, project, perm, _ = self._cell_question()
        if perm is None:
            return
        orig = self.app.to_original_id(account, self.ref) if account else self.account  # type: ignore[attr-defined]
        self.app.push_screen(ExplainScreen(self.ref, Context(account=orig, project=project, permission=perm)))

    def question_context(self) -> Context:
        account, project, perm, _ = self._cell_question()
        orig = self.app.to_original_id(account, self.ref) if account else self.account  # type: ignore[attr-defined]
        return Context(account=orig, project=project or self.project, permission=perm)

    def copy_payload(self) -> tuple[str, str] | None:
        if self.matrix is None:
            return None
        return _matrix_markdown(self.matrix), export_name("matrix", self.kind, self.project)

    def export_formats(self) -> dict[str, str]:
        if self.matrix is None:
            return {}
        return {".md": _matrix_markdown(self.matrix), ".txt": matrix_text(self.matrix), ".csv": matrix_csv(self.matrix),
                ".json": json.dumps(matrix_json(self.matrix), indent=2, ensure_ascii=False) + "\n"}


def _cell(verdict: Verdict) -> Text:
    return Text(CELL[verdict], style=CELL_STYLE[verdict], justify="center")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _matrix_markdown(m: Matrix) -> str:
    out = [f"### {_md(m.title)}", ""]
    if m.kind == "account":
        out.append("| Permission | " + " | ".join(r.ref for r in m.rows) + " |")
        out.append("|---|" + "---|" * len(m.rows))
        for perm in m.permissions:
            out.append(f"| {catalogue.display_name(perm)} | " + " | ".join(CELL[r.cells[perm]] for r in m.rows) + " |")
    else:
        out.append("| Account | " + " | ".join(catalogue.display_name(p) for p in m.permissions) + " |")
        out.append("|---|" + "---|" * len(m.permissions))
        for row in m.rows:
            out.append(f"| {_md(row.label)} | " + " | ".join(CELL[row.cells[p]] for p in m.permissions) + " |")
    out += ["", "✓ allowed · ✗ denied · ? cannot determine", ""]
    return "\n".join(out)
