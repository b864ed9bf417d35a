"""The typed model of one Jira site's permission configuration.

Everything here is plain, immutable data: no I/O and no behaviour beyond small
look-ups.  A :class:`Snapshot` is built once (by the sync, by the snapshot reader,
by the demo builder or by a test) and never changed afterwards; the evaluator
keeps its indexes per snapshot object.

Each fact the sync may fail to read carries its completeness in
:attr:`Snapshot.facts`, so the engine can tell "no" from "we could not see".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

ANONYMOUS_ID = "anonymous"
"""The pseudo accountId of a logged-out visitor."""


class Deployment(str, Enum):
    CLOUD = "cloud"
    DATA_CENTER = "datacenter"


class AccountType(str, Enum):
    ATLASSIAN = "atlassian"
    APP = "app"
    CUSTOMER = "customer"
    ANONYMOUS = "anonymous"


class ProjectType(str, Enum):
    SOFTWARE = "software"
    SERVICE_DESK = "service_desk"
    BUSINESS = "business"
    PRODUCT_DISCOVERY = "product_discovery"


class Status(str, Enum):
    """How completely a fact was read."""

    COMPLETE = "complete"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    TRUNCATED = "truncated"
    NOT_FETCHED = "not_fetched"
    UNSUPPORTED = "unsupported"  # read, but jira-perms cannot evaluate it (e.g. an unknown holder type)
    NOT_PUBLISHED = "not_published"  # Jira's REST API has no endpoint for it (Data Center): supply it by hand


SUPPLIED_BY_HAND = "hand"
"""The :attr:`Fact.source` of a fact an admin filled in from Jira's admin pages (``jira-perms supply``)."""


class FactKind(str, Enum):
    """The kinds of fact a snapshot can lack.  ``subject`` narrows most of them."""

    ACCOUNTS = "accounts"  # the account list (subject: None)
    GROUPS = "groups"  # the group list (subject: None)
    GROUP_MEMBERS = "group_members"  # subject: group name
    APPLICATION_ROLES = "application_roles"  # subject: None
    PROJECTS = "projects"  # the project list (subject: None)
    PROJECT_PERMISSION_SCHEME = "project_permission_scheme"  # subject: project key
    PERMISSION_SCHEME = "permission_scheme"  # subject: scheme id
    PROJECT_ROLES = "project_roles"  # subject: project key
    PROJECT_ISSUE_SECURITY = "project_issue_security"  # subject: project key
    ISSUE_SECURITY_SCHEME = "issue_security_scheme"  # subject: scheme id
    PROJECT_WORKFLOWS = "project_workflows"  # subject: project key
    WORKFLOW = "workflow"  # subject: workflow name
    GLOBAL_PERMISSIONS = "global_permissions"  # subject: accountId, or None for all
    ISSUE = "issue"  # subject: issue key
    TEAM_ROLES = "team_roles"  # subject: project key (team-managed role permissions)
    GROUP_NESTING = "group_nesting"  # which groups contain which (Data Center; subject: None)


