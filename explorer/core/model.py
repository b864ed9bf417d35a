"""The typed model of one Jira site's permission configuration.

Everything here is plain, immutable data: no I/O and no behaviour beyond small
look-ups.  The classes are frozen ``msgspec`` Structs (see :class:`_Model`): the
snapshot reader decodes a document straight into them, and they still answer to
``dataclasses.replace``, ``dataclasses.fields`` and ``dataclasses.is_dataclass``.  A :class:`Snapshot` is built once (by the sync, by the snapshot reader,
by the demo builder or by a test) and never changed afterwards; the evaluator
keeps its indexes per snapshot object.

Each fact the sync may fail to read carries its completeness in
:attr:`Snapshot.facts`, so the engine can tell "no" from "we could not see".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

import msgspec

ANONYMOUS_ID = "anonymous"
"""The pseudo accountId of a logged-out visitor."""


EMPTY_MAP: Mapping = MappingProxyType({})
"""The shared, read-only empty mapping: the default of every mapping field."""


class _Model(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    """Base of every model class: an immutable ``msgspec`` Struct.

    Fields are written like dataclass fields (positional or keyword construction,
    ``==`` by value, hashable).  ``rename="camel"`` names them as the snapshot
    document does (``account_id`` <-> ``accountId``), so the reader decodes JSON
    straight into the model.  ``gc=False``: instances hold only strings, tuples,
    enums, mappings and other model objects (never a cycle), so the garbage
    collector need not track the millions of them a large site has.  Mapping
    fields are read-only views (:func:`frozen_map`) and take no part in the hash,
    as with ``field(hash=False)``.
    """


def _freeze_maps(obj: _Model, *names: str) -> None:
    """Make the named mapping fields read-only views of their own copies (a decoded or passed-in dict)."""
    for name in names:
        value = getattr(obj, name)
        if type(value) is not MappingProxyType:
            msgspec.structs.force_setattr(obj, name, MappingProxyType(dict(value)) if value else EMPTY_MAP)


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


class Fact(_Model):
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


class Site(_Model):
    url: str
    deployment: Deployment = Deployment.CLOUD
    server_version: str = ""
    title: str = ""


class Provenance(_Model):
    taken_at: str  # ISO 8601, UTC
    taken_by: str = ""  # accountId (or email) of the account that synced
    tool_version: str = ""
    note: str = ""


class Account(_Model):
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


class Group(_Model):
    """A group.  ``members`` are the accountIds Jira lists for it (on Data Center ``group/member`` includes
    the members of nested groups); ``subgroups`` are the groups nested directly in it (Data Center, known
    only when supplied by hand: the REST API does not publish nesting)."""

    name: str
    group_id: str = ""
    members: tuple[str, ...] = ()  # accountIds
    subgroups: tuple[str, ...] = ()  # group names


class ApplicationRole(_Model):
    """A product (Jira Software, Jira Service Management, ...) and the groups giving access."""

    key: str
    name: str
    groups: tuple[str, ...] = ()
    default_groups: tuple[str, ...] = ()


class Holder(_Model):
    """Who a grant (or a security-level member, or a workflow property) is for.

    ``type`` is kept as Jira spelled it, unknown types included; ``parameter`` is
    the group name / role id / accountId / custom field id; ``value`` is the
    group id in current Cloud responses.
    """

    type: str
    parameter: str | None = None
    value: str | None = None


class Grant(_Model):
    id: str
    permission: str
    holder: Holder


class PermissionScheme(_Model):
    id: str
    name: str
    grants: tuple[Grant, ...] = ()
    description: str = ""


class Role(_Model):
    """A project role as defined site-wide (its actors are per project)."""

    id: str
    name: str
    description: str = ""


class RoleActors(_Model):
    users: tuple[str, ...] = ()  # accountIds
    groups: tuple[str, ...] = ()  # group names


class SecurityLevel(_Model):
    id: str
    name: str
    members: tuple[Holder, ...] = ()
    description: str = ""


class IssueSecurityScheme(_Model):
    id: str
    name: str
    levels: tuple[SecurityLevel, ...] = ()
    default_level_id: str | None = None

    def level(self, level_id: str) -> SecurityLevel | None:
        for level in self.levels:
            if level.id == level_id:
                return level
        return None


class WorkflowStatus(_Model):
    id: str
    name: str
    properties: Mapping[str, str] = EMPTY_MAP

    def __post_init__(self) -> None:
        _freeze_maps(self, "properties")

    def __hash__(self) -> int:
        return hash((self.id, self.name))


class Workflow(_Model):
    name: str
    statuses: tuple[WorkflowStatus, ...] = ()

    def status(self, status_id: str) -> WorkflowStatus | None:
        for status in self.statuses:
            if status.id == status_id:
                return status
        return None


class WorkflowScheme(_Model):
    """Which workflow each issue type of a project uses."""

    id: str
    name: str
    default_workflow: str
    issue_type_workflows: Mapping[str, str] = EMPTY_MAP

    def __post_init__(self) -> None:
        _freeze_maps(self, "issue_type_workflows")

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.default_workflow))

    def workflow_for(self, issue_type_id: str) -> str:
        return self.issue_type_workflows.get(issue_type_id, self.default_workflow)


class TeamRole(_Model):
    """A role of a team-managed project with the permissions it gives."""

    id: str
    name: str
    permissions: frozenset[str] = frozenset()


class Project(_Model):
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
    role_actors: Mapping[str, RoleActors] = EMPTY_MAP
    customer_role_id: str | None = None  # JSM: the role whose actors are the portal customers
    access_level: str | None = None  # team-managed: "open" | "limited" | "private"
    team_roles: tuple[TeamRole, ...] = ()  # team-managed: roles with their permissions

    def __post_init__(self) -> None:
        _freeze_maps(self, "role_actors")

    def __hash__(self) -> int:
        return hash((self.id, self.key, self.name))


class IssueType(_Model):
    id: str
    name: str
    subtask: bool = False


class Issue(_Model):
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
    user_fields: Mapping[str, tuple[str, ...]] = EMPTY_MAP
    group_fields: Mapping[str, tuple[str, ...]] = EMPTY_MAP
    archived: bool = False
    summary: str = ""

    def __post_init__(self) -> None:
        _freeze_maps(self, "user_fields", "group_fields")

    def __hash__(self) -> int:
        return hash((self.key, self.id, self.project_key))


class GlobalGrant(_Model):
    """A global permission granted to a group (``group`` None means anyone)."""

    permission: str
    group: str | None


class Snapshot(_Model, eq=False, weakref=True, gc=True):
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
    account_global_permissions: Mapping[str, frozenset[str]] = EMPTY_MAP
    issues: tuple[Issue, ...] = ()
    facts: tuple[Fact, ...] = ()

    def __post_init__(self) -> None:
        _freeze_maps(self, "account_global_permissions")

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


def _dataclass_protocol(cls: type) -> None:
    """Give a model Struct the ``__dataclass_fields__`` that ``dataclasses.replace``, ``fields`` and
    ``is_dataclass`` look for, so code written for the dataclass model keeps working."""
    found = {}
    for name in cls.__struct_fields__:  # type: ignore[attr-defined]
        f = dataclasses.field()
        f.name = name
        f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # what dataclasses.fields() selects
        found[name] = f
    cls.__dataclass_fields__ = found  # type: ignore[attr-defined]


def _model_classes(base: type) -> list[type]:
    return [c for sub in base.__subclasses__() for c in (sub, *_model_classes(sub))]


for _cls in _model_classes(_Model):
    _dataclass_protocol(_cls)
