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
from collections.abc import Callable, Iterable

from explorer.core.model import Account, FactKind, Grant, Holder, Project, Snapshot, TeamRole
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


_KEY_OF_BIT = {bit: key for key, bit in BIT.items()}


_KEYS_OF: dict[int, tuple[str, ...]] = {}


def bits_to_keys(bits: int) -> tuple[str, ...]:
    """The permission keys of a mask, in catalogue order."""
    found = _KEYS_OF.get(bits)
    if found is None:
        keys = []
        rest = bits
        while rest:
            low = rest & -rest
            keys.append(_KEY_OF_BIT[low])
            rest ^= low
        found = tuple(keys)
        if len(_KEYS_OF) < 4096:
            _KEYS_OF[bits] = found
    return found


class _SchemeTable:
    """A scheme's grants of catalogue permissions, grouped by holder: which bits each holder gives."""

    __slots__ = ("account_level", "groups", "uncertain_groups", "products", "roles", "portal", "lead", "other")

    Entry = tuple[str | None, Holder, int]  # (holder type, holder, permission bits)

    def __init__(self, ix: SiteIndex, grants_of: Callable[[str], tuple[Grant, ...]]):
        bits: dict[tuple, int] = {}
        holders: dict[tuple, Holder] = {}
        for key in PERMISSIONS:
            for grant in grants_of(key):
                h = grant.holder
                ident = (h.type, h.parameter, h.value)
                holders.setdefault(ident, h)
                bits[ident] = bits.get(ident, 0) | BIT[key]
        self.account_level: list[_SchemeTable.Entry] = []  # holders matched the same way in every project
        self.groups: dict[str, int] = {}  # group name -> bits of the grants to it
        self.products: list[_SchemeTable.Entry] = []  # holders naming a product's access
        self.roles: dict[str, int] = {}  # role id -> bits
        self.portal = 0
        self.lead = 0
        self.other: list[tuple[Holder, int]] = []  # any other type: asked per project and permission
        for ident, holder in holders.items():  # a group grant naming no group (DC's Group (Anyone)) is account-level
            kind, b = canonical_type(holder.type), bits[ident]
            if kind == "group" and (holder.parameter or holder.value):
                name = ix.group_name(holder) or ""
                self.groups[name] = self.groups.get(name, 0) | b
            elif kind in _ACCOUNT_LEVEL:
                self.account_level.append((kind, holder, b))
                if kind == "applicationRole" and holder.parameter:
                    self.products.append((kind, holder, b))
            elif kind == "projectRole":
                role_id = holder.parameter or holder.value or ""
                self.roles[role_id] = self.roles.get(role_id, 0) | b
            elif kind == "sd.customer.portal.only":
                self.portal |= b
            elif kind == "projectLead":
                self.lead |= b
            else:
                self.other.append((holder, b))
        # groups whose membership can be "not known" for an account that is not a listed member
        self.uncertain_groups = tuple(g for g in self.groups if _uncertain(ix, g))


def _uncertain(ix: SiteIndex, group: str) -> bool:
    return group not in ix.t.groups or ix.gap(FactKind.GROUP_MEMBERS, group) is not None