@dataclass(frozen=True, slots=True)
class Fact:
    """The completeness of one fact, and where it came from.

    ``source`` is ``""`` for a fact read from Jira and :data:`SUPPLIED_BY_HAND`
    for one an admin filled in from Jira's admin pages.
    """

    kind: FactKind
    subject: str | None
    status: Status
    endpoint: str = ""
    detail: str = ""
    source: str = ""

    @property
    def key(self) -> tuple[FactKind, str | None]:
        return (self.kind, self.subject)

    def describe(self) -> str:
        what = self.kind.value.replace("_", " ")
        if self.subject is not None:
            what = f"{what} of {self.subject}"
        reason = {
            Status.FORBIDDEN: "the sync was refused (403)",
            Status.NOT_FOUND: "Jira answered 404",
            Status.TRUNCATED: "the sync got only part of it",
            Status.NOT_FETCHED: "the sync did not fetch it",
            Status.UNSUPPORTED: "jira-perms cannot evaluate it",
            Status.NOT_PUBLISHED: "Jira's REST API does not publish it",
            Status.COMPLETE: "supplied by hand" if self.supplied_by_hand else "complete",
        }[self.status]
        endpoint = self.endpoint.strip()
        if endpoint.startswith("(") and endpoint.endswith(")"):  # already in brackets: never "((...))"
            endpoint = endpoint[1:-1]
        via = f" ({endpoint})" if endpoint else ""
        extra = f": {self.detail}" if self.detail else ""
        return f"{what}: {reason}{via}{extra}"

    @property
    def supplied_by_hand(self) -> bool:
        return self.source == SUPPLIED_BY_HAND

    def remedy(self) -> str:
        """What to do so the next sync reads this missing fact."""
        if self.status is Status.NOT_PUBLISHED:
            return ("fill it in from Jira's admin pages: jira-perms supply --template FILE writes the form, "
                    "jira-perms supply (or sync --supply FILE) adds it")
        if self.status is Status.FORBIDDEN or self.kind in (
            FactKind.GLOBAL_PERMISSIONS, FactKind.PROJECT_WORKFLOWS, FactKind.WORKFLOW, FactKind.PERMISSION_SCHEME,
            FactKind.ISSUE_SECURITY_SCHEME, FactKind.PROJECT_ISSUE_SECURITY,
        ):
            return "re-sync with an account that has Administer Jira"
        if self.kind is FactKind.ISSUE and self.subject:
            return f"re-sync with --issue {self.subject}"
        if self.kind is FactKind.GROUP_MEMBERS:
            return "re-sync with an account that has Browse users and groups (the member list was cut short)"
        if self.kind is FactKind.TEAM_ROLES:
            return "check the project's People and Access settings in Jira by hand"
        if self.status is Status.TRUNCATED:
            return "re-sync; the read was cut short"
        return "re-sync with an account that has Administer Jira"


@dataclass(frozen=True, slots=True)
class Site:
    url: str
    deployment: Deployment = Deployment.CLOUD
    server_version: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    taken_at: str  # ISO 8601, UTC
    taken_by: str = ""  # accountId (or email) of the account that synced
    tool_version: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Account:
    """A site account.  On Data Center ``account_id`` holds the user key and ``username`` the login name."""

    account_id: str
    display_name: str
    email: str | None = None
    active: bool = True
    account_type: AccountType = AccountType.ATLASSIAN
    username: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account_type is AccountType.ANONYMOUS


ANONYMOUS = Account(ANONYMOUS_ID, "Anonymous (logged-out visitor)", None, True, AccountType.ANONYMOUS)


@dataclass(frozen=True, slots=True)
class Group:
    """A group.  ``members`` are the accountIds Jira lists for it (on Data Center ``group/member`` includes
    the members of nested groups); ``subgroups`` are the groups nested directly in it (Data Center, known
    only when supplied by hand: the REST API does not publish nesting)."""

    name: str
    group_id: str = ""
    members: tuple[str, ...] = ()  # accountIds
    subgroups: tuple[str, ...] = ()  # group names


@dataclass(frozen=True, slots=True)
class ApplicationRole:
    """A product (Jira Software, Jira Service Management, ...) and the groups giving access."""

    key: str
    name: str
    groups: tuple[str, ...] = ()
    default_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a grant (or a security-level member, or a workflow property) is for.

    ``type`` is kept as Jira spelled it, unknown types included; ``parameter`` is
    the group name / role id / accountId / custom field id; ``value`` is the
    group id in current Cloud responses.
    """

    type: str
    parameter: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    id: str
    permission: str
    holder: Holder


@dataclass(frozen=True, slots=True)
class PermissionScheme:
    id: str
    name: str
    grants: tuple[Grant, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Role:
    """A project role as defined site-wide (its actors are per project)."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class RoleActors:
    users: tuple[str, ...] = ()  # accountIds
    groups: tuple[str, ...] = ()  # group names


