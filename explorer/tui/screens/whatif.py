"""The what-if screen: the staged changes (take one back with Delete) and their effect on who can do what.

The effect is computed in a worker (``explorer.core.whatif``) on the snapshot as read and its staged copy, and
shown as ``jira-perms whatif`` prints it: counts, dangerous outcomes, who gains and who loses what where, per
project.  ``c`` copies it as a Markdown change request; ``x`` exports that, the changes file (``.toml``, for
``jira-perms whatif --changes``), the text or the JSON.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from explorer.core.errors import UserError
from explorer.core.render.whatif import effect_text, whatif_json, whatif_markdown, whatif_text
from explorer.core.whatif.engine import WhatIf, what_if
from explorer.core.whatif.language import changes_toml
from explorer.tui import whatif_mode
from explorer.tui.actions import WHATIF_SCREEN, bindings
from explorer.tui.screens.base import AppScreen
from explorer.tui.staging import redacted_changes
from explorer.tui.text import one_line, plain
from explorer.tui.workspace import SnapshotRef

EMPTY = ("No change is staged.\n\n"
         "In the tree, - on a scheme grant, a role actor or a group member stages its removal; + on a "
         "permission of a scheme, a role or a group stages an addition. Every screen then answers as if the "
         "changes were made (the status bar says so), and this screen shows who gains and who loses what.")


class WhatIfScreen(AppScreen):
    BINDINGS = [*bindings(WHATIF_SCREEN), Binding("j", "scroll_effect(1)", show=False),
                Binding("k", "scroll_effect(-1)", show=False), Binding("space", "page_effect(1)", show=False),
                Binding("b", "page_effect(-1)", show=False), Binding("g", "scroll_effect(-100000)", show=False),
                Binding("G", "scroll_effect(100000)", show=False)]
    KEY_GROUPS = ("whatif-screen", "whatif")
    SAYS_WHAT_IF = True  # its copies are about the staged changes already: no what-if preamble on top
    KEY_BAR = ("whatif.unstage", "whatif.clear", "whatif.focus", "app.copy", "app.export", "whatif.back")

    DEFAULT_CSS = """
    WhatIfScreen #whatif-title { padding: 0 1; text-style: bold; background: $boost; }
    WhatIfScreen #whatif-changes { height: auto; max-height: 8; border: none; padding: 0 1; }
    WhatIfScreen #whatif-changes:focus { border-left: thick $primary; padding-left: 0; }
    WhatIfScreen #whatif-scroll { height: 1fr; padding: 0 1; }
    WhatIfScreen #whatif-scroll:focus { border-left: thick $primary; padding-left: 0; }
    """

    def __init__(self, ref: SnapshotRef) -> None:
        super().__init__()
        self.ref = ref
        self.result: WhatIf | None = None
        self.text = ""
        self.question = 0

    def compose(self) -> ComposeResult:
        yield Static("What-if", id="whatif-title")
        yield OptionList(id="whatif-changes")
        with VerticalScroll(id="whatif-scroll"):
            yield Static("", id="whatif-body")
        yield from self.bars()

    def on_mount(self) -> None:
        self._show_changes()
        self.set_focus(self.query_one("#whatif-changes"))
        self._recompute()

    @property
    def staging(self):
        return whatif_mode.staging(self.app, self.ref)

    def _question(self):
        """(snapshot, changes) to ask: as read, or their redacted twins when redaction is on (names hidden)."""
        staged = self.staging
        changes = list(staged.changes) if staged is not None else []
        red = self.app.redaction_for(self.ref)  # type: ignore[attr-defined]
        if red is None or not changes:
            return (staged.base if staged is not None else self.ref.snapshot), changes
        return red.snapshot, redacted_changes(changes, staged.base, red.snapshot, red.to_view)

    # ------------------------------------------------------------------ the changes
    def _show_changes(self) -> None:
        options = self.query_one("#whatif-changes", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        _, changes = self._question()
        staged = self.staging
        outcomes = staged.applied.outcomes if changes and staged is not None else ()
        for n, (outcome, shown) in enumerate(zip(outcomes, changes, strict=True), 1):
            note = "" if outcome.applied else "  (already so: nothing to do)"
            options.add_option(Option(Text(one_line(f"{n}. {shown.summary}{note}"), no_wrap=True,
                                           overflow="ellipsis")))
        options.display = bool(changes)
        if changes:
            options.highlighted = min(highlighted or 0, len(changes) - 1)
        title = f"What-if: {len(changes)} change{'s' if len(changes) != 1 else ''} staged (nothing is changed in Jira)"
        self.query_one("#whatif-title", Static).update(plain(title, newlines=False))

    def action_unstage(self) -> None:
        staged = self.staging
        options = self.query_one("#whatif-changes", OptionList)
        if staged is None or not staged.changes or options.highlighted is None:
            self.app.notify("Nothing to take back: no change is staged.", severity="warning")
            return
        change = staged.unstage(options.highlighted)
        if change is not None:
            hidden = self.app.redacted  # type: ignore[attr-defined]
            self.app.notify("Taken back." if hidden else f"Taken back: {change.summary}", title="What-if")
        whatif_mode.changed(self.app)

    def action_clear_all(self) -> None:
        staged = self.staging
        if staged is None or not staged.changes:
            return
        n = len(staged.changes)
        staged.clear()
        self.app.notify(f"Took back all {n} staged change{'s' if n != 1 else ''}.", title="What-if")
        whatif_mode.changed(self.app)

    def whatif_changed(self) -> None:
        self._show_changes()
        self._recompute()
        self.refresh_bars()

    redaction_changed = whatif_changed  # names on or off: the same changes, told again

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("unstage", "clear_all"):
            return bool(whatif_mode.staged_count(self.app, self.ref))
        return True

    # ------------------------------------------------------------------ the effect
    def _recompute(self) -> None:
        self.question += 1
        staged = self.staging
        if staged is None or not staged.changes:
            self.result, self.text = None, ""
            self.query_one("#whatif-body", Static).update(plain(EMPTY))
            return
        self.query_one("#whatif-body", Static).update(plain("Working out who gains and who loses what…"))
        width = max(40, self.app.size.width - 6)  # padding, the focus bar and the scrollbar
        base, changes = self._question()
        self._compute(self.question, base, changes, width)

    @work(thread=True, group="whatif", exclusive=True, description="whatif")
    def _compute(self, question: int, base, changes, width: int) -> None:
        from explorer.store.profiles import all_profiles

        with self.app.job("what-if"):  # type: ignore[attr-defined]
            try:
                profiles, _ = all_profiles()
            except UserError:
                profiles = []
            result = what_if(base, changes, profiles=profiles)
            text = effect_text(result, width=width)
            if result.effects:
                text += "\ne explains any answer under the staged changes; c copies this as a change request.\n"
        self.app.call_from_thread(self._show, question, result, text)

    def _show(self, question: int, result: WhatIf, text: str) -> None:
        if question != self.question:
            return  # a newer set of changes is being worked out
        self.result, self.text = result, text
        self.query_one("#whatif-body", Static).update(plain(text))
        self.refresh_bars()

    # ------------------------------------------------------------------ keys
    def action_switch_pane(self) -> None:
        changes, scroll = self.query_one("#whatif-changes"), self.query_one("#whatif-scroll")
        self.set_focus(scroll if self.focused is changes or not changes.display else changes)

    def action_scroll_effect(self, lines: int) -> None:
        box = self.query_one("#whatif-scroll", VerticalScroll)
        box.scroll_to(y=max(0, box.scroll_y + lines), animate=False)

    def action_page_effect(self, pages: int) -> None:
        box = self.query_one("#whatif-scroll", VerticalScroll)
        self.action_scroll_effect(pages * max(1, box.size.height - 1))

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(OptionList.OptionSelected, "#whatif-changes")
    def _selected(self) -> None:
        self.set_focus(self.query_one("#whatif-scroll"))

    # ------------------------------------------------------------------ copy and export
    def can_copy(self) -> bool:
        return self.result is not None

    def copy_payload(self) -> tuple[str, str] | None:
        """``c`` copies, ``x`` exports: the Markdown change request for the ticket."""
        if self.result is None:
            return None
        return whatif_markdown(self.result, source="--snapshot SNAPSHOT"), "what-if-change-request"

    def export_formats(self) -> dict[str, str]:
        if self.result is None:
            return {}
        site = self.result.applied.before.site.url
        return {
            ".md": whatif_markdown(self.result, source="--snapshot SNAPSHOT"),
            ".toml": changes_toml(self.result.changes, site=site),
            ".txt": whatif_text(self.result, source="--snapshot SNAPSHOT"),
            ".json": json.dumps(whatif_json(self.result), indent=2, ensure_ascii=False) + "\n",
        }
