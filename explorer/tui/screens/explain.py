"""The explain view: pick account, permission and project or issue; see the verdict, the proof and the fixes."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static, Tree

from explorer.core.errors import UserError
from explorer.core.render.explain import explanation_json, explanation_markdown, explanation_text
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Explanation
from explorer.core.replay.fixes import explain
from explorer.tui.actions import EXPLAIN_ACTIONS, bindings
from explorer.tui.catalog import Context, account_label
from explorer.tui.choices import account_choices, permission_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.widgets.proof_tree import ProofTree
from explorer.tui.widgets.status_bar import StatusBar
from explorer.tui.widgets.verdict_banner import VerdictBanner
from explorer.tui.workspace import SnapshotRef


class ExplainScreen(Screen):
    """Why an account can or cannot do something here."""

    BINDINGS: list[Binding] = bindings(EXPLAIN_ACTIONS)  # type: ignore[assignment]

    def __init__(self, ref: SnapshotRef, ctx: Context) -> None:
        super().__init__()
        self.ref = ref
        self.account = ctx.account  # original accountId
        self.permission = ctx.permission
        self.project = ctx.project
        self.issue = ctx.issue
        self.result: Explanation | None = None
        self._picking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="explain"):
            with Vertical(id="explain-fields"):
                yield Button("", id="field-account", compact=True)
                yield Button("", id="field-permission", compact=True)
                yield Button("", id="field-where", compact=True)
            yield VerdictBanner("", id="verdict")
            yield ProofTree(id="proof")
            yield Static("", id="proof-line")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_fields()
        self.query_one(ProofTree).focus()
        self._recompute()
        self.call_after_refresh(self._ask_missing)

    # ------------------------------------------------------------------ fields
    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    def _account_view_id(self) -> str | None:
        return self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]

    def _show_fields(self) -> None:
        snap = self.snapshot
        acc_text = "—  press 1 to pick"
        if self.account and snap is not None:
            vid = self._account_view_id()
            found = next((a for a in snap.accounts if a.account_id == vid), None)
            if vid == "anonymous":
                acc_text = "Anonymous (logged-out visitor)"
            elif found is not None:
                acc_text = f"{account_label(found)}  <{found.email or found.account_id}>"
            else:
                acc_text = f"{vid} (not in this snapshot)"
        perm_text = "—  press 2 to pick"
        if self.permission:
            perm_text = f"{catalogue.display_name(self.permission)}  ({self.permission})"
        where_text = "—  press 3 to pick"
        if self.issue:
            where_text = f"issue {self.issue}"
        elif self.project and snap is not None:
            proj = next((p for p in snap.projects if p.key == self.project), None)
            where_text = f"project {self.project}" + (f" — {proj.name}" if proj else "")
        if self.permission and catalogue.is_global_permission(self.permission):
            where_text = "the whole site (global permission)"
        self.query_one("#field-account", Button).label = Text.assemble(("1 Account     ", "bold"), acc_text)
        self.query_one("#field-permission", Button).label = Text.assemble(("2 Permission  ", "bold"), perm_text)
        self.query_one("#field-where", Button).label = Text.assemble(("3 Where       ", "bold"), where_text)

    def _ask_missing(self) -> None:
        if self._picking or self.snapshot is None:
            return
        if not self.account:
            self.action_pick_account()
        elif not self.permission:
            self.action_pick_permission()
        elif not self.project and not self.issue and not catalogue.is_global_permission(self.permission):
            self.action_pick_where()

    @on(Button.Pressed, "#field-account")
    def action_pick_account(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        self._picking = True
        self.app.push_screen(PickerScreen("Account — type a name, email or account id", account_choices(snap),
                                          self._account_view_id()), self._picked_account)

    def _picked_account(self, value: str | None) -> None:
        self._picking = False
        if value:
            self.account = self.app.to_original_id(value, self.ref)  # type: ignore[attr-defined]
            self.app.update_context(account=self.account)  # type: ignore[attr-defined]
            self._changed()

    @on(Button.Pressed, "#field-permission")
    def action_pick_permission(self) -> None:
        self._picking = True
        self.app.push_screen(PickerScreen("Permission — type a key or a name", permission_choices(), self.permission),
                             self._picked_permission)

    def _picked_permission(self, value: str | None) -> None:
        self._picking = False
        if value:
            self.permission = value
            self.app.update_context(permission=value)  # type: ignore[attr-defined]
            self._changed()

    @on(Button.Pressed, "#field-where")
    def action_pick_where(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        current = f"issue:{self.issue}" if self.issue else (f"project:{self.project}" if self.project else None)
        self._picking = True
        self.app.push_screen(PickerScreen("Where — a project key or name, or an issue key", where_choices(snap),
                                          current), self._picked_where)

    def _picked_where(self, value: str | None) -> None:
        self._picking = False
        if value:
            kind, _, key = value.partition(":")
            if kind == "issue":
                self.issue = key
                self.project = key.rsplit("-", 1)[0]
                snap = self.snapshot
                found = next((i for i in snap.issues if i.key == key), None) if snap else None
                if found is not None:
                    self.project = found.project_key
            else:
                self.project, self.issue = key, None
            self.app.update_context(project=self.project, issue=self.issue,  # type: ignore[attr-defined]
                                    clear_issue=self.issue is None)
            self._changed()

    def _changed(self) -> None:
        self._show_fields()
        self._recompute()
        self.call_after_refresh(self._ask_missing)

    # ------------------------------------------------------------------ answer
    def _recompute(self) -> None:
        banner = self.query_one(VerdictBanner)
        snap = self.snapshot
        if snap is None:
            banner.show_message("The snapshot is still loading…")
            return
        if not self.account or not self.permission:
            banner.show_message("Pick an account (1) and a permission (2) to see the verdict.")
            self.query_one(ProofTree).clear()
            return
        if not catalogue.is_global_permission(self.permission) and not (self.project or self.issue):
            banner.show_message("Pick a project or an issue (3).")
            self.query_one(ProofTree).clear()
            return
        banner.show_message("Replaying Jira's checks…")
        self._evaluate(snap, self._account_view_id(), self.permission,
                       None if catalogue.is_global_permission(self.permission) else self.project,
                       None if catalogue.is_global_permission(self.permission) else self.issue)

    @work(thread=True, exclusive=True, group="explain")
    def _evaluate(self, snap, account: str, permission: str, project: str | None, issue: str | None) -> None:
        try:
            result = explain(snap, account, permission, None if issue else project, issue)
        except UserError as e:
            self.app.call_from_thread(self._failed, str(e))
            return
        self.app.call_from_thread(self._show, result)

    def _failed(self, message: str) -> None:
        self.result = None
        self.query_one(VerdictBanner).show_message(f"Cannot answer: {message}")
        self.query_one(ProofTree).clear()

    def _show(self, result: Explanation) -> None:
        self.result = result
        self.query_one(VerdictBanner).show(result)
        self.query_one(ProofTree).show(result)

    @on(Tree.NodeHighlighted, "#proof")
    def _line(self, event: Tree.NodeHighlighted) -> None:
        self.query_one("#proof-line", Static).update(Text(str(event.node.data or "")))

    def show_verification(self, answer) -> None:
        """Jira's own answer (v), shown under the proof."""
        self.query_one("#proof-line", Static).update(Text(answer.text, style="bold" if not answer.agrees else ""))

    def action_expand_all(self) -> None:
        tree = self.query_one(ProofTree)
        tree.root.expand_all()

    def action_collapse_all(self) -> None:
        tree = self.query_one(ProofTree)
        for node in tree.root.children:
            for child in node.children:
                child.collapse_all()

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ app notifications
    def redaction_changed(self) -> None:
        self._show_fields()
        self._recompute()

    def snapshot_loaded(self, ref: SnapshotRef) -> None:
        if ref is self.ref:
            self._changed()

    # ------------------------------------------------------------------ what c / x / w / m / v use
    def question_context(self) -> Context:
        return Context(account=self.account, project=self.project, issue=self.issue, permission=self.permission)

    def matrix_kind(self) -> str:
        return "account"

    def _export_stem(self) -> str:
        r = self.result
        assert r is not None
        return export_name("explain", r.issue_key or r.project_key, r.permission)

    def copy_payload(self) -> tuple[str, str] | None:
        if self.result is None:
            return None
        return explanation_markdown(self.result, self.snapshot), self._export_stem()

    def export_formats(self) -> dict[str, str]:
        if self.result is None:
            return {}
        import json

        snap = self.snapshot
        return {
            ".md": explanation_markdown(self.result, snap),
            ".txt": explanation_text(self.result, snap),
            ".json": json.dumps(explanation_json(self.result, snap), indent=2, ensure_ascii=False) + "\n",
        }
