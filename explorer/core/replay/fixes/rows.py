"""One account's verdicts in many projects at once: a row of bits per project.

A fix's blast radius asks "what else would this account be allowed?" over every
project a change reaches: for a site-wide change (product access, a reactivated
account) that is every permission in every project.  Asking the evaluator
cell by cell costs ~100 µs a cell; here a project's row is a pair of integers
(allowed bits, undetermined bits, one bit per catalogue permission, the rest
denied) and each step of the evaluator (rules section 2) is a mask, combined
with Kleene AND/OR as bit operations:

- what depends only on the account (active, product access, Jira admin, and
  holders that name a group, a product, a user, anyone, or an issue's people
  asked at project level) is asked once through the index and the holder
  matcher, the same calls the evaluator makes;
- a permission scheme's grants are grouped by holder once per snapshot, so
  the account-level part of a scheme is worked out once for all its projects;
- role holders are asked only where the account can be an actor (its direct
  role actorships, the roles of its groups, groups whose members are not fully
  known, projects whose roles are not fully known); elsewhere they cannot match.

Rows are at project level (no issue).  A hypothesis test holds every row equal
to :func:`~explorer.core.replay.evaluator.evaluate_in` on random sites, with
and without hypothetical patches.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable

from explorer.core.model import Account, FactKind, Grant, Holder, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import Access
from explorer.core.replay.holders import Context, canonical_type, match_holder
from explorer.core.replay.index import SiteIndex, Tri
from explorer.core.replay.rules import implied_team_role

PERMISSIONS: tuple[str, ...] = tuple(p.key for p in catalogue.PROJECT_PERMISSIONS)
BIT: dict[str, int] = {key: 1 << i for i, key in enumerate(PERMISSIONS)}
ALL = (1 << len(PERMISSIONS)) - 1


def _mask(predicate) -> int:
    return sum(BIT[p.key] for p in catalogue.PROJECT_PERMISSIONS if predicate(p))


VIEW_ONLY = _mask(lambda p: p.view_only)
BROWSE_REQUIRED = _mask(lambda p: p.browse_required)
BY_ACCESS = {access: _mask(lambda p, a=access: p.access is a) for access in Access}
BROWSE = BIT[catalogue.BROWSE]
ADMIN = BIT[catalogue.ADMINISTER_PROJECTS]

# Holder types whose match does not depend on the project (at project level, with no issue).
_ACCOUNT_LEVEL = frozenset({"anyone", "applicationRole", "group", "user", "reporter", "assignee",
                            "userCustomField", "groupCustomField", None})

Row = tuple[int, int]  # (allowed bits, undetermined bits); every other bit is denied
_UNSET = object()


def bits_to_keys(bits: int) -> list[str]:
    """The permission keys of a mask, in catalogue order."""
    return [key for key in PERMISSIONS if bits & BIT[key]]


class _SchemeTable:
    """A scheme's grants of catalogue permissions, grouped by holder: which bits each holder gives."""

    __slots__ = ("account_level", "roles", "portal", "lead", "other")

    def __init__(self, grants_of: Callable[[str], tuple[Grant, ...]]):
        bits: dict[tuple, int] = {}
        holders: dict[tuple, Holder] = {}
        for key in PERMISSIONS:
            for grant in grants_of(key):
                h = grant.holder
                ident = (h.type, h.parameter, h.value)
                holders.setdefault(ident, h)
                bits[ident] = bits.get(ident, 0) | BIT[key]
        self.account_level: list[tuple[str | None, Holder, int]] = []
        self.roles: dict[str, int] = {}  # role id -> bits
        self.portal = 0
        self.lead = 0
        self.other: list[tuple[Holder, int]] = []  # any other type: asked per project and permission
        for ident, holder in holders.items():
            kind, b = canonical_type(holder.type), bits[ident]
            if kind in _ACCOUNT_LEVEL:
                self.account_level.append((kind, holder, b))
            elif kind == "projectRole":
                role_id = holder.parameter or holder.value or ""
                self.roles[role_id] = self.roles.get(role_id, 0) | b
            elif kind == "sd.customer.portal.only":
                self.portal |= b
            elif kind == "projectLead":
                self.lead |= b
            else:
                self.other.append((holder, b))


class _SiteTables:
    """Patch-free tables of one snapshot that every account's rows share."""

    def __init__(self, ix: SiteIndex):
        t = ix.t
        self.schemes = {scheme_id: _SchemeTable(lambda key, g=grants: g.get(key, ()))
                        for scheme_id, grants in t.grants.items()}
        direct: dict[str, list[tuple[str, str]]] = defaultdict(list)
        by_group: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pair, users in t.role_users.items():
            for user in users:
                direct[user].append(pair)
        for pair, groups in t.role_groups.items():
            for group in groups:
                by_group[group].append(pair)
        self.direct_roles = dict(direct)
        self.group_roles = dict(by_group)
        # groups whose membership can be "not known" for an account that is not a listed member
        self.uncertain_groups = tuple(
            g for g in by_group
            if g not in t.groups or ix.gap(FactKind.GROUP_MEMBERS, g) is not None)
        self.roles_unknown_projects = frozenset(
            key for key in t.projects if ix.gap(FactKind.PROJECT_ROLES, key) is not None)
        granted: dict[str, set[str]] = defaultdict(set)  # group -> schemes with a grant to it
        for scheme_id, table in self.schemes.items():
            for kind, holder, _ in table.account_level:
                if kind == "group":
                    granted[ix.group_name(holder) or ""].add(scheme_id)
        self.group_schemes = dict(granted)
        # groups whose members get product access or Jira admin: their reach is every project
        self.broad_groups = frozenset(g for groups in t.app_roles.values() for g in groups) | frozenset(
            g for g in t.global_groups.get(catalogue.ADMINISTER, ()) if g is not None)


