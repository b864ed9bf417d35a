"""``jira-perms whatif``: who gains and who loses what if a scheme, a role, a group or an account changed.

The change flags (``--add-grant``, ``--remove-from-role``, ... and ``--changes FILE``) are shared with
``explain``, which then answers under the changes.  Exit codes: 0 when nothing changes in effect
(including changes that are already so), 1 when something does, 2 on bad input.
Like every command module, this one imports only the standard library at the top.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from explorer.cli.change_flags import add_change_flags, parse_cli_changes
from explorer.core.errors import UserError

if TYPE_CHECKING:
    from explorer.core.model import Snapshot

EXIT_SAME, EXIT_CHANGED = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "whatif", help="who gains and who loses what if a scheme, a role, a group or an account changed",
        description="Apply proposed changes to a copy of the snapshot and show their effect: who gains or loses "
                    "which permissions where (counts first), per project, and dangerous outcomes (anyone gaining "
                    "Browse, someone gaining Administer Projects, an integration's service account losing what its "
                    "profile needs). Nothing is changed in Jira. Exit 0 when nothing changes in effect, 1 when "
                    "something does, 2 on bad input.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--snapshot", "-s", metavar="FILE", help="a snapshot file written by jira-perms")
    source.add_argument("--demo", action="store_true", help="use the bundled demo site")
    add_change_flags(p, required=True)
    p.add_argument("--format", "-f", choices=("text", "markdown", "json", "html"), default="text",
                   help="markdown is a change request for the ticket")
    p.add_argument("--title", help="the title of the Markdown change request")
    p.add_argument("--service-account", action="append", metavar='"ACCOUNT = PROFILE"', default=[],
                   help="treat ACCOUNT as the service account of an integration profile (accounts whose name or "
                        "email begins with a profile id, like backbone-sync@, are found without it)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the answer to FILE (mode 0600) instead of the screen")
    p.set_defaults(handler=cmd_whatif)


# ---------------------------------------------------------------- helpers


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def source_flags(args: argparse.Namespace) -> str:
    """The snapshot flags as typed again (for the command that proves a line)."""
    import shlex

    return "--demo" if getattr(args, "demo", False) else f"--snapshot {shlex.quote(args.snapshot or 'FILE')}"


def _service_accounts(snapshot: Snapshot, values: list[str], profiles) -> dict[str, str]:
    from explorer.core.readiness.profiles import find_profile
    from explorer.core.replay.resolve import resolve_account

    found: dict[str, str] = {}
    for value in values:
        if "=" not in value:
            raise UserError(f"--service-account {value!r}: expected \"ACCOUNT = PROFILE\", like "
                            "\"Backbone Sync = backbone\"")
        who, profile = (part.strip() for part in value.rsplit("=", 1))
        found[resolve_account(snapshot, who).account_id] = find_profile(profiles, profile).id
    return found


# ---------------------------------------------------------------- the command


def cmd_whatif(args: argparse.Namespace) -> int:
    from explorer.cli.audit_commands import load_profiles
    from explorer.cli.output import output_file
    from explorer.cli.query_commands import load_source
    from explorer.core.escape import json_visible
    from explorer.core.render.whatif import whatif_html, whatif_json, whatif_markdown, whatif_text
    from explorer.core.whatif.engine import what_if

    if not args.change_items:
        raise UserError("jira-perms whatif: give at least one change, like --remove-grant \"SCHEME: PERMISSION -> "
                        "HOLDER\" (see jira-perms whatif --help)")
    output = output_file(args.output, "whatif") if args.output else None
    snapshot = load_source(args)
    changes = parse_cli_changes(snapshot, args)
    profiles, _ = load_profiles()
    service = _service_accounts(snapshot, args.service_account, profiles)
    result = what_if(snapshot, changes, profiles=profiles, service_accounts=service)
    source = source_flags(args)
    if args.format == "json":
        text = json_visible(json.dumps(whatif_json(result), indent=2, ensure_ascii=False)) + "\n"
    elif args.format == "markdown":
        text = whatif_markdown(result, source=source, title=args.title or "")
    elif args.format == "html":
        text = whatif_html(result, source=source)
    else:
        text = whatif_text(result, source=source)
    if output is not None:
        from explorer.store.paths import write_private

        write_private(output, text.encode("utf-8"), make_parents=False)
        print(f"Wrote {output}.", file=sys.stderr)
    else:
        _out(text)
    return EXIT_CHANGED if result.changed_in_effect else EXIT_SAME