class _SiteTables:
    """Patch-free tables of one snapshot that every account's rows share (scheme tables built on first use)."""

    def __init__(self, ix: SiteIndex):
        self.ix = ix
        t = ix.t
        self._schemes: dict[str, _SchemeTable] = {}
        self._team_bits: dict[int, int] = {}
        self._group_schemes: dict[str, set[str]] | None = None
        by_group: dict[str, list[tuple[str, str]]] = {}
        for pair, groups in t.role_groups.items():
            for group in groups:
                by_group.setdefault(group, []).append(pair)
        self._direct_roles: dict[str, tuple[tuple[str, str], ...]] = {}
        self.group_roles = by_group
        self._group_role_maps: dict[str, dict[str, frozenset[str]]] = {}
        # the roles an account may hold through groups whose membership can be "not known" for it
        self.maybe_roles = _by_project(pair for g in by_group if _uncertain(ix, g) for pair in by_group[g])
        self.roles_unknown_projects = frozenset(
            key for key in t.projects if ix.gap(FactKind.PROJECT_ROLES, key) is not None)
        # groups whose members get product access or Jira admin: their reach is every project
        self.product_groups = frozenset(g for groups in t.app_roles.values() for g in groups)
        admin_keys = (catalogue.ADMINISTER, "SYSTEM_ADMIN") if t.data_center else (catalogue.ADMINISTER,)
        self.admin_groups = frozenset(g for k in admin_keys for g in t.global_groups.get(k, ()) if g is not None)
        self.broad_groups = self.product_groups | self.admin_groups

    def direct_roles(self, account_id: str) -> tuple[tuple[str, str], ...]:
        """The (project, role) pairs naming the account itself (memoised).  Found by asking each pair: rows
        are wanted for an account or two per question, and inverting every actorship up front costs more."""
        found = self._direct_roles.get(account_id)
        if found is None:
            found = self._direct_roles[account_id] = tuple(
                pair for pair, users in self.ix.t.role_users.items() if account_id in users)
        return found

    def group_role_map(self, group: str) -> dict[str, frozenset[str]]:
        """Project -> the roles the group is an actor of there."""
        found = self._group_role_maps.get(group)
        if found is None:
            found = self._group_role_maps[group] = _by_project(self.group_roles.get(group, ()))
        return found

    def team_bits(self, role: TeamRole) -> int:
        """The bits of the catalogue permissions a team-managed project's role gives."""
        found = self._team_bits.get(id(role))  # the snapshot keeps its roles alive as long as these tables
        if found is None:
            found = self._team_bits[id(role)] = sum(BIT[k] for k in role.permissions if k in BIT)
        return found

    def scheme(self, scheme_id: str) -> _SchemeTable:
        """A scheme's table as the snapshot has it (no patch)."""
        found = self._schemes.get(scheme_id)
        if found is None:
            grants = self.ix.t.grants.get(scheme_id, {})
            found = self._schemes[scheme_id] = _SchemeTable(self.ix, lambda key: grants.get(key, ()))
        return found

    @property
    def group_schemes(self) -> dict[str, set[str]]:
        """Group -> the schemes with a grant to it."""
        if self._group_schemes is None:
            found: dict[str, set[str]] = {}
            for scheme_id, by_permission in self.ix.t.grants.items():
                for grants in by_permission.values():
                    for grant in grants:
                        if canonical_type(grant.holder.type) == "group":
                            found.setdefault(self.ix.group_name(grant.holder) or "", set()).add(scheme_id)
            self._group_schemes = found
        return self._group_schemes


