"""``jira-perms rules [TOPIC]``: the rules document (``docs/permission-rules.md``, shipped in the package) in the
terminal.  Imports only the standard library at the top, like every command module."""

from __future__ import annotations

import argparse

RESOURCE = "permission-rules.md"
"""The rules document in the package's ``explorer/data`` folder (the same file as ``docs/permission-rules.md``)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rules", help="print the rules jira-perms follows: a decision, a section, or the list of them",
        description="Print the rule book behind every answer (docs/permission-rules.md, shipped with jira-perms). "
                    "Explanations cite it as 'decision 2' or 'rules section 11'. TOPIC is a decision number "
                    "('2'), a section ('section 11', '3.2'), an anchor or link ('#decision-2'), or words of a "
                    "title ('team-managed'); without TOPIC, every decision and section is listed.")
    p.add_argument("topic", nargs="*", metavar="TOPIC", help="what to print (default: list every topic)")
    p.set_defaults(handler=cmd_rules)


def read_rules_text() -> str:
    """The shipped rules document."""
    from importlib import resources

    from explorer.core.errors import UserError

    try:
        return (resources.files("explorer") / "data" / RESOURCE).read_text(encoding="utf-8")
    except OSError:
        raise UserError(f"the rules document (explorer/data/{RESOURCE}) is missing from this installation: "
                        "reinstall jira-perms, or read docs/permission-rules.md in its repository") from None


def cmd_rules(args: argparse.Namespace) -> int:
    from explorer.cli.output import out
    from explorer.core.render.rules_doc import RulesDocument

    doc = RulesDocument(read_rules_text())
    query = " ".join(args.topic).strip()
    if not query:
        out(doc.listing())
        return 0
    found = doc.lookup(query)
    out(doc.render(found[0]) if len(found) == 1 else doc.choices(found, query))
    return 0
