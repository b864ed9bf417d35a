"""Commands that open the TUI: ``jira-perms`` (no command, on a terminal), ``jira-perms tui``, ``jira-perms demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from explorer.core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="open the terminal UI on the configured sites (or on snapshot files)",
                       description="Browse sites and snapshots, explain answers, list who can, show matrices. "
                                   "With --snapshot, open files offline; with --demo, the bundled demo site.")
    p.add_argument("--snapshot", "-s", metavar="FILE", action="append", default=[],
                   help="open this snapshot file offline (repeatable)")
    p.add_argument("--demo", action="store_true", help="also open the bundled demo site")
    p.add_argument("--demo-dc", action="store_true", help="also open the bundled Data Center demo site")
    _look(p)
    p.set_defaults(handler=cmd_tui, raw_stdout=True)

    p = sub.add_parser("demo", help="open the terminal UI on the bundled demo site, or save it as a file",
                       description="Open the TUI on a fictional site (Acme Corp, Jira Cloud; with --dc Initech, "
                                   "Jira Data Center) to try jira-perms without Jira. With --save FILE, write the "
                                   "demo site as a snapshot file instead (every command that reads a snapshot also "
                                   "takes --demo, or --demo-dc).")
    p.add_argument("--dc", action="store_true", help="the Data Center demo site (usernames, nested groups)")
    _look(p)
    p.add_argument("--save", metavar="FILE", help="write the demo snapshot to FILE (mode 0600) and exit")
    p.set_defaults(handler=cmd_demo, raw_stdout=True)


def _look(p: argparse.ArgumentParser) -> None:
    p.add_argument("--light", action="store_true", help="start in the light theme (ctrl+t switches)")


def interactive() -> bool:
    """True when both stdin and stdout are terminals (so a bare ``jira-perms`` may open the TUI)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def cmd_tui(args: argparse.Namespace) -> int:
    from explorer.tui.workspace import configured_workspace

    files = list(getattr(args, "snapshot", []) or [])
    demos = getattr(args, "demo", False) or getattr(args, "demo_dc", False)
    ws = configured_workspace() if not files or demos else _empty()
    for name in files:
        entry = ws.add_file(Path(name))
        entry.snapshots[0].load()  # a bad file is one line and exit 2, before the screen is taken over
        entry.url = f"{entry.snapshots[0].snapshot.site.url} ({Path(name).name})"  # type: ignore[union-attr]
    if getattr(args, "demo", False):
        ws.add_demo()
    if getattr(args, "demo_dc", False):
        ws.add_demo(data_center=True)
    return _run(ws, args)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.save:
        return _save_demo(args.save, data_center=getattr(args, "dc", False))
    from explorer.tui.workspace import Workspace

    ws = Workspace()
    site = ws.add_demo(data_center=getattr(args, "dc", False))
    site.snapshots[0].load()
    return _run(ws, args)


def _save_demo(name: str, *, data_center: bool = False) -> int:
    from explorer.cli.output import out, output_file
    from explorer.store.snapshot_file import load_demo, write_snapshot

    path = output_file(name, "demo", "--save")
    snapshot = load_demo(data_center=data_center)
    write_snapshot(snapshot, path)
    out(f"Wrote the demo site ({snapshot.site.url}: {len(snapshot.accounts)} accounts, {len(snapshot.projects)} "
        f"projects) to {path}. Try: jira-perms show --snapshot {path}\n")
    return 0


def _empty():
    from explorer.tui.workspace import Workspace

    return Workspace()


def _run(ws, args: argparse.Namespace) -> int:
    if not interactive():
        raise UserError("the TUI needs a terminal (stdin and stdout must be a TTY); for scripts use "
                        "jira-perms explain / who-can / matrix")
    from explorer.tui.app import JiraPermsApp
    from explorer.tui.workspace import load_keymap

    keymap, problem = load_keymap()
    notes = [problem] if problem else []
    app = JiraPermsApp(ws, keymap=keymap, theme="textual-light" if getattr(args, "light", False) else None,
                       notes=notes, colour_hint=True)
    app.run()
    return 0
