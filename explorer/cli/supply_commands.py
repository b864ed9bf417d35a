"""``jira-perms supply``: add the facts Jira Data Center's REST API does not publish, filled in by hand.

``--template FILE`` writes the form for a snapshot (every missing fact listed,
commented out); ``supply --snapshot SNAP FORM -o OUT`` merges the filled form
into a new snapshot file.  The form's format is in docs/data-center.md.  Exit 0
on success, 2 on bad input (one line; nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from explorer.core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "supply", help="add what Jira Data Center's REST API does not publish, from a form filled in by hand",
        description="Jira Data Center's REST API does not publish who holds the global permissions, the members of "
                    "issue security levels, workflow status properties or which groups are nested in which; the "
                    "sync records them as gaps. --template FILE writes a form listing what the snapshot lacks (every "
                    "line commented out: fill in and uncomment what you read on Jira's admin pages); FORM -o OUT "
                    "merges a filled form into a new snapshot file, each fact marked 'supplied by hand'. "
                    "jira-perms sync --supply FORM does the same at sync time.")
    p.add_argument("--snapshot", "-s", metavar="FILE", required=True, help="the snapshot the form is about")
    p.add_argument("form", nargs="?", metavar="FORM", help="the filled-in form (TOML) to merge")
    p.add_argument("--template", metavar="FILE", help="write the form to fill in to FILE ('-' for standard output)")
    p.add_argument("--output", "-o", metavar="OUT", help="where to write the completed snapshot (a new file)")
    p.set_defaults(handler=cmd_supply)


def cmd_supply(args: argparse.Namespace) -> int:
    from explorer.store.snapshot_file import read_snapshot, write_snapshot

    if (args.template is None) == (args.form is None):
        raise UserError("jira-perms supply: give --template FILE to write the form, or FORM -o OUT to merge one")
    snapshot = read_snapshot(args.snapshot)
    if args.template is not None:
        return _write_template(snapshot, args.template, args.snapshot)
    if not args.output:
        raise UserError("jira-perms supply: give -o OUT, the new snapshot file to write (the original is kept)")
    output = Path(args.output)
    if output.resolve() == Path(args.snapshot).resolve():
        raise UserError("jira-perms supply: -o must name a new file; the synced snapshot is kept as it is")
    from explorer.store.supplied import supply_file

    merged = supply_file(snapshot, args.form)
    write_snapshot(merged.snapshot, output)
    lines = [f"Wrote {output}: supplied by hand from {Path(args.form).name}:"]
    lines += [f"  - {line}" for line in merged.completed]
    lines += [f"warning: {line}" for line in merged.warnings]
    left = merged.snapshot.gaps
    lines.append(f"Still missing: {len(left)} fact{'s' if len(left) != 1 else ''} (jira-perms show lists them)"
                 if left else "No gaps left.")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _write_template(snapshot, target: str, source: str) -> int:
    from explorer.store.paths import write_private
    from explorer.store.supplied import template

    text = template(snapshot)
    sections = sum(1 for line in text.splitlines() if line.startswith("# ["))
    if not sections:
        raise UserError(f"jira-perms supply: {source} lacks nothing a form could supply (no global permission "
                        "holders, security level members, status properties or group nesting are missing)")
    if target == "-":
        sys.stdout.write(text)
        return 0
    path = Path(target)
    if path.exists():
        raise UserError(f"jira-perms supply: {path} exists; the template is written only to a new file "
                        "(it would replace a form you may have filled in)")
    write_private(path, text.encode("utf-8"), make_parents=False)
    sys.stdout.write(f"Wrote the form {path} ({sections} section{'s' if sections != 1 else ''} to fill in from "
                     f"Jira's admin pages); then: jira-perms supply --snapshot {source} {path} -o OUT\n")
    return 0
