"""Every action of the TUI as data: id, default keys, what it does.

The app's bindings, the command palette and the help screen are all built from
these lists, so they cannot disagree.  Ids are what users remap in the config
file's ``[keymap]`` table, e.g. ``"app.explain" = "ctrl+e"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    keys: str
    action: str
    label: str
    help: str
    show: bool = True
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=self.show, priority=self.priority, id=self.id,
                       tooltip=self.help)


APP_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("app.explain", "e", "explain", "Explain",
               "Explain whether the selected account may use a permission here, with proof and fixes"),
    ActionSpec("app.who_can", "w", "who_can", "Who can",
               "Everyone who has a permission in the selected project or issue"),
    ActionSpec("app.matrix", "m", "matrix", "Matrix",
               "The selected account's permissions in every project, or every account's in the selected project"),
    ActionSpec("app.audit", "i", "audit", "Audit",
               "Integration readiness: check the selected account against a vendor's profile in every project",
               show=False),
    ActionSpec("app.copy", "c", "copy", "Copy",
               "Copy the current answer as Markdown (OSC 52; also saved to a file)"),
    ActionSpec("app.export", "x", "export", "Export", "Export the current answer to a file (Markdown, text, JSON)", show=False),
    ActionSpec("diff.compare", "D", "diff", "Compare with snapshot…",
               "Diff: what changed between this snapshot and another open one, and who gained or lost what",
               show=False),
    ActionSpec("app.redact", "r", "toggle_redaction", "Redact",
               "Turn redaction on or off: names, emails and groups become stable pseudonyms"),
    ActionSpec("app.sync", "s", "sync", "Sync", "Sync the current site from Jira into a new snapshot", show=False),
    ActionSpec("app.add_site", "a", "add_site", "Add site", "Add a Jira site (URL, email, API token)", show=False),
    ActionSpec("app.verify", "v", "verify", "Verify",
               "Check the current answer against Jira itself (POST permissions/check)", show=False),
    ActionSpec("app.demo", "d", "open_demo", "Demo", "Open the bundled demo site", show=False),
    ActionSpec("app.theme", "ctrl+t", "toggle_theme", "Light/dark", "Switch between the dark and light themes",
               show=False),
    ActionSpec("app.help", "question_mark,f1", "help", "Help", "List every key binding"),
    ActionSpec("app.palette", "ctrl+p", "command_palette", "Commands", "Open the command palette", show=False,
               priority=True),
    ActionSpec("app.quit", "ctrl+q", "quit", "Quit", "Quit jira-perms", show=False, priority=True),
)

BROWSE_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("browse.filter", "slash", "filter", "Filter", "Narrow the tree as you type (Esc clears)"),
    ActionSpec("browse.detail", "tab", "focus_next", "Switch pane", "Move between the tree and the detail pane",
               show=False),
    ActionSpec("browse.quit", "q", "app.quit", "Quit", "Quit jira-perms", show=False),
)

EXPLAIN_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("explain.account", "1", "pick_account", "Account", "Pick the account (fuzzy: name, email or id)", show=False),
    ActionSpec("explain.permission", "2", "pick_permission", "Permission", "Pick the permission (key or name)", show=False),
    ActionSpec("explain.where", "3", "pick_where", "Where", "Pick the project or issue", show=False),
    ActionSpec("explain.expand", "plus", "expand_all", "Expand all", "Expand every check of the proof", show=False),
    ActionSpec("explain.collapse", "minus", "collapse_all", "Collapse", "Collapse the proof", show=False),
    ActionSpec("explain.back", "escape", "back", "Back", "Back to browsing"),
)

TABLE_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("table.filter", "slash", "filter", "Filter", "Narrow the rows as you type"),
    ActionSpec("table.sort", "o", "sort", "Sort", "Sort by the next column (press again to reverse)"),
    ActionSpec("table.open", "enter", "open_row", "Explain", "Explain the answer in the selected row or cell",
               show=False),
    ActionSpec("table.back", "escape", "back", "Back", "Back (or clear the filter)"),
)

MATRIX_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("matrix.account", "1", "pick_account", "Account", "Matrix: show one account across every project"),
    ActionSpec("matrix.project", "3", "pick_project", "Project", "Matrix: show every account in one project"),
)

ALL_GROUPS: tuple[tuple[str, tuple[ActionSpec, ...]], ...] = (
    ("Everywhere", APP_ACTIONS),
    ("Browse", BROWSE_ACTIONS),
    ("Explain", EXPLAIN_ACTIONS),
    ("Who can / Matrix", TABLE_ACTIONS),
    ("Matrix", MATRIX_ACTIONS),
)

TREE_KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓", "move"),
    ("→ / ←", "open / close (or go to parent)"),
    ("enter / space", "open or close the node"),
    ("shift+↑ / shift+↓", "previous / next sibling"),
)


def all_ids() -> set[str]:
    return {spec.id for _, group in ALL_GROUPS for spec in group}


def bindings(specs: tuple[ActionSpec, ...]) -> list[Binding]:
    return [spec.binding() for spec in specs]
