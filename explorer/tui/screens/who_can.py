"""Who can: every account that has a permission in a project or on an issue, and how.

``2`` asks about another permission and ``3`` another project or issue (the
question is always on screen, and says when it came from your last question).
Accounts that hold the permission only as the reporter, the assignee or through
a user field have it on *some* issues of a project (◐), not on every issue (✓).
The answer and its rows are computed off the UI thread; columns fit the width
("How" is the point: Email is dropped first).
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, DataTable, Static

from explorer.core.errors import UserError
from explorer.core.render.tables import who_can_json, who_can_text
from explorer.core.replay import catalogue
from explorer.core.replay.queries import WhoCan, who_can
from explorer.tui.actions import TABLE, WHO_CAN, Hint, bindings
from explorer.tui.catalog import Context, account_label
from explorer.tui.choices import permission_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.table_base import Row, TableScreen
from explorer.tui.text import assemble, one_line
from explorer.tui.workspace import SnapshotRef

EVERY, SOME, UNKNOWN = "✓", "◐", "?"
EMAIL_FROM = 110  # the Email column appears from this width on


class WhoCanScreen(TableScreen):
    """Rows: accounts that have the permission (✓ or ◐) or for which it cannot be told (?)."""

    BINDINGS = [*bindings(WHO_CAN), *bindings(TABLE)]
    KEY_GROUPS = ("who_can", "table")
    KEY_BAR = (Hint(("who_can.permission", "who_can.where"), "change"), "table.filter", "table.sort", "table.open",
               "app.copy", "app.export", "table.back")

    def __init__(self, ref: SnapshotRef, ctx: Context) -> None:
        super().__init__()
        self.ref = ref
        self.permission = ctx.permission
        self.project = ctx.project
        self.issue = ctx.issue
        self.result: WhoCan | None = None
        self.full_rows: list[Row] = []  # every column; self.rows holds the ones that fit
        self._by_key: dict[str, Row] = {}
        self.question = 0
        self.permission_source = "from the selection" if ctx.permission else ""

    def compose_head(self) -> ComposeResult:
        yield Button("", id="field-permission", compact=True, classes="field")
        yield Button("", id="field-where", compact=True, classes="field")

    def compose_foot(self) -> ComposeResult:
        yield Static("", id="row-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.sort_column = 1  # by name; o reverses, then steps to the next column
        app = self.app
        if self.permission and self.permission == app.context.permission:  # type: ignore[attr-defined]
            self.permission_source = "kept from your last question"
        self.reload()

    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    def _show_fields(self) -> None:
        perm = "—  press 2 to pick"
        if self.permission:
            perm = catalogue.display_name(self.permission)
            perm += f"  · {self.permission_source}" if self.permission_source else f"  ({self.permission})"
        where = "—  press 3 to pick"
        if self.permission and catalogue.is_global_permission(self.permission):
            where = "the whole site (global permission)"
        elif self.issue:
            where = f"issue {self.issue}"
        elif self.project:
            snap = self.snapshot
            proj = next((p for p in snap.projects if p.key == self.project), None) if snap is not None else None
            where = f"project {self.project}" + (f" — {proj.name}" if proj else "")
        self.query_one("#field-permission", Button).label = assemble(("2 Who can     ", "bold"), perm)
        self.query_one("#field-where", Button).label = assemble(("3 Where       ", "bold"), where)

    def reload(self) -> None:
        self.question += 1
        self._show_fields()
        if not self.permission:
            self.action_pick_permission()
            return
        is_global = catalogue.is_global_permission(self.permission)
        if not is_global and not (self.project or self.issue):
            self.action_pick_where()
            return
        snap = self.snapshot
        if snap is None:
            self.set_note("Loading the snapshot…")
            return
        self.result = None
        self.rows = self.full_rows = []
        self.render_rows()
        self.set_note(f"⟳ Working it out for {len(snap.accounts):,} accounts… (the keys keep working)")
        self._compute(self.question, snap, self.permission, None if is_global else self.project,
                      None if is_global else self.issue)

    # ------------------------------------------------------------------ changing the question
    @on(Button.Pressed, "#field-permission")
    def action_pick_permission(self) -> None:
        self.app.push_screen(PickerScreen("Who has which permission? Type a key or a name", permission_choices(),
                                          self.permission), self._picked_permission)

    def _picked_permission(self, value: str | None) -> None:
        if value is None:
            if not self.permission:
                self.app.pop_screen()
            return
        self.permission = value
        self.permission_source = ""
        self.app.update_context(permission=value)  # type: ignore[attr-defined]
        self.reload()

    @on(Button.Pressed, "#field-where")
    def action_pick_where(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        current = f"issue:{self.issue}" if self.issue else (f"project:{self.project}" if self.project else None)
        self.app.push_screen(PickerScreen("Where? A project or an issue", where_choices(snap), current),
                             self._picked_where)

    def _picked_where(self, value: str | None) -> None:
        if value is None:
            if not (self.project or self.issue):
                self.app.pop_screen()
            return
        kind, _, key = value.partition(":")
        if kind == "issue":
            self.issue, self.project = key, None
        else:
            self.project, self.issue = key, None
        self.reload()

    # ------------------------------------------------------------------ computing
    @work(thread=True, exclusive=True, group="who-can", description="who-can")
    def _compute(self, question: int, snap, permission: str, project: str | None, issue: str | None) -> None:
        app = self.app
        with app.job("who can"):  # type: ignore[attr-defined]
            try:
                result = who_can(snap, permission, None if issue else project, issue)
            except UserError as e:
                app.call_from_thread(self._failed, question, str(e))
                return
            rows = _rows(result)
        app.call_from_thread(self._show, question, result, rows)

    def _failed(self, question: int, message: str) -> None:
        if question == self.question:
            self.set_note(f"Cannot answer: {message}")

    def _show(self, question: int, result: WhoCan, rows: list[Row]) -> None:
        if question != self.question:
            return
        self.result = result
        self.full_rows = rows
        self._by_key = {r.key: r for r in rows}
        self.rows = []
        self._fit_columns()
        self.render_rows()
        self.refresh_bars()

    def _fit_columns(self) -> bool:
        """Account and How share the width; Email only when there is room (How is the point).

        Returns whether the columns changed (then :attr:`rows` holds the cells of the new columns).
        """
        width = max(40, (self.table.size.width or self.app.size.width) - 2)
        names = max((len(r.cells[1]) for r in self.full_rows), default=10)
        account = min(max(names, 12), 28 if width >= EMAIL_FROM else 22)
        with_email = width >= EMAIL_FROM
        if with_email:
            emails = max((len(r.cells[2]) for r in self.full_rows), default=5)
            email = min(max(emails, 5), 30)
            columns, widths = ["", "Account", "Email", "How"], [1, account, email, width - account - email - 1 - 8]
        else:
            columns, widths = ["", "Account", "How"], [1, account, width - account - 1 - 6]
        changed = columns != self.columns or widths != self.widths or (self.full_rows and not self.rows)
        if changed:
            keep = (0, 1, 2, 3) if with_email else (0, 1, 3)
            if self.sort_column >= len(columns):
                self.sort_column = 1
            self.columns, self.widths = columns, widths
            self.rows = [Row(r.key, tuple(r.cells[i] for i in keep), tuple(r.sort_keys[i] for i in keep), r.search)
                         for r in self.full_rows]
        return bool(changed)

    def on_resize(self) -> None:
        if self.full_rows and self._fit_columns():
            self.render_rows()

    def after_render(self, shown: int) -> None:
        r = self.result
        if r is None:
            return
        every = sum(1 for row in self.full_rows if row.cells[0] == EVERY)
        some = sum(1 for row in self.full_rows if row.cells[0] == SOME)
        self.set_note(f"{EVERY} {every:,} on every issue · {SOME} {some:,} on some issues · {UNKNOWN} "
                      f"{len(r.undetermined):,} cannot tell · {r.checked:,} checked{self.more_rows_note(shown)}")
        self._describe_row()

    @on(DataTable.RowHighlighted)
    def _describe_row(self) -> None:
        """The highlighted row's name and "how" in full under the table (the column may cut them)."""
        key = self.row_key()
        row = self._by_key.get(key) if key is not None else None
        text = "" if row is None else f"{row.cells[0]} {row.cells[1]}" + (f" <{row.cells[2]}>" if row.cells[2] else "") \
            + f": {row.cells[3]}"
        self.query_one("#row-detail", Static).update(Text(text), layout=False)  # fixed height: no layout pass

    # ------------------------------------------------------------------ shared with the app
    def action_open_row(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        key = self.row_key()
        if key is None:
            return
        account = self.app.to_original_id(key, self.ref)  # type: ignore[attr-defined]
        self.app.push_screen(ExplainScreen(self.ref, Context(account=account, project=self.project,
                                                             issue=self.issue, permission=self.permission)))

    def question_context(self) -> Context:
        key = self.row_key()
        account = self.app.to_original_id(key, self.ref) if key else None  # type: ignore[attr-defined]
        return Context(account=account, project=self.project, issue=self.issue, permission=self.permission)

    def matrix_kind(self) -> str:
        return "project"

    def can_copy(self) -> bool:
        return self.result is not None

    def copy_payload(self) -> tuple[str, str] | None:
        if self.result is None:
            return None
        return who_can_text(self.result, markdown=True), export_name("who-can", self.issue or self.project,
                                                                      self.permission)

    def export_formats(self) -> dict[str, str]:
        if self.result is None:
            return {}
        return {".md": who_can_text(self.result, markdown=True), ".txt": who_can_text(self.result),
                ".json": json.dumps(who_can_json(self.result), indent=2, ensure_ascii=False) + "\n"}


def _rows(result: WhoCan) -> list[Row]:
    """The table rows (in the worker: finding "how" for tens of thousands of accounts takes a moment)."""
    rows = []
    for entry in result.allowed:
        a = entry.account
        how = one_line("; ".join(entry.via))
        every = entry.on_every_issue
        symbol = EVERY if every else SOME
        name, email = one_line(account_label(a)), one_line(a.email or "")
        rows.append(Row(a.account_id, (symbol, name, email, how if every else f"only on some issues: {how}"),
                        (0 if every else 1, a.display_name.lower(), email.lower(), how.lower()),
                        f"{a.display_name} {a.email or ''} {a.account_id} {how}".lower()))
    for entry in result.undetermined:
        a = entry.account
        facts = one_line("; ".join(f.describe() for f in entry.explanation.missing_facts) or "a fact is missing")
        name, email = one_line(account_label(a)), one_line(a.email or "")
        rows.append(Row(a.account_id, (UNKNOWN, name, email, f"cannot tell: {facts}"),
                        (2, a.display_name.lower(), email.lower(), facts.lower()),
                        f"{a.display_name} {a.email or ''} {a.account_id} {facts}".lower()))
    return rows


