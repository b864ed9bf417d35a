"""A compact, test-only builder of coherent :class:`Snapshot` objects.

A scenario describes only what matters to it; everything else gets a sensible
default so that questions are decidable:

* accounts: ``u1`` and ``u2`` always exist; every other accountId mentioned
  anywhere (groups, role actors, user grants, leads, issue people, products,
  global permissions) becomes an active ``atlassian`` account.  Use
  :func:`account` for inactive accounts, customers or app users;
* product access: ``jira-software`` for every atlassian account through group
  ``jira-software-users`` (``products=`` replaces that, ``unlicensed=`` leaves
  some accounts out);
* one company-managed project ``ENG`` using permission scheme ``S`` (empty
  unless ``schemes=`` fills it) — Browse Projects is granted only to what the
  scenario says (see :data:`BROWSE_LOGGED_IN` and friends);
* one workflow scheme ``WS`` whose default workflow has statuses ``1`` (To Do),
  ``3`` (In Progress) and ``10001`` (Done) without properties
  (``status_props=`` adds some), so issue-context questions are decidable;
* every fact the snapshot holds is recorded as complete; ``gaps=`` replaces
  some of them (see :func:`gap`).

Example::

    site(
        groups={"dev": ["u1"]},
        projects=[project("ENG", roles={DEVELOPERS: users("u3") + groups("dev")})],
        schemes={"S": [BROWSE_LOGGED_IN, grant("EDIT_ISSUES", "projectRole", DEVELOPERS)]},
        issues=[issue("ENG-1", reporter="u2")],
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

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
from explorer.core.replay.references import reported_missing

# ---------------------------------------------------------------------------- constants

ALL = "*"
"""In ``products=``: every atlassian account (minus ``unlicensed``)."""

DEFAULT_ACCOUNTS = ("u1", "u2")

# Project roles (site-wide ids; actors are per project).
USERS_ROLE = "10000"
DEVELOPERS = "10001"
ADMINISTRATORS = "10002"
CUSTOMERS = "10100"  # JSM "Service Desk Customers"
AGENTS = "10101"  # JSM "Service Desk Team"

ROLE_NAMES = {
    USERS_ROLE: "Users",
    DEVELOPERS: "Developers",
    ADMINISTRATORS: "Administrators",
    CUSTOMERS: "Service Desk Customers",
    AGENTS: "Service Desk Team",
}

# Workflow statuses of the default workflow.
TODO, IN_PROGRESS, DONE = "1", "3", "10001"
STATUS_NAMES = {TODO: "To Do", IN_PROGRESS: "In Progress", DONE: "Done"}
DEFAULT_WORKFLOW = "Default Workflow"
DEFAULT_WORKFLOW_SCHEME = "WS"

TASK = IssueType("10001", "Task")
SUBTASK = IssueType("10003", "Sub-task", subtask=True)

# Team-managed roles (ids are per project in Jira; one set is enough for tests).
TM_ADMIN, TM_MEMBER, TM_VIEWER, TM_AGENT = "tm-admin", "tm-member", "tm-viewer", "tm-agent"

_ALL_PROJECT_PERMISSIONS = frozenset({
    "ADMINISTER_PROJECTS", "BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "ASSIGN_ISSUES",
    "ASSIGNABLE_USER", "TRANSITION_ISSUES", "RESOLVE_ISSUES", "CLOSE_ISSUES", "DELETE_ISSUES",
    "LINK_ISSUES", "ADD_COMMENTS", "EDIT_OWN_COMMENTS", "DELETE_OWN_COMMENTS", "CREATE_ATTACHMENTS",
    "DELETE_OWN_ATTACHMENTS", "VIEW_VOTERS_AND_WATCHERS", "MANAGE_WATCHERS", "WORK_ON_ISSUES",
})
_MEMBER_PERMISSIONS = _ALL_PROJECT_PERMISSIONS - {"ADMINISTER_PROJECTS", "DELETE_ISSUES"}
_VIEWER_PERMISSIONS = frozenset({"BROWSE_PROJECTS", "ADD_COMMENTS", "EDIT_OWN_COMMENTS",
                                 "DELETE_OWN_COMMENTS", "VIEW_VOTERS_AND_WATCHERS"})

SOFTWARE_TEAM_ROLES = (
    TeamRole(TM_ADMIN, "Administrator", _ALL_PROJECT_PERMISSIONS),
    TeamRole(TM_MEMBER, "Member", _MEMBER_PERMISSIONS),
    TeamRole(TM_VIEWER, "Viewer", _VIEWER_PERMISSIONS),
)
SERVICE_TEAM_ROLES = (
    TeamRole(TM_ADMIN, "Administrator", _ALL_PROJECT_PERMISSIONS | {"SERVICEDESK_AGENT"}),
    TeamRole(TM_AGENT, "Agent", _MEMBER_PERMISSIONS | {"SERVICEDESK_AGENT"}),
    TeamRole(TM_VIEWER, "Viewer", _VIEWER_PERMISSIONS),
)


def group_id(name: str) -> str:
    """The (deterministic) id the builder gives a group."""
    return f"gid-{name}"


# ---------------------------------------------------------------------------- holders & grants


class _Auto:
    def __repr__(self) -> str:  # pragma: no cover - for readable reprs only
        return "AUTO"


AUTO = _Auto()
"""``value=`` default: the group's id for group holders, None otherwise."""


