"""The CHANGE flags (``--add-grant``, ``--remove-from-role``, ..., ``--changes FILE``) of whatif and explain.

With them ``explain`` answers as if the changes were made (the proof under the change); ``whatif`` shows
their whole effect.  Standard library only at import, like every command module.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from explorer.core.errors import UserError
from explorer.core.whatif.kinds import HELP, HOLDER_WORDS, SYNTAX, Kind

if TYPE_CHECKING:
    from explorer.core.model import Snapshot
    from explorer.core.whatif.changes import Change

MAX_CHANGES_FILE = 1024 * 1024


class _Append(argparse.Action):
    """Collect changes in the order they were typed, across all change flags."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        items = list(getattr(namespace, "change_items", None) or [])
        items.append((self.const, values))
        namespace.change_items = items


def add_change_flags(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The CHANGE flags, for whatif and for explain (answer under the changes)."""
    group = p.add_argument_group(
        "changes" + ("" if required else " (answer as if they were made)"),
        f"Names are resolved as in explain (accountId (Data Center: username or key), email or display name; permission key or name). "
        f"HOLDER is one of: {', '.join(HOLDER_WORDS)}. Repeat flags for several changes; they apply in order.")
    for kind in Kind:
        group.add_argument(kind.flag, action=_Append, const=kind.value, metavar=f'"{SYNTAX[kind]}"',
                           help=HELP[kind], dest="change_items")
    group.add_argument("--changes", action=_Append, const="file", metavar="FILE", dest="change_items",
                       help="read changes from a TOML file ([[changes]] tables, as the TUI exports them)")
    p.set_defaults(change_items=None)


def _read_changes_file(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_CHANGES_FILE + 1)
        if len(data) > MAX_CHANGES_FILE:
            raise UserError(f"--changes -: larger than {MAX_CHANGES_FILE // 1024} KiB; a changes file is small TOML")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError("--changes -: not UTF-8 text; expected a TOML changes file") from None
    from explorer.store.paths import read_small_text

    shown = path.replace("\n", "\\n")
    return read_small_text(path, MAX_CHANGES_FILE, "a TOML changes file", label=f"--changes {shown}")


def parse_cli_changes(snapshot: Snapshot, args: argparse.Namespace) -> list[Change]:
    """The changes the flags name, in order, parsed against the snapshot (a bad one is a one-line error)."""
    from explorer.core.whatif.language import parse_change, read_changes_file

    changes = []
    for kind, value in getattr(args, "change_items", None) or []:
        if kind == "file":
            for file_kind, text in read_changes_file(_read_changes_file(value), f"--changes {value}"):
                changes.append(parse_change(snapshot, file_kind, text))
        else:
            changes.append(parse_change(snapshot, kind, value))
    return changes


def under_changes(snapshot: Snapshot, args: argparse.Namespace) -> tuple[Snapshot, list[Any]]:
    """For explain: the snapshot with the CHANGE flags written in, and the outcomes (empty without flags)."""
    if not getattr(args, "change_items", None):
        return snapshot, []
    from explorer.core.whatif.apply import apply_changes

    applied = apply_changes(snapshot, parse_cli_changes(snapshot, args))
    return applied.after, list(applied.outcomes)
