"""Build the bundled demo snapshot ``explorer/data/demo-site.jpsnap``.

The demo is a fictional Jira Cloud site, "Acme Corp (demo)", written out in plain
code so that every fact is reviewable and the output is deterministic (no clocks,
no random ids).  It is shaped to tell one story: five vendor integrations whose
service accounts were each given some, but not all, of what their setup guides ask
for (Support Fusion, Helpdesk+, Backbone, Workato, Factory), next to the usual
people of a mid-sized company and the usual misconfigurations (a status that only
reviewers may edit in, a Done status nobody may edit, a security level nobody
thought of, a group the sync could not read completely, a team-managed project
whose roles have no public API).

Run ``python scripts/build_demo.py`` after changing anything here, and commit the
regenerated file together with this script: ``tests/test_demo.py`` checks that the
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
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS  # noqa: E402

OUTPUT = REPO / "explorer" / "data" / "demo-site.jpsnap"

SITE_URL = "https://acme-demo.atlassian.net"
TAKEN_AT = "2026-11-02T09:30:00Z"

# --------------------------------------------------------------------------------------
# Accounts.  Atlassian accountIds: a few legacy 24-hex ids (accounts from before 2019),
# "712020:<uuid>" for newer ones, "557058:<uuid>" for Atlassian's own app users and
# "qm:<uuid>:<uuid>" for portal-only JSM customers.
# --------------------------------------------------------------------------------------
ALICE = "5b10ac8d82e05b22cc7d4ef5"  # Alice Admin: site and Jira admin (took the snapshot)
PRIYA = "5c3f9a7e21b04e0f8d6a12c4"  # Priya Patel: ENG lead
DANIEL = "712020:06c114ca-57fe-4b9c-9fa3-cad1db803852"
MARIA = "712020:f03c17f5-fcbe-4389-a32e-ca8dfcf74939"
LUKAS = "712020:e6becca8-f5d8-4808-b333-41551d4a3fdc"  # contractor developer
MEI = "712020:dd77f4e3-1ef3-47c2-a388-5f9ff482b527"
QUINN = "712020:a8dca08e-6d87-4ee5-a23b-8feb7e07e55e"
ROB = "712020:d7d5631a-f556-48e5-ba18-7d421d78c94f"
SOFIA = "712020:24ba04a9-5548-4e67-acbc-31d922252746"  # JSM agent, HELP lead
TOM = "712020:6f1cebc6-24e3-4830-ad25-af7c94b96e71"  # JSM agent
IAN = "5d8e2b6c0f7a3e0c1b9d4f27"  # Ian Former: deactivated
FRANK = "712020:b19af857-dd55-482a-b848-8f42cb2bc98e"  # site access, no Jira product
OMAR = "712020:0db192cd-6684-4548-af42-3bd623bcc2c8"  # OPS lead
HANNAH = "712020:4118f63b-bcbe-415e-abb8-72619695f81b"
NADIA = "712020:b96c77b7-87e3-4f42-8332-c951ffada77f"  # contractor designer
OLIVIA = "712020:dcc3b77a-a7a6-47bb-81a7-54803a6e64bb"  # WEB lead (marketing)
PAUL = "712020:69620c21-84de-41b9-870a-15a0709a066e"  # product manager
JORDAN = "qm:87c721ef-5182-4edc-8141-e257c56c83a1:2aac941e-70ca-4ed2-8755-0c8f1df49752"  # customer
EMMA = "qm:e47360de-6ab7-4e8c-a55e-1debcaf11037:67aed41c-a2db-438c-916f-7704f23e44be"  # customer
AUTOMATION = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"  # Automation for Jira (app)
SUPPORT_FUSION = "712020:15596ca9-33bf-4ee8-887e-cfe52c10aca5"
HELPDESK_PLUS = "712020:f4664892-5a9c-4e2f-a71e-3bb7c37045d7"
BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
WORKATO = "712020:bdac4683-ad46-4d06-b1a6-6b9855fd4a31"
FACTORY = "712020:80409efe-9b29-4ecc-9959-13357f626516"


def _accounts() -> tuple[Account, ...]:
    customer, app = AccountType.CUSTOMER, AccountType.APP
    return (
        Account(ALICE, "Alice Admin", "alice.admin@acme.example"),
        Account(PRIYA, "Priya Patel", "priya.patel@acme.example"),
        Account(DANIEL, "Daniel Kim", "daniel.kim@acme.example"),
        Account(MARIA, "Maria Garcia", "maria.garcia@acme.example"),
        Account(LUKAS, "Lukas Becker", "lukas.becker@acme.example"),
        Account(MEI, "Mei Lin", "mei.lin@acme.example"),
        Account(QUINN, "Quinn Tester", "quinn.tester@acme.example"),
        Account(ROB, "Rob Reviewer", "rob.reviewer@acme.example"),
        Account(SOFIA, "Sofia Alvarez", "sofia.alvarez@acme.example"),
        Account(TOM, "Tom Nguyen", "tom.nguyen@acme.example"),
        Account(IAN, "Ian Former", "ian.former@acme.example", active=False),
        Account(FRANK, "Frank Finance", "frank.finance@acme.example"),
        Account(OMAR, "Omar Okafor", "omar.okafor@acme.example"),
        Account(HANNAH, "Hannah Schmidt", "hannah.schmidt@acme.example"),
        Account(NADIA, "Nadia Ivanova", "nadia.ivanova@acme.example"),
        Account(OLIVIA, "Olivia Brooks", "olivia.brooks@acme.example"),
        Account(PAUL, "Paul Mercer", "paul.mercer@acme.example"),
        Account(JORDAN, "Jordan Blake", "jordan.blake@brightmail.example", account_type=customer),
        Account(EMMA, "Emma Schultz", "emma.schultz@northwind-traders.example", account_type=customer),
        Account(AUTOMATION, "Automation for Jira", None, account_type=app),
        Account(SUPPORT_FUSION, "Support Fusion Integration", "support-fusion@acme.example"),
        Account(HELPDESK_PLUS, "Helpdesk+ Bot", "helpdesk-plus@acme.example"),
        Account(BACKBONE, "Backbone Sync", "backbone-sync@acme.example"),
        Account(WORKATO, "Workato Connector", "workato@acme.example"),
        Account(FACTORY, "Factory Droid", "factory-droid@acme.example"),
    )


# --------------------------------------------------------------------------------------
# Groups (Cloud group ids are UUIDs) and products.
# --------------------------------------------------------------------------------------
GROUP_IDS = {
    "site-admins": "4217ba8c-870d-4efe-8e7e-2c8ea5f26cd5",
    "jira-admins-acme": "881208bf-8639-4e5f-811a-88a4d5b8fefa",
    "jira-software-users": "2d7ff605-1fb6-4b13-91bc-15c4808920b2",
    "jira-servicemanagement-users": "04490740-b62d-4c1d-a88e-4b132abf0a9a",
    "developers": "88e0c3c9-2d0d-4b22-a025-f071c26851f7",
    "qa-team": "d7f4b6db-c90e-4dcc-abc9-3f5149e56f2f",
    "ops-team": "0be4067b-c702-4388-a3b1-876a08fec5d8",
    "support-agents": "26e35885-44ad-4dbc-8e5e-7dd6b1e841a9",
    "reviewers": "bccfbee7-caa7-4d86-a267-180caf1f25d5",
    "integrations": "79bba8f1-31e4-41bd-a6e2-13003b1cb614",
    "contractors": "fcac0997-7f01-4a6f-a762-db1c4b561bad",
}

GROUP_MEMBERS: dict[str, tuple[str, ...]] = {
    "site-admins": (ALICE,),
    "jira-admins-acme": (ALICE, HELPDESK_PLUS, FACTORY),
    "jira-software-users": (
        ALICE, PRIYA, DANIEL, MARIA, LUKAS, MEI, QUINN, ROB, IAN, OMAR, HANNAH, NADIA, OLIVIA, PAUL,
        AUTOMATION, SUPPORT_FUSION, BACKBONE, WORKATO, FACTORY,
    ),
    "jira-servicemanagement-users": (ALICE, SOFIA, TOM, AUTOMATION, HELPDESK_PLUS),
    "developers": (PRIYA, DANIEL, MARIA, MEI, IAN),
    "qa-team": (QUINN,),
    "ops-team": (OMAR, HANNAH, FRANK),
    "support-agents": (SOFIA, TOM),
    "reviewers": (ROB, MEI),
    "integrations": (SUPPORT_FUSION, HELPDESK_PLUS, BACKBONE, WORKATO, FACTORY),
    # Only what the sync read before it stopped (see the TRUNCATED fact below).
    "contractors": (LUKAS, NADIA),
}


def _groups() -> tuple[Group, ...]:
    return tuple(Group(name, GROUP_IDS[name], GROUP_MEMBERS[name]) for name in GROUP_IDS)


def _application_roles() -> tuple[ApplicationRole, ...]:
    return (
        ApplicationRole("jira-software", "Jira Software", ("jira-software-users",), ("jira-software-users",)),
        ApplicationRole("jira-servicedesk", "Jira Service Management", ("jira-servicemanagement-users",),
                        ("jira-servicemanagement-users",)),
    )


def _global_grants() -> tuple[GlobalGrant, ...]:
    return (
        GlobalGrant("ADMINISTER", "jira-admins-acme"),
        GlobalGrant("USER_PICKER", "jira-software-users"),
        GlobalGrant("CREATE_SHARED_OBJECTS", "jira-software-users"),
        GlobalGrant("BULK_CHANGE", "jira-software-users"),
        GlobalGrant("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "jira-software-users"),
    )


# --------------------------------------------------------------------------------------
# Project roles (site-wide definitions; actors are per project).
# --------------------------------------------------------------------------------------
ROLE_DEVELOPERS = "10001"
ROLE_ADMINISTRATORS = "10002"
ROLE_ADDONS = "10003"
ROLE_VIEWERS = "10004"
ROLE_QA = "10005"
ROLE_SD_TEAM = "10100"
ROLE_SD_CUSTOMERS = "10101"

# Team-managed projects have their own roles (scoped to the project).
MOB_ADMINISTRATOR = "10210"
MOB_MEMBER = "10211"
MOB_VIEWER = "10212"


def _roles() -> tuple[Role, ...]:
    return (
        Role(ROLE_ADMINISTRATORS, "Administrators", "A project role that represents administrators in a project"),
        Role(ROLE_DEVELOPERS, "Developers", "A project role that represents developers in a project"),
        Role(ROLE_QA, "QA", "Testers who verify and close issues"),
        Role(ROLE_VIEWERS, "Viewers", "Read-only access for stakeholders"),
        Role(ROLE_SD_TEAM, "Service Desk Team", "Members of the service desk team (agents)"),
        Role(ROLE_SD_CUSTOMERS, "Service Desk Customers", "Customers of the service desk (portal only)"),
        Role(ROLE_ADDONS, "atlassian-addons-project-access",
             "A project role that represents Connect add-ons declaring a scope that requires more than read "
             "access to issues"),
    )


# --------------------------------------------------------------------------------------
# Permission schemes.
# --------------------------------------------------------------------------------------
SCHEME_SOFTWARE = "10100"
SCHEME_OPERATIONS = "10101"
SCHEME_JSM = "10102"

USER_CF_APPROVERS = "customfield_10050"  # "Approvers" (user picker, multiple)
GROUP_CF_TEAM = "customfield_10060"  # "Responsible team" (group picker)

ALL_PROJECT_PERMISSIONS = tuple(p.key for p in PROJECT_PERMISSIONS)


def _role(role_id: str) -> Holder:
    return Holder("projectRole", role_id, role_id)


def _group(name: str) -> Holder:
    return Holder("group", name, GROUP_IDS[name])


class _Grants:
    """Collects grants with unique ids (Jira numbers them site-wide)."""

    def __init__(self, first_id: int):
        self.next_id = first_id
        self.grants: list[Grant] = []

    def add(self, permissions: tuple[str, ...] | str, *holders: Holder) -> None:
        if isinstance(permissions, str):
            permissions = (permissions,)
        for permission in permissions:
            for holder in holders:
                self.grants.append(Grant(str(self.next_id), permission, holder))
                self.next_id += 1


EVERYDAY_SOFTWARE = (
    "CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS", "CREATE_ATTACHMENTS", "LINK_ISSUES",
    "SCHEDULE_ISSUES", "RESOLVE_ISSUES", "ASSIGN_ISSUES", "WORK_ON_ISSUES", "EDIT_OWN_COMMENTS",
    "DELETE_OWN_COMMENTS", "EDIT_OWN_WORKLOGS", "DELETE_OWN_WORKLOGS", "VIEW_VOTERS_AND_WATCHERS",
    "VIEW_DEV_TOOLS", "VIEW_READONLY_WORKFLOW", "MANAGE_SPRINTS_PERMISSION",
)

ADMIN_ONLY = (
    "ADMINISTER_PROJECTS", "DELETE_ISSUES", "MOVE_ISSUES", "MODIFY_REPORTER", "SET_ISSUE_SECURITY",
    "MANAGE_WATCHERS", "DELETE_ALL_COMMENTS", "DELETE_ALL_ATTACHMENTS", "DELETE_ALL_WORKLOGS",
    "EDIT_ALL_COMMENTS", "EDIT_ALL_WORKLOGS", "EDIT_WORKFLOW", "EDIT_ISSUE_LAYOUT", "ARCHIVE_ISSUES",
    "UNARCHIVE_ISSUES",
)


def _software_scheme() -> PermissionScheme:
    g = _Grants(10200)
    admins, devs, qa, viewers, addons = (_role(r) for r in (
        ROLE_ADMINISTRATORS, ROLE_DEVELOPERS, ROLE_QA, ROLE_VIEWERS, ROLE_ADDONS))
    g.add("BROWSE_PROJECTS", admins, devs, qa, viewers, addons, _group("contractors"))
    g.add(EVERYDAY_SOFTWARE, devs, admins, addons)
    g.add("EDIT_ISSUES", Holder("userCustomField", USER_CF_APPROVERS))
    g.add("ADD_COMMENTS", Holder("reporter"))
    g.add("VIEW_VOTERS_AND_WATCHERS", Holder("applicationRole"))  # "Any logged in user"
    g.add("VIEW_AGGREGATED_DATA", devs, admins)
    g.add("ASSIGNABLE_USER", devs, qa)
    g.add("CLOSE_ISSUES", qa, admins)
    g.add("DELETE_OWN_ATTACHMENTS", admins)
    g.add(ADMIN_ONLY, admins)
    return PermissionScheme(
        SCHEME_SOFTWARE,
        "Software Permission Scheme",
        tuple(g.grants),
        "Permissions for software projects. Only QA (and admins) may close issues. Delete Own Attachments "
        "was restricted to Administrators after the March 2026 incident in which a sync tool deleted release "
        "artefacts; ask the Jira admins before granting it back to Developers.",
    )


def _operations_scheme() -> PermissionScheme:
    g = _Grants(10400)
    ops = _group("ops-team")
    admins, devs, qa, addons = (_role(r) for r in (ROLE_ADMINISTRATORS, ROLE_DEVELOPERS, ROLE_QA, ROLE_ADDONS))
    g.add("BROWSE_PROJECTS", ops, admins, devs, qa, addons)
    g.add((
        "CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ADD_COMMENTS", "CREATE_ATTACHMENTS", "LINK_ISSUES",
        "SCHEDULE_ISSUES", "RESOLVE_ISSUES", "CLOSE_ISSUES", "ASSIGN_ISSUES", "WORK_ON_ISSUES",
        "EDIT_OWN_COMMENTS", "DELETE_OWN_COMMENTS", "DELETE_OWN_ATTACHMENTS", "EDIT_OWN_WORKLOGS",
        "DELETE_OWN_WORKLOGS", "VIEW_VOTERS_AND_WATCHERS", "VIEW_READONLY_WORKFLOW",
    ), ops, devs, admins, addons)
    g.add(("ADD_COMMENTS", "VIEW_VOTERS_AND_WATCHERS"), qa)
    g.add("ASSIGNABLE_USER", ops, devs)
    g.add(ADMIN_ONLY, admins)
    return PermissionScheme(
        SCHEME_OPERATIONS,
        "Operations Permission Scheme",
        tuple(g.grants),
        "Operations and finance requests. The ops-team group works every issue; project roles add the "
        "people from other departments. Sensitive issues are protected by the Operations Security scheme.",
    )


def _jsm_scheme() -> PermissionScheme:
    g = _Grants(10600)
    portal = Holder("sd.customer.portal.only")
    admins, team, addons = _role(ROLE_ADMINISTRATORS), _role(ROLE_SD_TEAM), _role(ROLE_ADDONS)
    g.add("BROWSE_PROJECTS", portal, team, admins, addons)
    g.add("SERVICEDESK_AGENT", admins, addons, team)
    g.add(("CREATE_ISSUES", "ADD_COMMENTS", "CREATE_ATTACHMENTS"), portal, team, admins, addons)
    g.add((
        "EDIT_ISSUES", "TRANSITION_ISSUES", "ASSIGN_ISSUES", "ASSIGNABLE_USER", "RESOLVE_ISSUES", "CLOSE_ISSUES",
        "LINK_ISSUES", "SCHEDULE_ISSUES", "WORK_ON_ISSUES", "EDIT_OWN_COMMENTS", "DELETE_OWN_COMMENTS",
        "DELETE_OWN_ATTACHMENTS", "EDIT_OWN_WORKLOGS", "DELETE_OWN_WORKLOGS", "MANAGE_WATCHERS",
        "VIEW_VOTERS_AND_WATCHERS", "VIEW_READONLY_WORKFLOW", "VIEW_AGGREGATED_DATA",
    ), team, admins, addons)
    g.add((
        "ADMINISTER_PROJECTS", "DELETE_ISSUES", "MOVE_ISSUES", "MODIFY_REPORTER", "SET_ISSUE_SECURITY",
        "DELETE_ALL_COMMENTS", "DELETE_ALL_ATTACHMENTS", "DELETE_ALL_WORKLOGS", "EDIT_ALL_COMMENTS",
        "EDIT_ALL_WORKLOGS", "EDIT_WORKFLOW", "EDIT_ISSUE_LAYOUT", "ARCHIVE_ISSUES", "UNARCHIVE_ISSUES",
    ), admins)
    return PermissionScheme(
        SCHEME_JSM,
        "JSM Permission Scheme",
        tuple(g.grants),
        "Standard Jira Service Management scheme: customers use the portal (Service Project Customer - "
        "Portal Access), agents are the Service Desk Team role, admins the Administrators role. Grant to "
        "these roles only, never to groups or users.",
    )


# --------------------------------------------------------------------------------------
# Issue security.
# --------------------------------------------------------------------------------------
SECURITY_OPERATIONS = "10000"
LEVEL_TOP_SECRET = "10010"
LEVEL_INTERNAL = "10011"


def _security_schemes() -> tuple[IssueSecurityScheme, ...]:
    return (
        IssueSecurityScheme(
            SECURITY_OPERATIONS,
            "Operations Security",
            (
                SecurityLevel(LEVEL_TOP_SECRET, "Top secret", (_role(ROLE_QA),),
                              "Audit findings and security incidents: the QA role only"),
                SecurityLevel(LEVEL_INTERNAL, "Internal",
                              (_group("ops-team"), _role(ROLE_ADMINISTRATORS), Holder("reporter")),
                              "Operations staff, project admins and the reporter"),
            ),
            None,
        ),
    )


# --------------------------------------------------------------------------------------
# Workflows.  Status ids are site-wide (1 Open, 3 In Progress, 5 Resolved are Jira's
# built-ins); properties belong to the workflow's step, so one status can carry
# properties in one workflow and none in another.
# --------------------------------------------------------------------------------------
ST_OPEN, ST_IN_PROGRESS, ST_RESOLVED = "1", "3", "5"
ST_TODO, ST_IN_REVIEW, ST_DONE = "10000", "10001", "10002"
ST_WAITING_SUPPORT, ST_WAITING_CUSTOMER = "10010", "10011"
ST_MOB_TODO, ST_MOB_IN_PROGRESS, ST_MOB_DONE = "10020", "10021", "10022"
ST_WEB_TODO, ST_WEB_IN_PROGRESS, ST_WEB_DONE = "10030", "10031", "10032"

WF_SOFTWARE = "Software Workflow"
WF_OPERATIONS = "Operations Workflow"
WF_SERVICE = "Service Management Workflow"
WF_MOB = "Software Simplified Workflow for Project MOB"
WF_WEB = "Business Simplified Workflow for Project WEB"


def _workflows() -> tuple[Workflow, ...]:
    return (
        Workflow(WF_SOFTWARE, (
            WorkflowStatus(ST_TODO, "To Do"),
            WorkflowStatus(ST_IN_PROGRESS, "In Progress", frozen_map({
                # sub-tasks of an issue in progress may only be edited by QA
                "jira.permission.subtasks.edit.projectrole": ROLE_QA,
            })),
            WorkflowStatus(ST_IN_REVIEW, "In Review", frozen_map({
                # only reviewers and project admins may edit while in review
                "jira.permission.edit.group": "reviewers",
                "jira.permission.edit.projectrole": ROLE_ADMINISTRATORS,
            })),
            WorkflowStatus(ST_DONE, "Done", frozen_map({
                "jira.issue.editable": "false",
                "jira.permission.attachdeleteown.denied": "",
            })),
        )),
        Workflow(WF_OPERATIONS, (
            WorkflowStatus(ST_OPEN, "Open"),
            WorkflowStatus(ST_IN_PROGRESS, "In Progress"),
            WorkflowStatus(ST_DONE, "Done"),
        )),
        Workflow(WF_SERVICE, (
            WorkflowStatus(ST_WAITING_SUPPORT, "Waiting for support"),
            WorkflowStatus(ST_WAITING_CUSTOMER, "Waiting for customer"),
            WorkflowStatus(ST_RESOLVED, "Resolved"),
        )),
        Workflow(WF_MOB, (
            WorkflowStatus(ST_MOB_TODO, "To Do"),
            WorkflowStatus(ST_MOB_IN_PROGRESS, "In Progress"),
            WorkflowStatus(ST_MOB_DONE, "Done"),
        )),
        Workflow(WF_WEB, (
            WorkflowStatus(ST_WEB_TODO, "To Do"),
            WorkflowStatus(ST_WEB_IN_PROGRESS, "In Progress"),
            WorkflowStatus(ST_WEB_DONE, "Done"),
        )),
    )


WFS_SOFTWARE, WFS_OPERATIONS, WFS_SERVICE, WFS_MOB, WFS_WEB = "10000", "10001", "10002", "10003", "10004"


def _workflow_schemes() -> tuple[WorkflowScheme, ...]:
    return (
        WorkflowScheme(WFS_SOFTWARE, "Software Workflow Scheme", WF_SOFTWARE),
        WorkflowScheme(WFS_OPERATIONS, "Operations Workflow Scheme", WF_OPERATIONS),
        WorkflowScheme(WFS_SERVICE, "HELP: Service Management Workflow Scheme", WF_SERVICE),
        WorkflowScheme(WFS_MOB, "Software Simplified Workflow Scheme for Project MOB", WF_MOB),
        WorkflowScheme(WFS_WEB, "Business Simplified Workflow Scheme for Project WEB", WF_WEB),
    )


# --------------------------------------------------------------------------------------
# Projects.
# --------------------------------------------------------------------------------------
MOBILE_MEMBER_PERMISSIONS = frozenset({
    "BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES", "TRANSITION_ISSUES", "ASSIGN_ISSUES", "ASSIGNABLE_USER",
    "ADD_COMMENTS", "CREATE_ATTACHMENTS", "EDIT_OWN_COMMENTS", "DELETE_OWN_COMMENTS", "DELETE_OWN_ATTACHMENTS",
    "EDIT_OWN_WORKLOGS", "DELETE_OWN_WORKLOGS", "LINK_ISSUES", "SCHEDULE_ISSUES", "RESOLVE_ISSUES",
    "CLOSE_ISSUES", "WORK_ON_ISSUES", "MANAGE_WATCHERS", "VIEW_VOTERS_AND_WATCHERS",
    "MANAGE_SPRINTS_PERMISSION",
})
MOBILE_VIEWER_PERMISSIONS = frozenset({"BROWSE_PROJECTS", "ADD_COMMENTS", "VIEW_VOTERS_AND_WATCHERS"})


def _actors(*users: str, groups: tuple[str, ...] = ()) -> RoleActors:
    return RoleActors(tuple(users), groups)


def _projects() -> tuple[Project, ...]:
    addons = _actors(AUTOMATION)
    return (
        Project(
            "10000", "ENG", "Engineering Platform", ProjectType.SOFTWARE, lead=PRIYA,
            permission_scheme_id=SCHEME_SOFTWARE, workflow_scheme_id=WFS_SOFTWARE,
            role_actors=frozen_map({
                ROLE_ADMINISTRATORS: _actors(ALICE, PRIYA, FACTORY),
                ROLE_DEVELOPERS: _actors(IAN, LUKAS, ROB, SUPPORT_FUSION, BACKBONE, WORKATO,
                                         groups=("developers",)),
                ROLE_QA: _actors(groups=("qa-team",)),
                ROLE_VIEWERS: _actors(PAUL, groups=("support-agents",)),
                ROLE_ADDONS: addons,
            }),
        ),
        Project(
            "10001", "OPS", "Operations", ProjectType.BUSINESS, lead=OMAR,
            permission_scheme_id=SCHEME_OPERATIONS, issue_security_scheme_id=SECURITY_OPERATIONS,
            workflow_scheme_id=WFS_OPERATIONS,
            role_actors=frozen_map({
                ROLE_ADMINISTRATORS: _actors(ALICE, OMAR, FACTORY),
                ROLE_DEVELOPERS: _actors(BACKBONE),
                ROLE_QA: _actors(QUINN),
                ROLE_ADDONS: addons,
            }),
        ),
        Project(
            "10002", "HELP", "Customer Help Desk", ProjectType.SERVICE_DESK, lead=SOFIA,
            permission_scheme_id=SCHEME_JSM, workflow_scheme_id=WFS_SERVICE,
            role_actors=frozen_map({
                ROLE_ADMINISTRATORS: _actors(ALICE, FACTORY),
                ROLE_SD_TEAM: _actors(SUPPORT_FUSION, HELPDESK_PLUS, groups=("support-agents",)),
                ROLE_SD_CUSTOMERS: _actors(JORDAN, EMMA),
                ROLE_ADDONS: addons,
            }),
            customer_role_id=ROLE_SD_CUSTOMERS,
        ),
        Project(
            "10003", "LEGACY", "Legacy Billing", ProjectType.SOFTWARE, archived=True, lead=PRIYA,
            permission_scheme_id=SCHEME_SOFTWARE, workflow_scheme_id=WFS_SOFTWARE,
            role_actors=frozen_map({
                ROLE_ADMINISTRATORS: _actors(PRIYA, FACTORY),
                ROLE_DEVELOPERS: _actors(groups=("developers",)),
                ROLE_ADDONS: addons,
            }),
        ),
        Project(
            "10004", "MOB", "Mobile App", ProjectType.SOFTWARE, team_managed=True, lead=MEI,
            workflow_scheme_id=WFS_MOB, access_level="limited",
            role_actors=frozen_map({
                MOB_ADMINISTRATOR: _actors(MEI),
                MOB_MEMBER: _actors(MARIA, DANIEL, NADIA),
                MOB_VIEWER: _actors(ROB),
                ROLE_ADDONS: addons,
            }),
            team_roles=(
                TeamRole(MOB_ADMINISTRATOR, "Administrator",
                         frozenset(k for k in ALL_PROJECT_PERMISSIONS if k != "SERVICEDESK_AGENT")),
                TeamRole(MOB_MEMBER, "Member", MOBILE_MEMBER_PERMISSIONS),
                TeamRole(MOB_VIEWER, "Viewer", MOBILE_VIEWER_PERMISSIONS),
            ),
        ),
        Project(
            "10005", "WEB", "Website Refresh", ProjectType.BUSINESS, team_managed=True, lead=OLIVIA,
            workflow_scheme_id=WFS_WEB,
            role_actors=frozen_map({ROLE_ADDONS: addons}),
        ),
    )


# --------------------------------------------------------------------------------------
# Issues.
# --------------------------------------------------------------------------------------
T_EPIC = IssueType("10000", "Epic")
T_STORY = IssueType("10001", "Story")
T_TASK = IssueType("10002", "Task")
T_SUBTASK = IssueType("10003", "Sub-task", subtask=True)
T_BUG = IssueType("10004", "Bug")
T_SERVICE_REQUEST = IssueType("10005", "Service Request")
T_MOB_TASK = IssueType("10015", "Task")
T_WEB_TASK = IssueType("10016", "Task")


def _software_fields(approvers: tuple[str, ...] = (), teams: tuple[str, ...] = ()) -> dict:
    """The picker fields of an issue under the Software scheme (read by the sync even when empty)."""
    return {
        "user_fields": frozen_map({USER_CF_APPROVERS: approvers}),
        "group_fields": frozen_map({GROUP_CF_TEAM: teams}),
    }


def _issues() -> tuple[Issue, ...]:
    sw = _software_fields
    return (
        Issue("ENG-1", "10100", "ENG", T_TASK, ST_TODO, "To Do", reporter=ROB, assignee=DANIEL,
              summary="Upgrade the build agents to Java 21", **sw()),
        Issue("ENG-2", "10101", "ENG", T_STORY, ST_IN_REVIEW, "In Review", reporter=PRIYA, assignee=MARIA,
              summary="Rate-limit the public search API", **sw()),
        Issue("ENG-3", "10102", "ENG", T_BUG, ST_DONE, "Done", reporter=QUINN, assignee=DANIEL,
              summary="Login page returns 500 when the session cookie is malformed", **sw()),
        Issue("ENG-4", "10103", "ENG", T_STORY, ST_IN_PROGRESS, "In Progress", reporter=PRIYA, assignee=LUKAS,
              summary="Export audit log as CSV", **sw()),
        Issue("ENG-5", "10104", "ENG", T_SUBTASK, ST_TODO, "To Do", parent_key="ENG-4", reporter=LUKAS,
              assignee=QUINN, summary="Test CSV export with 100k rows", **sw()),
        Issue("ENG-6", "10105", "ENG", T_BUG, ST_TODO, "To Do", reporter=QUINN, assignee=DANIEL,
              summary="Dark mode toggle is not persisted", **sw(approvers=(QUINN,), teams=("reviewers",))),
        Issue("OPS-1", "10200", "OPS", T_TASK, ST_OPEN, "Open", security_level_id=LEVEL_TOP_SECRET,
              reporter=OMAR, assignee=HANNAH, summary="Q3 access review findings"),
        Issue("OPS-2", "10201", "OPS", T_TASK, ST_IN_PROGRESS, "In Progress", security_level_id=LEVEL_INTERNAL,
              reporter=HANNAH, assignee=OMAR, summary="Renew the payroll provider contract"),
        Issue("OPS-3", "10202", "OPS", T_TASK, ST_OPEN, "Open", reporter=FRANK,
              summary="Order laptops for the November starters"),
        Issue("HELP-1", "10300", "HELP", T_SERVICE_REQUEST, ST_WAITING_SUPPORT, "Waiting for support",
              reporter=JORDAN, assignee=SOFIA, summary="Cannot reset my password"),
        Issue("HELP-2", "10301", "HELP", T_SERVICE_REQUEST, ST_WAITING_CUSTOMER, "Waiting for customer",
              reporter=EMMA, summary="Invoice 2026-1042 shows the wrong VAT number"),
        Issue("LEGACY-1", "10400", "LEGACY", T_TASK, ST_DONE, "Done", reporter=PRIYA, assignee=IAN,
              summary="Migrate billing cron jobs to the new scheduler", **sw()),
        Issue("MOB-1", "10500", "MOB", T_MOB_TASK, ST_MOB_IN_PROGRESS, "In Progress", reporter=MEI,
              assignee=MARIA, summary="Push notifications for mentions"),
        Issue("WEB-1", "10600", "WEB", T_WEB_TASK, ST_WEB_TODO, "To Do", reporter=OLIVIA,
              summary="Redesign the pricing page"),
    )


# --------------------------------------------------------------------------------------
# Completeness of what the sync read.
# --------------------------------------------------------------------------------------
def _facts(projects: tuple[Project, ...], workflows: tuple[Workflow, ...], issues: tuple[Issue, ...]) -> tuple[Fact, ...]:
    ok = Status.COMPLETE
    facts: list[Fact] = [
        Fact(FactKind.ACCOUNTS, None, ok, "GET /rest/api/3/users/search"),
        Fact(FactKind.GROUPS, None, ok, "GET /rest/api/3/group/bulk"),
        Fact(FactKind.APPLICATION_ROLES, None, ok, "GET /rest/api/3/applicationrole"),
        Fact(FactKind.PROJECTS, None, ok, "GET /rest/api/3/project/search"),
        Fact(FactKind.GLOBAL_PERMISSIONS, None, ok, "POST /rest/api/3/permissions/check",
             "global grants confirmed by the site admin"),
    ]
    for name in GROUP_IDS:
        if name == "contractors":
            facts.append(Fact(FactKind.GROUP_MEMBERS, name, Status.TRUNCATED, "GET /rest/api/3/group/member",
                              "stopped after 2 pages of 50"))
        else:
            facts.append(Fact(FactKind.GROUP_MEMBERS, name, ok, "GET /rest/api/3/group/member"))
    for scheme_id in (SCHEME_SOFTWARE, SCHEME_OPERATIONS, SCHEME_JSM):
        facts.append(Fact(FactKind.PERMISSION_SCHEME, scheme_id, ok, f"GET /rest/api/3/permissionscheme/{scheme_id}"))
    facts.append(Fact(FactKind.ISSUE_SECURITY_SCHEME, SECURITY_OPERATIONS, ok,
                      f"GET /rest/api/3/issuesecurityschemes/{SECURITY_OPERATIONS}"))
    for project in projects:
        key = project.key
        if not project.team_managed:
            facts.append(Fact(FactKind.PROJECT_PERMISSION_SCHEME, key, ok,
                              f"GET /rest/api/3/project/{key}/permissionscheme"))
        facts.append(Fact(FactKind.PROJECT_ROLES, key, ok, f"GET /rest/api/3/project/{key}/role"))
        facts.append(Fact(FactKind.PROJECT_ISSUE_SECURITY, key, ok,
                          f"GET /rest/api/3/project/{key}/issuesecuritylevelscheme"))
        facts.append(Fact(FactKind.PROJECT_WORKFLOWS, key, ok,
                          f"GET /rest/api/3/workflowscheme/project?projectId={project.id}"))
    facts.append(Fact(FactKind.TEAM_ROLES, "MOB", ok, "", "entered from Project settings > Access > Manage roles"))
    facts.append(Fact(FactKind.TEAM_ROLES, "WEB", Status.NOT_FETCHED,
                      "(no public REST API for team-managed role permissions)"))
    for workflow in workflows:
        facts.append(Fact(FactKind.WORKFLOW, workflow.name, ok, "POST /rest/api/3/workflows"))
    for issue in issues:
        facts.append(Fact(FactKind.ISSUE, issue.key, ok, f"GET /rest/api/3/issue/{issue.key}"))
    return tuple(facts)


def build_demo_snapshot() -> Snapshot:
    """The demo site, "Acme Corp (demo)": always the same snapshot."""
    projects = _projects()
    workflows = _workflows()
    issues = _issues()
    return Snapshot(
        site=Site(SITE_URL, Deployment.CLOUD, "1001.0.0-SNAPSHOT", "Acme Corp (demo)"),
        provenance=Provenance(
            TAKEN_AT, ALICE, __version__,
            "Bundled demo site: fictional people and integrations, not a real Jira.",
        ),
        accounts=_accounts(),
        groups=_groups(),
        application_roles=_application_roles(),
        projects=projects,
        permission_schemes=(_software_scheme(), _operations_scheme(), _jsm_scheme()),
        roles=_roles(),
        issue_security_schemes=_security_schemes(),
        workflows=workflows,
        workflow_schemes=_workflow_schemes(),
        global_grants=_global_grants(),
        issues=issues,
        facts=_facts(projects, workflows, issues),
    )


def main() -> int:
    from explorer.store.snapshot_file import write_snapshot

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(build_demo_snapshot(), OUTPUT)
    OUTPUT.chmod(0o644)  # write_snapshot makes private 0600 files; this one is shipped in the package
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
