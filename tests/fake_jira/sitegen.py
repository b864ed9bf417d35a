"""Deterministic generated Jira Cloud sites for the fake server (tests and the sync benchmark).

A generated site is a :class:`Snapshot` holding the *truth* the fake server
serves: accounts, groups, products, company-managed projects sharing
permission, issue security and workflow schemes, role actors, issues, and the
global permissions granted to groups (``global_grants``, which Cloud's API
cannot list: the sync learns them per account through permissions/check).

Everything in it can be expressed through the REST API, so a clean sync of the
fake server must give it back (see :mod:`tests.fake_jira.expected`).
"""

from __future__ import annotations

import random

from explorer.core.model import (
    Account,
    AccountType,
    ApplicationRole,
    Deployment,
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
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)

ADMINS = "jira-admins"
USERS = "jira-software-users"
ROLE_USERS, ROLE_DEVELOPERS, ROLE_ADMINS = "10000", "10001", "10002"
STATUSES = {"1": "To Do", "3": "In Progress", "10001": "Done", "10002": "Review"}
TASK = IssueType("10001", "Task")
BUG = IssueType("10004", "Bug")
SUBTASK = IssueType("10003", "Sub-task", True)
USER_FIELD = "customfield_10100"
GROUP_FIELD = "customfield_10200"
ADMIN_ID = "557058:admin-0000-0000-0000-000000000001"
DEV_ID = "557058:dev-0000-0000-0000-000000000002"


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def generate_site(seed: int = 7, *, projects: int = 6, accounts: int = 40, groups: int = 8,
                  schemes: int = 3, issues_per_project: int = 2, url: str = "https://fake.atlassian.net") -> Snapshot:
    """A coherent site; ``groups`` counts team groups (plus jira-admins and jira-software-users)."""
    rng = random.Random(seed)
    people: list[Account] = [
        Account(ADMIN_ID, "Ada Admin", "ada@example.test"),
        Account(DEV_ID, "Dev Lead", "dev@example.test"),
    ]
    for i in range(accounts - len(people)):
        kind = AccountType.ATLASSIAN
        if i % 29 == 5:
            kind = AccountType.APP
        elif i % 31 == 7:
            kind = AccountType.CUSTOMER
        email = None if kind is AccountType.APP or i % 9 == 4 else f"user{i}@example.test"
        people.append(Account(f"5b10{_hex(rng, 20)}", f"User {i:05d}", email, active=i % 17 != 3, account_type=kind))
    licensed = [a.account_id for a in people if a.account_type is AccountType.ATLASSIAN]
    teams = [f"team-{t:03d}" for t in range(groups)]
    members: dict[str, list[str]] = {ADMINS: [ADMIN_ID], USERS: list(licensed)}
    members.update({t: [] for t in teams})
    for n, account_id in enumerate(licensed[2:]):
        members[teams[n % len(teams)]].append(account_id)
        if n % 7 == 0:
            members[teams[(n * 3 + 1) % len(teams)]].append(account_id)
        if n % 97 == 11:
            members[ADMINS].append(account_id)
    members[teams[0]].append(DEV_ID)
    group_list = [Group(name, f"{_hex(rng, 8)}-{_hex(rng, 4)}-4{_hex(rng, 3)}-a{_hex(rng, 3)}-{_hex(rng, 12)}",
                        tuple(dict.fromkeys(ids))) for name, ids in members.items()]
    products = (ApplicationRole("jira-software", "Jira Software", (ADMINS, USERS), (USERS,)),)

    roles = (Role(ROLE_USERS, "Users", "A project role that represents users in a project"),
             Role(ROLE_DEVELOPERS, "Developers", "A project role that represents developers in a project"),
             Role(ROLE_ADMINS, "Administrators", "A project role that represents administrators in a project"))

    perm_schemes = []
    grant_id = 10100
    for s in range(schemes):
        grants: list[Grant] = []

        def add(permission: str, holder: Holder, grants: list[Grant] = grants) -> None:
            nonlocal grant_id
            grant_id += 1
            grants.append(Grant(str(grant_id), permission, holder))

        add("BROWSE_PROJECTS", Holder("applicationRole") if s % 2 == 0 else Holder("projectRole", ROLE_USERS))
        add("BROWSE_PROJECTS", Holder("projectRole", ROLE_DEVELOPERS))
        add("BROWSE_PROJECTS", Holder("group", ADMINS, group_list[0].group_id))
        add("CREATE_ISSUES", Holder("projectRole", ROLE_DEVELOPERS))
        add("EDIT_ISSUES", Holder("projectRole", ROLE_DEVELOPERS))
        add("EDIT_ISSUES", Holder("reporter"))
        add("ASSIGNABLE_USER", Holder("projectRole", ROLE_DEVELOPERS))
        add("ADD_COMMENTS", Holder("applicationRole", "jira-software"))
        add("DELETE_OWN_COMMENTS", Holder("reporter"))
        add("RESOLVE_ISSUES", Holder("assignee"))
        add("ADMINISTER_PROJECTS", Holder("projectRole", ROLE_ADMINS))
        add("ADMINISTER_PROJECTS", Holder("projectLead"))
        add("DELETE_ISSUES", Holder("group", ADMINS, group_list[0].group_id))
        add("SET_ISSUE_SECURITY", Holder("user", DEV_ID, DEV_ID))
        add("TRANSITION_ISSUES", Holder("userCustomField", USER_FIELD, USER_FIELD))
        add("LINK_ISSUES", Holder("group", teams[s % len(teams)], group_list[2 + s % len(teams)].group_id))
        if s == 1:
            add("VIEW_VOTERS_AND_WATCHERS", Holder("anyone"))
            add("WORK_ON_ISSUES", Holder("groupCustomField", GROUP_FIELD, GROUP_FIELD))
        perm_schemes.append(PermissionScheme(str(10000 + s), f"Scheme {s}", tuple(grants), f"generated scheme {s}"))
    perm_schemes.insert(0, PermissionScheme("0", "Default Permission Scheme", (
        Grant("10000", "BROWSE_PROJECTS", Holder("applicationRole")),
        Grant("10001", "ADMINISTER_PROJECTS", Holder("projectRole", ROLE_ADMINS))), "the default"))

    security = (
        IssueSecurityScheme("10300", "Confidential", (
            SecurityLevel("10400", "Staff", (Holder("projectRole", ROLE_ADMINS), Holder("reporter"),
                                             Holder("group", ADMINS, group_list[0].group_id)), "staff only"),
            SecurityLevel("10401", "Team", (Holder("group", teams[0], group_list[2].group_id),
                                            Holder("assignee"), Holder("group", ADMINS, group_list[0].group_id))),
        ), "10401"),
        IssueSecurityScheme("10301", "Partners", (
            SecurityLevel("10402", "Partners", (Holder("user", DEV_ID, DEV_ID),
                                                Holder("group", ADMINS, group_list[0].group_id))),
        )),
    )

    def status(sid: str, **props: str) -> WorkflowStatus:
        return WorkflowStatus(sid, STATUSES[sid], frozen_map(props))

    workflows = (
        Workflow("jira", (status("1"), status("3"), status("10001"))),
        Workflow("Dev Workflow", (status("1"), status("3"), status("10002"),
                                  status("10001", **{"jira.issue.editable": "false"}))),
        Workflow("Locked Workflow", (status("1"), status("10002", **{"jira.permission.comment.group": ADMINS,
                                                                      "jira.permission.edit.denied": ""}),
                                     status("10001", **{"jira.issue.editable": "false", "approval": "yes"}))),
    )
    wf_schemes = (
        WorkflowScheme("10500", "Dev scheme", "Dev Workflow", frozen_map({BUG.id: "Locked Workflow"})),
        WorkflowScheme("default", "Default Workflow Scheme", "jira"),
    )

    project_list = []
    issue_list = []
    for p in range(projects):
        key = _project_key(p)
        lead = DEV_ID if p % 3 == 0 else licensed[(p * 5 + 3) % len(licensed)]
        team = teams[p % len(teams)]
        actors = {ROLE_ADMINS: RoleActors((lead,), ()), ROLE_DEVELOPERS: RoleActors(
            (licensed[(p * 7 + 2) % len(licensed)],), (team,))}
        if p % 2 == 0:
            actors[ROLE_USERS] = RoleActors((), (USERS,))
        if p == 0:
            actors[ROLE_ADMINS] = RoleActors((DEV_ID,), ())
        project_list.append(Project(
            id=str(10000 + p), key=key, name=f"Project {p}",
            project_type=ProjectType.BUSINESS if p % 5 == 4 else ProjectType.SOFTWARE,
            archived=p == projects - 1 and projects > 3, lead=lead,
            permission_scheme_id=perm_schemes[1 + p % schemes].id if p % 7 != 6 else "0",
            issue_security_scheme_id=security[p % 3].id if p % 3 < 2 else None,
            workflow_scheme_id=wf_schemes[p % 2].id,
            role_actors=frozen_map(actors),
        ))
        for n in range(1, issues_per_project + 1):
            issue_type = BUG if n % 2 == 0 else TASK
            sec_scheme = security[p % 3] if p % 3 < 2 else None
            level = sec_scheme.levels[n % len(sec_scheme.levels)].id if sec_scheme and n % 2 == 1 else None
            issue_list.append(Issue(
                key=f"{key}-{n}", id=str(20000 + p * 100 + n), project_key=key, issue_type=issue_type,
                status_id="10001" if n % 3 == 0 else "1", status_name=STATUSES["10001" if n % 3 == 0 else "1"],
                security_level_id=level, reporter=licensed[(p + n) % len(licensed)],
                assignee=licensed[(p * 3 + n) % len(licensed)] if n % 2 else None,
                user_fields=frozen_map({USER_FIELD: (DEV_ID,)} if n == 1 else {}),
                group_fields=frozen_map({GROUP_FIELD: (team,)} if n == 2 else {}),
                summary=f"Issue {n} of {key}",
            ))
        if issues_per_project:
            parent = issue_list[-issues_per_project]
            issue_list.append(Issue(
                key=f"{key}-{issues_per_project + 1}", id=str(20000 + p * 100 + issues_per_project + 1),
                project_key=key, issue_type=SUBTASK, status_id="3", status_name=STATUSES["3"],
                parent_key=parent.key, reporter=parent.reporter, summary=f"Sub-task of {parent.key}"))

    return Snapshot(
        site=Site(url, Deployment.CLOUD, "1001.0.0-SNAPSHOT", "Fake Jira"),
        provenance=Provenance("2025-01-01T00:00:00Z", ADMIN_ID),
        accounts=tuple(people),
        groups=tuple(group_list),
        application_roles=products,
        projects=tuple(project_list),
        permission_schemes=tuple(perm_schemes),
        roles=roles,
        issue_security_schemes=security,
        workflows=workflows,
        workflow_schemes=wf_schemes,
        global_grants=(GlobalGrant("ADMINISTER", ADMINS), GlobalGrant("USER_PICKER", USERS),
                       GlobalGrant("CREATE_SHARED_OBJECTS", USERS), GlobalGrant("BULK_CHANGE", ADMINS),
                       GlobalGrant("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", USERS),
                       GlobalGrant("CREATE_PROJECT", teams[0])),
        issues=tuple(issue_list),
    )


def _project_key(n: int) -> str:
    letters = ""
    n += 26  # at least two letters
    while n:
        n, r = divmod(n, 26)
        letters = chr(65 + r) + letters
    return f"P{letters}"
