"""Commands that answer questions from a snapshot: explain, who-can, matrix, show, permissions.

Like every command module, this one imports only the standard library at the top; each handler imports the
core modules it uses, so ``--help`` and other commands do not pay for them (see ``explorer.cli.main``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from explorer.cli import change_flags
from explorer.cli.options import ListOption, add_snapshot_source
from explorer.cli.output import json_out, out
from explorer.core.errors import UserError

if TYPE_CHECKING:
    from explorer.core.model import Snapshot
    from explorer.core.replay.explanation import Verdict


def exit_code(verdict: Verdict) -> int:
    """The documented exit code of a verdict: 0 allowed, 1 denied, 3 cannot determine."""
    from explorer.core.replay.explanation import Verdict

    return {Verdict.ALLOWED: 0, Verdict.DENIED: 1, Verdict.UNKNOWN: 3}[verdict]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="why an account can or cannot do something, with the proof and fixes",
                       description="Replay Jira's permission check for one account, one permission and one project "
                                   "or issue (or a global permission on the site), with the proof, the smallest "
                                   "fixes and the rules it relied on (jira-perms rules prints them).")
    add_snapshot_source(p)
    p.add_argument("--account", "-a", required=True,
                   help="accountId (Data Center: username or key), email or display name; 'anonymous' for a logged-out visitor")
    p.add_argument("--permission", "-p", required=True, help="key (EDIT_ISSUES) or name ('edit issues')")
    _scope(p, required=False)
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--no-fixes", action="store_true", help="skip the search for fixes")
    change_flags.add_change_flags(p)
    p.set_defaults(handler=cmd_explain)

    p = sub.add_parser("who-can", help="every account that has a permission in a project or on an issue",
                       description="List every account (and the anonymous visitor) that has the permission, "
                                   "each with how it gets it, then every account whose answer cannot be determined "
                                   "and the fact the snapshot lacks for it.")
    add_snapshot_source(p)
    p.add_argument("--permission", "-p", required=True, help="key (EDIT_ISSUES) or name ('edit issues')")
    _scope(p, required=False)
    p.add_argument("--include-inactive", action="store_true", help="also evaluate deactivated accounts")
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(handler=cmd_who_can)

    p = sub.add_parser("matrix", help="an account's permissions in every project, or every account's in a project",
                       description="A table of verdicts: ✓ allowed, · denied, ? cannot determine (the legend names "
                                   "the facts the snapshot lacks; --why gives the reason for every ? cell). CSV "
                                   "cells are escaped so that a spreadsheet shows them as text.")
    add_snapshot_source(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", "-a", help="accountId (Data Center: username or key), email or display name")
    which.add_argument("--project", help="project key")
    p.add_argument("--permission", "-p", action=ListOption, metavar="P",
                   help="limit to these permissions (repeatable; commas allowed)")
    p.add_argument("--why", action="store_true", help="say why each ? cell cannot be determined (text and json)")
    p.add_argument("--format", "-f", choices=("text", "json", "csv"), default="text")
    p.set_defaults(handler=cmd_matrix)

    p = sub.add_parser("show", help="summarise a snapshot: site, date, counts and gaps")
    add_snapshot_source(p)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("permissions", help="list the project and global permissions jira-perms knows")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_permissions)


def _scope(p: argparse.ArgumentParser, required: bool = True) -> None:
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--project", help="project key")
    group.add_argument("--issue", help="issue key (must be in the snapshot: jira-perms sync --issue KEY)")


def load_source(args: argparse.Namespace) -> Snapshot:
    """The snapshot named by --snapshot, --demo or --demo-dc."""
    from explorer.store.snapshot_file import load_demo, read_snapshot

    if getattr(args, "demo", False):
        return load_demo()
    if getattr(args, "demo_dc", False):
        return load_demo(data_center=True)
    if getattr(args, "snapshot", None):
        return read_snapshot(args.snapshot)
    raise UserError(f"jira-perms {args.command}: give --snapshot FILE or --demo (--demo-dc for the Data Center demo)")


def check_scope(args: argparse.Namespace, permission: str) -> None:
    """A project permission needs --project or --issue; a global one takes neither (refused, never ignored)."""
    from explorer.core.replay import catalogue

    name = catalogue.display_name(permission)
    given = "--project" if getattr(args, "project", None) else "--issue" if getattr(args, "issue", None) else None
    if catalogue.is_global_permission(permission) and not catalogue.is_project_permission(permission):
        if given:
            raise UserError(f"{name} is a global permission: it holds on the whole site, so {given} does not apply; "
                            f"drop {given}")
    elif given is None:
        raise UserError(f"{name} is a project permission: give --project KEY or --issue KEY")


def cmd_explain(args: argparse.Namespace) -> int:
    from explorer.core.render.explain import explanation_json, explanation_markdown, explanation_text
    from explorer.core.replay import catalogue
    from explorer.core.replay.fixes import explain
    from explorer.core.replay.resolve import resolve_account

    snapshot, proposed = change_flags.under_changes(load_source(args), args)
    permission = catalogue.resolve_permission(args.permission)
    account = resolve_account(snapshot, args.account)
    check_scope(args, permission)
    result = explain(snapshot, account, permission, args.project, args.issue, with_fixes=not args.no_fixes)
    preamble = ""
    if proposed:
        from explorer.core.render.whatif import outcomes_json, proposed_preamble

        preamble = proposed_preamble(proposed, args.format)
    if args.format == "json":
        data = explanation_json(result, snapshot)
        json_out({**data, "whatIf": outcomes_json(proposed)} if proposed else data)
    elif args.format == "markdown":
        out(preamble + explanation_markdown(result, snapshot))
    else:
        out(preamble + explanation_text(result, snapshot))
    return exit_code(result.verdict)


def cmd_who_can(args: argparse.Namespace) -> int:
    from explorer.core.render.tables import who_can_json, who_can_text
    from explorer.core.replay import catalogue
    from explorer.core.replay.queries import who_can

    snapshot = load_source(args)
    permission = catalogue.resolve_permission(args.permission)
    check_scope(args, permission)
    result = who_can(snapshot, permission, args.project, args.issue, include_inactive=args.include_inactive)
    if args.format == "json":
        json_out(who_can_json(result))
    else:
        out(who_can_text(result, markdown=args.format == "markdown"))
    return 3 if result.undetermined else 0


def cmd_matrix(args: argparse.Namespace) -> int:
    from explorer.core.render.tables import UNDETERMINED_DETAIL, matrix_csv, matrix_json, matrix_text, unknown_cells
    from explorer.core.replay import catalogue
    from explorer.core.replay.queries import account_matrix, project_matrix
    from explorer.core.replay.resolve import resolve_account

    if args.why and args.format == "csv":
        raise UserError("jira-perms matrix: --why works with --format text or json (CSV cells hold verdicts only)")
    snapshot = load_source(args)
    permissions = [catalogue.resolve_permission(p) for p in args.permission] if args.permission else None
    if permissions and any(not catalogue.is_project_permission(p) for p in permissions):
        raise UserError("matrix covers project permissions; ask global ones with jira-perms explain")
    if args.account is not None:
        account = resolve_account(snapshot, args.account)
        matrix, subject = account_matrix(snapshot, account, permissions), account
    else:
        matrix, subject = project_matrix(snapshot, args.project, permissions), args.project
    unknown = unknown_cells(snapshot, matrix, subject, limit=None if args.why else UNDETERMINED_DETAIL)
    if args.format == "json":
        json_out(matrix_json(matrix, unknown, why=args.why))
    elif args.format == "csv":
        out(matrix_csv(matrix))
    else:
        out(matrix_text(matrix, unknown, why=args.why))
    return 3 if unknown else 0


def cmd_show(args: argparse.Namespace) -> int:
    from explorer.core.render.summary import snapshot_summary, snapshot_summary_text

    snapshot = load_source(args)
    if args.format == "json":
        json_out(snapshot_summary(snapshot))
    else:
        out(snapshot_summary_text(snapshot))
    return 0


def cmd_permissions(args: argparse.Namespace) -> int:
    from explorer.core.replay import catalogue

    if args.format == "json":
        json_out({
            "project": [{"key": p.key, "name": p.name, "meaning": p.meaning, "category": p.category,
                         "workflowShortName": p.short_name, "browseRequired": p.browse_required,
                         "access": p.access.value, "viewOnly": p.view_only} for p in catalogue.PROJECT_PERMISSIONS],
            "global": [{"key": g.key, "name": g.name, "meaning": g.meaning, "cloud": g.cloud,
                        "dataCenter": g.data_center} for g in catalogue.GLOBAL_PERMISSIONS],
        })
        return 0
    lines = ["Project permissions (B = needs Browse Projects; access: site, jira, jsm)", ""]
    category = None
    for p in catalogue.PROJECT_PERMISSIONS:
        if p.category != category:
            category = p.category
            lines.append(f"{category}")
        short = f"jira.permission.{p.short_name}" if p.short_name else ""
        lines.append(f"  {p.key:<26} {p.name:<26} {'B' if p.browse_required else ' '} {p.access.value:<5} {short}")
    lines += ["", "Global permissions", ""]
    for g in catalogue.GLOBAL_PERMISSIONS:
        where = "Cloud and DC" if g.cloud and g.data_center else "Cloud only" if g.cloud else "Data Center only"
        lines.append(f"  {g.key:<34} {g.name:<34} {where}")
    out("\n".join(lines) + "\n")
    return 0
