"""What a clean sync of the fake server must return for a generated site (the round trip's other side).

The site model is the truth; the API cannot express global permission grants
(Cloud has no endpoint listing them), so the sync learns each active account's
global permissions through permissions/check instead.  Lists come back in the
order the sync writes them (projects by key, schemes by id, workflows by name),
and only the schemes and workflows the synced projects use.
"""

from __future__ import annotations

from dataclasses import replace

from explorer import __version__
from explorer.core.model import Fact, FactKind, Provenance, Site, Snapshot, Status, frozen_map
from tests.fake_jira.rules import FakeRules
from tests.fake_jira.sitegen import ADMIN_ID, GROUP_FIELD, USER_FIELD

API = "/rest/api/3"


def _with_empty_fields(issue):
    """The fake's issues carry both picker fields; an empty one comes back as an empty list."""
    return replace(issue, user_fields=frozen_map({USER_FIELD: (), **issue.user_fields}),
                   group_fields=frozen_map({GROUP_FIELD: (), **issue.group_fields}))


def _id_order(value: str):
    return (0, int(value)) if value.isdigit() else (1, value)


def expected_snapshot(site: Snapshot, url: str, *, issues: tuple[str, ...] = (), caller: str = ADMIN_ID) -> Snapshot:
    rules = FakeRules(site)
    projects = sorted(site.projects, key=lambda p: p.key)
    projects = [replace(p, role_actors=frozen_map({k: v for k, v in p.role_actors.items() if v.users or v.groups}))
                for p in projects]
    security_ids = {p.issue_security_scheme_id for p in projects if p.issue_security_scheme_id}
    wf_ids = {p.workflow_scheme_id for p in projects if p.workflow_scheme_id}
    wf_schemes = sorted((s for s in site.workflow_schemes if s.id in wf_ids), key=lambda s: _id_order(s.id))
    wf_names = {n for s in wf_schemes for n in (s.default_workflow, *s.issue_type_workflows.values())}
    wanted = {k.upper() for k in issues}
    for key in list(wanted):
        issue = rules.issues[key]
        if issue.issue_type.subtask and issue.parent_key:
            wanted.add(issue.parent_key)

    groups_of: dict[str, frozenset[str]] = {a.account_id: frozenset(rules.groups_of(a.account_id))
                                             for a in site.accounts}
    active = [a for a in site.accounts if a.active]
    classes = {(groups_of[a.account_id], a.account_type) for a in active}
    facts = [
        Fact(FactKind.ACCOUNTS, None, Status.COMPLETE, f"GET {API}/users/search"),
        Fact(FactKind.GROUPS, None, Status.COMPLETE, f"GET {API}/group/bulk"),
        Fact(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, f"GET {API}/applicationrole"),
        Fact(FactKind.PROJECTS, None, Status.COMPLETE, f"GET {API}/project/search?status=live&status=archived"),
        Fact(FactKind.GLOBAL_PERMISSIONS, None, Status.COMPLETE, f"POST {API}/permissions/check",
             f"asked Jira about some of the {len(classes)} distinct sets of groups and account type"),
    ]
    return Snapshot(
        site=Site(url, site.site.deployment, site.site.server_version, site.site.title),
        provenance=Provenance("", caller, __version__, "issues: " + ", ".join(k.upper() for k in issues)
                              if issues else ""),
        accounts=site.accounts,
        groups=site.groups,
        application_roles=tuple(sorted(site.application_roles, key=lambda r: r.key)),
        projects=tuple(projects),
        permission_schemes=tuple(sorted(site.permission_schemes, key=lambda s: _id_order(s.id))),
        roles=tuple(sorted(site.roles, key=lambda r: _id_order(r.id))),
        issue_security_schemes=tuple(sorted((s for s in site.issue_security_schemes if s.id in security_ids),
                                            key=lambda s: _id_order(s.id))),
        workflows=tuple(sorted((w for w in site.workflows if w.name in wf_names), key=lambda w: w.name)),
        workflow_schemes=tuple(wf_schemes),
        account_global_permissions=frozen_map({a.account_id: frozenset(rules.global_permissions(a.account_id))
                                               for a in sorted(active, key=lambda a: a.account_id)}),
        issues=tuple(_with_empty_fields(rules.issues[k])
                     for k in sorted(wanted, key=lambda k: (k.rsplit("-", 1)[0], int(k.rsplit("-", 1)[1])))),
        facts=tuple(facts),
    )
