"""Hypothesis strategies for small but coherent Snapshots.

``snapshots()`` draws a whole site: accounts of every type, groups whose members
exist, the Software and Service Management application roles, 1-3 projects
(company- or team-managed, some archived), permission schemes whose grants use
every holder type Jira has (and sometimes one it may add later), roles and role
actors, issue security levels, workflows with permission properties, workflow
schemes, issues (sub-tasks, security levels, custom-field values), global
permissions and completeness facts of every status.  References point at objects
that exist, except where a fact says the sync could not read the object: then
the object is left out, as a real sync would.

Everything is drawn from Hypothesis (no other randomness), so examples are
reproducible and shrink well.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from explorer.core.model import (
    Account,
    AccountType,
    ApplicationRole,
    Deployment,
    Fact,
    FactKind,
    GlobalGrant,
    Grant,
    Group,
    Holder,
    Issue,
    IssueSecurityScheme,
    IssueType,
    PermissionScheme,
    Project,
    ProjectType,
    Provenance,
    Role,
    RoleActors,
    SecurityLevel,
    Site,
    Snapshot,
    Status,
    TeamRole,
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.references import reported_missing

PERMISSION_KEYS: tuple[str, ...] = tuple(p.key for p in PROJECT_PERMISSIONS)
GLOBAL_KEYS: tuple[str, ...] = tuple(g.key for g in GLOBAL_PERMISSIONS)
USER_CF = "customfield_10100"  # a user-picker custom field
GROUP_CF = "customfield_10200"  # a group-picker custom field
SOFTWARE, SERVICE_DESK = "jira-software", "jira-servicedesk"
HOLDER_TYPES: tuple[str, ...] = (
    "anyone", "applicationRole", "group", "projectRole", "user", "projectLead", "reporter", "assignee",
    "userCustomField", "groupCustomField", "sd.customer.portal.only",
)
UNKNOWN_HOLDER_TYPE = "somethingNew"

GROUP_POOL = ("jira-software-users", "jira-servicemanagement-users", "jira-administrators", "developers",
              "support-team", "Ωmega crew")
ROLE_POOL = (("10002", "Administrators"), ("10001", "Developers"), ("10003", "Users"),
             ("10100", "Service Desk Team"), ("10101", "Service Desk Customers"))
STATUS_POOL = (("1", "Open"), ("3", "In Progress"), ("10000", "To Do"), ("10001", "Done"), ("6", "Closed"))
WORKFLOW_POOL = ("jira", "Software Simplified Workflow", "Service Management workflow")
ISSUE_TYPES = (IssueType("10001", "Task"), IssueType("10002", "Bug"), IssueType("10004", "Story"),
               IssueType("10005", "Service request"))
SUBTASK = IssueType("10003", "Sub-task", subtask=True)
PROJECT_KEYS = ("ABC", "SUP", "OPS")
BLOCKED = frozenset({Status.FORBIDDEN, Status.NOT_FOUND, Status.NOT_FETCHED})

short_text = st.text(max_size=8)
rarely = st.sampled_from((False, False, False, True))


@dataclass(frozen=True)
class World:
    """What references may point at while a snapshot is drawn."""

    account_ids: tuple[str, ...]
    groups: tuple[Group, ...]
    role_ids: tuple[str, ...]

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)


def _subset(draw, pool, *, min_size: int = 0, max_size: int | None = None) -> tuple:
    if not pool:
        return ()
    return tuple(draw(st.lists(st.sampled_from(pool), unique=True, min_size=min_size, max_size=max_size)))


@st.composite
def holders(draw, world: World, *, unknown: bool = True) -> Holder:
    """A holder of any type, pointing at the world's accounts, groups and roles."""
    types = HOLDER_TYPES + ((UNKNOWN_HOLDER_TYPE,) if unknown else ())
    kind = draw(st.sampled_from(types))
    if kind == "applicationRole":
        return Holder(kind, draw(st.sampled_from((None, SOFTWARE, SERVICE_DESK))))
    if kind == "group":
        if draw(rarely):
            return Holder(kind)  # Data Center's "Group (Anyone)": a group grant without a group
        group = draw(st.sampled_from(world.groups))
        return Holder(kind, group.name, group.group_id or None)
    if kind == "projectRole":
        return Holder(kind, draw(st.sampled_from(world.role_ids)))
    if kind == "user":
        return Holder(kind, draw(st.sampled_from(world.account_ids)))
    if kind == "userCustomField":
        return Holder(kind, USER_CF)
    if kind == "groupCustomField":
        return Holder(kind, GROUP_CF)
    if kind == UNKNOWN_HOLDER_TYPE:
        return Holder(kind, draw(st.none() | short_text), draw(st.sampled_from((None, "", "x"))))
    return Holder(kind)


