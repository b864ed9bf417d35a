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
from explorer.cli import options
from explorer.cli.output import visible_stdout
from explorer.core.errors import UserError
from explorer.core.escape import visible

EXIT_OK = 0
EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that says where to look, a single-valued option is given at most
    once (:class:`~explorer.cli.options.Once`), and the value of an unknown option is never echoed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        options.install(self)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {options.mask_values(message)} (see {self.prog} --help)")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            prog = f"{self.prog} {parsed.command}" if getattr(parsed, "command", None) else self.prog
            raise UserError(f"{prog}: {options.unknown_arguments(extras)} (see {prog} --help)")
        return parsed


COMMAND_MODULES: tuple[str, ...] = (
    "explorer.cli.query_commands",  # explain, who-can, matrix, show, permissions
    "explorer.cli.account_commands",  # login, logout, sites, doctor
    "explorer.cli.audit_commands",  # audit, profiles
    "explorer.cli.tui_commands",  # tui, demo
    "explorer.cli.site_commands",  # sync, verify
    "explorer.cli.supply_commands",  # supply (facts Data Center does not publish)
    "explorer.cli.review_commands",  # redact, reveal, diff, report
    "explorer.cli.whatif_commands",  # whatif
    "explorer.cli.rules_commands",  # rules
)
"""The modules that declare commands, in the order ``--help`` lists them."""

EXIT_CODES: dict[str, str] = {
    "explain": "0 allowed, 1 denied, 3 cannot determine (the snapshot lacks a fact; it is named), 2 bad input",
    "who-can": "0 every account's answer is known, 3 some accounts cannot be determined (listed with the "
               "missing fact), 2 bad input",
    "matrix": "0 every cell is known, 3 some cells cannot be determined (?; --why says why), 2 bad input",
    "show": "0 shown, 2 bad input",
    "permissions": "0 listed, 2 bad input",
    "login": "0 signed in (and the token stored), 2 bad input or the sign-in failed",
    "logout": "0 done (also when no token was stored), 2 bad input",
    "sites": "0 listed, 2 bad input (an unreadable config file)",
    "doctor": "0 every configured site is ready, 2 any is not",
    "audit": "0 ready everywhere asked, 1 not ready somewhere, 3 cannot determine, 2 bad input; with "
             "--all-profiles, the best-fitting profile's code",
    "profiles": "0 listed or shown (--check: the file is usable), 2 bad input or an unusable profile file",
    "tui": "0 closed, 2 no terminal or bad input",
    "demo": "0 closed (or the file written with --save), 2 no terminal or bad input",
    "sync": "0 the snapshot was written (facts it could not read are recorded in it as gaps), 2 bad input or "
            "the sync failed (nothing written)",
    "verify": "0 Jira agrees with the replay, 1 a disagreement, 3 the replay could not determine, 2 error",
    "redact": "0 the copy was written, 2 bad input (nothing written)",
    "reveal": "0 revealed, 2 bad input",
    "diff": "0 nothing changed in effect, 1 some access changed, 2 bad input",
    "report": "0 the report was written, 2 bad input (nothing written)",
    "supply": "0 the form or the completed snapshot was written, 2 bad input (nothing written)",
    "whatif": "0 nothing changes in effect (also changes that are already so), 1 something does, 2 bad input",
    "rules": "0 printed, 2 no rule matches",
}
"""Each command's exit codes, shown at the end of its ``--help`` (130: interrupted, for every command)."""


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
    for name, command in sub.choices.items():
        codes = EXIT_CODES.get(name, "0 success, 2 bad input")  # a test holds that every command is listed
        command.epilog = f"Exit codes: {codes}."
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
        if getattr(args, "raw_stdout", False):  # the TUI draws on the terminal itself
            return int(args.handler(args))
        with visible_stdout():
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
    line = visible(" ".join(message.split()), one_line=True)  # one line, nothing a terminal could act on
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