@dataclass(frozen=True, slots=True)
class SecurityLevel:
    id: str
    name: str
    members: tuple[Holder, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class IssueSecurityScheme:
    id: str
    name: str
    levels: tuple[SecurityLevel, ...] = ()
    default_level_id: str | None = None

    def level(self, level_id: str) -> SecurityLevel | None:
        for level in self.levels:
            if level.id == level_id:
                return level
        return None


@dataclass(frozen=True, slots=True)
class WorkflowStatus:
    id: str
    name: str
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)


@dataclass(frozen=True, slots=True)
class Workflow:
    name: str
    statuses: tuple[WorkflowStatus, ...] = ()

    def status(self, status_id: str) -> WorkflowStatus | None:
        for status in self.statuses:
            if status.id == status_id:
                return status
        return None


@dataclass(frozen=True, slots=True)
class WorkflowScheme:
    """Which workflow each issue type of a project uses."""

    id: str
    name: str
    default_workflow: str
    issue_type_workflows: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def workflow_for(self, issue_type_id: str) -> str:
        return self.issue_type_workflows.get(issue_type_id, self.default_workflow)


@dataclass(frozen=True, slots=True)
class TeamRole:
    """A role of a team-managed project with the permissions it gives."""

    id: str
    name: str
    permissions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    key: str
    name: str
    project_type: ProjectType = ProjectType.SOFTWARE
    team_managed: bool = False
    archived: bool = False
    lead: str | None = None  # accountId
    permission_scheme_id: str | None = None
    issue_security_scheme_id: str | None = None
    workflow_scheme_id: str | None = None
    role_actors: Mapping[str, RoleActors] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    customer_role_id: str | None = None  # JSM: the role whose actors are the portal customers
    access_level: str | None = None  # team-managed: "open" | "limited" | "private"
    team_roles: tuple[TeamRole, ...] = ()  # team-managed: roles with their permissions


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    name: str
    subtask: bool = False


@dataclass(frozen=True, slots=True)
class Issue:
    key: str
    id: str
    project_key: str
    issue_type: IssueType
    status_id: str
    status_name: str = ""
    parent_key: str | None = None
    security_level_id: str | None = None
    reporter: str | None = None  # accountId
    assignee: str | None = None  # accountId
    user_fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    group_fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    archived: bool = False
    summary: str = ""


@dataclass(frozen=True, slots=True)
class GlobalGrant:
    """A global permission granted to a group (``group`` None means anyone)."""

    permission: str
    group: str | None


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Snapshot:
    """One site's permission configuration at one moment, with its completeness."""

    site: Site
    provenance: Provenance
    accounts: tuple[Account, ...] = ()
    groups: tuple[Group, ...] = ()
    application_roles: tuple[ApplicationRole, ...] = ()
    projects: tuple[Project, ...] = ()
    permission_schemes: tuple[PermissionScheme, ...] = ()
    roles: tuple[Role, ...] = ()
    issue_security_schemes: tuple[IssueSecurityScheme, ...] = ()
    workflows: tuple[Workflow, ...] = ()
    workflow_schemes: tuple[WorkflowScheme, ...] = ()
    global_grants: tuple[GlobalGrant, ...] = ()
    account_global_permissions: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    issues: tuple[Issue, ...] = ()
    facts: tuple[Fact, ...] = ()

    def fact_status(self, kind: FactKind, subject: str | None = None) -> Fact | None:
        """The recorded completeness of a fact, or None when nothing was recorded."""
        for fact in self.facts:
            if fact.kind is kind and fact.subject == subject:
                return fact
        return None

    @property
    def gaps(self) -> tuple[Fact, ...]:
        """Facts the sync could not read completely."""
        return tuple(f for f in self.facts if f.status is not Status.COMPLETE)


def frozen_map(mapping: Mapping | None = None) -> Mapping:
    """A read-only copy of a mapping, for the model's mapping fields."""
    return MappingProxyType(dict(mapping or {}))