@st.composite
def accounts(draw, max_size: int = 6) -> tuple[Account, ...]:
    n = draw(st.integers(1, max_size))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from((AccountType.ATLASSIAN, AccountType.ATLASSIAN, AccountType.APP,
                                     AccountType.CUSTOMER)))
        prefix = {AccountType.APP: "app-", AccountType.CUSTOMER: "qm:cust-"}.get(kind, "acc-")
        email = draw(st.sampled_from((None, "", f"user{i}@example.com")))
        username = draw(st.sampled_from((None, f"user{i}")))  # Data Center login names
        out.append(Account(f"{prefix}{i}", draw(short_text), email, draw(st.booleans() | st.just(True)), kind,
                           username))
    return tuple(out)


def _groups(draw, account_ids: tuple[str, ...]) -> tuple[Group, ...]:
    names = _subset(draw, GROUP_POOL, min_size=1, max_size=4)
    return tuple(  # Data Center nests groups (cycles included: a broken directory must not hang the replay)
        Group(name, draw(st.sampled_from(("", f"gid-{i}"))), _subset(draw, account_ids),
              _subset(draw, tuple(n for n in names if n != name), max_size=2) if draw(rarely) else ())
        for i, name in enumerate(names)
    )


def _application_roles(draw, group_names: tuple[str, ...]) -> tuple[ApplicationRole, ...]:
    out = []
    for key, name in ((SOFTWARE, "Jira Software"), (SERVICE_DESK, "Jira Service Management")):
        if key == SERVICE_DESK and draw(rarely):
            continue
        groups = _subset(draw, group_names, max_size=3)
        out.append(ApplicationRole(key, name, groups, _subset(draw, groups)))
    return tuple(out)


def _permission_schemes(draw, world: World) -> tuple[PermissionScheme, ...]:
    out = []
    for k in range(draw(st.integers(1, 2))):
        n = draw(st.integers(0, 8))
        grants = tuple(
            Grant(str(10100 + 100 * k + j), draw(st.sampled_from(PERMISSION_KEYS)), draw(holders(world)))
            for j in range(n)
        )
        out.append(PermissionScheme(str(10000 + k), f"Scheme {k}", grants, draw(st.sampled_from(("", "Default")))))
    return tuple(out)


def _security_schemes(draw, world: World) -> tuple[IssueSecurityScheme, ...]:
    out = []
    for k in range(draw(st.integers(0, 2))):
        levels = tuple(
            SecurityLevel(
                str(10200 + 10 * k + j),
                name,
                tuple(draw(st.lists(holders(world), max_size=3))),
                draw(st.sampled_from(("", "Only some people"))),
            )
            for j, name in enumerate(_subset(draw, ("Staff", "Secret", "Public ✓"), min_size=1))
        )
        default = draw(st.sampled_from((None, *(lv.id for lv in levels))))
        out.append(IssueSecurityScheme(str(10300 + k), f"Security {k}", levels, default))
    return tuple(out)


def _property_choices(world: World) -> dict[str, st.SearchStrategy[str]]:
    groups, roles, users = (st.sampled_from(world.group_names), st.sampled_from(world.role_ids),
                            st.sampled_from(world.account_ids))
    return {
        "jira.permission.edit.group": groups,
        "jira.permission.edit.group.1": groups,
        "jira.permission.subtasks.edit.projectrole": roles,
        "jira.permission.transition.projectrole": roles,
        "jira.permission.comment.user": users,
        "jira.permission.assignable.group": groups,
        "jira.permission.attachdeleteown.denied": st.sampled_from(("", "true")),
        "jira.permission.edit.assignee": st.just(""),
        "jira.issue.editable": st.sampled_from(("false", "true")),
        "jira.i18n.title": short_text,
    }


