"""The redaction of each section of a snapshot, one function per section.

Each function takes the original snapshot and the :class:`~.names.Names` of its
originals and returns the section as redacted.  Free text that only describes
(scheme, role and level descriptions) is removed; names Jira fixes are kept;
every other string is a pseudonym or scrubbed.  A new section of the model gets
a function here and a line in :data:`SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from explorer.core.model import AccountType, Fact, FactKind, Issue, Snapshot, frozen_map
from explorer.core.review.redact.names import (
    ISSUE_TYPE,
    LEVEL,
    PRODUCT,
    ROLE,
    SCHEME,
    SECURITY_SCHEME,
    STATUS,
    WORKFLOW,
    WORKFLOW_SCHEME,
    Names,
)

REDACTED_NOTE = "Redacted copy (jira-perms redact): names, emails, accountIds{groups}, project keys and names, " \
                "issue summaries, site-defined names and the site are pseudonyms; descriptions are removed; " \
                "permission structure is unchanged."

_PROJECT_FACTS = frozenset({FactKind.PROJECT_PERMISSION_SCHEME, FactKind.PROJECT_ROLES,
                            FactKind.PROJECT_ISSUE_SECURITY, FactKind.PROJECT_WORKFLOWS, FactKind.TEAM_ROLES})


def accounts(s: Snapshot, n: Names) -> dict[str, Any]:
    redacted = tuple(
        a if a.account_type is AccountType.ANONYMOUS else
        replace(a, account_id=n.aid(a.account_id) or a.account_id, display_name=n.person(a), email=n.email(a.email),
                username=n.username(a.username))
        for a in s.accounts)
    return {"accounts": redacted}


def groups(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"groups": tuple(replace(g, name=n.group(g.name) or g.name, group_id=n.group_id(g.group_id) or "",
                                    members=n.aids(g.members), subgroups=n.groups(g.subgroups)) for g in s.groups)}


def products(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"application_roles": tuple(
        replace(r, name=n.label(PRODUCT, r.name), groups=n.groups(r.groups), default_groups=n.groups(r.default_groups))
        for r in s.application_roles)}


def projects(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"projects": tuple(
        replace(
            p,
            key=n.project_key(p.key) or p.key,
            name=n.project_name(p.key, p.name),
            lead=n.aid(p.lead),
            role_actors=frozen_map({
                role_id: replace(actors, users=n.aids(actors.users), groups=n.groups(actors.groups))
                for role_id, actors in p.role_actors.items()
            }),
            team_roles=tuple(replace(r, name=n.label(ROLE, r.name)) for r in p.team_roles),
        )
        for p in s.projects)}


def permission_schemes(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"permission_schemes": tuple(
        replace(sc, name=n.label(SCHEME, sc.name), description="",
                grants=tuple(replace(g, holder=n.holder(g.holder)) for g in sc.grants))
        for sc in s.permission_schemes)}


def roles(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"roles": tuple(replace(r, name=n.label(ROLE, r.name), description="") for r in s.roles)}


def issue_security(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"issue_security_schemes": tuple(
        replace(sc, name=n.label(SECURITY_SCHEME, sc.name), levels=tuple(
            replace(lv, name=n.label(LEVEL, lv.name), description="", members=tuple(n.holder(h) for h in lv.members))
            for lv in sc.levels))
        for sc in s.issue_security_schemes)}


def workflows(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"workflows": tuple(
        replace(w, name=n.label(WORKFLOW, w.name), statuses=tuple(
            replace(st, name=n.label(STATUS, st.name), properties=frozen_map(n.status_properties(st.properties)))
            for st in w.statuses))
        for w in s.workflows)}


def workflow_schemes(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"workflow_schemes": tuple(
        replace(ws, name=n.label(WORKFLOW_SCHEME, ws.name), default_workflow=n.label(WORKFLOW, ws.default_workflow),
                issue_type_workflows=frozen_map({t: n.label(WORKFLOW, w) for t, w in ws.issue_type_workflows.items()}))
        for ws in s.workflow_schemes)}


def _issue(i: Issue, n: Names) -> Issue:
    return replace(
        i,
        key=n.issue_key(i.key) or i.key,
        project_key=n.project_key(i.project_key) or i.project_key,
        parent_key=n.issue_key(i.parent_key),
        issue_type=replace(i.issue_type, name=n.label(ISSUE_TYPE, i.issue_type.name)),
        status_name=n.label(STATUS, i.status_name),
        reporter=n.aid(i.reporter),
        assignee=n.aid(i.assignee),
        user_fields=frozen_map({k: n.aids(v) for k, v in i.user_fields.items()}),
        group_fields=frozen_map({k: n.groups(v) for k, v in i.group_fields.items()}),
        summary=n.summary(i.summary),
    )


def issues(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"issues": tuple(_issue(i, n) for i in s.issues)}


def global_permissions(s: Snapshot, n: Names) -> dict[str, Any]:
    return {
        "global_grants": tuple(replace(g, group=n.group(g.group)) for g in s.global_grants),
        "account_global_permissions": frozen_map({n.aid(k) or k: v for k, v in s.account_global_permissions.items()}),
    }


def _fact(f: Fact, n: Names) -> Fact:
    subject = f.subject
    if subject:
        if f.kind is FactKind.GROUP_MEMBERS:
            subject = n.group(subject)
        elif f.kind is FactKind.GLOBAL_PERMISSIONS:
            subject = n.aid(subject)
        elif f.kind in _PROJECT_FACTS:
            subject = n.project_key(subject)
        elif f.kind is FactKind.ISSUE:
            subject = n.issue_key(subject)
        elif f.kind is FactKind.WORKFLOW:
            subject = n.label(WORKFLOW, subject)
    return replace(f, subject=subject, endpoint=n.scrub(f.endpoint), detail=n.scrub(f.detail))


def facts(s: Snapshot, n: Names) -> dict[str, Any]:
    return {"facts": tuple(_fact(f, n) for f in s.facts)}


def site(s: Snapshot, n: Names) -> dict[str, Any]:
    taken_by = s.provenance.taken_by
    if taken_by:
        taken_by = (n.email(taken_by) if "@" in taken_by else n.aid(taken_by)) or ""
    note = REDACTED_NOTE.format(groups="" if n.keep_groups else ", group names")
    return {
        "site": replace(s.site, url=n.site_url, title=n.site_title, server_version=n.scrub(s.site.server_version)),
        "provenance": replace(s.provenance, taken_by=taken_by, note=note),
    }


SECTIONS: tuple[Callable[[Snapshot, Names], dict[str, Any]], ...] = (
    site, accounts, groups, products, projects, permission_schemes, roles, issue_security, workflows,
    workflow_schemes, global_permissions, issues, facts,
)
"""Every section of the model, each redacted by one function (together they cover every field of a Snapshot)."""
