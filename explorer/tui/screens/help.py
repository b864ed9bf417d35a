"""Help: every key binding (after the user's [keymap] remaps), grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from explorer.tui.actions import ALL_GROUPS, TREE_KEYS


def _keys(app, spec) -> str:
    keymap = getattr(app, "_keymap", {}) or {}
    keys = keymap.get(spec.id, spec.keys)
    shown = []
    for key in keys.split(","):
        key = key.strip()
        shown.append(app.get_key_display(Binding(key, spec.action)) if app is not None else key)
    return " / ".join(shown)


def help_table(app) -> Table:
    table = Table(box=None, show_header=True, header_style="bold underline", pad_edge=False, expand=True)
    table.add_column("Key", no_wrap=True)
    table.add_column("Does")
    table.add_column("Id (for [keymap])", no_wrap=True, style="dim")
    for title, specs in ALL_GROUPS:
        table.add_row(Text(title, style="bold reverse"), "", "")
        for spec in specs:
            table.add_row(_keys(app, spec), spec.help, spec.id)
    table.add_row(Text("Tree", style="bold reverse"), "", "")
    for keys, does in TREE_KEYS:
        table.add_row(keys, does, "")
    return table


class HelpScreen(ModalScreen[None]):
    """? or F1 opens it; Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("jira-perms — keys", style="bold"), id="help-title")
            yield Static(help_table(self.app), id="help-table")
            yield Static(Text(
                "Remap any key in the config file (jira-perms writes it under your config folder):\n"
                '  [keymap]\n  "app.explain" = "ctrl+e"\n'
                "Redaction (r) replaces names, emails, groups and account ids with stable pseudonyms on screen and "
                "in copies. Copies go to the terminal's clipboard by OSC 52 and to a file whose path is shown.",
                style="italic"), id="help-notes")

    def on_mount(self) -> None:
        self.query_one("#help").focus()
