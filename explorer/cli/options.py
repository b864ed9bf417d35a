"""How every command reads its options, the same way everywhere.

* A single-valued option (``--account``, ``--project``, ``--format``, ...) is
  given at most once: a repeat is refused, never silently replaced by the last
  one. Its value is trimmed (``--project " ENG "`` is ``ENG``) and may not be
  empty (an empty account name is left to the account lookup, which says so).
  :class:`Once` is the parser's default action, so every command gets it.
* A list option (``matrix -p``, ``audit --project``, ``audit --feature``) is
  repeatable and takes commas: ``-p EDIT_ISSUES,BROWSE_PROJECTS -p ASSIGN_ISSUES``.
  Use ``action=ListOption``.
* An unknown option is named without its value (``--bogus=…``): a value typed
  there may be a secret.
"""

from __future__ import annotations

import argparse
import re

_SEEN = "_options_seen"
_NAMED_BY_THE_CORE = frozenset({"account"})
"""Options whose empty value the core's lookup explains itself ("the account name is empty: give ...")."""


class Once(argparse.Action):
    """Store one trimmed value; refuse a second occurrence or an empty value."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        if option_string is not None:
            seen: set[str] = namespace.__dict__.setdefault(_SEEN, set())
            if self.dest in seen:
                raise argparse.ArgumentError(self, "given more than once: give it once")
            seen.add(self.dest)
            if isinstance(values, str):
                values = values.strip()
                if not values and self.dest not in _NAMED_BY_THE_CORE:
                    raise argparse.ArgumentError(self, "is empty: give a value")
        setattr(namespace, self.dest, values)


class ListOption(argparse.Action):
    """A repeatable option whose values may also be separated by commas: trimmed, empty parts dropped, each once."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        items = list(getattr(namespace, self.dest, None) or [])
        parts = [part.strip() for part in str(values).split(",")]
        if not any(parts):
            raise argparse.ArgumentError(self, "is empty: give a value (or several, separated by commas)")
        for part in parts:
            if part and part not in items:
                items.append(part)
        setattr(namespace, self.dest, items)


def add_snapshot_source(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    """``--snapshot FILE``, ``--demo`` or ``--demo-dc``: where a command reads its snapshot."""
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--snapshot", "-s", metavar="FILE", help="a snapshot file written by jira-perms")
    group.add_argument("--demo", action="store_true", help="use the bundled demo site")
    group.add_argument("--demo-dc", action="store_true", help="use the bundled Data Center demo site")


def install(parser: argparse.ArgumentParser) -> None:
    """Make :class:`Once` the default action of ``parser`` and of every group and subparser built like it."""
    parser.register("action", None, Once)
    parser.register("action", "store", Once)


_VALUE = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)=\S+")


def mask_values(message: str) -> str:
    """``--opt=value`` in an error message shown as ``--opt=…``."""
    return _VALUE.sub(r"\1=…", message)


def unknown_arguments(extras: list[str]) -> str:
    """Name unknown options without their values, and count stray words without showing them."""
    options = []
    for token in extras:
        if token.startswith("--"):
            name = token.split("=", 1)[0]
            options.append(f"{name}=…" if "=" in token else name)
        elif token.startswith("-") and len(token) > 1 and not token[1].isdigit():
            options.append(token[:2] + ("…" if len(token) > 2 else ""))
    strays = len(extras) - len(options)
    parts = []
    if options:
        parts.append(f"unknown option{'s' if len(options) != 1 else ''} {', '.join(dict.fromkeys(options))}")
    if strays:
        parts.append(f"{strays} unexpected argument{'s' if strays != 1 else ''}")
    return " and ".join(parts) + " (values not shown: one may be a secret)"
