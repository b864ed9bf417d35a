"""Who can: every account that has a permission in a project or on an issue, and how."""

from __future__ import annotations

import json

from rich.text import Text
from textual import work

from explorer.core.errors import UserError
from explorer.core.render.tables import who_can_json, who_can_text
from explorer.core.replay import catalogue
from explorer.core.replay.queries import WhoCan, who_can
from explorer.tui.catalog import Context, account_label
from explorer.tui.choices import permission_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.table_base import Row, TableScreen
from explorer.tui.workspace import SnapshotRef


class WhoCanScreen(TableScreen):
    """Rows: accounts that have the permission (✓) or for which it cannot be told (?)."""

    def __init__(self, ref: SnapshotRef, ctx: Context) -> None:
        super().__init__()
        self.ref = ref
        self.permission = ctx.permission
        self.project = ctx.project
        self.issue = ctx.issue
        self.result: WhoCan | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.columns = ["", "Account", "Email", "How"]
        self.sort_column = 1  # by name; o reverses, then steps to the next column
        self.reload()

    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    def reload(self) -> None:
        if not self.permission:
            self.set_title("Who can … ? Pick a permission.")
            self.app.push_screen(PickerScreen("Who has which permission? Type a key or a name", permission_choices()),
                                 self._picked_permission)
            return
        is_global = catalogue.is_global_permission(self.permission)
        if not is_global and not (self.project or self.issue):
            self.set_title("Who can … where? Pick a project or an issue.")
            snap = self.snapshot
            if snap is not None:
                self.app.push_screen(PickerScreen("Where? A project or an issue", where_choices(snap)),
                                     self._picked_where)
            return
        where = "the site" if is_global else (f"issue {self.issue}" if self.issue else f"project {self.project}")
        self.set_title(Text.assemble(("Who can ", "bold"), (catalogue.display_name(self.permission), "bold"),
                                     f" in {where}"))
        self.set_note("Working it out for every account…")
        self._compute(self.snapshot, self.permission, None if is_global else self.project,
                      None if is_global else self.issue)

    def _picked_permission(self, value: str | None) -> None:
        if value is None:
            self.app.pop_screen()
            return
        self.permission = value
        self.app.update_context(permission=value)  # type: ignore[attr-defined]
        self.reload()

    def _picked_where(self, value: str | None) -> None:
        if value is None:
            self.app.pop_screen()
            return
        kind, _, key = value.partition(":")
        if kind == "issue":
            self.issue, self.project = key, None
        else:
            self.project, self.issue = key, None
        self.reload()

    @work(thread=True, exclusive=True, group="who-can")
    def _compute(self, snap, permission: str, project: str | None, issue: str | None) -> None:
        try:
            result = who_can(snap, permission, None if issue else project, issue)
        except UserError as e:
            self.app.call_from_thread(self.set_note, f"Cannot answer: {e}")
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result: WhoCan) -> None:
        self.result = result
        rows = []
        for entry in result.allowed:
            a = entry.account
            how = "; ".join(entry.via)
            rows.append(Row(a.account_id, ("✓", account_label(a), a.email or "", how),
                            (0, a.display_name.lower(), (a.email or "").lower(), how.lower()),
                            f"{a.display_name} {a.email or ''} {a.account_id} {how}".lower()))
        for entry in result.undetermined:
            a = entry.account
            facts = "; ".join(f.describe() for f in entry.explanation.missing_facts) or "a fact is missing"
            rows.append(Row(a.account_id, ("?", account_label(a), a.email or "", f"cannot tell: {facts}"),
                            (1, a.display_name.lower(), (a.email or "").lower(), facts.lower()),
                            f"{a.display_name} {a.email or ''} {a.account_id} {facts}".lower()))
        self.rows = rows
        self.render_rows()

    def after_render(self, shown: int) -> None:
        r = self.result
        if r is None:
            return
        self.set_note(f"✓ {len(r.allowed)} can · ? {len(r.undetermined)} cannot tell · {r.checked} accounts checked"
                      f" · {shown} shown · / filter · o sort · Enter explain")

    def action_open_row(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        table = self.table
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        account = self.app.to_original_id(key, self.ref)  # type: ignore[attr-defined]
        self.app.push_screen(ExplainScreen(self.ref, Context(account=account, project=self.project,
                                                             issue=self.issue, permission=self.permission)))

    def question_context(self) -> Context:
        account = None
        if self.table.row_count:
            key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
            account = self.app.to_original_id(key, self.ref)  # type: ignore[attr-defined]
        return Context(account=account, project=self.project, issue=self.issue, permission=self.permission)

    def matrix_kind(self) -> str:
        return "project"

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