_TABLES: weakref.WeakKeyDictionary[Snapshot, _SiteTables] = weakref.WeakKeyDictionary()


def _site_tables(ix: SiteIndex) -> _SiteTables:
    found = _TABLES.get(ix.snapshot)
    if found is None:
        found = _TABLES[ix.snapshot] = _SiteTables(ix)
    return found


def group_reach(ix: SiteIndex, group: str) -> set[str] | None:
    """Projects where joining ``group`` can change an account's project-level answers (None: every project).

    The schemes that grant to the group (``ix``'s hypothetical grants included), and the projects
    where it is a role actor; every project when it gives product access or Jira admin.
    """
    site = _site_tables(ix)
    if group in site.broad_groups:
        return None
    schemes = set(site.group_schemes.get(group, ()))
    schemes.update(scheme_id for scheme_id, grant in ix.patch.grants
                   if canonical_type(grant.holder.type) == "group" and ix.group_name(grant.holder) == group)
    reach = {key for scheme_id in schemes for key in ix.projects_using(scheme_id)}
    reach.update(project_key for project_key, _ in site.group_roles.get(group, ()))
    return reach


def _or_tri(true: int, unknown: int, tri: Tri, bits: int) -> tuple[int, int]:
    if tri is True:
        return true | bits, unknown
    if tri is None:
        return true, unknown | bits
    return true, unknown