def holder(type: str, parameter: str | None = None, *, value: str | None | _Auto = AUTO) -> Holder:
    """A holder as Jira spells it (``anyone``, ``group``, ``projectRole``, ``reporter``...)."""
    if isinstance(value, _Auto):
        value = group_id(parameter) if type == "group" and parameter else None
    return Holder(type, parameter, value)


def grant(permission: str, type: str, parameter: str | None = None, *, value: str | None | _Auto = AUTO) -> Grant:
    """A grant of a permission to a holder; the site numbers grants when it builds schemes."""
    return Grant("", permission, holder(type, parameter, value=value))


BROWSE_LOGGED_IN = grant("BROWSE_PROJECTS", "applicationRole")  # "Any logged in user"
BROWSE_PUBLIC = grant("BROWSE_PROJECTS", "anyone")


def to_logged_in(*permissions: str) -> list[Grant]:
    """Grants of several permissions to "Any logged in user"."""
    return [grant(p, "applicationRole") for p in permissions]


# ---------------------------------------------------------------------------- accounts & actors


def account(account_id: str, *, active: bool = True, type: str | AccountType = AccountType.ATLASSIAN,
            name: str | None = None) -> Account:
    return Account(account_id, name or f"User {account_id}", f"{account_id}@example.com", active, AccountType(type))


@dataclass(frozen=True)
class Actors:
    """Role actors, written ``users("u1") + groups("dev")``."""

    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def __add__(self, other: Actors) -> Actors:
        return Actors(self.users + other.users, self.groups + other.groups)


def users(*ids: str) -> Actors:
    return Actors(users=ids)


def groups(*names: str) -> Actors:
    return Actors(groups=names)


def _role_actors(spec: Actors | RoleActors | Sequence[str]) -> RoleActors:
    if isinstance(spec, RoleActors):
        return spec
    if isinstance(spec, Actors):
        return RoleActors(spec.users, spec.groups)
    return RoleActors(tuple(spec), ())


# ---------------------------------------------------------------------------- projects


def project(key: str, *, scheme: str | None = "S", roles: Mapping[str, Actors | Sequence[str]] | None = None,
            lead: str | None = None, security: str | None = None,
            workflow_scheme: str | None = DEFAULT_WORKFLOW_SCHEME, type: str | ProjectType = ProjectType.SOFTWARE,
            archived: bool = False, customer_role: str | None = None) -> Project:
    """A company-managed project."""
    ptype = ProjectType(type)
    if ptype is ProjectType.SERVICE_DESK and customer_role is None:
        customer_role = CUSTOMERS
    return Project(
        id=str(10000 + sum(ord(c) for c in key)),
        key=key,
        name=f"Project {key}",
        project_type=ptype,
        archived=archived,
        lead=lead,
        permission_scheme_id=scheme,
        issue_security_scheme_id=security,
        workflow_scheme_id=workflow_scheme,
        role_actors=frozen_map({rid: _role_actors(a) for rid, a in (roles or {}).items()}),
        customer_role_id=customer_role,
    )


def team_project(key: str, access: str = "open", *, roles: Mapping[str, Actors | Sequence[str]] | None = None,
                 team_roles: Sequence[TeamRole] | None = None, type: str | ProjectType = ProjectType.SOFTWARE,
                 lead: str | None = None, archived: bool = False) -> Project:
    """A team-managed project (no permission scheme); ``team_roles=()`` means "roles not read"."""
    ptype = ProjectType(type)
    if team_roles is None:
        team_roles = SERVICE_TEAM_ROLES if ptype is ProjectType.SERVICE_DESK else SOFTWARE_TEAM_ROLES
    base = project(key, scheme=None, roles=roles, lead=lead, type=ptype, archived=archived)
    return replace(base, team_managed=True, access_level=access, team_roles=tuple(team_roles),
                   customer_role_id=None)


# ---------------------------------------------------------------------------- issue security


def level(level_id: str, name: str, *members: Holder) -> SecurityLevel:
    return SecurityLevel(level_id, name, tuple(members))