def _workflows(draw, world: World) -> tuple[Workflow, ...]:
    choices = _property_choices(world)
    out = []
    for name in _subset(draw, WORKFLOW_POOL, min_size=1, max_size=2):
        statuses = []
        for sid, sname in _subset(draw, STATUS_POOL, min_size=1, max_size=4):
            keys = _subset(draw, tuple(choices), max_size=3)
            statuses.append(WorkflowStatus(sid, sname, frozen_map({key: draw(choices[key]) for key in keys})))
        out.append(Workflow(name, tuple(statuses)))
    return tuple(out)


def _workflow_schemes(draw, workflow_names: tuple[str, ...]) -> tuple[WorkflowScheme, ...]:
    out = []
    for k in range(draw(st.integers(0, 2))):
        types = _subset(draw, tuple(t.id for t in (*ISSUE_TYPES, SUBTASK)), max_size=2)
        mapping = {t: draw(st.sampled_from(workflow_names)) for t in types}
        out.append(WorkflowScheme(str(10400 + k), f"Workflows {k}", draw(st.sampled_from(workflow_names)),
                                  frozen_map(mapping)))
    return tuple(out)


def _actors(draw, world: World) -> RoleActors:
    return RoleActors(_subset(draw, world.account_ids, max_size=3), _subset(draw, world.group_names, max_size=2))


def _project(draw, i: int, world: World, roles: tuple[Role, ...], perm_ids, sec_ids, wf_ids) -> Project:
    key = PROJECT_KEYS[i]
    common = dict(
        id=str(10000 + i), key=key, name=draw(short_text), project_type=draw(st.sampled_from(tuple(ProjectType))),
        archived=draw(rarely), lead=draw(st.none() | st.sampled_from(world.account_ids)),
        workflow_scheme_id=draw(st.sampled_from((None, *wf_ids))),
    )
    if draw(rarely):  # team-managed
        team_roles = tuple(
            TeamRole(str(20000 + 10 * i + j), name, frozenset(_subset(draw, PERMISSION_KEYS, max_size=6)))
            for j, name in enumerate(_subset(draw, ("Administrator", "Member", "Viewer", "Agent"), min_size=1))
        )
        actors = {r.id: _actors(draw, world) for r in _subset(draw, team_roles)}
        return Project(**common, team_managed=True, role_actors=frozen_map(actors), team_roles=team_roles,
                       access_level=draw(st.sampled_from(("open", "limited", "private"))))
    role_ids = tuple(r.id for r in roles)
    actors = {rid: _actors(draw, world) for rid in _subset(draw, role_ids)}
    customer_role = None
    if common["project_type"] is ProjectType.SERVICE_DESK and "10101" in role_ids and draw(st.booleans()):
        customer_role = "10101"
    return Project(**common, permission_scheme_id=draw(st.sampled_from(perm_ids)),
                   issue_security_scheme_id=draw(st.sampled_from((None, *sec_ids))),
                   role_actors=frozen_map(actors), customer_role_id=customer_role)


def _issues(draw, project: Project, world: World, workflows, wf_schemes, sec_schemes, next_id: int):
    out: list[Issue] = []
    by_name = {w.name: w for w in workflows}
    scheme = next((s for s in wf_schemes if s.id == project.workflow_scheme_id), None)
    security = next((s for s in sec_schemes if s.id == project.issue_security_scheme_id), None)
    for n in range(1, draw(st.integers(0, 3)) + 1):
        parents = [i.key for i in out if not i.issue_type.subtask]
        subtask = bool(parents) and draw(st.booleans())
        issue_type = SUBTASK if subtask else draw(st.sampled_from(ISSUE_TYPES))
        workflow = by_name.get(scheme.workflow_for(issue_type.id)) if scheme else None
        status = draw(st.sampled_from((workflow or workflows[0]).statuses))
        level = draw(st.sampled_from((None, *(lv.id for lv in security.levels)))) if security else None
        users = _subset(draw, world.account_ids, max_size=2)
        groups = _subset(draw, world.group_names, max_size=2)
        out.append(Issue(
            key=f"{project.key}-{n}", id=str(next_id + n), project_key=project.key, issue_type=issue_type,
            status_id=status.id, status_name=draw(st.sampled_from((status.name, ""))),
            parent_key=draw(st.sampled_from(parents)) if subtask else None, security_level_id=level,
            reporter=draw(st.none() | st.sampled_from(world.account_ids)),
            assignee=draw(st.none() | st.sampled_from(world.account_ids)),
            user_fields=frozen_map({USER_CF: users} if users else {}),
            group_fields=frozen_map({GROUP_CF: groups} if groups else {}),
            archived=draw(rarely) or project.archived, summary=draw(short_text),
        ))
    return out


