"""Offline review: ``redact`` (a copy safe to share), ``reveal``, ``diff`` (what changed) and ``report`` (HTML).

Exit codes: ``diff`` 0 when nothing changed in effect, 1 when it did; the
others 0 on success; 2 on bad input (one line on stderr, nothing half-written).
``redact``, ``diff`` and ``report`` also take ``--demo`` (the bundled demo site).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.cli.options import add_snapshot_source
from explorer.cli.output import json_out, out, output_file, warn
from explorer.core.errors import UserError

if TYPE_CHECKING:
    from explorer.core.model import Account, Snapshot

EXIT_SAME, EXIT_CHANGED = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "redact", help="write a copy of a snapshot with names, emails, accountIds and groups replaced by pseudonyms",
        description="Write a redacted copy of a snapshot, safe to send to a vendor or attach to a ticket: display "
                    "names, emails, group names, issue summaries, project names and the site are replaced by stable "
                    "pseudonyms and accountIds are hashed, consistently everywhere; the permission structure is "
                    "untouched, so every answer on the copy equals the answer on the original. Pseudonyms come from "
                    "your redaction key (the one the TUI's redaction toggle uses).")
    p.add_argument("snapshot", nargs="?", metavar="SNAPSHOT", help="the snapshot file to redact")
    p.add_argument("--demo", action="store_true", help="redact the bundled demo site instead of a file")
    p.add_argument("--output", "-o", required=True, metavar="OUT", help="where to write the redacted copy")
    p.add_argument("--keep-group-names", action="store_true", help="leave group names as they are")
    p.add_argument("--key-file", metavar="FILE",
                   help="read the redaction key (at least 16 bytes) from FILE instead of your own key")
    p.add_argument("--mapping", metavar="FILE",
                   help="also write the mapping pseudonym -> original (mode 0600) for you to keep: never send it")
    p.set_defaults(handler=cmd_redact)

    p = sub.add_parser(
        "reveal", help="replace pseudonyms in a text by the originals, with a mapping written by redact",
        description="Turn a vendor's answer about a redacted snapshot back into real names: every pseudonym found "
                    "in TEXT (or standard input) is replaced by its original.")
    p.add_argument("mapping", metavar="MAPPING", help="the mapping file written by jira-perms redact --mapping")
    p.add_argument("text", nargs="*", metavar="TEXT", help="the text (default: read standard input)")
    p.set_defaults(handler=cmd_reveal)

    p = sub.add_parser(
        "diff", help="what changed between two snapshots, and who gained or lost which permissions",
        description="Compare two snapshots of a site: grants, role actors, group members, projects, schemes and the "
                    "effect (which accounts gained or lost which permissions where), widening changes first. "
                    "Give OLD and NEW, or --demo and NEW (the bundled demo site as OLD: save it with "
                    "jira-perms demo --save FILE, change a copy, compare).")
    p.add_argument("old", nargs="?", metavar="OLD", help="the older snapshot file")
    p.add_argument("new", nargs="?", metavar="NEW", help="the newer snapshot file")
    p.add_argument("--demo", action="store_true", help="use the bundled demo site as OLD (then give only NEW)")
    p.add_argument("--account", "-a", help="only this account (accountId (Data Center: username or key), email or display name)")
    p.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(handler=cmd_diff)

    p = sub.add_parser(
        "report", help="a self-contained HTML report (explanation, matrix or audit) to read, print or send",
        description="Write one HTML file with inline styles and no scripts or external assets: --account A (what "
                    "the account can do everywhere; add --permission P and --project/--issue for the full "
                    "explanation of one question), --project K (every account's permissions there), or --profile P "
                    "--account A (an integration-readiness audit).")
    add_snapshot_source(p, required=True)
    p.add_argument("--account", "-a", help="accountId (Data Center: username or key), email or display name")
    p.add_argument("--project", help="project key")
    p.add_argument("--issue", help="issue key (with --account and --permission)")
    p.add_argument("--permission", "-p", help="explain this permission (with --account and --project or --issue)")
    p.add_argument("--profile", metavar="NAME", help="audit the account against this integration profile")
    p.add_argument("--include-inactive", action="store_true", help="project report: list deactivated accounts too")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="where to write the HTML file")
    p.set_defaults(handler=cmd_report)


# ---------------------------------------------------------------- helpers


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _read_key(path: str) -> bytes:
    try:
        key = Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"the key file {path} does not exist: check the path") from None
    except OSError as e:
        raise UserError(f"cannot read the key file {path}: {e.strerror or e}") from None
    if len(key) < 16:
        raise UserError(f"the key file {path} holds {len(key)} bytes; a redaction key needs at least 16")
    return key


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


# ---------------------------------------------------------------- redact and reveal


def cmd_redact(args: argparse.Namespace) -> int:
    from explorer.core.review.redact import is_redacted, mapping_document, redact
    from explorer.store.paths import redaction_key, write_private
    from explorer.store.snapshot_file import DEMO_RESOURCE, load_demo, read_snapshot, write_snapshot

    if bool(args.snapshot) == bool(args.demo):
        raise UserError("jira-perms redact: give the SNAPSHOT file to redact, or --demo (one of them)")
    output = output_file(args.output, "redact")
    mapping = output_file(args.mapping, "redact", "--mapping") if args.mapping else None
    if args.snapshot and _same_file(args.snapshot, output):
        raise UserError("jira-perms redact: -o would overwrite the original snapshot; give another file name")
    if mapping and (_same_file(mapping, output) or (args.snapshot and _same_file(mapping, args.snapshot))):
        raise UserError("jira-perms redact: --mapping must be a file of its own (not the snapshot or the copy)")
    original = load_demo() if args.demo else read_snapshot(args.snapshot)
    if is_redacted(original):
        raise UserError(f"jira-perms redact: {args.snapshot} is already a redacted copy; redact the original "
                        "snapshot instead (pseudonyms of pseudonyms would not match the mapping)")
    key = _read_key(args.key_file) if args.key_file else redaction_key()
    # redact() searches the whole copy for every original and raises before anything is written
    result = redact(original, key, keep_group_names=args.keep_group_names)
    if mapping:  # the owner's key to the copy first: a copy without its mapping cannot be reversed
        doc = mapping_document(result, source=DEMO_RESOURCE if args.demo else Path(args.snapshot).name)
        write_private(mapping, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"),
                      make_parents=False)
    write_snapshot(result.snapshot, output)
    s = result.snapshot
    what = (f"{len(s.accounts)} accounts, {len(s.groups)} groups{' (names kept)' if args.keep_group_names else ''}, "
            f"{len(s.projects)} projects, {len(s.issues)} issues")
    out(f"Wrote the redacted copy {args.output} ({what}; {result.count} pseudonyms). Every answer on it equals the "
         "answer on the original.\n")
    if args.mapping:
        out(f"Wrote the mapping {args.mapping} (mode 0600): keep it, never send it; "
             f"jira-perms reveal {args.mapping} TEXT turns pseudonyms back into names.\n")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    from explorer.core.review.redact import mapping_from_document, reveal

    path = Path(args.mapping)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"the mapping file {path} does not exist: check the path") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not a jira-perms redaction mapping (not text)") from None
    except OSError as e:
        raise UserError(f"cannot read the mapping file {path}: {e.strerror or e}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise UserError(f"{path} is not a jira-perms redaction mapping (not JSON)") from None
    mapping = mapping_from_document(data, source=str(path))
    text = " ".join(args.text) + "\n" if args.text else sys.stdin.read()
    out(reveal(text, mapping))
    return 0


# ---------------------------------------------------------------- diff


def cmd_diff(args: argparse.Namespace) -> int:
    from explorer.core.errors import LookupFailed
    from explorer.core.render.diff import diff_json, diff_text
    from explorer.core.replay.resolve import resolve_account
    from explorer.core.review.diff import diff_snapshots
    from explorer.store.snapshot_file import load_demo, read_snapshot

    files = [name for name in (args.old, args.new) if name]
    if args.demo:
        if len(files) != 1:
            raise UserError("jira-perms diff: with --demo (the demo site as OLD) give one file, NEW")
        old, new = load_demo(), read_snapshot(files[0])
    else:
        if len(files) != 2:
            raise UserError("jira-perms diff: give two snapshot files, OLD and NEW (or --demo and NEW)")
        old, new = read_snapshot(files[0]), read_snapshot(files[1])
    account: Account | None = None
    if args.account is not None:
        try:
            account = resolve_account(new, args.account)
        except LookupFailed:
            try:
                account = resolve_account(old, args.account)
            except LookupFailed as error:
                raise UserError(f"{error} (looked in both snapshots)") from None
    diff = diff_snapshots(old, new, account=account)
    for caution in diff.cautions:  # on stderr too, so a script reading JSON or a redirected report is told
        warn(caution)
    if args.format == "json":
        json_out(diff_json(diff))
    else:
        out(diff_text(diff, markdown=args.format == "markdown"))
    return EXIT_CHANGED if diff.changed_in_effect else EXIT_SAME


# ---------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    from explorer.cli.query_commands import check_scope, load_source
    from explorer.core.render import html as html_report
    from explorer.core.replay import catalogue
    from explorer.core.replay.resolve import resolve_account
    from explorer.store.paths import write_private

    if args.profile and args.account is None:
        raise UserError("jira-perms report: --profile needs --account (the integration's account)")
    if args.permission and args.account is None:
        raise UserError("jira-perms report: --permission needs --account (whose permission to explain)")
    if args.account is None and not args.project:
        raise UserError("jira-perms report: give --account A, --project K, or --profile P --account A")
    if args.issue and not args.permission:
        raise UserError("jira-perms report: --issue needs --account and --permission")
    if args.account is not None and args.project and not (args.permission or args.profile):
        raise UserError("jira-perms report: with --account, --project needs --permission (explain one question) or "
                        "--profile (audit); drop --account for the project's matrix")
    if args.profile and args.permission:
        raise UserError("jira-perms report: give either --profile or --permission, not both")
    output = output_file(args.output, "report")
    snapshot = load_source(args)
    if args.profile:
        page = _audit_page(snapshot, args)
    elif args.account is not None:
        account = resolve_account(snapshot, args.account)
        explanation = None
        if args.permission:
            from explorer.core.replay.fixes import explain

            permission = catalogue.resolve_permission(args.permission)
            check_scope(args, permission)
            explanation = explain(snapshot, account, permission, args.project, args.issue)
        page = html_report.account_report(snapshot, account, explanation=explanation)
    else:
        page = html_report.project_report(snapshot, args.project, include_inactive=args.include_inactive)
    data = page.encode("utf-8")
    write_private(output, data, make_parents=False)
    out(f"Wrote {output} ({_size(len(data))}, one self-contained file): open it in a browser, or print it to PDF.\n")
    return 0


def _audit_page(snapshot: Snapshot, args: argparse.Namespace) -> str:
    from explorer.cli.audit_commands import load_profiles
    from explorer.core.readiness.audit import Auditor
    from explorer.core.readiness.profiles import find_profile
    from explorer.core.render import html as html_report
    from explorer.core.replay.resolve import resolve_account

    profiles, _ = load_profiles()
    profile = find_profile(profiles, args.profile)
    account = resolve_account(snapshot, args.account)
    if account.is_anonymous:
        raise UserError("jira-perms report: an integration authenticates as an account; give its accountId, email "
                        "or display name, not 'anonymous'")
    projects = [args.project] if args.project else None
    report = Auditor(snapshot, account).audit(profile, projects=projects)
    return html_report.audit_report(snapshot, report)