# ---------------------------------------------------------------------------- issues


def issue(key: str, *, status: str = TODO, parent: str | None = None, level: str | None = None,
          reporter: str | None = None, assignee: str | None = None,
          user_fields: Mapping[str, Sequence[str]] | None = None,
          group_fields: Mapping[str, Sequence[str]] | None = None,
          archived: bool = False, issue_type: IssueType | None = None) -> Issue:
    """An issue; the project is the key's prefix, a ``parent`` makes it a sub-task."""
    number = int(key.rsplit("-", 1)[1])
    return Issue(
        key=key,
        id=str(20000 + number),
        project_key=key.rsplit("-", 1)[0],
        issue_type=issue_type or (SUBTASK if parent else TASK),
        status_id=status,
        status_name=STATUS_NAMES.get(status, status),
        parent_key=parent,
        security_level_id=level,
        reporter=reporter,
        assignee=assignee,
        user_fields=frozen_map({k: tuple(v) for k, v in (user_fields or {}).items()}),
        group_fields=frozen_map({k: tuple(v) for k, v in (group_fields or {}).items()}),
        archived=archived,
        summary=f"Issue {key}",
    )


# ---------------------------------------------------------------------------- facts


def gap(kind: FactKind, subject: str | None = None, status: Status = Status.FORBIDDEN) -> Fact:
    """A fact the sync could not read completely (replaces the builder's complete one)."""
    return Fact(kind, subject, status, "", "set by the test")


# ---------------------------------------------------------------------------- the site