@dataclass
class _Parts:
    """The snapshot's content while facts cut holes in it."""

    groups: list[Group]
    app_roles: tuple[ApplicationRole, ...]
    projects: list[Project]
    perm_schemes: list[PermissionScheme]
    sec_schemes: list[IssueSecurityScheme]
    workflows: list[Workflow]
    global_grants: tuple[GlobalGrant, ...]
    account_globals: dict[str, frozenset[str]]
    issues: list[Issue]


def _fact_candidates(p: _Parts, world: World) -> list[tuple[FactKind, str | None, bool]]:
    """(kind, subject, may_be_blocked) for the facts a sync of this site could record."""
    out: list[tuple[FactKind, str | None, bool]] = [
        (FactKind.ACCOUNTS, None, False), (FactKind.GROUPS, None, False), (FactKind.PROJECTS, None, False),
        (FactKind.APPLICATION_ROLES, None, True), (FactKind.GLOBAL_PERMISSIONS, None, True),
    ]
    out += [(FactKind.GROUP_MEMBERS, g.name, True) for g in p.groups]
    out += [(FactKind.PERMISSION_SCHEME, s.id, True) for s in p.perm_schemes]
    out += [(FactKind.ISSUE_SECURITY_SCHEME, s.id, True) for s in p.sec_schemes]
    out += [(FactKind.WORKFLOW, w.name, True) for w in p.workflows]
    out += [(FactKind.GLOBAL_PERMISSIONS, a, True) for a in world.account_ids[:2]]
    for pr in p.projects:
        kinds = ((FactKind.TEAM_ROLES, FactKind.PROJECT_ROLES) if pr.team_managed else
                 (FactKind.PROJECT_PERMISSION_SCHEME, FactKind.PROJECT_ROLES, FactKind.PROJECT_ISSUE_SECURITY))
        out += [(kind, pr.key, True) for kind in (*kinds, FactKind.PROJECT_WORKFLOWS)]
        out.append((FactKind.ISSUE, f"{pr.key}-999", True))  # an issue the sync was asked for but did not get
    out += [(FactKind.ISSUE, i.key, False) for i in p.issues[:3]]
    return out


def _cut(p: _Parts, kind: FactKind, subject: str | None) -> None:
    """Leave out what a blocked fact says the sync could not read."""
    if kind is FactKind.APPLICATION_ROLES:
        p.app_roles = ()
    elif kind is FactKind.GLOBAL_PERMISSIONS:
        if subject is None:
            p.global_grants, p.account_globals = (), {}
        else:
            p.account_globals.pop(subject, None)
    elif kind is FactKind.GROUP_MEMBERS:
        p.groups = [replace(g, members=()) if g.name == subject else g for g in p.groups]
    elif kind is FactKind.PERMISSION_SCHEME:
        p.perm_schemes = [s for s in p.perm_schemes if s.id != subject]
    elif kind is FactKind.ISSUE_SECURITY_SCHEME:
        p.sec_schemes = [s for s in p.sec_schemes if s.id != subject]
    elif kind is FactKind.WORKFLOW:
        p.workflows = [w for w in p.workflows if w.name != subject]
    else:
        field_of = {FactKind.PROJECT_PERMISSION_SCHEME: ("permission_scheme_id", None),
                    FactKind.PROJECT_ROLES: ("role_actors", frozen_map()),
                    FactKind.PROJECT_ISSUE_SECURITY: ("issue_security_scheme_id", None),
                    FactKind.PROJECT_WORKFLOWS: ("workflow_scheme_id", None),
                    FactKind.TEAM_ROLES: ("team_roles", ())}.get(kind)
        if field_of:
            name, empty = field_of
            p.projects = [replace(pr, **{name: empty}) if pr.key == subject else pr for pr in p.projects]