class AccountRows:
    """One (non-anonymous) account's rows on one index, possibly patched; rows are memoised per project."""

    def __init__(self, ix: SiteIndex, account: Account):
        if account.is_anonymous:
            raise ValueError("rows are computed for accounts, not the anonymous visitor")
        self.ix = ix
        self.account = account
        self.aid = aid = account.account_id
        self.site = _site_tables(ix)
        self._rows: dict[str, Row] = {}
        self._plain_rows: dict[tuple[str | None, bool], Row] = {}
        self._holder_memo: dict[tuple, Tri] = {}
        self._scheme_memo: dict[str, tuple[_SchemeTable, int, int]] = {}
        self._patched_schemes = {scheme_id for scheme_id, _ in ix.patch.grants}
        self.active = ix.is_active(account)
        self.product_true = BY_ACCESS[Access.SITE]
        self.product_unknown = 0
        for access, product in ((Access.JIRA, None), (Access.JSM, "jira-servicedesk")):
            self.product_true, self.product_unknown = _or_tri(
                self.product_true, self.product_unknown, ix.product_access(aid, product)[0], BY_ACCESS[access])
        self._admin_memo: object = _UNSET  # asked on first need
        self.logged_in = not ix.is_customer(account)
        self._roles = self._role_candidates()

    # -- role actorships worth asking about ------------------------------------------------
    def _role_candidates(self) -> dict[str, set[str]]:
        """Project -> roles where ``role_actor`` may not be False; for every other pair it is False.

        role_actor is True through the patch, a direct actorship or a group the account is in,
        and unknown through a group whose members are not fully known or in a project whose
        roles are not fully known (those projects are asked about every role).
        """
        ix, aid, site = self.ix, self.aid, self.site
        found: dict[str, set[str]] = defaultdict(set)
        for project_key, role_id in site.direct_roles.get(aid, ()):
            found[project_key].add(role_id)
        for account_id, project_key, role_id in ix.patch.roles:
            if account_id == aid:
                found[project_key].add(role_id)
        for group in (*ix.groups_of(aid), *site.uncertain_groups):
            for project_key, role_id in site.group_roles.get(group, ()):
                found[project_key].add(role_id)
        return found

    def _role(self, project: Project, role_id: str) -> Tri:
        return self.ix.role_actor(project, role_id, self.aid)[0]

    # -- holders --------------------------------------------------------------------------
    def _account_holder(self, kind: str | None, holder: Holder, project: Project) -> Tri:
        ident = (holder.type, holder.parameter, holder.value)
        found = self._holder_memo.get(ident, _UNSET)
        if found is _UNSET:
            if kind == "group":  # what match_holder asks for a group, without the words
                found = self.ix.in_group(self.aid, self.ix.group_name(holder) or "")[0]
            else:
                found = match_holder(self.ix, holder, Context(self.account, project, None, catalogue.BROWSE)
                                     ).match.as_bool
            self._holder_memo[ident] = found
        return found  # type: ignore[return-value]

    def _scheme(self, scheme_id: str, project: Project) -> tuple[_SchemeTable, int, int]:
        """A scheme's table, and the bits its account-level holders give (allowed, undetermined)."""
        found = self._scheme_memo.get(scheme_id)
        if found is None:
            if scheme_id in self._patched_schemes:
                scheme = self.ix.t.schemes[scheme_id]
                table = _SchemeTable(lambda key: self.ix.grants(scheme, key))
            else:
                table = self.site.schemes.get(scheme_id) or _SchemeTable(lambda key: ())
            true = unknown = 0
            for kind, holder, bits in table.account_level:
                true, unknown = _or_tri(true, unknown, self._account_holder(kind, holder, project), bits)
            found = self._scheme_memo[scheme_id] = (table, true, unknown & ~true)
        return found

    # -- the steps ------------------------------------------------------------------------
    def _admin(self) -> Tri:
        if self._admin_memo is _UNSET:
            self._admin_memo = self.ix.has_global(self.aid, catalogue.ADMINISTER)[0]
        return self._admin_memo  # type: ignore[return-value]

    def _team_grants(self, project: Project) -> tuple[int, int]:
        true = unknown = 0
        implied = implied_team_role(project)
        roles = self._roles.get(project.key, ())
        unknown_roles = project.key in self.site.roles_unknown_projects
        for role in project.team_roles:
            bits = sum(BIT[k] for k in role.permissions if k in BIT)
            if not bits:
                continue
            tri: Tri = self._role(project, role.id) if unknown_roles or role.id in roles else False
            if implied == role.name and self.logged_in:
                tri = True
            true, unknown = _or_tri(true, unknown, tri, bits)
        return true, unknown & ~true

    def _scheme_grants(self, project: Project, scheme_id: str) -> tuple[int, int]:
        table, true, unknown = self._scheme(scheme_id, project)
        if project.key in self.site.roles_unknown_projects:
            roles: Iterable[str] = (*table.roles, *((project.customer_role_id,) if project.customer_role_id else ()))
        else:
            roles = self._roles.get(project.key, ())
        for role_id in roles:
            bits = table.roles.get(role_id, 0) | (table.portal if role_id == project.customer_role_id else 0)
            if bits & ~true:
                true, unknown = _or_tri(true, unknown, self._role(project, role_id), bits & ~true)
        if table.lead and project.lead == self.aid:
            true |= table.lead
        for holder, bits in table.other:  # any other type may depend on the project and the permission
            for key in bits_to_keys(bits & ~true):
                tri = match_holder(self.ix, holder, Context(self.account, project, None, key)).match.as_bool
                true, unknown = _or_tri(true, unknown, tri, BIT[key])
        return true, unknown & ~true

    def row(self, project: Project) -> Row:
        """(allowed bits, undetermined bits) of the account in the project."""
        found = self._rows.get(project.key)
        if found is None:
            found = self._rows[project.key] = self._row(project)
        return found

    def _row(self, project: Project) -> Row:
        if not self.active:
            return 0, 0
        archived, _ = self.ix.is_archived(project, None)
        team = project.team_managed and project.permission_scheme_id is None
        plain = not team and project.key not in self._roles and project.key not in self.site.roles_unknown_projects \
            and project.lead != self.aid
        if plain and project.permission_scheme_id in self.ix.t.schemes:
            plain = not self._scheme(project.permission_scheme_id, project)[0].other
        if plain:  # nothing here depends on the project beyond its scheme and archive state
            key = (project.permission_scheme_id, archived)
            found = self._plain_rows.get(key)
            if found is None:
                found = self._plain_rows[key] = self._combine(project, archived, team)
            return found
        return self._combine(project, archived, team)

    def _combine(self, project: Project, archived: bool, team: bool) -> Row:
        kind_known = True
        if team:
            if project.team_roles:
                grant_true, grant_unknown = self._team_grants(project)
            else:
                grant_true, grant_unknown, kind_known = 0, ALL, False
        else:
            scheme, _ = self.ix.scheme(project)
            grant_true, grant_unknown = self._scheme_grants(project, scheme.id) if scheme else (0, ALL)
        # Browse prerequisite: the Browse grants alone (before the Jira-admin rule)
        if grant_true & BROWSE:
            browse_true = browse_possible = ALL
        elif grant_unknown & BROWSE:
            browse_true, browse_possible = ALL & ~BROWSE_REQUIRED, ALL
        else:
            browse_true = browse_possible = ALL & ~BROWSE_REQUIRED
        if kind_known and not grant_true & ADMIN:  # Jira admins inherit Administer Projects (decision 1)
            grant_true, grant_unknown = _or_tri(grant_true, grant_unknown, self._admin(), ADMIN)
            grant_unknown &= ~grant_true
        kept = VIEW_ONLY if archived else ALL
        true = self.product_true & kept & grant_true & browse_true if kind_known else 0
        possible = ((self.product_true | self.product_unknown) & kept & (grant_true | grant_unknown)
                    & browse_possible)
        return true, possible & ~true
