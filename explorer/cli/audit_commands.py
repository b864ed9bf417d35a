"""Commands for integration readiness: ``audit`` and ``profiles``.

``audit`` exits 0 when the account is ready everywhere asked, 1 when it is not,
3 when the snapshot cannot tell, 2 on bad input.  With ``--all-profiles`` it
exits with the code of the best-fitting profile's audit.
"""

from __future__ import annotations

import argparse

from explorer.cli.options import ListOption, add_snapshot_source
from explorer.cli.output import json_out, out, warn
from explorer.core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit", help="is an integration's service account ready in every project, and what is missing?",
        description="Check an account against an integration profile (what the vendor's setup guide asks for), "
                    "project by project: each requirement met, missing (with the failing check and the smallest "
                    "fix) or undeterminable, and what the account holds beyond the profile (least privilege).")
    add_snapshot_source(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--profile", metavar="NAME", help="profile id or name (jira-perms profiles lists them)")
    which.add_argument("--all-profiles", action="store_true",
                       help="audit every profile and rank them by how well the account fits")
    p.add_argument("--account", "-a", required=True, help="accountId (Data Center: username or key), email or display name")
    p.add_argument("--project", action=ListOption, metavar="KEY",
                   help="audit only this project (repeatable; commas allowed); default: every unarchived project")
    p.add_argument("--feature", action=ListOption, metavar="F",
                   help="audit only this feature of the profile (repeatable; commas allowed; 'all' includes the "
                        "optional ones)")
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser(
        "profiles", help="list integration profiles, show one, or check a profile file you wrote",
        description="Integration profiles are TOML files: the shipped ones, and yours in <config dir>/profiles/*.toml "
                    "(a file with a shipped profile's name replaces it).")
    p.add_argument("name", nargs="?", help="show this profile's features and requirements")
    p.add_argument("--check", metavar="FILE", help="validate a profile file; exit 0 when usable, 2 with the error")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_profiles)


def load_profiles(warn_broken: bool = True):
    """The shipped and the user's profiles; each unusable file is one warning line on stderr."""
    from explorer.store.profiles import all_profiles

    profiles, broken = all_profiles()
    if warn_broken:
        for bad in broken:
            warn(f"skipped profile {bad.error}")
    return profiles, broken


def cmd_audit(args: argparse.Namespace) -> int:
    from explorer.cli.query_commands import load_source
    from explorer.core.readiness.audit import Auditor
    from explorer.core.readiness.fit import rank_profiles
    from explorer.core.readiness.profiles import find_profile
    from explorer.core.render.audit import audit_json, audit_markdown, audit_text, fits_json, fits_text
    from explorer.core.replay.resolve import resolve_account

    projects = args.project or []
    features = args.feature or []
    if args.all_profiles and features:
        raise UserError("jira-perms audit: --feature needs --profile (each profile has its own features)")
    profiles, _ = load_profiles()
    profile = None if args.all_profiles else find_profile(profiles, args.profile)
    snapshot = load_source(args)
    account = resolve_account(snapshot, args.account)
    if account.is_anonymous:
        raise UserError("jira-perms audit: an integration authenticates as an account; give its accountId, email "
                        "or display name, not 'anonymous'")
    if args.all_profiles:
        result = rank_profiles(snapshot, profiles, account, projects=projects or None)
        if args.format == "json":
            json_out(fits_json(result))
        else:
            out(fits_text(result, markdown=args.format == "markdown"))
        return result.best.report.readiness.exit_code if result.best else 0
    assert profile is not None
    report = Auditor(snapshot, account).audit(profile, projects=projects or None, features=features or None)
    if args.format == "json":
        json_out(audit_json(report))
    elif args.format == "markdown":
        out(audit_markdown(report))
    else:
        out(audit_text(report))
    return report.readiness.exit_code


def cmd_profiles(args: argparse.Namespace) -> int:
    from explorer.core.readiness.profiles import find_profile
    from explorer.core.render.audit import profile_detail_text, profile_summary_json
    from explorer.store.profiles import read_profile_file, user_profiles_dir

    if args.check:
        if args.name:
            raise UserError("jira-perms profiles: give either a NAME to show or --check FILE, not both")
        profile = read_profile_file(args.check)
        count = sum(len(f.requirements) for f in profile.features)
        if args.format == "json":
            json_out({"ok": True, "file": args.check, "profile": profile_summary_json(profile)})
        else:
            out(f"{args.check}: OK: profile {profile.id} ({profile.name}), {len(profile.features)} features, "
                 f"{count} requirements. Copy it to {user_profiles_dir()} to use it.\n")
        return 0
    profiles, broken = load_profiles(warn_broken=False)
    if args.name:
        profile = find_profile(profiles, args.name)
        if args.format == "json":
            json_out(profile_summary_json(profile))
        else:
            out(profile_detail_text(profile))
        return 0
    if args.format == "json":
        json_out({"profiles": [profile_summary_json(p) for p in profiles],
               "userFolder": str(user_profiles_dir()),
               "broken": [{"file": str(b.path), "error": b.error} for b in broken]})
        return 0
    lines = ["Integration profiles (jira-perms audit --profile ID --account A)", ""]
    width = max((len(p.id) for p in profiles), default=10)
    for p in profiles:
        origin = "shipped" if p.origin == "shipped" else "yours" + (", replaces shipped" if p.overrides_shipped else "")
        reqs = sum(len(f.requirements) for f in p.features)
        features = ", ".join(f.id + ("?" if f.optional else "") for f in p.features)
        lines.append(f"  {p.id:<{width}}  {p.display} [{origin}]")
        lines.append(f"  {'':<{width}}  {reqs} requirements; features: {features}")
    lines.append("")
    lines.append("? = optional feature, audited only with --feature. Details: jira-perms profiles ID.")
    lines.append(f"Your own profiles: {user_profiles_dir()}/*.toml (check one with jira-perms profiles --check FILE).")
    for bad in broken:
        lines.append(f"  ! unusable: {bad.error}")
    out("\n".join(lines) + "\n")
    return 0
