"""Look-up tables built once per snapshot, and hypothetical changes on top of them.

The evaluator never scans the snapshot: it asks a :class:`SiteIndex`, whose
answers are three-valued (True, False, or None when a fact is missing) and carry
the missing :class:`Fact` so explanations can name it.  A :class:`Patch` layers
hypothetical changes (:mod:`~explorer.core.replay.patch`) on an index without
copying it; the fix finder uses that to test candidate fixes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from explorer.core.model import (
    ANONYMOUS,
    ANONYMOUS_ID,
    Account,
    AccountType,
    Deployment,
    Fact,
    FactKind,
    Grant,
    Holder,
    Issue,
    IssueSecurityScheme,
    PermissionScheme,
    Project,
    SecurityLevel,
    Snapshot,
    Status,
    WorkflowStatus,
)
from explorer.core.replay.nesting import (
    ancestors,
    effective_members,
    member_path,
    membership_words,
    nesting_known,
    via_words,
)
from explorer.core.replay.patch import EMPTY_PATCH, Patch

Tri = bool | None


def kleene_or(values: Iterable[Tri]) -> Tri:
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def kleene_and(values: Iterable[Tri]) -> Tri:
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True




class _AccountGroups(Mapping[str, frozenset[str]]):
    """Account id -> the groups listing it (accounts in no group are absent), worked out on demand.

    Inverting every membership costs more than reading the snapshot's accounts (a quarter of a million
    members on a large site), and a single question needs the groups of an account or two: those are
    found by asking each group (memoised); once many accounts are asked, or the whole map is, it is
    inverted once.
    """

    __slots__ = ("_groups", "_known", "_all")
    _SCANS = 64  # accounts looked up one by one before the whole map is built

    def __init__(self, groups: dict[str, frozenset[str]]):
        self._groups = groups
        self._known: dict[str, frozenset[str]] = {}
        self._all: dict[str, frozenset[str]] | None = None

    def _whole(self) -> dict[str, frozenset[str]]:
        if self._all is None:
            members_of: dict[str, list[str]] = defaultdict(list)  # append is cheaper than add; frozenset dedups
            for name, members in self._groups.items():
                for member in members:
                    members_of[member].append(name)
            self._all = {a: frozenset(g) for a, g in members_of.items()}
            self._known = {}
        return self._all

    def _one(self, account_id: str) -> frozenset[str]:
        if self._all is not None:
            return self._all.get(account_id, frozenset())
        found = self._known.get(account_id)
        if found is None:
            if len(self._known) >= self._SCANS:
                return self._whole().get(account_id, frozenset())
            found = self._known[account_id] = frozenset(
                name for name, members in self._groups.items() if account_id in members)
        return found

    def __getitem__(self, account_id: str) -> frozenset[str]:
        found = self._one(account_id)
        if not found:
            raise KeyError(account_id)
        return found

    def get(self, account_id: str, default=None):  # type: ignore[override]
        return self._one(account_id) or default

    def __contains__(self, account_id: object) -> bool:
        return isinstance(account_id, str) and bool(self._one(account_id))

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


@dataclass(slots=True)
class _Tables:
    """The patch-independent tables of one snapshot."""

    accounts: dict[str, Account] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)  # name -> members
    group_ids: dict[str, str] = field(default_factory=dict)  # id -> name
    account_groups: Mapping[str, frozenset[str]] = field(default_factory=dict)  # account -> groups (non-empty)
    facts: dict[tuple[FactKind, str | None], Fact] = field(default_factory=dict)
    app_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> groups
    app_role_names: dict[str, str] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    projects_by_id: dict[str, Project] = field(default_factory=dict)
    schemes: dict[str, PermissionScheme] = field(default_factory=dict)
    grants: dict[str, dict[str, tuple[Grant, ...]]] = field(default_factory=dict)  # scheme -> perm -> grants
    scheme_projects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    role_names: dict[str, str] = field(default_factory=dict)
    role_users: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    role_groups: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    security_schemes: dict[str, IssueSecurityScheme] = field(default_factory=dict)
    workflows: dict[str, dict[str, WorkflowStatus]] = field(default_factory=dict)  # name -> status id -> status
    workflow_schemes: dict = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    global_groups: dict[str, tuple[str | None, ...]] = field(default_factory=dict)  # perm -> groups (None = anyone)
    account_globals: dict[str, frozenset[str]] = field(default_factory=dict)
    subgroups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> the groups nested in it (DC)
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)  # group -> the groups nesting it (DC)
    data_center: bool = False
    nesting_known: bool = True  # DC: which groups nest which was supplied by hand (Cloud groups are flat)
    bulk_sets: object = None  # explorer.core.replay.site_sets.SiteSets, built on first use


def _build(snap: Snapshot) -> _Tables:
    t = _Tables()
    t.accounts = {a.account_id: a for a in snap.accounts}
    t.data_center = snap.site.deployment is Deployment.DATA_CENTER
    if t.data_center:  # members of nested groups count (rules section 3.2)
        t.groups = effective_members(snap.groups)
        t.subgroups = {g.name: g.subgroups for g in snap.groups if g.subgroups}
        t.ancestors = ancestors(t.subgroups)
    else:  # Cloud groups are flat (decision 8)
        t.groups = {g.name: frozenset(g.members) for g in snap.groups}
    t.nesting_known = nesting_known(snap)
    for group in snap.groups:
        if group.group_id:
            t.group_ids[group.group_id] = group.name
    t.account_groups = _AccountGroups(t.groups)
    t.facts = {(f.kind, f.subject): f for f in snap.facts}
    for role in snap.application_roles:
        t.app_roles[role.key] = role.groups
        t.app_role_names[role.key] = role.name
    scheme_projects: dict[str, list[str]] = defaultdict(list)
    for project in snap.projects:
        t.projects[project.key] = project
        t.projects_by_id[project.id] = project
        if project.permission_scheme_id is not None:
            scheme_projects[project.permission_scheme_id].append(project.key)
        for role_id, actors in project.role_actors.items():
            t.role_users[(project.key, role_id)] = frozenset(actors.users)
            t.role_groups[(project.key, role_id)] = tuple(actors.groups)
    t.scheme_projects = {k: tuple(v) for k, v in scheme_projects.items()}
    for scheme in snap.permission_schemes:
        t.schemes[scheme.id] = scheme
        by_perm: dict[str, list[Grant]] = defaultdict(list)
        for grant in scheme.grants:
            by_perm[grant.permission].append(grant)
        t.grants[scheme.id] = {k: tuple(v) for k, v in by_perm.items()}
    t.role_names = {r.id: r.name for r in snap.roles}
    for project in snap.projects:  # team-managed projects have roles of their own
        for team_role in project.team_roles:
            t.role_names.setdefault(team_role.id, team_role.name)
    t.security_schemes = {s.id: s for s in snap.issue_security_schemes}
    t.workflows = {w.name: {s.id: s for s in w.statuses} for w in snap.workflows}
    t.workflow_schemes = {s.id: s for s in snap.workflow_schemes}
    t.issues = {i.key: i for i in snap.issues}
    global_groups: dict[str, list[str | None]] = defaultdict(list)
    for grant in snap.global_grants:
        global_groups[grant.permission].append(grant.group)
    t.global_groups = {k: tuple(v) for k, v in global_groups.items()}
    t.account_globals = dict(snap.account_global_permissions)
    return t


class SiteIndex:
    """Three-valued look-ups over one snapshot, optionally with a :class:`Patch` applied."""

    __slots__ = ("snapshot", "t", "patch", "_patched_grants")

    def __init__(self, snapshot: Snapshot, tables: _Tables | None = None, patch: Patch = EMPTY_PATCH):
        self.snapshot = snapshot
        self.t = tables if tables is not None else _build(snapshot)
        self.patch = patch
        extra: dict[tuple[str, str], list[Grant]] = defaultdict(list)
        for scheme_id, grant in patch.grants:
            extra[(scheme_id, grant.permission)].append(grant)
        self._patched_grants = dict(extra)

    def with_patch(self, patch: Patch) -> SiteIndex:
        return SiteIndex(self.snapshot, self.t, self.patch.merge(patch))

    # ---- facts -------------------------------------------------------------------
    def gap(self, kind: FactKind, subject: str | None = None) -> Fact | None:
        """The recorded fact when it is not complete, else None."""
        fact = self.t.facts.get((kind, subject))
        if fact is not None and fact.status is not Status.COMPLETE:
            return fact
        return None

    def recorded_complete(self, kind: FactKind, subject: str | None = None) -> bool:
        fact = self.t.facts.get((kind, subject))
        return fact is not None and fact.status is Status.COMPLETE

    def absent(self, kind: FactKind, subject: str | None, endpoint: str = "") -> Fact:
        """The fact to blame for an object the snapshot does not hold (a record saying "complete" is wrong then)."""
        fact = self.t.facts.get((kind, subject))
        if fact is not None and fact.status is not Status.COMPLETE:
            return fact
        return Fact(kind, subject, Status.NOT_FETCHED, endpoint or (fact.endpoint if fact else ""))

    def reported_missing(self, kind: FactKind, subject: str) -> bool:
        """Did Jira report this object missing (a ``not_found`` record for an object the snapshot lacks)?"""
        fact = self.t.facts.get((kind, subject))
        return fact is not None and fact.status is Status.NOT_FOUND

    # ---- accounts ------------------------------------------------------------------
    def account(self, account_id: str) -> Account | None:
        if account_id == ANONYMOUS_ID:
            return ANONYMOUS
        return self.t.accounts.get(account_id)

    def name(self, account_id: str | None) -> str:
        if account_id is None:
            return "nobody"
        account = self.account(account_id)
        return account.display_name if account else account_id

    def is_active(self, account: Account) -> bool:
        return account.active or account.account_id in self.patch.reactivated

    # ---- groups --------------------------------------------------------------------
    def group_name(self, holder: Holder) -> str | None:
        """The group a holder names: by id (value) when known, else by name (parameter)."""
        if holder.value and holder.value in self.t.group_ids:
            return self.t.group_ids[holder.value]
        return holder.parameter or holder.value

    def group_exists(self, name: str) -> bool:
        return name in self.t.groups

    def _patched_in(self, account_id: str, group: str) -> bool:
        """Does the patch make the account a member (joining the group, or on Data Center one nested in it)?"""
        return (account_id, group) in self.patch.groups or bool(self.t.ancestors and self.patch.groups and any(
            a == account_id and group in self.t.ancestors.get(g, ()) for a, g in self.patch.groups))

    def in_group(self, account_id: str, group: str) -> tuple[Tri, Fact | None]:
        """Is the account a member of the group?  (Cloud groups are flat: decision 8; on Data Center the members
        of nested groups count, rules section 3.2.)"""
        if self._patched_in(account_id, group):
            return True, None
        members = self.t.groups.get(group)
        if members is None:  # named but absent: not fetched, unless Jira reported it missing
            if self.reported_missing(FactKind.GROUP_MEMBERS, group):
                return False, None
            return None, self.gap(FactKind.GROUPS) or self.absent(FactKind.GROUP_MEMBERS, group,
                                                                  "GET /rest/api/3/group/member")
        if account_id in members:
            return True, None
        gap = self.gap(FactKind.GROUP_MEMBERS, group)
        if gap is not None:
            return None, gap
        return False, None

    def group_path(self, account_id: str, group: str) -> tuple[str, ...]:
        """How a member is in ``group``: ``(group,)``, or the chain of nested groups down to one holding it."""
        if not self.t.subgroups:
            return (group,)
        return member_path(group, account_id, self.t.groups, self.t.subgroups)

    def membership(self, name: str, account_id: str, group: str) -> tuple[str, str]:
        """The proof's words for a member of ``group``: (the sentence, the ``via`` step)."""
        path = self.group_path(account_id, group)
        deployment = Deployment.DATA_CENTER if self.t.data_center else Deployment.CLOUD
        return (membership_words(name, path, self.t.nesting_known, deployment),
                via_words(path, self.t.nesting_known, deployment))

    def joins(self, account_id: str, group: str) -> bool:
        """Does the patch make the account a member of a group the snapshot does not already have it in?"""
        return self._patched_in(account_id, group) and account_id not in self.t.groups.get(group, ())

    def groups_of(self, account_id: str) -> frozenset[str]:
        """Groups the account is known to be in (patch included)."""
        known = self.t.account_groups.get(account_id, frozenset())
        extra = {g for a, g in self.patch.groups if a == account_id}
        extra.update(*(self.t.ancestors.get(g, ()) for g in list(extra)))  # DC: the groups nesting a joined one
        return known | extra if extra else known

    # ---- products ------------------------------------------------------------------
    def product_access(self, account_id: str, product: str | None) -> tuple[Tri, str, Fact | None]:
        """Does the account have access to ``product`` (any Jira product when None)?

        Returns (answer, the group giving it, missing fact).
        """
        if account_id == ANONYMOUS_ID:
            return False, "", None
        if not self.t.app_roles:
            return None, "", self.absent(FactKind.APPLICATION_ROLES, None, "GET /rest/api/3/applicationrole")
        gap = self.gap(FactKind.APPLICATION_ROLES)
        keys = [product] if product is not None else sorted(self.t.app_roles)
        unknown: Fact | None = None
        for key in keys:
            for group in self.t.app_roles.get(key, ()):
                member, missing = self.in_group(account_id, group)
                if member:
                    return True, group, None
                if member is None:
                    unknown = unknown or missing
        if product is not None and product not in self.t.app_roles:  # named but absent: see in_group
            if self.reported_missing(FactKind.APPLICATION_ROLES, product):
                return False, "", None
            return None, "", gap or self.absent(FactKind.APPLICATION_ROLES, product, "GET /rest/api/3/applicationrole")
        if unknown is not None or gap is not None:
            return None, "", unknown or gap
        return False, "", None

    def product_name(self, key: str) -> str:
        return self.t.app_role_names.get(key, key)

    # ---- projects, roles, schemes --------------------------------------------------------
    def project(self, key: str) -> Project | None:
        return self.t.projects.get(key)

    def role_name(self, role_id: str | None) -> str:
        if role_id is None:
            return "?"
        return self.t.role_names.get(role_id, f"role {role_id}")

    def role_actor(self, project: Project, role_id: str, account_id: str) -> tuple[Tri, tuple[str, ...], Fact | None]:
        """Is the account an actor of the role in this project, directly or through a group?"""
        if (account_id, project.key, role_id) in self.patch.roles:
            return True, (f"role {self.role_name(role_id)} in {project.key} (proposed)",), None
        key = (project.key, role_id)
        if account_id in self.t.role_users.get(key, ()):
            return True, (f"an actor of role {self.role_name(role_id)} in {project.key}",), None
        unknown: Fact | None = None
        for group in self.t.role_groups.get(key, ()):
            member, missing = self.in_group(account_id, group)
            if member:
                step = self.membership("", account_id, group)[1]
                return True, (step, f"an actor of role {self.role_name(role_id)} in {project.key}"), None
            if member is None:
                unknown = unknown or missing
        gap = self.gap(FactKind.PROJECT_ROLES, project.key)
        if gap is not None:
            return None, (), gap
        if unknown is not None:
            return None, (), unknown
        return False, (), None

    def role_accounts(self, project: Project, role_id: str) -> frozenset[str]:
        """Accounts known to be actors of the role (directly or via groups)."""
        key = (project.key, role_id)
        found = set(self.t.role_users.get(key, ()))
        for group in self.t.role_groups.get(key, ()):
            found |= self.t.groups.get(group, frozenset())
        return frozenset(found)

    def scheme(self, project: Project) -> tuple[PermissionScheme | None, Fact | None]:
        if project.permission_scheme_id is None:
            return None, self.absent(FactKind.PROJECT_PERMISSION_SCHEME, project.key,
                                     f"GET /rest/api/3/project/{project.key}/permissionscheme")
        scheme = self.t.schemes.get(project.permission_scheme_id)
        if scheme is None:
            return None, self.absent(FactKind.PERMISSION_SCHEME, project.permission_scheme_id,
                                     "GET /rest/api/3/permissionscheme?expand=all")
        return scheme, None

    def grants(self, scheme: PermissionScheme, permission: str) -> tuple[Grant, ...]:
        base = self.t.grants.get(scheme.id, {}).get(permission, ())
        extra = self._patched_grants.get((scheme.id, permission))
        return base + tuple(extra) if extra else base

    def projects_using(self, scheme_id: str) -> tuple[str, ...]:
        return self.t.scheme_projects.get(scheme_id, ())

    def is_archived(self, project: Project, issue: Issue | None) -> tuple[bool, str]:
        if project.archived and project.key not in self.patch.restored_projects:
            return True, f"project {project.key}"
        if issue is not None and issue.archived and issue.key not in self.patch.restored_issues:
            return True, f"issue {issue.key}"
        return False, ""

    # ---- issues --------------------------------------------------------------------
    def issue(self, key: str) -> Issue | None:
        issue = self.t.issues.get(key)
        if issue is None or not self.patch:
            return issue
        for issue_key, assignee in self.patch.assignees:
            if issue_key == key:
                issue = replace(issue, assignee=assignee)
        for issue_key, reporter in self.patch.reporters:
            if issue_key == key:
                issue = replace(issue, reporter=reporter)
        return issue

    def security_level(self, project: Project, issue: Issue) -> tuple[str | None, str, Fact | None]:
        """The issue's effective level id (a sub-task takes its parent's: decision 9), or the missing fact."""
        for issue_key, level in self.patch.security_levels:
            if issue_key == issue.key:
                return level, "set by the proposed change", None
        if issue.issue_type.subtask and issue.parent_key:
            parent = self.t.issues.get(issue.parent_key)
            if parent is None:  # the level is the parent's, which the snapshot lacks
                return None, f"inherited from its parent {issue.parent_key} (decision 9)", self.absent(
                    FactKind.ISSUE, issue.parent_key, f"GET /rest/api/3/issue/{issue.parent_key}")
            return parent.security_level_id, f"inherited from its parent {parent.key} (decision 9)", None
        return issue.security_level_id, "", None

    def security_scheme(self, project: Project) -> tuple[IssueSecurityScheme | None, Fact | None]:
        gap = self.gap(FactKind.PROJECT_ISSUE_SECURITY, project.key)
        if project.issue_security_scheme_id is None:
            return None, gap
        scheme = self.t.security_schemes.get(project.issue_security_scheme_id)
        if scheme is None:
            return None, self.absent(FactKind.ISSUE_SECURITY_SCHEME, project.issue_security_scheme_id,
                                     f"GET /rest/api/3/issuesecurityschemes/{project.issue_security_scheme_id}")
        return scheme, None

    def level(self, project: Project, level_id: str) -> tuple[SecurityLevel | None, Fact | None]:
        scheme, missing = self.security_scheme(project)
        if scheme is None:
            return None, missing or self.absent(FactKind.PROJECT_ISSUE_SECURITY, project.key)
        level = scheme.level(level_id)
        if level is None:
            return None, Fact(FactKind.ISSUE_SECURITY_SCHEME, scheme.id, Status.NOT_FOUND, "",
                              f"level {level_id} is not in scheme {scheme.name}")
        gap = self.gap(FactKind.ISSUE_SECURITY_SCHEME, scheme.id)
        if gap is not None:  # the levels were read but not their members (Data Center does not publish them)
            return None, gap
        return level, None

    def by_hand(self, kind: FactKind, subject: str | None, what: str) -> str:
        """`` (WHAT supplied by hand)`` when an admin supplied this fact (jira-perms supply), else ``""``."""
        fact = self.t.facts.get((kind, subject))
        return f" ({what} supplied by hand)" if fact is not None and fact.supplied_by_hand else ""

    def status_of(self, project: Project, issue: Issue) -> tuple[WorkflowStatus | None, str, Fact | None]:
        """The workflow status of an issue, with the workflow's name, or the missing fact."""
        gap = self.gap(FactKind.PROJECT_WORKFLOWS, project.key)
        scheme = self.t.workflow_schemes.get(project.workflow_scheme_id) if project.workflow_scheme_id else None
        if scheme is None:
            return None, "", gap or self.absent(FactKind.PROJECT_WORKFLOWS, project.key,
                                                "GET /rest/api/3/workflowscheme/project")
        workflow_name = scheme.workflow_for(issue.issue_type.id)
        statuses = self.t.workflows.get(workflow_name)
        if statuses is None:
            return None, workflow_name, self.absent(FactKind.WORKFLOW, workflow_name, "POST /rest/api/3/workflows")
        gap = self.gap(FactKind.WORKFLOW, workflow_name)
        if gap is not None:  # the statuses were read but not their properties (Data Center does not publish them)
            return None, workflow_name, gap
        status = statuses.get(issue.status_id)
        if status is None:
            return None, workflow_name, Fact(FactKind.WORKFLOW, workflow_name, Status.NOT_FOUND, "",
                                             f"status {issue.status_id} is not in workflow {workflow_name}")
        return status, workflow_name, None

    def properties(self, workflow: str, status: WorkflowStatus) -> dict[str, str]:
        props = dict(status.properties)
        for wf, status_id, key in self.patch.removed_properties:
            if wf == workflow and status_id == status.id:
                props.pop(key, None)
        return props

    # ---- global permissions ----------------------------------------------------------
    @property
    def asked(self) -> str:
        """Where Jira's answer for one account's global permissions comes from."""
        return "mypermissions" if self.t.data_center else "permissions/check"

    def has_global(self, account_id: str, permission: str) -> tuple[Tri, str, Fact | None]:
        """Does the account hold a global permission?  Returns (answer, how, missing fact)."""
        if account_id == ANONYMOUS_ID:
            groups = self.t.global_groups.get(permission, ())
            if None in groups:
                return True, "granted to anyone", None
            if permission == "ADMINISTER" and self.t.data_center and None in self.t.global_groups.get("SYSTEM_ADMIN", ()):
                return True, "Jira System Administrators is granted to anyone (rules section 5)", None
            if self.recorded_complete(FactKind.GLOBAL_PERMISSIONS):
                return False, "", None
            return None, "", self.absent(FactKind.GLOBAL_PERMISSIONS, None)
        known = self.t.account_globals.get(account_id)
        if known is not None and permission in known:
            return True, f"reported by Jira for this account ({self.asked})", None
        unknown: Fact | None = None
        granted = ""  # how the snapshot's grants give it, against Jira's answer for the account
        hand = self.by_hand(FactKind.GLOBAL_PERMISSIONS, None, "global permissions")
        for group in self.t.global_groups.get(permission, ()):
            member, missing = (True, None) if group is None else self.in_group(account_id, group)
            if member:
                how = "granted to anyone" if group is None else f"via {self.membership('', account_id, group)[1]}"
                if known is None or group is not None and self.joins(account_id, group):
                    return True, how + hand, None  # a new membership (what-if) outweighs Jira's earlier answer
                granted = granted or how
            elif member is None:
                unknown = unknown or missing
        if permission == "ADMINISTER" and self.t.data_center:
            # Jira System Administrators can do everything Jira Administrators can (rules section 5)
            sysadmin, how, missing = self.has_global(account_id, "SYSTEM_ADMIN")
            if sysadmin:
                return True, (f"as a Jira System Administrator ({how}), who can do everything a Jira "
                              "Administrator can (rules section 5)"), None
            if sysadmin is None:
                if known is not None:  # Jira's answer for system administration is contradicted too
                    return None, "", missing
                unknown = unknown or missing
        if known is not None:  # Jira's answer for the account is final, unless the snapshot contradicts it
            if granted:
                return None, "", Fact(FactKind.GLOBAL_PERMISSIONS, account_id, Status.UNSUPPORTED, self.asked,
                                      f"Jira reported it without {permission}, yet the grants give it ({granted})")
            return False, f"Jira reported the account without it ({self.asked})", None
        if unknown is not None:
            return None, "", unknown
        if self.recorded_complete(FactKind.GLOBAL_PERMISSIONS):
            return False, "", None
        return None, "", self.t.facts.get((FactKind.GLOBAL_PERMISSIONS, account_id)) or self.absent(
            FactKind.GLOBAL_PERMISSIONS, None, "POST /rest/api/3/permissions/check")

    # ---- convenience -------------------------------------------------------------------
    @property
    def accounts(self) -> tuple[Account, ...]:
        return self.snapshot.accounts

    def is_customer(self, account: Account) -> bool:
        return account.account_type is AccountType.CUSTOMER
