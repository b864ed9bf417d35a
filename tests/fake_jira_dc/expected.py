"""What a clean DC sync of the fake DC server must return for a DC site (the round trip's other side).

The truth holds direct group members and nesting; the sync reads members as
group/member lists them (nested members included, by key order) and records
what DC does not publish as ``not_published`` gaps: global permission holders
(only the syncing account's own, from mypermissions), security level members
(the levels themselves are read), workflow status properties (the statuses of
each workflow are read) and group nesting.
"""

from __future__ import annotations

from dataclasses import replace

from explorer import __version__
from explorer.core.model import Fact, FactKind, Provenance, Site, Snapshot, Status, Workflow, frozen_map
from explorer.jira.dialects.dc import NOT_PUBLISHED
from tests.fake_jira_dc.rules import FakeDCRules
from tests.fake_jira_dc.sitegen import ADMIN_KEY

API = "/rest/api/2"
USER_FIELD, GROUP_FIELD = "customfield_10100", "customfield_10200"


def _id_order(value: str):
    return (0, int(value)) if value.isdigit() else (1, value)


def _issue_order(key: str):
    project, _, number = key.rpartition("-")
    return (project, int(number))


def expected_dc_snapshot(site: Snapshot, url: str, *, issues: tuple[str, ...] = (), caller: str = ADMIN_KEY) -> Snapshot:
    rules = FakeDCRules(site)
    projects = sorted(site.projects, key=lambda p: p.key)
    projects = [replace(p, role_actors=frozen_map({k: v for k, v in p.role_actors.items() if v.users or v.groups}))
                for p in projects]
    security_ids = {p.issue_security_scheme_id for p in projects if p.issue_security_scheme_id}
    wf_ids = {p.workflow_scheme_id for p in projects if p.workflow_scheme_id}
    wf_schemes = sorted((s for s in site.workflow_schemes if s.id in wf_ids), key=lambda s: _id_order(s.id))
    wf_names = sorted({n for s in wf_schemes for n in (s.default_workflow, *s.issue_type_workflows.values())})
    scheme_ids = {p.permission_scheme_id for p in projects if p.permission_scheme_id}
    wanted = {k.upper() for k in issues}
    for key in list(wanted):
        issue = rules.issues[key]
        if issue.issue_type.subtask and issue.parent_key:
            wanted.add(issue.parent_key)
    issue_list = []
    for key in sorted(wanted, key=_issue_order):
        issue = rules.issues[key]
        issue_list.append(replace(issue, user_fields=frozen_map({USER_FIELD: (), **issue.user_fields}),
                                  group_fields=frozen_map({GROUP_FIELD: (), **issue.group_fields})))
    workflows = {w.name: w for w in site.workflows}
    facts = [
        Fact(FactKind.ACCOUNTS, None, Status.COMPLETE, f"GET {API}/user/list"),
        Fact(FactKind.GROUPS, None, Status.COMPLETE, f"GET {API}/groups/picker"),
        Fact(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, f"GET {API}/applicationrole"),
        Fact(FactKind.PROJECTS, None, Status.COMPLETE, f"GET {API}/project?includeArchived=true"),
    ]
    facts += [Fact(FactKind.PERMISSION_SCHEME, s, Status.COMPLETE,
                   f"GET {API}/project/{{key}}/permissionscheme?expand=permissions")
              for s in sorted(scheme_ids, key=_id_order)]
    facts += [Fact(FactKind.ISSUE_SECURITY_SCHEME, s, Status.NOT_PUBLISHED,
                   f"GET {API}/project/{{key}}/issuesecuritylevelscheme", NOT_PUBLISHED[FactKind.ISSUE_SECURITY_SCHEME])
              for s in sorted(security_ids, key=_id_order)]
    facts += [Fact(FactKind.WORKFLOW, n, Status.NOT_PUBLISHED, f"GET {API}/project/{{key}}/statuses",
                   NOT_PUBLISHED[FactKind.WORKFLOW]) for n in wf_names]
    facts += [Fact(FactKind.GLOBAL_PERMISSIONS, None, Status.NOT_PUBLISHED, f"GET {API}/mypermissions",
                   NOT_PUBLISHED[FactKind.GLOBAL_PERMISSIONS]),
              Fact(FactKind.GROUP_NESTING, None, Status.NOT_PUBLISHED, "", NOT_PUBLISHED[FactKind.GROUP_NESTING])]
    order = {kind: i for i, kind in enumerate(FactKind)}
    return Snapshot(
        site=Site(url, site.site.deployment, site.site.server_version, site.site.title),
        provenance=Provenance("", caller, __version__, "issues: " + ", ".join(k.upper() for k in issues)
                              if issues else ""),
        accounts=site.accounts,
        groups=tuple(replace(g, subgroups=(), members=tuple(sorted(rules.members[g.name])))
                     for g in sorted(site.groups, key=lambda g: g.name)),
        application_roles=tuple(sorted(site.application_roles, key=lambda r: r.key)),
        projects=tuple(projects),
        permission_schemes=tuple(sorted((s for s in site.permission_schemes if s.id in scheme_ids),
                                        key=lambda s: _id_order(s.id))),
        roles=tuple(sorted(site.roles, key=lambda r: _id_order(r.id))),
        issue_security_schemes=tuple(replace(s, levels=tuple(replace(lv, members=()) for lv in s.levels))
                                     for s in sorted((s for s in site.issue_security_schemes if s.id in security_ids),
                                                     key=lambda s: _id_order(s.id))),
        workflows=tuple(Workflow(n, tuple(replace(st, properties=frozen_map()) for st in workflows[n].statuses))
                        for n in wf_names),
        workflow_schemes=tuple(wf_schemes),
        account_global_permissions=frozen_map({caller: frozenset(rules.global_permissions(caller))}),
        issues=tuple(issue_list),
        facts=tuple(sorted(facts, key=lambda f: (order[f.kind], f.subject or ""))),
    )


def request_lower_bound(site: Snapshot, issues: int = 0) -> int:
    """Fewer requests than this cannot read this site through DC's REST v2.

    serverInfo, myself, mypermissions, groups/picker, applicationrole, the
    site's roles and the project list once each; user/list pages of 2,000;
    group/member pages of 50 (at least one per group); per project its
    permission scheme, every role's actors, issue security scheme and workflow
    scheme; project
    statuses until every workflow in use is covered (one answer covers at most
    the workflows of one workflow scheme); one request per issue.
    """
    rules = FakeDCRules(site)
    users = -(-len(site.accounts) // 2000)
    members = sum(max(1, -(-len(rules.members[g.name]) // 50)) for g in site.groups)
    per_project = 3 + len(site.roles)
    schemes = {s.id: s for s in site.workflow_schemes}
    used = [schemes[p.workflow_scheme_id] for p in site.projects if p.workflow_scheme_id in schemes]
    names = [{s.default_workflow, *s.issue_type_workflows.values()} for s in used]
    workflows = len(set().union(*names)) if names else 0
    statuses = -(-workflows // max((len(n) for n in names), default=1))
    return 7 + users + members + len(site.projects) * per_project + statuses + issues
