"""The groups and products a site's configuration names, and which of them Jira reported missing.

A group (or product) that a grant, a role, a security level, a status property or a
field names, but that the snapshot does not hold, is "not fetched" and answers
depending on it say "cannot determine" (decision 10) -- unless a completeness
record says Jira reported it missing (status ``not_found``).  The sync writes those
records with :func:`reported_missing` when it read the whole group or product list
and the name was not in it.
"""

from __future__ import annotations

from explorer.core.model import Fact, FactKind, Holder, Snapshot, Status
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.rules import property_type


def _holders(snap: Snapshot):
    for scheme in snap.permission_schemes:
        for grant in scheme.grants:
            yield grant.holder
    for security in snap.issue_security_schemes:
        for level in security.levels:
            yield from level.members
    for workflow in snap.workflows:
        for status in workflow.statuses:
            for key, value in status.properties.items():
                ptype = property_type(key) if key.startswith("jira.permission.") else None
                if ptype is not None:
                    yield Holder(ptype, value)


def referenced_groups(snap: Snapshot) -> set[str]:
    """Every group name the configuration uses (by name; a holder naming a known group id counts as that group)."""
    by_id = {g.group_id: g.name for g in snap.groups if g.group_id}
    found: set[str] = set()
    for holder in _holders(snap):
        if canonical_type(holder.type) == "group":
            found.add(by_id.get(holder.value or "") or holder.parameter or holder.value or "")
    for project in snap.projects:
        for actors in project.role_actors.values():
            found.update(actors.groups)
    for role in snap.application_roles:
        found.update(role.groups)
    found.update(g.group for g in snap.global_grants if g.group)
    for issue in snap.issues:
        for values in issue.group_fields.values():
            found.update(values)
    found.discard("")
    return found


def referenced_products(snap: Snapshot) -> set[str]:
    """Every product key an application-access holder names."""
    return {h.parameter for h in _holders(snap) if canonical_type(h.type) == "applicationRole" and h.parameter}


def reported_missing(snap: Snapshot, group_endpoint: str = "", product_endpoint: str = "") -> list[Fact]:
    """``not_found`` records for the groups and products the configuration names but a complete list lacks.

    A list counts as complete when a record says so (or, without a record, when it holds
    something).  Names that already have a record keep it.
    """
    recorded = {f.key: f for f in snap.facts}
    out: list[Fact] = []
    lists = (  # (the list's kind, what it holds, what is named, the kind of one entry, endpoint, detail)
        (FactKind.GROUPS, {g.name for g in snap.groups}, referenced_groups(snap), FactKind.GROUP_MEMBERS,
         group_endpoint, "not in the site's group list"),
        (FactKind.APPLICATION_ROLES, {r.key for r in snap.application_roles}, referenced_products(snap),
         FactKind.APPLICATION_ROLES, product_endpoint, "not among the site's products"),
    )
    for kind, held, named, entry, endpoint, detail in lists:
        fact = recorded.get((kind, None))  # read whole: recorded so, or present with no record
        if not (fact.status is Status.COMPLETE if fact is not None else bool(held)):
            continue
        out += [Fact(entry, name, Status.NOT_FOUND, endpoint, detail) for name in sorted(named - held)
                if (entry, name) not in recorded]
    return out