def _facts(draw, p: _Parts, world: World) -> tuple[Fact, ...]:
    candidates = _fact_candidates(p, world)
    facts = []
    for kind, subject, may_block in _subset(draw, candidates, max_size=5):
        issue_absent = kind is FactKind.ISSUE and may_block
        if issue_absent:
            status = draw(st.sampled_from(tuple(BLOCKED)))
        elif may_block:
            status = draw(st.sampled_from(tuple(Status)))
        else:
            status = draw(st.sampled_from((Status.COMPLETE, Status.TRUNCATED)))
        endpoint = draw(st.sampled_from(("", "/rest/api/3/permissionscheme", "/rest/api/3/group/member")))
        detail = draw(st.sampled_from(("", "HTTP 403", "first 1000 of 1200")))
        facts.append(Fact(kind, subject, status, endpoint, detail))
        if status in BLOCKED and not issue_absent:
            _cut(p, kind, subject)
    return tuple(facts)


@st.composite
def snapshots(draw, *, max_accounts: int = 6, max_projects: int = 3) -> Snapshot:
    """Any coherent small snapshot (see the module docstring)."""
    accts = draw(accounts(max_accounts))
    account_ids = tuple(a.account_id for a in accts)
    groups = _groups(draw, account_ids)
    roles = tuple(Role(rid, name, draw(st.sampled_from(("", "A project role"))))
                  for rid, name in _subset(draw, ROLE_POOL, min_size=1, max_size=4))
    world = World(account_ids, groups, tuple(r.id for r in roles))
    app_roles = _application_roles(draw, world.group_names)
    perm_schemes = _permission_schemes(draw, world)
    sec_schemes = _security_schemes(draw, world)
    workflows = _workflows(draw, world)
    wf_schemes = _workflow_schemes(draw, tuple(w.name for w in workflows))
    projects = [
        _project(draw, i, world, roles, tuple(s.id for s in perm_schemes), tuple(s.id for s in sec_schemes),
                 tuple(s.id for s in wf_schemes))
        for i in range(draw(st.integers(1, min(max_projects, len(PROJECT_KEYS)))))
    ]
    issues: list[Issue] = []
    for k, pr in enumerate(projects):
        issues += _issues(draw, pr, world, workflows, wf_schemes, sec_schemes, 20000 + 100 * k)
    global_grants = tuple(
        GlobalGrant(perm, group)
        for perm, group in _subset(draw, tuple((g, n) for g in GLOBAL_KEYS for n in (None, *world.group_names)),
                                   max_size=4)
    )
    account_globals = {a: frozenset(_subset(draw, GLOBAL_KEYS, max_size=3))
                       for a in _subset(draw, account_ids, max_size=3)}
    parts = _Parts(list(groups), app_roles, projects, list(perm_schemes), list(sec_schemes), list(workflows),
                   global_grants, account_globals, issues)
    facts = _facts(draw, parts, world)
    deployment = draw(st.sampled_from(tuple(Deployment)))
    if deployment is Deployment.CLOUD:  # Cloud groups are flat (decision 8): nesting only on Data Center sites
        parts.groups = [replace(g, subgroups=()) for g in parts.groups]
    site = Site(
        draw(st.sampled_from(("https://example.atlassian.net", "https://jira.example.com"))),
        deployment,
        draw(st.sampled_from(("", "1001.0.0-SNAPSHOT", "9.12.4"))),
        draw(short_text),
    )
    provenance = Provenance(
        draw(st.sampled_from(("2025-01-31T12:00:00Z", "2024-06-01T08:30:15.123Z"))),
        draw(st.sampled_from(("", *account_ids))),
        draw(st.sampled_from(("", "0.1.0"))),
        draw(short_text),
    )
    built = Snapshot(
        site=site, provenance=provenance, accounts=accts, groups=tuple(parts.groups),
        application_roles=parts.app_roles, projects=tuple(parts.projects),
        permission_schemes=tuple(parts.perm_schemes), roles=roles, issue_security_schemes=tuple(parts.sec_schemes),
        workflows=tuple(parts.workflows), workflow_schemes=wf_schemes, global_grants=parts.global_grants,
        account_global_permissions=frozen_map(parts.account_globals), issues=tuple(parts.issues), facts=facts,
    )
    # As the sync does: groups and products the configuration names but the complete lists lack were reported missing.
    return replace(built, facts=built.facts + tuple(reported_missing(built)))
