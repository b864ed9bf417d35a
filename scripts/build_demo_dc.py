"""Build the bundled Data Center demo snapshot ``explorer/data/demo-dc-site.jpsnap``.

The demo is a fictional Jira Data Center site, "Initech Jira (Data Center demo)",
written out in plain code so every fact is reviewable and the output is
deterministic.  It is what ``jira-perms sync`` of a DC site followed by
``jira-perms supply`` of the admin's hand-filled form would give: users with
usernames and keys (old users' keys are their usernames, newer ones
``JIRAUSER1xxxx``), nested groups whose member lists already include the
members of their subgroups (as ``group/member`` reports them), and the four
facts DC's REST API does not publish (global permission holders, security
level members, workflow status properties, group nesting) marked "supplied by
hand".  Its story:

* Dave, a contractor, browses PAY through ``contractors``, nested in
  ``developers`` (an actor of role Developers), but cannot see PAY-7: its
  security level "Payments staff" is for ``payments-staff`` and the project's
  administrators;
* Bob (``payments-team``, also nested in ``developers``) may not edit PAY-8 in
  review: only ``reviewers`` and administrators may, by status properties;
* DOCS is public through a "Group (Anyone)" grant, so a logged-out visitor
  browses it;
* HR shows each employee only the projects they may create in
  (``reportercreate``) and lets HR assign only to assignable people
  (``assigneeassignable``);
* ``jira-system-administrators`` holds SYSTEM_ADMIN beside ``jira-administrators``
  holding ADMINISTER; Browse Archive is for the administrators; PAY-3 is an
  archived issue and OLD an archived project;
* Grace left: her account is inactive.

Run ``python scripts/build_demo_dc.py`` after changing anything here and commit
the regenerated file with this script: ``tests/test_demo_dc.py`` checks that the
two agree byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from explorer import __version__  # noqa: E402
from explorer.core.model import (  # noqa: E402
    SUPPLIED_BY_HAND,
    Account,
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
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)

OUTPUT = REPO / "explorer" / "data" / "demo-dc-site.jpsnap"
SITE_URL = "https://jira.initech.example"
TAKEN_AT = "2026-11-03T08:15:00Z"
FORM = "initech-facts.toml"
API = "/rest/api/2"

# --------------------------------------------------------------------------------------
# Users: (key, username, display name, email, active).  Keys of users created before
# Jira 8 are their lower-cased usernames; newer users have JIRAUSER<id> keys.
# --------------------------------------------------------------------------------------
ALICE, BOB, CAROL, DAVE, ERIN = "alice", "JIRAUSER10100", "carol", "JIRAUSER10102", "JIRAUSER10103"
FRANK, GRACE, HENRY, IVAN = "JIRAUSER10104", "grace", "JIRAUSER10106", "JIRAUSER10107"
CI, BACKUP = "JIRAUSER10200", "JIRAUSER10201"

USERS = (
    (ALICE, "alice", "Alice Admin", "alice@initech.example", True),
    (BOB, "bob.builder", "Bob Builder", "bob.builder@initech.example", True),
    (CAROL, "carol", "Carol Chen", "carol.chen@initech.example", True),
    (DAVE, "dave.contractor", "Dave Diaz (contractor)", "dave@contract-staff.example", True),
    (ERIN, "erin.evans", "Erin Evans", "erin.evans@initech.example", True),
    (FRANK, "frank.finance", "Frank Fischer", "frank.fischer@initech.example", True),
    (GRACE, "grace", "Grace Green", "grace.green@initech.example", False),
    (HENRY, "henry.hr", "Henry Hall", "henry.hall@initech.example", True),
    (IVAN, "ivan.ops", "Ivan Ivanov", "ivan.ivanov@initech.example", True),
    (CI, "svc-jenkins", "Jenkins CI", "jenkins@initech.example", True),
    (BACKUP, "svc-backup", "Backup Service", None, True),
)


def _accounts() -> tuple[Account, ...]:
    return tuple(Account(key, name, email, active, username=username)
                 for key, username, name, email, active in USERS)


# --------------------------------------------------------------------------------------
# Groups: direct members and nesting (User management > Groups).  The snapshot holds the
# members group/member reports: direct members plus those of every nested group.
# --------------------------------------------------------------------------------------
DIRECT: dict[str, tuple[str, ...]] = {
    "jira-system-administrators": (ALICE,),
    "jira-administrators": (ALICE,),
    "jira-software-users": (ALICE, IVAN, CI, BACKUP),
    "developers": (),
    "payments-team": (BOB, CAROL),
    "contractors": (DAVE,),
    "reviewers": (ERIN,),
    "payments-staff": (CAROL,),
    "jira-core-users": (FRANK, HENRY, GRACE),
    "hr-team": (HENRY,),
    "finance": (FRANK,),
    "integrations": (CI, BACKUP),
}
NESTED: dict[str, tuple[str, ...]] = {
    "jira-software-users": ("developers", "reviewers"),
    "developers": ("payments-team", "contractors"),
    "jira-core-users": ("hr-team", "finance"),
}


def _members(name: str) -> tuple[str, ...]:
    found = list(DIRECT[name])
    for child in NESTED.get(name, ()):
        found += _members(child)
    return tuple(sorted(set(found)))


def _groups() -> tuple[Group, ...]:
    return tuple(Group(name, "", _members(name), NESTED.get(name, ())) for name in sorted(DIRECT))


def _application_roles() -> tuple[ApplicationRole, ...]:
    return (
        ApplicationRole("jira-core", "Jira Work Management", ("jira-core-users",), ("jira-core-users",)),
        ApplicationRole("jira-software", "Jira Software", ("jira-software-users",), ("jira-software-users",)),
    )


def _global_grants() -> tuple[GlobalGrant, ...]:
    users = "jira-software-users"
    return (
        GlobalGrant("SYSTEM_ADMIN", "jira-system-administrators"),
        GlobalGrant("ADMINISTER", "jira-administrators"),
        GlobalGrant("USER_PICKER", users),
        GlobalGrant("USER_PICKER", "jira-core-users"),
        GlobalGrant("CREATE_SHARED_OBJECTS", users),
        GlobalGrant("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", users),
        GlobalGrant("BULK_CHANGE", users),
        GlobalGrant("BROWSE_ARCHIVE", "jira-administrators"),
    )


# --------------------------------------------------------------------------------------
# Roles and permission schemes.
# --------------------------------------------------------------------------------------
ROLE_USERS, ROLE_DEVELOPERS, ROLE_ADMINS = "10000", "10001", "10002"


def _roles() -> tuple[Role, ...]:
    return (
        Role(ROLE_USERS, "Users", "A project role that represents users in a project"),
        Role(ROLE_DEVELOPERS, "Developers", "A project role that represents developers in a project"),
        Role(ROLE_ADMINS, "Administrators", "A project role that represents administrators in a project"),
    )


class _Grants:
    def __init__(self, first: int):
        self.next = first
        self.grants: list[Grant] = []

    def add(self, permissions: tuple[str, ...] | str, *holders: Holder) -> None:
        for permission in (permissions,) if isinstance(permissions, str) else permissions:
            for holder in holders:
                self.grants.append(Grant(str(self.next), permission, holder))
                self.next += 1


def _role(role_id: str) -> Holder:
    return Holder("projectRole", role_id)


WORK = ("CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS", "CREATE_ATTACHMENTS", "LINK_ISSUES",
        "RESOLVE_ISSUES", "ASSIGN_ISSUES", "WORK_ON_ISSUES", "EDIT_OWN_COMMENTS", "DELETE_OWN_COMMENTS",
        "DELETE_OWN_ATTACHMENTS", "EDIT_OWN_WORKLOGS", "DELETE_OWN_WORKLOGS", "VIEW_VOTERS_AND_WATCHERS",
        "VIEW_DEV_TOOLS", "VIEW_READONLY_WORKFLOW", "SCHEDULE_ISSUES", "CLOSE_ISSUES")
ADMIN = ("ADMINISTER_PROJECTS", "DELETE_ISSUES", "MOVE_ISSUES", "MODIFY_REPORTER", "SET_ISSUE_SECURITY",
         "MANAGE_WATCHERS", "DELETE_ALL_COMMENTS", "DELETE_ALL_ATTACHMENTS", "DELETE_ALL_WORKLOGS",
         "EDIT_ALL_COMMENTS", "EDIT_ALL_WORKLOGS")

SCHEME_PAYMENTS, SCHEME_HR, SCHEME_PUBLIC = "10100", "10101", "10102"


def _permission_schemes() -> tuple[PermissionScheme, ...]:
    pay = _Grants(10200)
    pay.add("BROWSE_PROJECTS", _role(ROLE_USERS), _role(ROLE_DEVELOPERS), _role(ROLE_ADMINS))
    pay.add(WORK, _role(ROLE_DEVELOPERS), _role(ROLE_ADMINS))
    pay.add("ASSIGNABLE_USER", _role(ROLE_DEVELOPERS))
    pay.add(ADMIN, _role(ROLE_ADMINS))
    hr = _Grants(10400)
    hr.add("BROWSE_PROJECTS", Holder("reporterWithCreatePermission"), Holder("group", "hr-team"))
    hr.add("CREATE_ISSUES", Holder("applicationRole"))  # "Any logged in user"
    hr.add(("EDIT_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS", "RESOLVE_ISSUES", "CLOSE_ISSUES"),
           Holder("group", "hr-team"))
    hr.add("ADD_COMMENTS", Holder("reporter"))
    hr.add("ASSIGNABLE_USER", Holder("group", "hr-team"))
    hr.add("ASSIGN_ISSUES", Holder("assigneeWithAssignablePermission"), Holder("group", "hr-team"))
    hr.add(ADMIN, _role(ROLE_ADMINS))
    public = _Grants(10600)
    public.add("BROWSE_PROJECTS", Holder("group"))  # Group (Anyone): logged-out visitors too
    public.add(("CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ASSIGNABLE_USER"), Holder("group", "developers"))
    public.add("ADD_COMMENTS", Holder("applicationRole"))
    public.add(ADMIN, _role(ROLE_ADMINS))
    return (
        PermissionScheme(SCHEME_PAYMENTS, "Payments Permission Scheme", tuple(pay.grants),
                         "Payments: developers work, administrators administer, every Jira user browses."),
        PermissionScheme(SCHEME_HR, "HR Permission Scheme", tuple(hr.grants),
                         "People Ops: employees see only their own requests (Reporter, show only projects with "
                         "create permission); HR assigns within the team."),
        PermissionScheme(SCHEME_PUBLIC, "Public Documentation Scheme", tuple(public.grants),
                         "Public documentation: anyone on the web may browse."),
    )


# --------------------------------------------------------------------------------------
# Issue security and workflows (both supplied by hand: DC's REST API does not publish
# level members or status properties).
# --------------------------------------------------------------------------------------
SECURITY_PAYMENTS, LEVEL_STAFF, LEVEL_INTERNAL = "10000", "10010", "10011"


def _security_schemes() -> tuple[IssueSecurityScheme, ...]:
    return (IssueSecurityScheme(SECURITY_PAYMENTS, "Payments Security", (
        SecurityLevel(LEVEL_STAFF, "Payments staff", (Holder("group", "payments-staff"), _role(ROLE_ADMINS)),
                      "Card-holder data and fraud cases"),
        SecurityLevel(LEVEL_INTERNAL, "Internal", (Holder("group", "developers"), Holder("reporter")),
                      "Engineering only"),
    ), None),)


ST_OPEN, ST_IN_PROGRESS, ST_IN_REVIEW, ST_DONE = "1", "3", "10001", "10002"
WF_PAYMENTS, WF_DEFAULT = "Payments Workflow", "jira"
T_TASK, T_BUG, T_REQUEST = IssueType("10001", "Task"), IssueType("10004", "Bug"), IssueType("10010", "HR Request")


def _workflows() -> tuple[Workflow, ...]:
    return (
        Workflow(WF_PAYMENTS, (
            WorkflowStatus(ST_OPEN, "Open"),
            WorkflowStatus(ST_IN_PROGRESS, "In Progress"),
            WorkflowStatus(ST_IN_REVIEW, "In Review", frozen_map({
                "jira.permission.edit.group": "reviewers",
                "jira.permission.edit.projectrole": ROLE_ADMINS,
            })),
            WorkflowStatus(ST_DONE, "Done", frozen_map({"jira.issue.editable": "false"})),
        )),
        Workflow(WF_DEFAULT, (
            WorkflowStatus(ST_OPEN, "Open"),
            WorkflowStatus(ST_IN_PROGRESS, "In Progress"),
            WorkflowStatus(ST_DONE, "Done"),
        )),
    )


WFS_PAYMENTS = "10000"


def _workflow_schemes() -> tuple[WorkflowScheme, ...]:
    return (
        WorkflowScheme(WFS_PAYMENTS, "Payments Workflow Scheme", WF_PAYMENTS),
        WorkflowScheme("default", "Default Workflow Scheme", WF_DEFAULT),
    )


# --------------------------------------------------------------------------------------
# Projects and issues.
# --------------------------------------------------------------------------------------
def _projects() -> tuple[Project, ...]:
    return (
        Project("10200", "DOCS", "Public Docs", ProjectType.BUSINESS, lead=ERIN, permission_scheme_id=SCHEME_PUBLIC,
                workflow_scheme_id="default",
                role_actors=frozen_map({ROLE_ADMINS: RoleActors((ERIN,))})),
        Project("10300", "HR", "People Ops", ProjectType.BUSINESS, lead=HENRY, permission_scheme_id=SCHEME_HR,
                workflow_scheme_id="default",
                role_actors=frozen_map({ROLE_ADMINS: RoleActors((HENRY,))})),
        Project("10400", "OLD", "Old Billing", ProjectType.SOFTWARE, archived=True, lead=CAROL,
                permission_scheme_id=SCHEME_PAYMENTS, workflow_scheme_id=WFS_PAYMENTS,
                role_actors=frozen_map({ROLE_ADMINS: RoleActors((CAROL,)),
                                        ROLE_DEVELOPERS: RoleActors((), ("payments-team",))})),
        Project("10100", "PAY", "Payments", ProjectType.SOFTWARE, lead=CAROL, permission_scheme_id=SCHEME_PAYMENTS,
                issue_security_scheme_id=SECURITY_PAYMENTS, workflow_scheme_id=WFS_PAYMENTS,
                role_actors=frozen_map({
                    ROLE_USERS: RoleActors((), ("jira-software-users",)),
                    ROLE_DEVELOPERS: RoleActors((CI,), ("developers",)),
                    ROLE_ADMINS: RoleActors((CAROL,), ("jira-administrators",)),
                })),
    )


def _issues() -> tuple[Issue, ...]:
    return (
        Issue("DOCS-1", "20200", "DOCS", T_TASK, ST_OPEN, "Open", reporter=ERIN,
              summary="Publish the card-terminal integration guide"),
        Issue("HR-2", "20301", "HR", T_REQUEST, ST_OPEN, "Open", reporter=FRANK, assignee=HENRY,
              summary="Update my bank details for payroll"),
        Issue("PAY-1", "20101", "PAY", T_TASK, ST_OPEN, "Open", reporter=CAROL, assignee=BOB,
              summary="Rotate the acquirer API keys"),
        Issue("PAY-3", "20103", "PAY", T_BUG, ST_DONE, "Done", reporter=BOB, assignee=BOB, archived=True,
              summary="Refunds over 10,000 EUR time out"),
        Issue("PAY-7", "20107", "PAY", T_BUG, ST_IN_PROGRESS, "In Progress", security_level_id=LEVEL_STAFF,
              reporter=CAROL, assignee=BOB, summary="Chargeback batch exposes masked card numbers in logs"),
        Issue("PAY-8", "20108", "PAY", T_TASK, ST_IN_REVIEW, "In Review", reporter=BOB, assignee=BOB,
              summary="Retry failed SEPA payouts with backoff"),
    )


# --------------------------------------------------------------------------------------
# Completeness: what a sync of this site read, and what the admin supplied by hand.
# --------------------------------------------------------------------------------------
def _facts(projects: tuple[Project, ...]) -> tuple[Fact, ...]:
    ok = Status.COMPLETE

    def hand(kind: FactKind, subject: str | None) -> Fact:
        return Fact(kind, subject, ok, "", f"supplied by hand from {FORM}", SUPPLIED_BY_HAND)

    facts = [
        Fact(FactKind.ACCOUNTS, None, ok, f"GET {API}/user/list"),
        Fact(FactKind.GROUPS, None, ok, f"GET {API}/groups/picker"),
        *(Fact(FactKind.GROUP_MEMBERS, name, ok, f"GET {API}/group/member") for name in sorted(DIRECT)),
        Fact(FactKind.APPLICATION_ROLES, None, ok, f"GET {API}/applicationrole"),
        Fact(FactKind.PROJECTS, None, ok, f"GET {API}/project?includeArchived=true"),
        *(Fact(FactKind.PROJECT_PERMISSION_SCHEME, p.key, ok, f"GET {API}/project/{p.key}/permissionscheme")
          for p in projects),
        *(Fact(FactKind.PERMISSION_SCHEME, s, ok, f"GET {API}/project/{{key}}/permissionscheme?expand=permissions")
          for s in (SCHEME_PAYMENTS, SCHEME_HR, SCHEME_PUBLIC)),
        *(Fact(FactKind.PROJECT_ROLES, p.key, ok, f"GET {API}/project/{p.key}/role") for p in projects),
        *(Fact(FactKind.PROJECT_ISSUE_SECURITY, p.key, ok, f"GET {API}/project/{p.key}/issuesecuritylevelscheme")
          for p in projects),
        hand(FactKind.ISSUE_SECURITY_SCHEME, SECURITY_PAYMENTS),
        *(Fact(FactKind.PROJECT_WORKFLOWS, p.key, ok, f"GET {API}/project/{p.key}/workflowscheme") for p in projects),
        hand(FactKind.WORKFLOW, WF_PAYMENTS),
        hand(FactKind.WORKFLOW, WF_DEFAULT),
        hand(FactKind.GLOBAL_PERMISSIONS, None),
        *(Fact(FactKind.ISSUE, i.key, ok, f"GET {API}/issue/{i.key}") for i in _issues()),
        hand(FactKind.GROUP_NESTING, None),
    ]
    order = {kind: n for n, kind in enumerate(FactKind)}
    return tuple(sorted(facts, key=lambda f: (order[f.kind], f.subject or "")))


def build_demo_dc_snapshot() -> Snapshot:
    """The Data Center demo site, "Initech Jira (Data Center demo)": always the same snapshot."""
    projects = _projects()
    return Snapshot(
        site=Site(SITE_URL, Deployment.DATA_CENTER, "10.3.24", "Initech Jira (Data Center demo)"),
        provenance=Provenance(TAKEN_AT, ALICE, __version__,
                              "Bundled Data Center demo site: fictional people, not a real Jira. Global "
                              f"permissions, security levels, workflow properties and group nesting supplied "
                              f"by hand from {FORM}."),
        accounts=_accounts(),
        groups=_groups(),
        application_roles=_application_roles(),
        projects=projects,
        permission_schemes=_permission_schemes(),
        roles=_roles(),
        issue_security_schemes=_security_schemes(),
        workflows=_workflows(),
        workflow_schemes=_workflow_schemes(),
        global_grants=_global_grants(),
        account_global_permissions=frozen_map({ALICE: frozenset({
            "SYSTEM_ADMIN", "ADMINISTER", "USER_PICKER", "CREATE_SHARED_OBJECTS", "MANAGE_GROUP_FILTER_SUBSCRIPTIONS",
            "BULK_CHANGE", "BROWSE_ARCHIVE"})}),
        issues=_issues(),
        facts=_facts(projects),
    )


def main() -> int:
    from explorer.store.snapshot_file import write_snapshot

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(build_demo_dc_snapshot(), OUTPUT)
    OUTPUT.chmod(0o644)  # write_snapshot makes private 0600 files; this one is shipped in the package
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
