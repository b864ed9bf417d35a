"""The explain view: pick account, permission and project or issue; see the verdict, the proof and the fixes.

The answer is computed off the UI thread in two steps: the verdict and proof
first (a fraction of a millisecond), then the fixes, which on a big site take
longer; the view shows the proof at once and "finding fixes…" with the time so
far in the status bar.  A new question supersedes the one in flight: its result
is dropped when it arrives.  ``+`` (or ``z``) zooms the answer to the whole
screen; ``/`` finds text in it.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Static

from explorer.core.errors import UserError
from explorer.core.render.explain import explanation_json, explanation_markdown, explanation_text
from explorer.core.replay import catalogue
from explorer.core.replay.cache import is_indexed
from explorer.core.replay.explanation import Explanation, Verdict
from explorer.core.replay.fixes import explain
from explorer.tui.actions import EXPLAIN, FIND, Hint, bindings
from explorer.tui.catalog import Context, account_label
from explorer.tui.choices import account_choices, permission_choices, where_choices
from explorer.tui.clipboard import export_name
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.reading import ReadingScreen
from explorer.tui.text import assemble, plain
from explorer.tui.widgets.proof_view import proof_lines
from explorer.tui.widgets.verdict_banner import VerdictBanner
from explorer.tui.workspace import SnapshotRef

FIELD_HINT = {"account": "1", "permission": "2", "where": "3"}


class ExplainScreen(ReadingScreen):
    """Why an account can or cannot do something here."""

    BINDINGS: list[Binding] = bindings(EXPLAIN, FIND)  # type: ignore[assignment]
    KEY_GROUPS = ("explain", "find")
    KEY_BAR = (Hint(("explain.account", "explain.permission", "explain.where"), "change"), "explain.zoom",
               "find.open", "app.copy", "app.export", "app.redact", "app.verify", "explain.back")

    def __init__(self, ref: SnapshotRef, ctx: Context) -> None:
        super().__init__()
        self.ref = ref
        self.account = ctx.account  # original accountId
        self.permission = ctx.permission
        self.project = ctx.project
        self.issue = ctx.issue
        self.result: Explanation | None = None
        self.fixes_pending = False
        self.picking: str | None = None  # which field a picker is open for
        self.question = 0  # bumped by every new question; older answers are dropped
        self.zoomed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="explain"):
            with Vertical(id="explain-fields"):
                yield Button("", id="field-account", compact=True)
                yield Button("", id="field-permission", compact=True)
                yield Button("", id="field-where", compact=True)
            yield VerdictBanner("", id="verdict")
            yield Static("", id="verify-line")
            yield from self.compose_find()
        yield from self.bars()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#verify-line", Static).display = False
        self._show_fields()
        self.set_focus(self.proof)
        self._recompute()
        self.call_after_refresh(self._ask_missing)

    # ------------------------------------------------------------------ fields
    @property
    def snapshot(self):
        return self.app.view(self.ref)  # type: ignore[attr-defined]

    def _account_view_id(self) -> str | None:
        return self.app.to_view_id(self.account, self.ref)  # type: ignore[attr-defined]

    def _missing(self, field: str) -> str:
        if self.picking == field:
            return "…  picking (type in the picker)"
        return f"—  press {FIELD_HINT[field]} to pick"

    def _show_fields(self) -> None:
        snap = self.snapshot
        acc_text = self._missing("account")
        if self.account and snap is not None:
            vid = self._account_view_id()
            found = next((a for a in snap.accounts if a.account_id == vid), None)
            if vid == "anonymous":
                acc_text = "Anonymous (logged-out visitor)"
            elif found is not None:
                acc_text = f"{account_label(found)}  <{found.username or found.email or found.account_id}>"
            else:
                acc_text = f"{vid} (not in this snapshot)"
        perm_text = self._missing("permission")
        if self.permission:
            perm_text = f"{catalogue.display_name(self.permission)}  ({self.permission})"
        where_text = self._missing("where")
        if self.issue:
            where_text = f"issue {self.issue}"
        elif self.project and snap is not None:
            proj = next((p for p in snap.projects if p.key == self.project), None)
            where_text = f"project {self.project}" + (f" — {proj.name}" if proj else "")
        if self.permission and catalogue.is_global_permission(self.permission):
            where_text = "the whole site (global permission)"
        for field, label, text in (("account", "1 Account     ", acc_text), ("permission", "2 Permission  ", perm_text),
                                   ("where", "3 Where       ", where_text)):
            button = self.query_one(f"#field-{field}", Button)
            button.label = assemble((label, "bold"), text.replace("\n", " "))

    def _ask_missing(self) -> None:
        if self.picking or self.snapshot is None:
            return
        if not self.account:
            self.action_pick_account()
        elif not self.permission:
            self.action_pick_permission()
        elif not self.project and not self.issue and not catalogue.is_global_permission(self.permission):
            self.action_pick_where()

    def _pick(self, field: str, title: str, choices, current: str | None, done) -> None:
        self.picking = field
        self._show_fields()

        def picked(value: str | None) -> None:
            self.picking = None
            if value:
                done(value)
            else:
                self._show_fields()

        self.app.push_screen(PickerScreen(title, choices, current), picked)

    @on(Button.Pressed, "#field-account")
    def action_pick_account(self) -> None:
        snap = self.snapshot
        if snap is not None:
            self._pick("account", "Explain for which account? Type a name, email or account id",
                       account_choices(snap), self._account_view_id(), self._picked_account)

    def _picked_account(self, value: str) -> None:
        self.account = self.app.to_original_id(value, self.ref)  # type: ignore[attr-defined]
        self.app.update_context(account=self.account)  # type: ignore[attr-defined]
        self._changed()

    @on(Button.Pressed, "#field-permission")
    def action_pick_permission(self) -> None:
        self._pick("permission", "Which permission? Type a key or a name", permission_choices(), self.permission,
                   self._picked_permission)

    def _picked_permission(self, value: str) -> None:
        self.permission = value
        self.app.update_context(permission=value)  # type: ignore[attr-defined]
        self._changed()

    @on(Button.Pressed, "#field-where")
    def action_pick_where(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        current = f"issue:{self.issue}" if self.issue else (f"project:{self.project}" if self.project else None)
        self._pick("where", "Where? Type a project key or name, or an issue key", where_choices(snap), current,
                   self._picked_where)

    def _picked_where(self, value: str) -> None:
        kind, _, key = value.partition(":")
        if kind == "issue":
            self.issue = key
            snap = self.snapshot
            found = next((i for i in snap.issues if i.key == key), None) if snap else None
            self.project = found.project_key if found is not None else key.rsplit("-", 1)[0]
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
        self.question += 1
        banner = self.query_one(VerdictBanner)
        self.query_one("#verify-line", Static).display = False
        snap = self.snapshot
        self.result = None
        if snap is None:
            banner.show_message("The snapshot is still loading…")
            return
        missing = None
        if not self.account or not self.permission:
            missing = "Pick an account (1) and a permission (2) to see the verdict."
        elif not catalogue.is_global_permission(self.permission) and not (self.project or self.issue):
            missing = "Pick a project or an issue (3)."
        if missing:
            banner.show_message(missing)
            self.proof.clear()
            self.refresh_bars()
            return
        is_global = catalogue.is_global_permission(self.permission)  # type: ignore[arg-type]
        question = (self.question, snap, self._account_view_id(), self.permission,
                    None if is_global else self.project, None if is_global else self.issue)
        if not is_indexed(snap):  # the first question of a big site builds its index: in the worker
            banner.show_message("⟳ Replaying Jira's checks…")
            self._evaluate(*question)
            return
        # The site is indexed: the verdict and proof take well under a millisecond, so they are shown in the
        # same repaint as the last pick (no worker to start, no "replaying" frame first); the fixes follow.
        first = _first_answer(*question[1:])
        if isinstance(first, str):
            self._failed(self.question, first)
        elif _wants_fixes(first):
            painted = threading.Event()
            job = self.app.begin_job("finding fixes")  # type: ignore[attr-defined]
            self._show(self.question, first, True, painted)
            self._evaluate(*question, shown=(painted, job))
        else:
            self.workers.cancel_group(self, "explain")  # an older question's fixes are not wanted any more
            self._show(self.question, first, False)

    @work(thread=True, exclusive=True, group="explain", description="explain")
    def _evaluate(self, question: int, snap, account: str, permission: str, project: str | None,
                  issue: str | None, shown: tuple[threading.Event, int] | None = None) -> None:
        """In the background: the verdict and proof (unless ``shown``: set once on screen, and the status bar's
        job), then the fixes; one job in the status bar throughout."""
        app = self.app
        painted, job = shown if shown is not None else (None, app.begin_job("explaining"))  # type: ignore[attr-defined]
        try:
            if painted is None:
                first = _first_answer(snap, account, permission, project, issue)
                if isinstance(first, str):
                    app.call_from_thread(self._failed, question, first)
                    return
                painted = threading.Event()
                app.call_from_thread(self._show, question, first, _wants_fixes(first), painted)
                if not _wants_fixes(first) or question != self.question:
                    return
                app.relabel(job, "finding fixes")  # type: ignore[attr-defined]
            # The verdict reaches the terminal before the fixes start: this thread would otherwise hold the GIL
            # through much of the UI thread's repaint (hundreds of ms on a loaded machine).
            painted.wait(0.5)
            if question != self.question:
                return
            try:
                full = explain(snap, account, permission, None if issue else project, issue)
            except UserError as e:
                app.call_from_thread(self._failed, question, str(e))
                return
            app.call_from_thread(self._show, question, full, False)
        finally:
            app.end_job(job)  # type: ignore[attr-defined]

    def _failed(self, question: int, message: str) -> None:
        if question != self.question:
            return
        self.result = None
        self.query_one(VerdictBanner).show_message(f"Cannot answer: {message}")
        self.proof.clear()
        self.refresh_bars()

    def _show(self, question: int, result: Explanation, fixes_pending: bool,
              painted: threading.Event | None = None) -> None:
        """An answer arrived: shown only if it is for the current question (``painted`` is set once it is on
        the screen)."""
        if question != self.question:
            return
        keep = self.result is not None and self.result.verdict is result.verdict
        self.result = result
        self.fixes_pending = fixes_pending
        self.query_one(VerdictBanner).show(result)
        self.proof.show_lines(proof_lines(result, fixes_pending), keep_scroll=keep)
        self.refresh_bars()
        if painted is not None:
            self.call_after_refresh(painted.set)

    def show_verification(self, answer) -> None:
        """Jira's own answer (v), shown under the verdict."""
        line = self.query_one("#verify-line", Static)
        line.update(plain(answer.text, "bold" if not answer.agrees else ""))
        line.display = True

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_account":
            return self.snapshot is not None
        return super().check_action(action, parameters)

    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self.set_class(self.zoomed, "-zoomed")
        self.set_focus(self.proof)

    def action_back(self) -> None:
        if self.close_find():
            return
        if self.zoomed:
            self.action_zoom()
            return
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

    def can_copy(self) -> bool:
        return self.result is not None and not self.fixes_pending

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


def _first_answer(snap, account: str, permission: str, project: str | None, issue: str | None) -> Explanation | str:
    """The verdict and proof without fixes, or the one line saying why the question has no answer."""
    try:
        return explain(snap, account, permission, None if issue else project, issue, with_fixes=False)
    except UserError as e:
        return str(e)


def _wants_fixes(first: Explanation) -> bool:
    """Fixes are looked for on a denial in a project (or an issue of one)."""
    return first.verdict is Verdict.DENIED and first.project_key is not None
