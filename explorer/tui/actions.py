"""Every key of the TUI as data: id, default keys, what it does, where it works.

The bindings, the key bar, the help screen (``?``) and the command palette are
all built from these groups, so they cannot disagree.  Ids are what users remap
in the config file's ``[keymap]`` table, e.g. ``"app.explain" = "ctrl+e"``.

A screen says which groups are its own (``KEY_GROUPS``, shown first by ``?``)
and which keys its key bar offers (``KEY_BAR``, most useful first).  Every
group is registered here, at import, so the help, the palette and the
``[keymap]`` check know every key before any screen has been opened; a new
screen adds its group to this module (:func:`register_group`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    keys: str
    action: str
    label: str  # short: the key bar and the palette
    help: str  # one sentence: the help screen
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=False, priority=self.priority, id=self.id,
                       tooltip=self.help)


@dataclass(frozen=True, slots=True)
class KeyGroup:
    """The keys of one screen or area; ``notes`` are keys that are not bindings (the tree's arrows...)."""

    id: str
    title: str
    specs: tuple[ActionSpec, ...]
    notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Hint:
    """One key-bar item: one or more actions shown together (``1 2 3 pick``)."""

    ids: tuple[str, ...]
    label: str = ""  # default: the first action's label


KeyBarItem = str | Hint  # an action id, or several shown as one item


APP = KeyGroup("app", "Everywhere", (
    ActionSpec("app.explain", "e", "explain", "explain",
               "Explain whether the selected account may use a permission here, with proof and fixes"),
    ActionSpec("app.who_can", "w", "who_can", "who can",
               "Everyone who has a permission in the selected project or issue"),
    ActionSpec("app.matrix", "m", "matrix", "matrix",
               "The selected account's permissions in every project, or every account's in the selected project"),
    ActionSpec("app.audit", "i", "audit", "audit",
               "Integration readiness: check the selected account against a vendor's profile in every project"),
    ActionSpec("app.copy", "c", "copy", "copy", "Copy the current answer as Markdown (OSC 52; also saved to a file)"),
    ActionSpec("app.export", "x", "export", "export", "Export the current answer to a file (Markdown, text, JSON)"),
    ActionSpec("app.redact", "r", "toggle_redaction", "redact",
               "Turn redaction on or off: names, emails and groups become stable pseudonyms"),
    ActionSpec("diff.compare", "D", "diff", "diff",
               "Diff: what changed between this snapshot and another open one, and who gained or lost what"),
    ActionSpec("app.sync", "s", "sync", "sync", "Sync the current site from Jira into a new snapshot"),
    ActionSpec("app.add_site", "a", "add_site", "add site", "Add a Jira site (URL, email, API token)"),
    ActionSpec("app.verify", "v", "verify", "verify",
               "Check the current explanation against Jira itself (POST permissions/check)"),
    ActionSpec("app.demo", "d", "open_demo", "demo", "Open the bundled demo site"),
    ActionSpec("app.messages", "M", "messages", "messages", "Every message shown this session, in full"),
    ActionSpec("app.dismiss", "escape", "dismiss_messages", "dismiss",
               "Close the messages in the corner (when there are any; otherwise Esc goes back)", priority=True),
    ActionSpec("app.theme", "ctrl+t", "toggle_theme", "light/dark", "Switch between the dark and light themes"),
    ActionSpec("app.help", "question_mark,f1", "help", "keys",
               "All keys, this screen's first; Enter runs the highlighted one"),
    ActionSpec("app.palette", "ctrl+p", "command_palette", "commands", "Open the command palette", priority=True),
    ActionSpec("app.close", "q", "close_view", "quit",
               "Close this view (on the main screen: quit)"),
    ActionSpec("app.quit", "ctrl+q", "quit", "quit", "Quit jira-perms", priority=True),
))

BROWSE = KeyGroup("browse", "Browse", (
    ActionSpec("browse.filter", "slash", "filter", "filter", "Narrow the tree as you type (Enter: to the tree; "
                                                             "Esc: clear)"),
    ActionSpec("browse.pane", "tab", "switch_pane", "pane", "Move between the tree and the detail pane"),
    ActionSpec("browse.clear", "escape", "clear_filter", "clear", "Clear the filter"),
), notes=(
    ("↑ ↓  j k", "move (in the detail pane: scroll)"),
    ("→ ←  l h", "open / close (or go to the parent)"),
    ("g G  home end", "first / last line"),
    ("enter  space", "open or close the node"),
))

EXPLAIN = KeyGroup("explain", "Explain", (
    ActionSpec("explain.account", "1", "pick_account", "account", "Pick the account (fuzzy: name, email or id)"),
    ActionSpec("explain.permission", "2", "pick_permission", "permission", "Pick the permission (key or name)"),
    ActionSpec("explain.where", "3", "pick_where", "where", "Pick the project or issue"),
    ActionSpec("explain.zoom", "plus,z", "zoom", "zoom",
               "Zoom: the answer on the whole screen (again, or Esc: back to the normal layout)"),
    ActionSpec("explain.back", "escape", "back", "back", "Back (first: clear the search, leave the zoom)"),
))

FIND = KeyGroup("find", "Reading an answer", (
    ActionSpec("find.open", "slash", "find", "find", "Find text in the answer (n / N: next / previous match)"),
    ActionSpec("find.next", "n", "next_match", "next", "Next match of the search"),
    ActionSpec("find.previous", "N", "previous_match", "previous", "Previous match of the search"),
), notes=(
    ("↑ ↓  j k", "scroll a line"),
    ("space  b  pgdn pgup", "scroll a page"),
    ("g G  home end", "top / bottom"),
))

TABLE = KeyGroup("table", "Who can, matrices and audits", (
    ActionSpec("table.filter", "slash", "filter", "filter", "Narrow the rows as you type"),
    ActionSpec("table.sort", "o", "sort", "sort", "Sort by the column under the cursor (again: reverse)"),
    ActionSpec("table.open", "enter", "open_row", "explain", "Explain the answer in the selected row or cell"),
    ActionSpec("table.back", "escape", "back", "back", "Back (or clear the filter)"),
), notes=(
    ("↑ ↓ ← →  h j k l", "move"),
    ("g G  home end", "first / last row"),
    ("pgup pgdn", "a page up / down"),
))

WHO_CAN = KeyGroup("who_can", "Who can", (
    ActionSpec("who_can.permission", "2", "pick_permission", "permission", "Ask about another permission"),
    ActionSpec("who_can.where", "3", "pick_where", "where", "Ask about another project or issue"),
))

MATRIX = KeyGroup("matrix", "Matrix", (
    ActionSpec("matrix.account", "1", "pick_account", "account", "Matrix: one account across every project"),
    ActionSpec("matrix.permission", "2", "jump_permission", "permission",
               "Move the cursor to a permission, picked by name"),
    ActionSpec("matrix.project", "3", "pick_project", "project", "Matrix: every account in one project"),
))

AUDIT = KeyGroup("audit", "Integration readiness", (
    ActionSpec("audit.account", "1", "pick_account", "account", "Pick the account to audit"),
    ActionSpec("audit.profile", "2", "pick_profile", "profile", "Pick the integration profile (vendor guide)"),
    ActionSpec("audit.features", "3", "pick_features", "features", "Choose which of the profile's features to audit"),
    ActionSpec("audit.findings", "L", "show_findings", "least privilege",
               "Show what the account holds beyond the profile"),
))

DIFF = KeyGroup("diff", "Diff", (
    ActionSpec("diff.back", "escape", "back", "back", "Back (first: clear the search)"),
))

WHATIF = KeyGroup("whatif", "What-if", (
    ActionSpec("whatif.add", "plus", "app.stage_add", "stage +",
               "What-if: stage adding to the selected group, role, or permission of a scheme (nothing changes in "
               "Jira)"),
    ActionSpec("whatif.remove", "minus", "app.stage_remove", "stage -",
               "What-if: stage removing the selected scheme grant, role actor or group member"),
    ActionSpec("whatif.open", "W", "app.whatif", "what-if",
               "What-if: the staged changes and their effect: who gains and who loses what, where"),
))

WHATIF_SCREEN = KeyGroup("whatif-screen", "What-if screen", (
    ActionSpec("whatif.unstage", "delete,backspace,u", "unstage", "unstage", "Take back the highlighted change"),
    ActionSpec("whatif.clear", "C", "clear_all", "clear all", "Take back every staged change"),
    ActionSpec("whatif.focus", "tab", "switch_pane", "pane", "Move between the changes and the effect"),
    ActionSpec("whatif.back", "escape", "back", "back", "Back to where you were (the changes stay staged)"),
), notes=(("↑ ↓  j k  space b  g G", "move / scroll"),))

HELP = KeyGroup("help", "This help", (
    ActionSpec("help.run", "enter", "run", "run", "Run the highlighted key's action"),
    ActionSpec("help.filter", "slash", "filter", "find", "Find a key by what it does"),
    ActionSpec("help.close", "escape,q,question_mark", "close", "close", "Close the help"),
))

GROUPS: dict[str, KeyGroup] = {}


def register_group(group: KeyGroup) -> KeyGroup:
    """Make a group known to the help screen, the palette and the keymap check (one call per screen module)."""
    GROUPS[group.id] = group
    return group


for _group in (APP, BROWSE, EXPLAIN, FIND, TABLE, WHO_CAN, MATRIX, AUDIT, DIFF, WHATIF, WHATIF_SCREEN, HELP):
    register_group(_group)


def spec_by_id(spec_id: str) -> ActionSpec | None:
    for group in GROUPS.values():
        for spec in group.specs:
            if spec.id == spec_id:
                return spec
    return None


def all_ids() -> set[str]:
    return {spec.id for group in GROUPS.values() for spec in group.specs}


def bindings(*groups: KeyGroup) -> list[Binding]:
    return [spec.binding() for group in groups for spec in group.specs]