def _by_project(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for project_key, role_id in pairs:
        found.setdefault(project_key, set()).add(role_id)
    return {k: frozenset(v) for k, v in found.items()}


_TABLES: weakref.WeakKeyDictionary[Snapshot, _SiteTables] = weakref.WeakKeyDictionary()


def _site_tables(ix: SiteIndex) -> _SiteTables:
    found = _TABLES.get(ix.snapshot)
    if found is None:
        found = _TABLES[ix.snapshot] = _SiteTables(ix)
    return found


def group_reach(ix: SiteIndex, group: str) -> set[str] | None:
    """Projects where joining ``group`` can change an account's project-level answers (None: every project).

    The schemes that grant to the group (``ix``'s hypothetical grants included), and the projects
    where it is a role actor; every project when it gives product access or Jira admin.  On Data
    Center joining a group joins the groups nesting it, so theirs count too.
    """
    site = _site_tables(ix)
    joined = {group, *ix.t.ancestors.get(group, ())}
    if joined & site.broad_groups:
        return None
    schemes = {scheme_id for name in joined for scheme_id in site.group_schemes.get(name, ())}
    schemes.update(scheme_id for scheme_id, grant in ix.patch.grants
                   if canonical_type(grant.holder.type) == "group" and ix.group_name(grant.holder) in joined)
    reach = {key for scheme_id in schemes for key in ix.projects_using(scheme_id)}
    reach.update(project_key for name in joined for project_key, _ in site.group_roles.get(name, ()))
    return reach


def _or_tri(true: int, unknown: int, tri: Tri, bits: int) -> tuple[int, int]:
    if tri is True:
        return true | bits, unknown
    if tri is None:
        return true, unknown | bits
    return true, unknown


class AccountRows:
    """One (non-anonymous) account's rows on one index, possibly patched; rows are memoised per project.

    ``base``, the same account's rows on an index this one only adds changes to, lends every
    answer those changes cannot alter (a scheme's account-level bits, holder matches, role
    actorships, rows of projects whose answers depend on their scheme alone).
    """

    def __init__(self, ix: SiteIndex, account: Account, base: AccountRows | None = None):
        if account.is_anonymous:
            raise ValueError("rows are computed for accounts, not the anonymous visitor")
        self.ix = ix
        self.account = account
        self.aid = aid = account.account_id
        self.site = _site_tables(ix)
        self._rows: dict[str, Row] = {}
        self._grant_memo: dict[str, tuple[int, int, bool]] = {}
        self._shared_grants: dict[tuple, tuple[int, int, bool]] = {}
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
        self._groups = ix.groups_of(aid)  # in_group is True exactly for these (membership or the patch)
        self.base = base if base is not None and base.aid == aid and base.ix.t is ix.t else None
        self._changed_groups: frozenset[str] = frozenset()
        self._products_changed = False
        self._sure_memo: dict[str, frozenset[str]] = {}
        if self.base is None:
            self._role_maps = self._role_sources()
        else:
            self._inherit(self.base)

    def _inherit(self, base: AccountRows) -> None:
        ix, aid = self.ix, self.aid
        self._changed_groups = frozenset(
            g for member, g in ix.patch.groups
            if member == aid and (aid, g) not in base.ix.patch.groups and base.ix.in_group(aid, g)[0] is not True)
        self._products_changed = bool(self._changed_groups & self.site.product_groups)
        new_roles = [(p, r) for member, p, r in ix.patch.roles if member == aid and (member, p, r) not in base.ix.patch.roles]
        self._role_maps = [_by_project(new_roles), *(self.site.group_role_map(g) for g in self._changed_groups)]

    def _scheme_from_base(self, table: _SchemeTable, scheme_id: str, project: Project
                          ) -> tuple[_SchemeTable, int, int]:
        """A scheme's account-level bits from the base's, re-asking only the holders a change can alter.

        Changes only add (memberships, grants, ...), so a holder's answer can only rise to True:
        the bits are the base's plus those of the holders now matching.
        """
        _, true, unknown = self.base._scheme(scheme_id, project)  # type: ignore[union-attr]
        for group in self._changed_groups:  # the account is now a member (through the patch)
            true |= table.groups.get(group, 0)
        if self._products_changed:
            for kind, holder, bits in table.products:
                if self._account_holder(kind, holder, project) is True:
                    true |= bits
        return table, true, unknown & ~true

    # -- role actorships worth asking about ------------------------------------------------
    def _role_sources(self) -> list[dict[str, frozenset[str]]]:
        """Where the roles the account surely holds come from: project -> roles, per source.

        ``role_actor`` is True through the patch, a direct actorship or a group the account is
        in; it can be unknown through a group whose members are not fully known (the site's
        ``maybe_roles``), or in a project whose roles are not fully known (asked about every
        role).  Every other (project, role) pair is False.
        """
        ix, aid = self.ix, self.aid
        direct = [*self.site.direct_roles(aid), *((p, r) for a, p, r in ix.patch.roles if a == aid)]
        return [_by_project(direct), *(self.site.group_role_map(g) for g in ix.groups_of(aid))]

    def _sure(self, project_key: str) -> frozenset[str]:
        """The roles the account surely holds in a project."""
        found = self._sure_memo.get(project_key)
        if found is None:
            found = self.base._sure(project_key) if self.base is not None else frozenset()
            for source in self._role_maps:
                more = source.get(project_key)
                if more:
                    found = found | more if found else more
            self._sure_memo[project_key] = found
        return found

    def _role(self, project: Project, role_id: str) -> Tri:
        return self.ix.role_actor(project, role_id, self.aid)[0]

    # -- holders --------------------------------------------------------------------------
    def _account_holder(self, kind: str | None, holder: Holder, project: Project) -> Tri:
        ident = (holder.type, holder.parameter, holder.value)
        found = self._holder_memo.get(ident, _UNSET)
        if found is _UNSET:
            if self.base is not None and not (kind == "applicationRole" and self._products_changed):
                return self.base._account_holder(kind, holder, project)
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
                table = _SchemeTable(self.ix, lambda key: self.ix.grants(scheme, key))
            else:
                table = self.site.scheme(scheme_id)
                if self.base is not None:
                    found = self._scheme_memo[scheme_id] = self._scheme_from_base(table, scheme_id, project)
                    return found
            true = unknown = 0
            for kind, holder, bits in table.account_level:
                true, unknown = _or_tri(true, unknown, self._account_holder(kind, holder, project), bits)
            mine = self._groups
            if len(table.groups) < len(mine):
                for group, bits in table.groups.items():
                    if group in mine:
                        true |= bits
            else:
                for group in mine:
                    true |= table.groups.get(group, 0)
            for group in table.uncertain_groups:  # what match_holder asks for a group, without the words
                if group not in mine:
                    true, unknown = _or_tri(true, unknown, self.ix.in_group(self.aid, group)[0], table.groups[group])
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
        sure = self._sure(project.key)
        ask = self.site.maybe_roles.get(project.key, ())
        unknown_roles = project.key in self.site.roles_unknown_projects
        for role in project.team_roles:
            bits = self.site.team_bits(role)
            if not bits:
                continue
            tri: Tri = True if role.id in sure else self._role(project, role.id) if (
                unknown_roles or role.id in ask) else False
            if implied == role.name and self.logged_in:
                tri = True
            true, unknown = _or_tri(true, unknown, tri, bits)
        return true, unknown & ~true

    def _scheme_grants(self, project: Project, scheme_id: str) -> tuple[int, int]:
        table, true, unknown = self._scheme(scheme_id, project)
        customer = project.customer_role_id
        for role_id in self._sure(project.key):
            true |= table.roles.get(role_id, 0) | (table.portal if role_id == customer else 0)
        if project.key in self.site.roles_unknown_projects:
            ask: Iterable[str] = (*table.roles, *((customer,) if customer else ()))
        else:
            ask = self.site.maybe_roles.get(project.key, ())
        for role_id in ask:
            bits = table.roles.get(role_id, 0) | (table.portal if role_id == customer else 0)
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
        grant_true, grant_unknown, kind_known = self._grants(project)
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

    def _grants(self, project: Project) -> tuple[int, int, bool]:
        """The project's grant bits (allowed, undetermined; before the Jira-admin rule) and whether its kind
        is known, memoised per project."""
        found = self._grant_memo.get(project.key)
        if found is None:
            found = self._grant_memo[project.key] = self._grants_uncached(project)
        return found

    def _grants_uncached(self, project: Project) -> tuple[int, int, bool]:
        if project.team_managed and project.permission_scheme_id is None:
            if not project.team_roles:
                return 0, ALL, False
            if self.base is not None:  # changes only add: the base's bits and those of roles now surely held
                true, unknown, _ = self.base._grants(project)
                mine, theirs = self._sure(project.key), self.base._sure(project.key)
                for role in project.team_roles:
                    if role.id in mine and role.id not in theirs:
                        true |= self.site.team_bits(role)
                return true, unknown & ~true, True
            return (*self._team_grants(project), True)
        scheme, _ = self.ix.scheme(project)
        if scheme is None:
            return 0, ALL, True
        table = self._scheme(scheme.id, project)[0]
        if table.other:  # asked per project and permission
            return (*self._scheme_grants(project, scheme.id), True)
        if self.base is not None and scheme.id not in self._patched_schemes:
            return self._grants_from_base(project, scheme.id)
        if project.key in self.site.maybe_roles or project.key in self.site.roles_unknown_projects:
            return (*self._scheme_grants(project, scheme.id), True)
        # otherwise the bits depend on the scheme and the roles the account surely has: shared
        sure = self._sure(project.key)
        key = (scheme.id, sure, project.customer_role_id in sure, project.lead == self.aid)
        found = self._shared_grants.get(key)
        if found is None:
            found = self._shared_grants[key] = (*self._scheme_grants(project, scheme.id), True)
        return found

    def _grants_from_base(self, project: Project, scheme_id: str) -> tuple[int, int, bool]:
        """The base's bits plus what the changes add: changes only add (memberships, roles), so the bits
        that were allowed stay allowed, and a role the account now surely holds adds its bits."""
        base = self.base
        assert base is not None
        true, unknown, _ = base._grants(project)
        table, scheme_true, _ = self._scheme(scheme_id, project)
        true |= scheme_true
        mine, theirs = self._sure(project.key), base._sure(project.key)
        if mine is not theirs:
            customer = project.customer_role_id
            for role_id in mine - theirs:
                true |= table.roles.get(role_id, 0) | (table.portal if role_id == customer else 0)
        return true, unknown & ~true, True
