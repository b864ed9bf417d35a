"""Help (``?`` or F1): the keys of the screen you came from first, then the rest; Enter runs the highlighted one.

Keys are listed as bound after the user's ``[keymap]`` remaps, with the id to
remap them by.  ``/`` narrows the list by what a key does.  Keys of other
screens are listed for reference (dimmed, not runnable from here).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from explorer.tui.actions import APP, GROUPS, HELP, ActionSpec, KeyGroup, bindings
from explorer.tui.widgets.key_bar import offered, spec_keys


def _row(keys: str, does: str, ident: str, style: str = "") -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=14, no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    grid.add_column(width=20, no_wrap=True, style="dim", overflow="ellipsis")
    grid.add_row(Text(keys), Text(does), Text(ident))
    if style:
        grid.style = style
    return grid


def ordered_groups(under: Screen | None) -> tuple[list[KeyGroup], list[KeyGroup]]:
    """(the groups that work on ``under`` and everywhere, the others) in the order the help shows them."""
    own = [GROUPS[g] for g in getattr(under, "KEY_GROUPS", ()) if g in GROUPS]
    live = [*own, APP]
    rest = [g for g in GROUPS.values() if g not in live and g is not HELP]
    return live, rest


class HelpScreen(ModalScreen[None]):
    """? or F1 opens it; Esc, q or ? closes it; Enter runs the highlighted key on the screen below."""

    BINDINGS = bindings(HELP)

    def __init__(self, under: Screen | None = None) -> None:
        super().__init__()
        self.under = under
        self.entries: list[tuple[ActionSpec | None, object]] = []  # (spec, target) per option; None: not runnable
        self.listed: list[str] = []  # ids of every key listed, runnable or not

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("", id="help-title")
            yield Input(placeholder="find a key by what it does", id="help-filter")
            yield OptionList(id="help-list")
            yield Static(Text("Remap any key by its id in the config file's [keymap] table, e.g. "
                              '"app.explain" = "ctrl+e".', style="italic"), id="help-notes")

    def on_mount(self) -> None:
        title = getattr(self.under, "KEY_GROUPS", ())
        name = GROUPS[title[0]].title if title and title[0] in GROUPS else "this screen"
        self.query_one("#help-title", Static).update(
            Text(f"Keys — {name} first. Enter runs the highlighted key · / find · Esc close", style="bold"))
        self.query_one("#help-filter", Input).display = False
        self.app.tune_inputs(self)  # type: ignore[attr-defined]
        self._fill("")
        self.set_focus(self.query_one(OptionList))

    def _fill(self, query: str) -> None:
        terms = query.lower().split()
        options = self.query_one(OptionList)
        options.clear_options()
        self.entries = []
        self.listed = []
        prompts: list[Option] = [Option(_row("Key", "Does", "Id (for [keymap])", "bold underline"), disabled=True)]
        self.entries.append((None, None))
        live, rest = ordered_groups(self.under)
        for group in [*live, *rest]:
            runnable = group in live
            rows: list[tuple[Option, tuple[ActionSpec | None, object]]] = []
            for spec in group.specs:
                if terms and not all(t in f"{spec.help} {spec.label} {spec.id}".lower() for t in terms):
                    continue
                target = self.app if group is APP else self.under
                works = runnable and self._works(spec, target)
                keys = " / ".join(spec_keys(self.app, spec))
                does = spec.help if works or not runnable else f"{spec.help} (not here now)"
                rows.append((Option(_row(keys, does, spec.id, "" if works else "dim"), disabled=not works),
                             (spec if works else None, target)))
                self.listed.append(spec.id)
            for keys, does in group.notes:
                if terms and not all(t in does.lower() for t in terms):
                    continue
                rows.append((Option(_row(keys, does, "", "" if runnable else "dim"), disabled=True), (None, None)))
            if not rows:
                continue
            heading = group.title + ("" if runnable else " (elsewhere)")
            prompts.append(Option(Text(heading, style="bold reverse"), disabled=True))
            self.entries.append((None, None))
            for option, entry in rows:
                prompts.append(option)
                self.entries.append(entry)
        options.add_options(prompts)
        first = next((n for n, (spec, _) in enumerate(self.entries) if spec is not None), None)
        if first is not None:
            options.highlighted = first

    def _works(self, spec: ActionSpec, target) -> bool:
        return offered(self.app, target, spec)

    @on(OptionList.OptionSelected, "#help-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_run(event.option_index)

    def action_run(self, index: int | None = None) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted if index is None else index
        if index is None or not (0 <= index < len(self.entries)):
            return
        spec, target = self.entries[index]
        if spec is None:
            return
        self.dismiss()
        app = self.app
        if spec.id == "app.help":
            return
        app.call_later(app.run_action, spec.action, target)

    def action_filter(self) -> None:
        box = self.query_one("#help-filter", Input)
        box.display = True
        self.set_focus(box)

    @on(Input.Changed, "#help-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#help-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.query_one(OptionList))

    def action_close(self) -> None:
        box = self.query_one("#help-filter", Input)
        if box.display and self.focused is box:
            box.value = ""
            box.display = False
            self._fill("")
            self.set_focus(self.query_one(OptionList))
            return
        self.dismiss()
