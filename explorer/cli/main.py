"""The ``jira-perms`` command line: argument parsing, dispatch and the error contract.

Exit codes: 0 allowed / success, 1 denied, 3 cannot determine, 2 bad input (one
line on stderr, never a traceback), 130 interrupted.

Commands are declared by the modules in :data:`COMMAND_MODULES`, each with a
``register(sub)`` that adds its subparsers and sets ``handler``.  A command
module imports only the standard library and light ``explorer`` modules at the
top (no core replay, render, jira, tui, httpx, textual or rich): its handlers
import what they use.  So ``jira-perms --help`` builds every parser without
loading any of it, and each command loads only its own dependencies.  To add a
command, add a parser and a handler to the module of its kind, or write a new
module with ``register`` and add its name here.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from explorer import __version__
from explorer.core.errors import UserError

EXIT_OK = 0
EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that says where to look."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see {self.prog} --help)")


COMMAND_MODULES: tuple[str, ...] = (
    "explorer.cli.query_commands",  # explain, who-can, matrix, show, permissions
    "explorer.cli.account_commands",  # login, logout, sites, doctor
    "explorer.cli.audit_commands",  # audit, profiles
    "explorer.cli.tui_commands",  # tui, demo
    "explorer.cli.site_commands",  # sync, verify
    "explorer.cli.supply_commands",  # supply (facts Data Center does not publish)
    "explorer.cli.review_commands",  # redact, reveal, diff, report
    "explorer.cli.whatif_commands",  # whatif
)
"""The modules that declare commands, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jira-perms",
        description="Explain why a Jira account can or cannot do something, from a snapshot of the site's "
                    "permission configuration.",
        epilog="Exit codes: 0 allowed/ok, 1 denied, 3 cannot determine, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"jira-perms {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            from explorer.cli import tui_commands

            if args.command is None and tui_commands.interactive():
                return tui_commands.cmd_tui(args)  # bare `jira-perms` on a terminal opens the TUI
            parser.print_help()
            return EXIT_OK
        return int(args.handler(args))
    except UserError as error:
        _fail(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_broken_pipe()
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("JIRA_PERMS_DEBUG"):
            raise
        _fail(f"internal error ({type(error).__name__}); please report it. Run with JIRA_PERMS_DEBUG=1 for details")
        return 70


def _fail(message: str) -> None:
    line = " ".join(message.split())  # one line, whatever the message held
    if not line.startswith("jira-perms"):
        line = f"jira-perms: {line}"
    print(line, file=sys.stderr)


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def _quiet_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
