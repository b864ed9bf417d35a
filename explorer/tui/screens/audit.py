"""Integration readiness: one account against a vendor profile, as a project-by-requirement grid.

Cells read ✓ met, ✗ missing, ? cannot determine, – does not apply (symbols, not
colour, carry the meaning).  The pane below explains the selected cell with its
fixes; Enter opens the full proof of a permission; ``c`` copies the whole audit
as Markdown.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from explorer.core.errors import UserError
from explorer.core.readiness.audit import Auditor, AuditReport, Cell, Readiness
from explorer.core.readiness.profiles import Profile, RequirementKind
from explorer.core.render.audit import (
    VERDICT_WORDS,
    audit_json,
    audit_markdown,
    audit_text,
    cell_symbol,
    cell_text,
)
from explorer.core.replay.explanation import Verdict
from explorer.tui.actions import AUDIT, TABLE, Hint, bindings
from explorer.tui.catalog import Context
from explorer.tui.choices import Choice, account_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.table_base import Grid, Row, TableScreen
from explorer.tui.screens.table_base import cell as table_cell
from explorer.tui.text import assemble, plain
from explorer.tui.workspace import SnapshotRef

CELL_STYLE = {"✓": "bold", "✗": "reverse", "?": "italic", "–": "dim"}
READY_WORDS = {Readiness.READY: "✓ ready", Readiness.NOT_READY: "✗ not ready", Readiness.UNKNOWN: "? unknown"}
ORDER = {"✓": 0, "?": 1, "✗": 2, "–": 3}
DEFAULT_FEATURES = "(default)"
ALL_FEATURES = "(all)"


class AuditScreen(TableScreen):
    """The grid of one audit; the detail pane follows the cell cursor."""

    BINDINGS = [*bindings(AUDIT), *bindings(TABLE)]
    KEY_GROUPS = ("audit", "table")
    KEY_BAR = (Hint(("audit.account", "audit.profile", "audit.features"), "change"), "audit.findings",
               "table.open", "table.filter", "app.copy", "app.export", "table.back")
    CURSOR = "cell"

    DEFAULT_CSS = """
    #audit-detail {
        height: 9;
        border-top: hkey $panel-lighten-2;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, ref: SnapshotRef, ctx: Context, profile: str | None = None,
                 features: list[str] | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.account = ctx.account  # original id
        self.profile_id = profile
        self.features: list[str] | None = features
        self.report: AuditReport | None = None
        self.profiles: list[Profile] = []
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="table-screen"):
            yield Static("", id="table-title")
            yield Input(placeholder="filter projects: type to narrow, Enter to go back to the grid", id="table-filter")
            yield Grid(id="table", cursor_type="cell", zebra_stripes=True)
            with VerticalScroll(id="audit-detail"):
                yield Static("", id="audit-detail-text")
            yield Static("", id="table-note")
        yield from self.bars()

    def on_mount(self) -> None:
        super().on_mount()
        from explorer.store.profiles import all_profiles

        try:
            self.profiles, broken = all_profiles()
            self.problems = [b.error for b in broken]
        except UserError as e:
            self.problems = [str(e)]
        for problem in self.problems:
            self.app.notify(f"Skipped profile {problem}", severity="warning", timeout=10)
        self.set_title(Text("Integration readiness", style="bold"))
        self.reload()

    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    @property
    def profile(self) -> Profile | None:
        return next((p for p in self.profiles if p.id == self.profile_id), None)

    # ------------------------------------------------------------------ choosing
    def reload(self) -> None:
        snap = self.snapshot
        if snap is None:
            self.set_note("Loading the snapshot…")
            return
        if not self.account:
            self.action_pick_account()
            return
        if self.profile is None:
            self.action_pick_profile()
            return
        self.set_note("Working it out…")
        view_account = self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]
        self._compute(snap, view_account, self.profile, self.features)

    def snapshot_loaded(self, ref: SnapshotRef) -> None:
        if ref is self.ref and self.report is None:
            self.reload()

    def action_pick_account(self) -> None:
        snap = self.snapshot
        if snap is not None:
            choices = [c for c in account_choices(snap) if c.value != "anonymous"]
            self.app.push_screen(PickerScreen("Audit which account?", choices), self._picked_account)

    def _picked_account(self, value: str | None) -> None:
        if value is None:
            if self.report is None and not self.account:
                self.app.pop_screen()
            return
        self.account = self.app.to_original_id(value, self.ref)  # type: ignore[attr-defined]
        self.reload()

    def action_pick_profile(self) -> None:
        choices = [Choice(p.id, f"{p.display}{'  [yours]' if p.origin != 'shipped' else ''}",
                          f"{p.id} {p.name} {p.vendor}".lower()) for p in self.profiles]
        self.app.push_screen(PickerScreen("Audit against which integration profile?", choices, self.profile_id),
                             self._picked_profile)

    def _picked_profile(self, value: str | None) -> None:
        if value is None:
            if self.report is None and self.profile is None:
                self.app.pop_screen()
            return
        if value != self.profile_id:
            self.features = None
        self.profile_id = value
        self.reload()

    def action_pick_features(self) -> None:
        profile = self.profile
        if profile is None:
            return
        chosen = {f.id for f in profile.select_features(self.features)}
        choices = [Choice(DEFAULT_FEATURES, "Default features (every feature not marked optional)", "default"),
                   Choice(ALL_FEATURES, "All features, optional ones included", "all")]
        for f in profile.features:
            mark = "[x]" if f.id in chosen else "[ ]"
            tag = " (optional)" if f.optional else ""
            choices.append(Choice(f.id, f"{mark} {f.title}{tag}  ({f.id})", f"{f.id} {f.title}".lower()))
        self.app.push_screen(PickerScreen("Toggle a feature (Enter), or pick default / all", choices),
                             self._picked_feature)

    def _picked_feature(self, value: str | None) -> None:
        profile = self.profile
        if value is None or profile is None:
            return
        if value == DEFAULT_FEATURES:
            self.features = None
        elif value == ALL_FEATURES:
            self.features = ["all"]
        else:
            chosen = [f.id for f in profile.select_features(self.features)]
            chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
            if not chosen:
                self.app.notify("At least one feature must stay selected.", severity="warning")
                return
            self.features = chosen
        self.reload()

    # ------------------------------------------------------------------ computing and showing
    @work(thread=True, exclusive=True, group="audit", description="audit")
    def _compute(self, snap, account: str, profile: Profile, features: list[str] | None) -> None:
        try:
            report = Auditor(snap, account).audit(profile, features=features)
        except UserError as e:
            self.app.call_from_thread(self.set_note, f"Cannot audit: {e}")
            return
        self.app.call_from_thread(self._show, report)

    def _show(self, report: AuditReport) -> None:
        self.report = report
        self.sort_column, self.sort_reverse = 0, False
        self.columns = ["Project", "Ready", *[str(c.number) for c in report.columns]]
        rows = []
        for row in report.rows:
            symbols = [cell_symbol(c) for c in row.cells]
            cells = (row.project.key, READY_WORDS[row.readiness],
                     *[Text(s, style=CELL_STYLE[s], justify="center") for s in symbols])
            sort_keys = (row.project.key, row.readiness.value, *[ORDER[s] for s in symbols])
            rows.append(Row(row.project.key, cells, sort_keys, f"{row.project.key} {row.project.name}".lower()))
        self.rows = rows
        t = report.totals
        title = assemble(
            (f"{report.readiness.symbol} {report.account.display_name}", "bold"),
            f" · {report.profile.name}: {report.readiness.words} · {t['projectsReady']}/{t['projects']} ready · "
            f"{t['findings']} finding{'s' if t['findings'] != 1 else ''}")
        title.truncate(self.size.width or 80, overflow="ellipsis")
        self.set_title(title)
        self.render_rows()
        if self.table.row_count:
            self.table.move_cursor(row=0, column=2 if report.columns else 0)
        self._describe()

    def render_rows(self) -> None:
        """As the base table, but with fixed column widths: the grid never depends on when cells were measured."""
        table = self.table
        current = None
        if table.row_count and table.cursor_row is not None and 0 <= table.cursor_row < table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        col = table.cursor_column
        table.clear(columns=True)
        report = self.report
        keys = [r.project.key for r in report.rows] if report is not None else []
        widths = [max([len(k) for k in keys] + [7]), max(len(w) for w in READY_WORDS.values())]
        widths += [len(name) for name in self.columns[2:]]
        for n, name in enumerate(self.columns):
            arrow = (" ▼" if self.sort_reverse else " ▲") if n == self.sort_column else ""
            table.add_column(name + arrow, key=str(n), width=max(widths[n], len(name)) + len(arrow))
        shown = self.shown_rows()
        for row in shown:
            table.add_row(*[table_cell(c) for c in row.cells], key=row.key)
        if current is not None:
            shown_keys = [r.key for r in shown]
            if current in shown_keys:
                table.move_cursor(row=shown_keys.index(current), column=col)

    def _cursor(self) -> tuple[str | None, int]:
        """(project key, grid column) under the cursor."""
        table = self.table
        if self.report is None or not table.row_count:
            return None, -1
        coord = table.cursor_coordinate
        return table.coordinate_to_cell_key(coord).row_key.value, coord.column

    def _cell(self) -> Cell | None:
        key, col = self._cursor()
        report = self.report
        if report is None or key is None or col < 2:
            return None
        row = next((r for r in report.rows if r.project.key == key), None)
        return row.cells[col - 2] if row is not None and col - 2 < len(row.cells) else None

    @on(DataTable.CellHighlighted)
    def _describe(self) -> None:
        report = self.report
        if report is None:
            return
        key, col = self._cursor()
        row = next((r for r in report.rows if r.project.key == key), None)
        keys = "c copy Markdown"
        if row is None:
            self._detail(audit_text(report))
            self.set_note(f"No project audited. {keys}")
            return
        if col >= 2:
            column = report.columns[col - 2]
            cell = row.cells[col - 2]
            if cell is None:
                self._detail(f"{column.number}. {column.requirement.label} does not apply in {row.project.key}: "
                             f"{column.requirement.conditions}.\nWhy: {column.requirement.why}")
                state = "– does not apply"
            else:
                self._detail(cell_text(cell))
                state = f"{cell.verdict.symbol} {VERDICT_WORDS[cell.verdict]}"
            enter = " · Enter proof" if column.requirement.kind in (RequirementKind.PROJECT_PERMISSION,
                                                                          RequirementKind.GLOBAL_PERMISSION) else ""
            self.set_note(f"{row.project.key} · {column.number}. {column.requirement.short}: {state}{enter} · {keys}")
            return
        self._detail(self._row_summary(row))
        self.set_note(f"{row.project.key}: {row.readiness.words} · ✓ met ✗ missing ? unknown – n/a · {keys}")

    def _row_summary(self, row) -> str:
        report = self.report
        assert report is not None
        met, total = row.count(Verdict.ALLOWED), len(row.applicable())
        lines = [f"{row.readiness.symbol} {row.project.key} ({row.project.name}): {row.readiness.words}, "
                 f"{met} of {total} requirements met"]
        if row.covering_fix is not None:
            lines.append(f"One change fixes every missing requirement: {row.covering_fix.summary}.")
            lines.append(f"  Blast radius: {row.covering_fix.blast_summary}.")
        for cell in row.applicable():
            if cell.verdict is not Verdict.ALLOWED:
                fix = f" Fix: {cell.best_fix.summary}." if cell.best_fix else ""
                lines.append(f"{cell.verdict.symbol} {cell.column.number}. {cell.requirement.label}.{fix}")
        findings = [f for f in report.findings if f.project_key in (row.project.key, None)]
        if findings:
            lines.append("")
            lines.append("Least privilege:")
            lines += [f"! {f.severity.upper()} {f.summary}." for f in findings]
        return "\n".join(lines)

    def _detail(self, text: str) -> None:
        self.query_one("#audit-detail-text", Static).update(plain(text))
        self.query_one("#audit-detail", VerticalScroll).scroll_home(animate=False)

    def action_show_findings(self) -> None:
        report = self.report
        if report is None:
            return
        if not report.findings:
            self._detail(f"Least privilege: nothing found beyond the profile for {report.account.display_name}.")
            return
        lines = [f"Least privilege: what {report.account.display_name} holds beyond {report.profile.name}"]
        for f in report.findings:
            where = f" [{f.project_key}]" if f.project_key else ""
            lines.append(f"! {f.severity.upper()}{where} {f.summary}.")
            if f.via:
                lines.append(f"    via: {'; '.join(f.via)}")
            lines.append(f"    To remove: {f.remedy}.")
        self._detail("\n".join(lines))

    # ------------------------------------------------------------------ actions shared with the app
    def action_open_row(self) -> None:
        from explorer.tui.screens.explain import ExplainScreen

        cell = self._cell()
        if cell is None:
            return
        req = cell.requirement
        if req.kind not in (RequirementKind.PROJECT_PERMISSION, RequirementKind.GLOBAL_PERMISSION):
            self.app.notify("This requirement is a role or product access: its explanation is in the pane below.")
            return
        self.app.push_screen(ExplainScreen(self.ref, Context(account=self.account, project=cell.project_key,
                                                             permission=req.key)))

    def question_context(self) -> Context:
        cell = self._cell()
        key, _ = self._cursor()
        permission = None
        if cell is not None and cell.requirement.kind is RequirementKind.PROJECT_PERMISSION:
            permission = cell.requirement.key
        return Context(account=self.account, project=key, permission=permission)

    def copy_payload(self) -> tuple[str, str] | None:
        if self.report is None:
            return None
        return audit_markdown(self.report), export_name("audit", self.report.profile.id,
                                                        self.report.account.display_name)

    def export_formats(self) -> dict[str, str]:
        if self.report is None:
            return {}
        return {".md": audit_markdown(self.report), ".txt": audit_text(self.report),
                ".json": json.dumps(audit_json(self.report), indent=2, ensure_ascii=False) + "\n"}
