"""The diff view: what changed between two snapshots, and who gained or lost which permissions.

Reached from the command palette ("diff: compare with snapshot…", key ``D``):
pick another open snapshot; the older of the two is "before".  The diff is
computed in a worker (``explorer.core.review.diff``) on the snapshots as shown, so
with redaction on both sides carry the same pseudonyms and the view is redacted
too.  Widening changes come first, as in ``jira-perms diff``.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from explorer.core.errors import UserError
from explorer.core.render.diff import diff_text
from explorer.core.review.diff import SnapshotDiff, diff_snapshots
from explorer.tui.actions import DIFF, FIND, bindings
from explorer.tui.choices import Choice
from explorer.tui.screens.picker import PickerScreen
from explorer.tui.screens.reading import ReadingScreen
from explorer.tui.text import plain
from explorer.tui.widgets.proof_view import text_lines
from explorer.tui.workspace import SnapshotRef


class DiffScreen(ReadingScreen):
    """The diff as a wrapped, searchable report (j/k, space, g/G, /, n, N)."""

    BINDINGS = bindings(DIFF, FIND)
    KEY_GROUPS = ("diff", "find")
    KEY_BAR = ("find.open", "app.copy", "app.export", "app.redact", "diff.back")

    DEFAULT_CSS = """
    DiffScreen #diff-title { padding: 0 1; text-style: bold; background: $boost; height: auto; }
    """

    def __init__(self, one: SnapshotRef, other: SnapshotRef) -> None:
        super().__init__()
        self.refs = (one, other)
        self.result: SnapshotDiff | None = None
        self.error: str | None = None
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("Comparing snapshots…", id="diff-title")
        yield from self.compose_find()
        yield from self.bars()

    def on_mount(self) -> None:
        super().on_mount()
        self.set_focus(self.proof)
        self._compute()

    @work(thread=True, group="diff", description="diff")
    def _compute(self) -> None:
        with self.app.job("comparing"):  # type: ignore[attr-defined]
            try:
                for ref in self.refs:
                    ref.load()
                old, new = sorted(self.refs, key=lambda r: r.snapshot.provenance.taken_at)  # type: ignore[union-attr]
                before, after = self.app.view(old), self.app.view(new)  # type: ignore[attr-defined]
                result = diff_snapshots(before, after)
                text = diff_text(result)
                self.app.call_from_thread(self._show, result, text, old, new)
            except UserError as e:
                self.app.call_from_thread(self._fail, str(e))

    def _show(self, result: SnapshotDiff, text: str, old: SnapshotRef, new: SnapshotRef) -> None:
        self.result, self.text = result, text
        effect = "access changed" if result.changed_in_effect else "nothing changed in effect"
        n = len(result.changes)
        self.query_one("#diff-title", Static).update(
            plain(f"Diff: {old.label} → {new.label} · {n} change{'s' if n != 1 else ''} · {effect}", newlines=False))
        self.proof.show_lines(text_lines(text))
        self.refresh_bars()

    def _fail(self, message: str) -> None:
        self.error = message
        self.query_one("#diff-title", Static).update(plain("Diff: cannot compare"))
        self.proof.show_lines(text_lines(message))

    def can_copy(self) -> bool:
        return self.result is not None

    def copy_payload(self) -> tuple[str, str] | None:
        """What ``c`` copies and ``x`` exports: the diff as Markdown."""
        if self.result is None:
            return None
        return diff_text(self.result, markdown=True), "diff.md"

    def action_back(self) -> None:
        if not self.close_find():
            self.app.pop_screen()


def open_diff(app) -> None:
    """Ask which other open snapshot to compare the current one with, then show the diff."""
    ref = app.current_ref
    if ref is None or ref.snapshot is None:
        app.notify("Open a snapshot first: select a site in the tree (a: add a site, d: the demo).",
                   severity="warning")
        return
    others = [(site, other) for site in app.workspace.sites for other in site.snapshots if other is not ref]
    if not others:
        app.notify("Open a second snapshot to compare with: jira-perms tui -s OLD.jpsnap -s NEW.jpsnap, "
                   "or sync the site again.", severity="warning", timeout=10)
        return
    choices = [Choice(str(i), f"{app.site_label(site)} · {other.label}", f"{site.name} {other.label}".lower())
               for i, (site, other) in enumerate(others)]

    def picked(value: str | None) -> None:
        if value is not None:
            app.push_screen(DiffScreen(ref, others[int(value)][1]))

    app.push_screen(PickerScreen("Compare the current snapshot with…", choices), picked)
