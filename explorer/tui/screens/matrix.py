"""Permission matrices: one account across every project, or every account in one project.

The first column (permission or account) stays put while the others scroll.
Column headers are short but unambiguous (:func:`abbreviations`); the line above
the table spells out the focused column, the line below says why the focused
cell is what it is.  ``2`` jumps to a permission by name, Enter explains the
cell.  The matrix is computed off the UI thread, and a big project shows its
first rows with "/ narrows" for the rest.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from explorer.core.errors import UserError
from explorer.core.render.tables import matrix_csv, matrix_json, matrix_text
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import Matrix, MatrixRow, account_matrix, project_matrix
from explorer.tui.actions import MATRIX, TABLE, Hint, bindings
from explorer.tui.catalog import Context
from explorer.tui.choices import Choice, account_choices, permission_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.table_base import Row, TableScreen
from explorer.tui.text import one_line, plain
from explorer.tui.workspace import SnapshotRef

CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "✗", Verdict.UNKNOWN: "?"}
CELL_STYLE = {Verdict.ALLOWED: "bold", Verdict.DENIED: "dim", Verdict.UNKNOWN: "italic"}
ORDER = {Verdict.ALLOWED: 0, Verdict.UNKNOWN: 1, Verdict.DENIED: 2}
REASON_DELAY = 0.06
"""Seconds the cursor rests on a cell before its reason is worked out."""

# Short, unambiguous column labels for Jira's project permissions ("CI" was both Close and Create Issues).
ABBREVIATIONS: dict[str, str] = {
    "ADMINISTER_PROJECTS": "Admin", "EDIT_WORKFLOW": "EdWf", "EDIT_ISSUE_LAYOUT": "Layout",
    "BROWSE_PROJECTS": "Browse", "MANAGE_SPRINTS_PERMISSION": "Sprint", "SERVICEDESK_AGENT": "Agent",
    "VIEW_DEV_TOOLS": "DevT", "VIEW_READONLY_WORKFLOW": "ViewWf", "VIEW_AGGREGATED_DATA": "Aggr",
    "ASSIGNABLE_USER": "Asgbl", "ASSIGN_ISSUES": "Assign", "CLOSE_ISSUES": "Close", "CREATE_ISSUES": "Create",
    "DELETE_ISSUES": "DelIss", "EDIT_ISSUES": "Edit", "LINK_ISSUES": "Link", "MODIFY_REPORTER": "Reptr",
    "MOVE_ISSUES": "Move", "RESOLVE_ISSUES": "Resolv", "SCHEDULE_ISSUES": "Sched", "SET_ISSUE_SECURITY": "SetSec",
    "TRANSITION_ISSUES": "Trans", "ARCHIVE_ISSUES": "Arch", "UNARCHIVE_ISSUES": "Unarch",
    "MANAGE_WATCHERS": "MWatch", "VIEW_VOTERS_AND_WATCHERS": "VWatch",
    "ADD_COMMENTS": "Cmt+", "DELETE_ALL_COMMENTS": "CmtDA", "DELETE_OWN_COMMENTS": "CmtDO",
    "EDIT_ALL_COMMENTS": "CmtEA", "EDIT_OWN_COMMENTS": "CmtEO",
    "CREATE_ATTACHMENTS": "Att+", "DELETE_ALL_ATTACHMENTS": "AttDA", "DELETE_OWN_ATTACHMENTS": "AttDO",
    "WORK_ON_ISSUES": "Work", "EDIT_OWN_WORKLOGS": "WlEO", "EDIT_ALL_WORKLOGS": "WlEA",
    "DELETE_OWN_WORKLOGS": "WlDO", "DELETE_ALL_WORKLOGS": "WlDA",
}


def abbreviations(keys: list[str] | tuple[str, ...]) -> dict[str, str]:
    """A distinct short label for each permission key: the table above, else initials made longer until unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        label = ABBREVIATIONS.get(key)
        if label is None or label in taken:
            words = [w for w in catalogue.display_name(key).replace("-", " ").split()
                     if w.lower() not in ("and", "the", "of")] or [key]
            size = 1
            label = "".join(w[:size].capitalize() for w in words)[:6]
            while label in taken and size < 6:
                size += 1
                label = "".join(w[:size].capitalize() for w in words)[:6]
            n = 2
            base = label
            while label in taken:
                label = f"{base[:5]}{n}"
                n += 1
        out[key] = label
        taken.add(label)
    return out


