"""The ``jira-perms`` command line: argument parsing, dispatch and the error contract.

Exit codes: 0 allowed / success, 1 denied, 3 cannot determine, 2 bad input (one
line on stderr, never a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
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


def build_parser() -> argparse.ArgumentParser:
    from explorer.cli import account_commands, audit_commands, query_commands, site_commands, tui_commands

    parser = _Parser(
        prog="jira-perms",
        description="Explain why a Jira account can or cannot do something, from a snapshot of the site's "
                    "permission configuration.",
        epilog="Exit codes: 0 allowed/ok, 1 denied, 3 cannot determine, 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"jira-perms {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    query_commands.register(sub)
    account_commands.register(sub)
    audit_commands.register(sub)
    tui_commands.register(sub)
    site_commands.register(sub)
    from explorer.cli import review_commands

    review_commands.register(sub)
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