def site(
    *,
    accounts: Iterable[str | Account] = (),
    groups: Mapping[str, Sequence[str]] | None = None,
    products: Mapping[str, Sequence[str] | str] | None = None,
    unlicensed: Iterable[str] = (),
    projects: Sequence[Project] | None = None,
    schemes: Mapping[str, Sequence[Grant]] | None = None,
    security: Mapping[str, Sequence[SecurityLevel]] | None = None,
    status_props: Mapping[str, Mapping[str, str]] | None = None,
    issues: Sequence[Issue] = (),
    global_grants: Mapping[str, Sequence[str | None]] | None = None,
    account_globals: Mapping[str, Iterable[str]] | None = None,
    gaps: Iterable[Fact] = (),
    deployment: Deployment = Deployment.CLOUD,
) -> Snapshot:
    """Build a coherent snapshot (see the module docstring for the defaults).

    ``products`` maps an application key (``jira-software``, ``jira-servicedesk``)
    to the accountIds having it, or to :data:`ALL`; each product gets a group
    ``<key>-users``.  ``global_grants`` maps a global permission to the groups
    holding it (None = anyone); ``account_globals`` gives global permissions
    reported for single accounts.
    """
    groups = dict(groups or {})
    projects = list(projects) if projects is not None else [project("ENG")]
    schemes = dict(schemes) if schemes is not None else {"S": []}
    products = dict(products) if products is not None else {"jira-software": ALL}
    security = dict(security or {})
    global_grants = dict(global_grants or {})
    account_globals = {k: frozenset(v) for k, v in (account_globals or {}).items()}
    unlicensed = set(unlicensed)

    # -- accounts: explicit ones first, then every id mentioned
    explicit: dict[str, Account] = {}
    for spec in accounts:
        acc = spec if isinstance(spec, Account) else account(spec)
        explicit[acc.account_id] = acc
    mentioned: list[str] = list(DEFAULT_ACCOUNTS)
    for members in groups.values():
        mentioned += members
    for proj in projects:
        for actors in proj.role_actors.values():
            mentioned += actors.users
        if proj.lead:
            mentioned.append(proj.lead)
    for grants in schemes.values():
        mentioned += [g.holder.parameter for g in grants if g.holder.type == "user" and g.holder.parameter]
    for levels in security.values():
        for lvl in levels:
            mentioned += [m.parameter for m in lvl.members if m.type == "user" and m.parameter]
    for iss in issues:
        mentioned += [p for p in (iss.reporter, iss.assignee) if p]
        for ids in iss.user_fields.values():
            mentioned += ids
    for holders in products.values():
        if holders != ALL:
            mentioned += holders
    mentioned += list(account_globals)
    all_accounts: dict[str, Account] = dict(explicit)
    for aid in mentioned:
        if aid not in all_accounts and aid != "anonymous":
            all_accounts[aid] = account(aid)

    # -- products: one application role and one group per product
    app_roles: list[ApplicationRole] = []
    for key, holders in products.items():
        group = f"{key}-users"
        if holders == ALL:
            members = [a.account_id for a in all_accounts.values()
                       if a.account_type is AccountType.ATLASSIAN and a.account_id not in unlicensed]
        else:
            members = [h for h in holders if h not in unlicensed]
        groups[group] = list(dict.fromkeys([*groups.get(group, ()), *members]))
        name = {"jira-software": "Jira Software", "jira-servicedesk": "Jira Service Management",
                "jira-core": "Jira Work Management"}.get(key, key)
        app_roles.append(ApplicationRole(key, name, (group,), (group,)))

    group_objs = tuple(Group(name, group_id(name), tuple(members)) for name, members in groups.items())

    # -- permission schemes, grants numbered
    scheme_objs: list[PermissionScheme] = []
    counter = 10000
    for sid, grants in schemes.items():
        numbered = []
        for g in grants:
            counter += 1
            numbered.append(replace(g, id=str(counter)))
        scheme_objs.append(PermissionScheme(sid, f"Scheme {sid}", tuple(numbered)))

    # -- roles: every role id used by a company-managed project or a grant
    role_ids: list[str] = []
    for proj in projects:
        if not proj.team_managed:
            role_ids += list(proj.role_actors)
        if proj.customer_role_id:
            role_ids.append(proj.customer_role_id)
    for grants in schemes.values():
        role_ids += [g.holder.parameter for g in grants if g.holder.type == "projectRole" and g.holder.parameter]
    role_objs = tuple(Role(rid, ROLE_NAMES.get(rid, f"Role {rid}")) for rid in dict.fromkeys(role_ids))

    # -- issue security schemes
    security_objs = tuple(IssueSecurityScheme(sid, f"Security {sid}", tuple(levels))
                          for sid, levels in security.items())

    # -- the default workflow (statuses without properties unless status_props says so)
    props = status_props or {}
    workflow = Workflow(DEFAULT_WORKFLOW, tuple(
        WorkflowStatus(sid, name, frozen_map(props.get(sid, {}))) for sid, name in STATUS_NAMES.items()))
    unknown_statuses = set(props) - set(STATUS_NAMES)
    assert not unknown_statuses, f"status_props names statuses the default workflow lacks: {unknown_statuses}"
    workflow_scheme = WorkflowScheme(DEFAULT_WORKFLOW_SCHEME, "Default Workflow Scheme", DEFAULT_WORKFLOW)

    # -- global permissions
    global_objs = tuple(GlobalGrant(perm, group) for perm, holders in global_grants.items() for group in holders)

    # -- facts: complete for what the snapshot holds, then the gaps
    facts: dict[tuple[FactKind, str | None], Fact] = {}

    def complete(kind: FactKind, subject: str | None = None) -> None:
        facts[(kind, subject)] = Fact(kind, subject, Status.COMPLETE)

    for kind in (FactKind.ACCOUNTS, FactKind.GROUPS, FactKind.APPLICATION_ROLES, FactKind.PROJECTS,
                 FactKind.GLOBAL_PERMISSIONS):
        complete(kind)
    for g in group_objs:
        complete(FactKind.GROUP_MEMBERS, g.name)
    for proj in projects:
        complete(FactKind.PROJECT_PERMISSION_SCHEME, proj.key)
        complete(FactKind.PROJECT_ROLES, proj.key)
        complete(FactKind.PROJECT_ISSUE_SECURITY, proj.key)
        if proj.workflow_scheme_id:
            complete(FactKind.PROJECT_WORKFLOWS, proj.key)
        if proj.team_managed and proj.team_roles:
            complete(FactKind.TEAM_ROLES, proj.key)
    for s in scheme_objs:
        complete(FactKind.PERMISSION_SCHEME, s.id)
    for s in security_objs:
        complete(FactKind.ISSUE_SECURITY_SCHEME, s.id)
    complete(FactKind.WORKFLOW, DEFAULT_WORKFLOW)
    for iss in issues:
        complete(FactKind.ISSUE, iss.key)
    for fact in gaps:
        facts[fact.key] = fact

    built = Snapshot(
        site=Site("https://test.atlassian.net", deployment, "", "Test site"),
        provenance=Provenance("2025-01-01T00:00:00Z", "tests", "test", "built by tests/site_builder.py"),
        accounts=tuple(all_accounts.values()),
        groups=group_objs,
        application_roles=tuple(app_roles),
        projects=tuple(projects),
        permission_schemes=tuple(scheme_objs),
        roles=role_objs,
        issue_security_schemes=security_objs,
        workflows=(workflow,),
        workflow_schemes=(workflow_scheme,),
        global_grants=global_objs,
        account_global_permissions=frozen_map(account_globals),
        issues=tuple(issues),
        facts=tuple(facts.values()),
    )
    # As the sync does: groups and products the configuration names but the complete lists lack were reported missing.
    return replace(built, facts=built.facts + tuple(reported_missing(built)))
