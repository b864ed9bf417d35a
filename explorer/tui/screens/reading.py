"""What a screen showing a long answer shares: the wrapped view, and finding text in it (/, n, N, Esc)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from explorer.tui.screens.base import AppScreen
from explorer.tui.widgets.proof_view import ProofView


class ReadingScreen(AppScreen):
    """A screen with a :class:`ProofView` (id ``proof``) and a find row under it."""

    def compose_find(self) -> ComposeResult:
        yield ProofView(id="proof")
        with Horizontal(id="find-row"):
            yield Input(placeholder="find in the answer: type; Enter keeps it, Esc clears", id="proof-find")
            yield Static("", id="find-count")

    def on_mount(self) -> None:
        self.query_one("#find-row").display = False
        self.app.tune_inputs(self)  # type: ignore[attr-defined]

    @property
    def proof(self) -> ProofView:
        return self.query_one(ProofView)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_match", "previous_match"):
            return bool(self.proof.matches)
        return True

    def action_find(self) -> None:
        self.query_one("#find-row").display = True
        self.set_focus(self.query_one("#proof-find", Input))

    @on(Input.Changed, "#proof-find")
    def _find_changed(self, event: Input.Changed) -> None:
        found = self.proof.set_search(event.value)
        count = "" if not event.value.strip() else f"{found} line{'s' if found != 1 else ''}" if found else "no match"
        self.query_one("#find-count", Static).update(count)
        self.refresh_bars()

    @on(Input.Submitted, "#proof-find")
    def _find_done(self) -> None:
        self.set_focus(self.proof)

    def action_next_match(self) -> None:
        self.proof.step(1)

    def action_previous_match(self) -> None:
        self.proof.step(-1)

    def close_find(self) -> bool:
        """Esc's first job: clear and hide the search (True when there was one)."""
        row = self.query_one("#find-row")
        if not row.display:
            return False
        self.query_one("#proof-find", Input).value = ""
        row.display = False
        self.proof.set_search("")
        self.set_focus(self.proof)
        self.refresh_bars()
        return True
