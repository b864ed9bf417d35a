"""Where a change can reach: the projects, issues, permissions and accounts whose verdicts it may alter.

Each answer is a superset (an account or project left out must keep every verdict), so the effect
computed over the reach equals the effective diff of the whole site; ``tests/test_whatif_effects.py``
checks that against :func:`explorer.core.review.diff.diff_snapshots` on generated sites.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from explorer.core.model import ANONYMOUS_ID, Account, FactKind, Holder, Project
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders import Context, canonical_type, match_holder
from explorer.core.replay.index import SiteIndex
from explorer.core.review.diff import GLOBAL_PERMISSION_KEYS, PROJECT_PERMISSION_KEYS
from explorer.core.whatif.changes import Change, Kind

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


def union(a: Accounts, b: Accounts) -> Accounts:
    if a is EVERYONE or b is EVERYONE:
        return EVERYONE
    return a | b


class Reach:
    """Collects scopes, merging those of the same place."""

    def __init__(self, before: SiteIndex, after: SiteIndex):
        self.a, self.b = before, after
        self.scopes: dict[tuple[str | None, str | None], Scope] = {}
        self._issues: dict[str, tuple[str, ...]] | None = None

    def add(self, project_key: str | None, issue_key: str | None, permissions: Iterable[str], accounts: Accounts,
            ) -> None:
        perms = frozenset(permissions)
        if accounts is not EVERYONE and not accounts or not perms:
            return
        key = (project_key, issue_key)
        found = self.scopes.get(key)
        if found is not None:
            perms |= found.permissions
            accounts = union(found.accounts, accounts)
        self.scopes[key] = Scope(project_key, issue_key, perms, accounts)

    def project(self, key: str, permissions: Iterable[str], accounts: Accounts) -> None:
        """A project and every issue of it that the snapshot holds."""
        perms = frozenset(permissions)
        self.add(key, None, perms, accounts)
        for issue in self.issues_of(key):
            self.add(key, issue, perms, accounts)

    def issues_of(self, key: str) -> tuple[str, ...]:
        if self._issues is None:
            by_project: dict[str, list[str]] = {}
            for issue in self.b.snapshot.issues:
                by_project.setdefault(issue.project_key, []).append(issue.key)
            self._issues = {k: tuple(v) for k, v in by_project.items()}
        return self._issues.get(key, ())

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
        else:  # group membership, deactivation, an account's product access: one account's own state
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
        for key in self.a.projects_using(scheme_id):
            project = self.a.project(key)
            if project is not None:
                self.project(key, perms, self.holder_accounts(project, holder))

    def _has_dc_optional(self, scheme_id: str) -> bool:
        return any(canonical_type(g.holder.type) in _DC_OPTIONAL
                   for ix in (self.a, self.b) for grants in ix.t.grants.get(scheme_id, {}).values() for g in grants)

    def accounts_changed(self, accounts: Accounts) -> None:
        """Accounts whose own state changes: every place where they may have had, or may get, anything."""
        self.add(None, None, GLOBAL_PERMISSION_KEYS, accounts)
        for project in self.a.snapshot.projects:
            if accounts is EVERYONE or len(accounts) > 64:
                self.project(project.key, PROJECT_PERMISSION_KEYS, accounts)
                continue
            reached = frozenset(a for a in accounts if self._may_hold(self.a, a, project.key)
                                or self._may_hold(self.b, a, project.key))
            self.project(project.key, PROJECT_PERMISSION_KEYS, reached)

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


def reach_of(before: SiteIndex, after: SiteIndex, changes: Iterable[Change]) -> list[Scope]:
    """The scopes to compare for these (applied) changes, project scopes in the snapshot's order."""
    reach = Reach(before, after)
    for change in changes:
        reach.change(change)
    order = {p.key: i for i, p in enumerate(before.snapshot.projects)}
    return sorted(reach.scopes.values(), key=lambda s: (s.project_key is not None, order.get(s.project_key or "", 0),
                                                        s.issue_key or ""))