class MatrixScreen(TableScreen):
    """A matrix with a cell cursor; Enter explains the cell."""

    BINDINGS = [*bindings(MATRIX), *bindings(TABLE)]
    KEY_GROUPS = ("matrix", "table")
    KEY_BAR = ("matrix.permission", Hint(("matrix.account", "matrix.project"), "account/project"), "table.filter",
               "table.sort", "table.open", "app.copy", "table.back")
    CURSOR = "cell"

    def __init__(self, ref: SnapshotRef, ctx: Context, prefer: str | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.account = ctx.account  # original id
        self.project = ctx.project
        self.kind = prefer or ("account" if ctx.account else "project" if ctx.project else "account")
        self.matrix: Matrix | None = None
        self.labels: dict[str, str] = {}
        self._by_ref: dict[str, MatrixRow] = {}
        self.question = 0
        self._reason_timer = None

    def compose_head(self) -> ComposeResult:
        yield Static("", id="table-title")
        yield Static("", id="matrix-column")

    def compose_foot(self) -> ComposeResult:
        yield Static("", id="matrix-reason")

    def on_mount(self) -> None:
        super().on_mount()
        self.table.fixed_columns = 1
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
        self.question += 1
        who = f"{len(snap.accounts):,} accounts in {self.project}" if self.kind == "project" else \
            f"{len(snap.projects):,} projects"
        self.set_note(f"⟳ Working it out for {who}… (the keys keep working)")
        view_account = self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]
        self._compute(self.question, snap, self.kind, view_account, self.project)

    # ------------------------------------------------------------------ picking
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

    def action_jump_permission(self) -> None:
        m = self.matrix
        if m is None:
            return
        choices = [Choice(c.value, f"{self.labels.get(c.value, '')}  {c.label}", c.search)
                   for c in permission_choices() if c.value in m.permissions]
        self.app.push_screen(PickerScreen("Go to which permission? Type a key, a name or a column label", choices),
                             self._jump)

    def _jump(self, value: str | None) -> None:
        m = self.matrix
        if value is None or m is None:
            return
        table = self.table
        if m.kind == "project":
            table.move_cursor(column=1 + list(m.permissions).index(value))
        else:
            keys = [r.key for r in self.shown[: table.row_count]]
            if value in keys:
                table.move_cursor(row=keys.index(value))
            else:
                self.app.notify("That permission is filtered out: Esc clears the filter.", severity="warning")

    # ------------------------------------------------------------------ computing and showing
    @work(thread=True, exclusive=True, group="matrix", description="matrix")
    def _compute(self, question: int, snap, kind: str, account: str | None, project: str | None) -> None:
        app = self.app
        with app.job("matrix"):  # type: ignore[attr-defined]
            try:
                matrix = account_matrix(snap, account) if kind == "account" else project_matrix(snap, project)  # type: ignore[arg-type]
            except UserError as e:
                app.call_from_thread(self._failed, question, str(e))
                return
            columns, widths, rows = _layout(matrix)
        app.call_from_thread(self._show, question, matrix, columns, widths, rows)

    def _failed(self, question: int, message: str) -> None:
        if question == self.question:
            self.set_note(f"Cannot answer: {message}")

    def _show(self, question: int, matrix: Matrix, columns: list[str], widths: list[int | None],
              rows: list[Row]) -> None:
        if question != self.question:
            return
        self.matrix = matrix
        self._by_ref = {r.ref: r for r in matrix.rows}
        self.labels = abbreviations(matrix.permissions) if matrix.kind == "project" else {}
        self.sort_column, self.sort_reverse = 0, False
        self.columns, self.widths, self.rows = columns, widths, rows
        self.set_title(plain(matrix.title, "bold", newlines=False))
        self.render_rows()
        if matrix.kind == "project" and self.table.row_count:
            self.table.move_cursor(column=1)
        self._describe_cell()
        self.refresh_bars()

    def after_render(self, shown: int) -> None:
        if self.matrix is not None:
            self.set_note(f"✓ allowed · ✗ denied · ? cannot tell · {shown:,} rows{self.more_rows_note(shown)}")

    def _cell_question(self) -> tuple[str | None, str | None, str | None, Verdict | None]:
        """(account view id, project, permission, verdict) under the cursor."""
        m = self.matrix
        table = self.table
        if m is None or not table.row_count:
            return None, None, None, None
        coord = table.cursor_coordinate
        row_key = self.row_key()
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
        mrow = self._by_ref.get(row_key) if row_key else None  # type: ignore[arg-type]
        return row_key, self.project, perm, mrow.cells[perm] if mrow is not None else None

    @on(DataTable.CellHighlighted)
    def _describe_cell(self) -> None:
        """The focused column spelled out above the table; the focused cell's reason below (after a pause)."""
        m = self.matrix
        if m is None:
            return
        account, project, perm, verdict = self._cell_question()
        column = self.query_one("#matrix-column", Static)
        if m.kind == "project":
            head = f"Column {self.labels.get(perm, '')} = {catalogue.display_name(perm)} ({perm})" if perm else \
                "Account column (stays put while you scroll right)"
        else:
            head = f"Column {project} · row {catalogue.display_name(perm)}" if perm and project else \
                "Permission column (stays put while you scroll right)"
        column.update(plain(head, "bold", newlines=False), layout=False)  # one line: no layout pass
        reason = self.query_one("#matrix-reason", Static)
        if perm is None or verdict is None:
            reason.update(plain("Enter on a cell explains it; 2 goes to a permission by name.", "italic"),
                          layout=False)
            return
        who = ""
        if m.kind == "project":
            mrow = self._by_ref.get(account) if account else None
            who = f"{mrow.label if mrow is not None else account} · "
        reason.update(plain(f"{who}{project} · {catalogue.display_name(perm)}: {CELL[verdict]} {verdict.words}",
                            newlines=False), layout=False)
        if self._reason_timer is not None:
            self._reason_timer.stop()
        self._reason_timer = self.set_timer(REASON_DELAY, self._reason)

    def _reason(self) -> None:
        """Why the focused cell is what it is: the explanation's one-sentence headline (one account: fast)."""
        m = self.matrix
        snap = self.snapshot
        account, project, perm, verdict = self._cell_question()
        if m is None or snap is None or perm is None or verdict is None or project is None:
            return
        acc = account if m.kind == "project" else self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]
        try:
            exp = evaluate_in(index_for(snap), acc, perm, project)
        except UserError:
            return
        self.query_one("#matrix-reason", Static).update(plain(f"{CELL[verdict]} {exp.headline}"), layout=False)

    def action_open_row(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        account, project, perm, _ = self._cell_question()
        if perm is None:
            return
        orig = self.app.to_original_id(account, self.ref) if account else self.account  # type: ignore[attr-defined]
        self.app.push_screen(ExplainScreen(self.ref, Context(account=orig, project=project, permission=perm)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "jump_permission":
            return self.matrix is not None
        return super().check_action(action, parameters)

    def question_context(self) -> Context:
        account, project, perm, _ = self._cell_question()
        orig = self.app.to_original_id(account, self.ref) if account else self.account  # type: ignore[attr-defined]
        return Context(account=orig, project=project or self.project, permission=perm)

    def can_copy(self) -> bool:
        return self.matrix is not None

    def copy_payload(self) -> tuple[str, str] | None:
        if self.matrix is None:
            return None
        return _matrix_markdown(self.matrix), export_name("matrix", self.kind, self.project)

    def export_formats(self) -> dict[str, str]:
        if self.matrix is None:
            return {}
        return {".md": _matrix_markdown(self.matrix), ".txt": matrix_text(self.matrix), ".csv": matrix_csv(self.matrix),
                ".json": json.dumps(matrix_json(self.matrix), indent=2, ensure_ascii=False) + "\n"}


def _layout(m: Matrix) -> tuple[list[str], list[int | None], list[Row]]:
    """Columns, widths and rows of a matrix (in the worker: a big project has tens of thousands of rows)."""
    if m.kind == "account":
        columns = ["Permission", *[one_line(r.ref) for r in m.rows]]
        widths: list[int | None] = [max(len(catalogue.display_name(p)) for p in m.permissions) if m.permissions
                                    else 10, *[max(3, len(r.ref)) for r in m.rows]]
        rows = []
        for perm in m.permissions:
            name = catalogue.display_name(perm)
            verdicts = [row.cells[perm] for row in m.rows]
            rows.append(Row(perm, (name, *[_cell(v) for v in verdicts]),
                            (name.lower(), *[ORDER[v] for v in verdicts]), f"{name} {perm}".lower()))
        return columns, widths, rows
    labels = abbreviations(m.permissions)
    columns = ["Account", *[labels[p] for p in m.permissions]]
    names = [one_line(r.label) for r in m.rows]
    widths = [min(24, max([len(n) for n in names] + [7])), *[max(3, len(labels[p])) for p in m.permissions]]
    rows = []
    for row, name in zip(m.rows, names):
        verdicts = [row.cells[p] for p in m.permissions]
        rows.append(Row(row.ref, (name, *[_cell(v) for v in verdicts]),
                        (name.lower(), *[ORDER[v] for v in verdicts]), f"{row.label} {row.ref}".lower()))
    return columns, widths, rows


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
