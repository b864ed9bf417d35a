"""Where a change can reach: the projects, issues, permissions and accounts whose verdicts it may alter.

Each answer is a superset (an account or project left out must keep every verdict), so the effect
computed over the reach equals the effective diff of the whole site; ``tests/test_whatif_effects.py``
checks that against :func:`explorer.core.review.diff.diff_snapshots` on generated sites.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import chain

from explorer.core.model import ANONYMOUS_ID, Account, FactKind, Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders import Context, canonical_type, match_holder
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.rules import EDITABLE_KEYS, property_applies
from explorer.core.review.diff import GLOBAL_PERMISSION_KEYS, PROJECT_PERMISSION_KEYS
from explorer.core.whatif.changes import Change
from explorer.core.whatif.kinds import Kind

EVERYONE = None
"""An account set that is every account of the snapshot and the anonymous visitor."""

Accounts = frozenset[str] | None
_OPEN = frozenset({"anyone", "applicationRoleAny", "reporter", "assignee", "userCustomField", "groupCustomField",
                   "reportercreate", "assigneeassignable", None})
_DC_OPTIONAL = frozenset({"reportercreate", "assigneeassignable"})
_GATE = (catalogue.BROWSE, "CREATE_ISSUES", catalogue.ADMINISTER_PROJECTS)
_BROWSE_CROSS = frozenset(p.key for p in catalogue.PROJECT_PERMISSIONS if p.browse_required)


@dataclass(frozen=True, slots=True)
class Scope:
    """Verdicts to compare: these permissions of these accounts in a project, on one of its issues, or site-wide."""

    project_key: str | None  # None: global permissions
    issue_key: str | None
    permissions: frozenset[str]
    accounts: Accounts  # EVERYONE, or these accounts only
    widened: tuple[str, str] | None = None
    """(permission, state) when one grant of that permission is all that differs here: an account allowed it in
    that state (``before`` for an added grant, ``after`` for a removed one) has every answer unchanged."""


def union(a: Accounts, b: Accounts) -> Accounts:
    if a is EVERYONE or b is EVERYONE:
        return EVERYONE
    return a | b


class Reach:
    """Collects scopes, merging those of the same place."""

    def __init__(self, before: SiteIndex, after: SiteIndex, issues: dict[str, tuple[str, ...]]):
        self.a, self.b = before, after
        self.scopes: dict[tuple[str | None, str | None], Scope] = {}
        self.issues = issues

    def add(self, project_key: str | None, issue_key: str | None, permissions: Iterable[str], accounts: Accounts,
            widened: tuple[str, str] | None = None) -> None:
        perms = frozenset(permissions)
        if accounts is not EVERYONE and not accounts or not perms:
            return
        key = (project_key, issue_key)
        found = self.scopes.get(key)
        if found is not None:  # two changes reach here: neither alone decides what stays the same
            perms |= found.permissions
            accounts = union(found.accounts, accounts)
            widened = None
        self.scopes[key] = Scope(project_key, issue_key, perms, accounts, widened)

    def project(self, key: str, permissions: Iterable[str], accounts: Accounts,
                widened: tuple[str, str] | None = None) -> None:
        """A project and every issue of it that the snapshot holds."""
        perms = frozenset(permissions)
        self.add(key, None, perms, accounts, widened)
        for issue in self.issues_of(key):
            self.add(key, issue, perms, accounts, widened)

    def issues_of(self, key: str) -> tuple[str, ...]:
        return self.issues.get(key, ())

    # -- the change kinds ---------------------------------------------------------------------
    def change(self, change: Change) -> None:
        kind = change.kind
        if kind in (Kind.ADD_GRANT, Kind.REMOVE_GRANT):
            self._grant(change)
        elif kind in (Kind.ADD_TO_ROLE, Kind.REMOVE_FROM_ROLE):
            actors = frozenset({change.account_id}) if change.account_id else self.group_members(change.group or "")
            self.project(change.project_key or "", PROJECT_PERMISSION_KEYS, actors)
        elif kind in (Kind.SET_SCHEME, Kind.ARCHIVE):
            self.project(change.project_key or "", PROJECT_PERMISSION_KEYS, EVERYONE)
        elif kind is Kind.REMOVE_PRODUCT_ACCESS and change.group is not None:
            self.accounts_changed(self.group_members(change.group))
        elif kind in (Kind.ADD_TO_GROUP, Kind.REMOVE_FROM_GROUP):
            groups = self._membership_changes(change.account_id or "")
            self.accounts_changed(frozenset({change.account_id or ""}), self._group_reach(groups))
        else:  # deactivation, an account's product access: one account's own state
            self.accounts_changed(frozenset({change.account_id or ""}))

    def _grant(self, change: Change) -> None:
        holder = change.holder
        assert holder is not None and change.permission is not None
        scheme_id = change.scheme_id or ""
        perms = {change.permission}
        if change.permission == catalogue.BROWSE:
            perms |= _BROWSE_CROSS
        if self._has_dc_optional(scheme_id) or canonical_type(holder.type) in _DC_OPTIONAL:
            perms = set(PROJECT_PERMISSION_KEYS)
        perms &= set(PROJECT_PERMISSION_KEYS)
        widened = (change.permission, "before" if change.kind is Kind.ADD_GRANT else "after")
        if change.permission not in PROJECT_PERMISSION_KEYS:
            widened = None
        for key in self.a.projects_using(scheme_id):
            project = self.a.project(key)
            if project is not None:
                self.project(key, perms, self.holder_accounts(project, holder), widened)

    def _has_dc_optional(self, scheme_id: str) -> bool:
        return any(canonical_type(g.holder.type) in _DC_OPTIONAL
                   for ix in (self.a, self.b) for grants in ix.t.grants.get(scheme_id, {}).values() for g in grants)

    def accounts_changed(self, accounts: Accounts,
                         only: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
        """Accounts whose own state changes: every place where they may have had, or may get, anything.

        ``only`` narrows it to (the permissions that may change in every project, the projects where every
        permission may change), for a change of groups that only some projects name.
        """
        self.add(None, None, GLOBAL_PERMISSION_KEYS, accounts)
        for project in self.a.snapshot.projects:
            perms = PROJECT_PERMISSION_KEYS
            if only is not None and project.key not in only[1]:
                perms = tuple(only[0])
                if not perms:
                    continue
            if accounts is EVERYONE or len(accounts) > 64:
                self.project(project.key, perms, accounts)
                continue
            reached = frozenset(a for a in accounts if self._may_hold(self.a, a, project.key)
                                or self._may_hold(self.b, a, project.key))
            self.project(project.key, perms, reached)

    # -- which projects notice a group -------------------------------------------------------------
    def _membership_changes(self, account_id: str) -> frozenset[str]:
        """The groups whose membership of the account differs between the snapshots."""
        return self.a.t.account_groups.get(account_id, frozenset()) ^ self.b.t.account_groups.get(
            account_id, frozenset())

    def _group_reach(self, groups: frozenset[str]) -> tuple[frozenset[str], frozenset[str]] | None:
        """(permissions that may change in every project, projects where every one may) for accounts whose
        membership of these groups changes; None when every permission in every project may change.

        A group that gives a product matters everywhere; one that gives Administer Jira matters for
        Administer Projects everywhere (decision 1); otherwise a group matters where a grant, a role, a
        security level, a workflow property or an issue's group field names it.
        """
        snap = self.a.snapshot
        if groups & {g for r in snap.application_roles for g in r.groups} or not snap.application_roles:
            return None
        admins = {g.group for g in snap.global_grants if g.permission == catalogue.ADMINISTER}
        everywhere = frozenset({catalogue.ADMINISTER_PROJECTS} if groups & admins else ())
        return everywhere, self._projects_naming(groups)

    def _projects_naming(self, groups: frozenset[str]) -> frozenset[str]:
        """Projects whose configuration or issues name one of these groups."""
        found: set[str] = set()
        for ix in (self.a, self.b):
            named_schemes = {sid for sid, by_perm in ix.t.grants.items()
                             if any(self._names(ix, g.holder, groups) for gs in by_perm.values() for g in gs)}
            named_security = {s.id for s in ix.snapshot.issue_security_schemes
                              if any(self._names(ix, m, groups) for lv in s.levels for m in lv.members)}
            named_workflows = {w.name for w in ix.snapshot.workflows
                               if any(v in groups for st in w.statuses for k, v in st.properties.items()
                                      if k.startswith("jira.permission."))}
            for project in ix.snapshot.projects:
                if (project.permission_scheme_id in named_schemes
                        or project.issue_security_scheme_id in named_security
                        or any(set(a.groups) & groups for a in project.role_actors.values())
                        or self._workflow_names(ix, project) & named_workflows):
                    found.add(project.key)
            found |= {i.project_key for i in ix.snapshot.issues
                      if any(set(v) & groups for v in i.group_fields.values())}
        return frozenset(found)

    @staticmethod
    def _names(ix: SiteIndex, holder: Holder, groups: frozenset[str]) -> bool:
        kind = canonical_type(holder.type)
        if kind == "group":
            return ix.group_name(holder) in groups
        return kind is None  # an unknown holder type may name anything

    @staticmethod
    def _workflow_names(ix: SiteIndex, project: Project) -> set[str]:
        scheme = ix.t.workflow_schemes.get(project.workflow_scheme_id) if project.workflow_scheme_id else None
        if scheme is None:
            return set()
        return {scheme.default_workflow, *scheme.issue_type_workflows.values()}

    # -- account sets -------------------------------------------------------------------------
    def group_members(self, group: str) -> Accounts:
        """The accounts a group holds in either snapshot, or everyone when its members are not fully known."""
        found: set[str] = set()
        for ix in (self.a, self.b):
            members = ix.t.groups.get(group)
            if members is None or ix.gap(FactKind.GROUP_MEMBERS, group) is not None:
                return EVERYONE
            found |= members
        return frozenset(found)

    def _role_accounts(self, project: Project, role_id: str) -> Accounts:
        found: set[str] = set()
        for ix in (self.a, self.b):
            if ix.gap(FactKind.PROJECT_ROLES, project.key) is not None:
                return EVERYONE
            key = (project.key, role_id)
            found |= ix.t.role_users.get(key, frozenset())
            for group in ix.t.role_groups.get(key, ()):
                members = self.group_members(group)
                if members is EVERYONE:
                    return EVERYONE
                found |= members
        return frozenset(found)

    def holder_accounts(self, project: Project, holder: Holder) -> Accounts:
        """Every account the holder may match in the project or on any of its issues, in either snapshot."""
        kind = canonical_type(holder.type)
        if kind == "applicationRole" and not holder.parameter:
            kind = "applicationRoleAny"
        if kind in _OPEN:
            return EVERYONE
        if kind == "applicationRole":
            found: Accounts = frozenset()
            for ix in (self.a, self.b):
                if not ix.t.app_roles or ix.gap(FactKind.APPLICATION_ROLES) is not None:
                    return EVERYONE
                for group in ix.t.app_roles.get(holder.parameter or "", ()):
                    found = union(found, self.group_members(group))
            return found
        if kind == "group":
            return self.group_members(self.a.group_name(holder) or "")
        if kind == "projectRole":
            return self._role_accounts(project, holder.parameter or holder.value or "")
        if kind == "user":
            return frozenset({holder.parameter or holder.value or ""})
        if kind == "projectLead":
            return frozenset(lead for lead in (project.lead,) if lead)
        if kind == "sd.customer.portal.only":
            return self._role_accounts(project, project.customer_role_id) if project.customer_role_id else frozenset()
        return EVERYONE

    # -- the gate: may an account hold anything in a project? -------------------------------------
    @staticmethod
    def _may_hold(ix: SiteIndex, account_id: str, project_key: str) -> bool:
        """False only when no grant of Browse Projects, Create Issues or Administer Projects can match the
        account and it is surely no Jira admin: then every project permission is denied, on every issue too."""
        project = ix.project(project_key)
        account: Account | None = ix.account(account_id)
        if project is None or account is None:
            return True
        if account_id != ANONYMOUS_ID and ix.has_global(account_id, "ADMINISTER")[0] is not False:
            return True
        scheme, _ = ix.scheme(project)
        if scheme is None or (project.team_managed and project.permission_scheme_id is None):
            return True
        for permission in _GATE:
            ctx = Context(account, project, None, permission)
            for grant in ix.grants(scheme, permission):
                if canonical_type(grant.holder.type) in _DC_OPTIONAL:
                    return True
                if match_holder(ix, grant.holder, ctx).match is not Match.NOT_MATCHED:
                    return True
        return False


_ALL_PERMISSIONS = frozenset(p.key for p in catalogue.PROJECT_PERMISSIONS)
_ISSUE_HOLDERS = frozenset({"reporter", "assignee", "userCustomField", "groupCustomField", *_DC_OPTIONAL})


@dataclass(frozen=True, slots=True)
class StandIn:
    """An issue as far as the accounts that are none of its people can tell (see :meth:`IssueShape.stand_in`)."""

    shape: tuple
    people: frozenset[str]  # the accounts it names
    groups: frozenset[str]  # the groups its group fields name (their members, or maybe members, are its people)
    issue: Issue

    def nobody(self) -> Issue:
        """The issue with its people fields empty."""
        issue = self.issue
        return replace(issue, reporter=None, assignee=None, user_fields={k: () for k in issue.user_fields},
                       group_fields={k: () for k in issue.group_fields})


class IssueShape:
    """Which permissions' answers on an issue may differ from their answers in its project, for any account.

    They may not when the issue is not archived, has no security level, its status (and its parent's, for a
    sub-task) sets no property restricting the permission or Browse Projects (nor ``jira.issue.editable`` for
    Edit Issues), and no grant of them needs the issue to match (reporter, assignee, custom fields): then every
    check reads the same facts on the issue as in the project.  Worked out once per issue and per scheme.
    """

    def __init__(self, ix: SiteIndex):
        self.ix = ix
        self._issues: dict[str, tuple[bool, frozenset[str], bool]] = {}
        self._schemes: dict[str, frozenset[str]] = {}
        self._differing: dict[str, frozenset[str]] = {}
        self._stand_ins: dict[str, StandIn | None] = {}
        self._by_restrictions: dict[tuple[frozenset[str], bool, frozenset[str]], frozenset[str]] = {}
        self._statuses: dict[tuple[str, str, bool], tuple[frozenset[str], bool]] = {}
        """(workflow, status, of a parent) -> (the permissions its properties restrict, whether it sets editable)"""

    def stand_in(self, issue_key: str) -> StandIn | None:
        """The issue's shape, its people and the issue without them (None: the issue is to be asked alone).

        Two issues of one shape give the same answers to every account that is none of their people: of an
        issue the checks read its archive state, its (or its parent's) security level and the properties of
        its (and its parent's) status, and holders naming people (reporter, assignee, a user or group field,
        in grants, security levels or workflow properties) match only those people.  The stand-in, with the
        same fields holding nobody, answers for everyone else.
        """
        if issue_key in self._stand_ins:
            return self._stand_ins[issue_key]
        found = self._stand_ins[issue_key] = self._read_stand_in(issue_key)
        return found

    def _read_stand_in(self, issue_key: str) -> StandIn | None:
        ix = self.ix
        issue = ix.issue(issue_key)
        project = ix.project(issue.project_key) if issue is not None else None
        if issue is None or project is None:
            return None
        level, _, missing = ix.security_level(project, issue)
        statuses: list[object] = []  # the properties of its status (and its parent's): None when not known
        if issue.issue_type.subtask and issue.parent_key:
            parent = ix.issue(issue.parent_key)
            items = (issue, parent) if parent is not None else (issue,)
            if parent is None:
                statuses.append("no parent")
        else:
            items = (issue,)
        for item in items:
            status, workflow, _ = ix.status_of(project, item)
            statuses.append(None if status is None else frozenset(ix.properties(workflow, status).items()))
        shape = (issue.project_key, issue.issue_type.subtask, issue.archived, ix.is_archived(project, issue)[0],
                 "not known" if missing is not None else level, tuple(statuses), tuple(sorted(issue.user_fields)),
                 tuple(sorted(issue.group_fields)))
        people = frozenset(p for p in chain((issue.reporter, issue.assignee), *issue.user_fields.values()) if p)
        groups = frozenset(chain(*issue.group_fields.values()))
        return StandIn(shape, people, groups, issue)

    def differing(self, project_key: str, issue_key: str) -> frozenset[str]:
        """The project permissions whose answers on the issue may differ from the project's (worked out once)."""
        found = self._differing.get(issue_key)
        if found is None:
            found = self._differing[issue_key] = self._read_differing(project_key, issue_key)
        return found

    def _read_differing(self, project_key: str, issue_key: str) -> frozenset[str]:
        whole, shorts, editable = self._issue(project_key, issue_key)
        if whole:
            return _ALL_PERMISSIONS
        by_issue = self._scheme(project_key)
        found = self._by_restrictions.get((shorts, editable, by_issue))
        if found is None:
            browse = "browse" in shorts or catalogue.BROWSE in by_issue
            found = self._by_restrictions[(shorts, editable, by_issue)] = frozenset(
                p.key for p in catalogue.PROJECT_PERMISSIONS
                if p.short_name in shorts or (p.browse_required and browse) or p.key in by_issue
                or (p.key == catalogue.EDIT_ISSUES and editable))
        return found

    def _issue(self, project_key: str, issue_key: str) -> tuple[bool, frozenset[str], bool]:
        found = self._issues.get(issue_key)
        if found is None:
            found = self._issues[issue_key] = self._read_issue(project_key, issue_key)
        return found

    def _read_issue(self, project_key: str, issue_key: str) -> tuple[bool, frozenset[str], bool]:
        ix = self.ix
        project, issue = ix.project(project_key), ix.issue(issue_key)
        if project is None or issue is None or ix.is_archived(project, issue) != ix.is_archived(project, None):
            return True, frozenset(), False
        if ix.security_level(project, issue)[0] is not None:
            return True, frozenset(), False
        shorts: set[str] = set()
        editable = False
        parent = ((ix.issue(issue.parent_key), True),) if issue.parent_key and issue.issue_type.subtask else ()
        for item, subtasks in ((issue, False), *parent):
            if item is None:
                return True, frozenset(), False
            status, workflow, _ = ix.status_of(project, item)
            if status is None:
                return True, frozenset(), False
            found = self._statuses.get((workflow, status.id, subtasks))
            if found is None:
                props = ix.properties(workflow, status)
                found = self._statuses[(workflow, status.id, subtasks)] = (
                    frozenset(p.short_name for p in catalogue.PROJECT_PERMISSIONS if p.short_name
                              and any(property_applies(k, p.short_name, subtasks=subtasks) for k in props)),
                    not subtasks and any(k in props for k in EDITABLE_KEYS))
            shorts |= found[0]
            editable |= found[1]
        return False, frozenset(shorts), editable

    def _scheme(self, project_key: str) -> frozenset[str]:
        """The permissions whose grants in the project's scheme need an issue to match."""
        project = self.ix.project(project_key)
        scheme_id = project.permission_scheme_id if project is not None else None
        if scheme_id is None:
            return frozenset()
        found = self._schemes.get(scheme_id)
        if found is None:
            grants = self.ix.t.grants.get(scheme_id, {})
            found = self._schemes[scheme_id] = frozenset(
                perm for perm, gs in grants.items()
                if any(canonical_type(g.holder.type) in _ISSUE_HOLDERS or canonical_type(g.holder.type) is None
                       for g in gs))
        return found


_ISSUES: weakref.WeakKeyDictionary[Snapshot, dict[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def issues_by_project(snapshot: Snapshot) -> dict[str, tuple[str, ...]]:
    """The keys of the issues the snapshot holds, per project (kept while the snapshot lives)."""
    found = _ISSUES.get(snapshot)
    if found is None:
        grouped: dict[str, list[str]] = {}
        for issue in snapshot.issues:
            grouped.setdefault(issue.project_key, []).append(issue.key)
        found = _ISSUES[snapshot] = {k: tuple(v) for k, v in grouped.items()}
    return found


def reach_of(before: SiteIndex, after: SiteIndex, changes: Iterable[Change],
             issues: dict[str, tuple[str, ...]]) -> list[Scope]:
    """The scopes to compare for these (applied) changes, project scopes in the snapshot's order."""
    reach = Reach(before, after, issues)
    for change in changes:
        reach.change(change)
    order = {p.key: i for i, p in enumerate(before.snapshot.projects)}
    return sorted(reach.scopes.values(), key=lambda s: (s.project_key is not None, order.get(s.project_key or "", 0),
                                                        s.issue_key or ""))
