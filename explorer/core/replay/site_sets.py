"""The account sets of one site that every set question shares, computed once per index.

Accounts by state, and as three-valued sets (:class:`~explorer.core.replay.triset.TriSet`)
over every account: the members of each group, the actors of each project role
(directly and through groups), the holders of each product and of each global
permission.  They are built on first use and kept on the index's tables
(``bulk_sets``), so every who-can, matrix and diff on the same snapshot reuses them.
For an index with hypothetical changes (a :class:`~explorer.core.replay.patch.Patch`),
:class:`PatchedSets` applies them as deltas on those cached sets.
"""

from __future__ import annotations

from collections.abc import Iterable

from explorer.core.model import ANONYMOUS_ID, AccountType, FactKind, Project
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.triset import EMPTY, NOBODY, TriSet, or_sets


class SiteSets:
    """Patch-free, universe-independent sets of one index, computed on first use."""

    patched = False

    def __init__(self, ix: SiteIndex):
        self.ix = ix
        t = ix.t
        self.accounts = frozenset(t.accounts)
        self.active = frozenset(a for a, acc in t.accounts.items() if acc.active)
        self.active_or_anonymous = self.active | {ANONYMOUS_ID}
        self.everyone = self.accounts | {ANONYMOUS_ID}
        self.order = {ANONYMOUS_ID: -1} | {a: i for i, a in enumerate(t.accounts)}
        self.customers = frozenset(a for a, acc in t.accounts.items() if acc.account_type is AccountType.CUSTOMER)
        self.logged_in = self.accounts - self.customers
        self.groups: dict[str, TriSet] = {}
        self.roles: dict[tuple[str, str], TriSet] = {}
        self.products: dict[str | None, TriSet] = {}
        self.globals: dict[str, TriSet] = {}
        self.patched_sets: dict[object, PatchedSets] = {}  # by Patch, most recent last

    def derived(self, ix: SiteIndex, groups: frozenset[str], projects: frozenset[str]) -> SiteSets:
        """The sets of ``ix``, a changed copy of this index's snapshot in which only these groups' members,
        these projects and the accounts table may differ (:mod:`explorer.core.replay.derive`): the sets that
        do not depend on them are reused, the others are computed again on first use."""
        new = SiteSets.__new__(SiteSets)
        new.ix = ix
        new.patched_sets = {}
        if ix.t.accounts is self.ix.t.accounts:
            for name in ("accounts", "active", "active_or_anonymous", "everyone", "order", "customers", "logged_in"):
                setattr(new, name, getattr(self, name))
            accounts_same = True
        else:
            new.__init__(ix)  # type: ignore[misc]
            accounts_same = False
        t = ix.t
        new.groups = {k: v for k, v in self.groups.items() if k not in groups} if accounts_same else {}
        new.roles = {k: v for k, v in self.roles.items()
                     if accounts_same and k[0] not in projects and not groups.intersection(t.role_groups.get(k, ()))}
        product_groups = {g for names in t.app_roles.values() for g in names}
        same_products = accounts_same and t.app_roles is self.ix.t.app_roles and not groups & product_groups
        new.products = dict(self.products) if same_products else {}
        global_groups = {g for names in t.global_groups.values() for g in names if g is not None}
        new.globals = dict(self.globals) if accounts_same and not groups & global_groups else {}
        return new

    def group(self, name: str) -> TriSet:
        """The members of a group (unknown for every account where the list is cut short or missing)."""
        cached = self.groups.get(name)
        if cached is None:
            ix = self.ix
            members = ix.t.groups.get(name)
            if members is None:
                cached = TriSet(EMPTY, EMPTY if ix.reported_missing(FactKind.GROUP_MEMBERS, name) else self.accounts)
            elif ix.gap(FactKind.GROUP_MEMBERS, name) is not None:
                cached = TriSet(members, self.accounts - members)
            else:
                cached = TriSet(members, EMPTY)
            self.groups[name] = cached
        return cached

    def role(self, project: Project, role_id: str) -> TriSet:
        """The actors of a project role, directly and through its groups."""
        key = (project.key, role_id)
        cached = self.roles.get(key)
        if cached is None:
            ix = self.ix
            true = set(ix.t.role_users.get(key, ()))
            unknown: set[str] = set()
            for group in ix.t.role_groups.get(key, ()):
                g = self.group(group)
                true |= g.true
                unknown |= g.unknown
            if ix.gap(FactKind.PROJECT_ROLES, project.key) is not None:
                unknown = set(self.accounts)
            cached = TriSet(frozenset(true), frozenset(unknown - true))
            self.roles[key] = cached
        return cached

    def product(self, product: str | None) -> TriSet:
        """The accounts with access to a product (any Jira product when None)."""
        cached = self.products.get(product)
        if cached is None:
            ix = self.ix
            if not ix.t.app_roles:
                cached = TriSet(EMPTY, self.accounts)
            elif product is not None and product not in ix.t.app_roles:  # named but absent: not fetched, unless
                missing = ix.reported_missing(FactKind.APPLICATION_ROLES, product)  # Jira reported it missing
                cached = NOBODY if missing else TriSet(EMPTY, self.accounts)
            else:
                keys = [product] if product is not None else sorted(ix.t.app_roles)
                combined = or_sets([self.group(g) for key in keys for g in ix.t.app_roles.get(key, ())])
                if ix.gap(FactKind.APPLICATION_ROLES) is not None:
                    combined = TriSet(combined.true, self.accounts - combined.true)
                cached = combined
            self.products[product] = cached
        return cached

    def global_permission(self, permission: str) -> TriSet:
        """The holders of a global permission (the anonymous visitor included).

        Jira's answer for an account (``permissions/check``) is final, except where the snapshot's own
        grants contradict its "no" (then unknown) or a hypothetical membership outweighs it.
        """
        cached = self.globals.get(permission)
        if cached is None:
            ix = self.ix
            groups = ix.t.global_groups.get(permission, ())
            reported = ix.t.account_globals
            held = frozenset(a for a, perms in reported.items() if permission in perms)
            without = frozenset(reported) - held
            anyone = None in groups
            via = TriSet(self.everyone, EMPTY) if anyone else or_sets([self.group(g) for g in groups if g is not None])
            contradicted = (via.true & without) - self.added_to(groups)
            true = (via.true - contradicted) | held
            if anyone or ix.recorded_complete(FactKind.GLOBAL_PERMISSIONS):
                unknown = via.unknown
            else:
                unknown = self.accounts | {ANONYMOUS_ID}
            cached = TriSet(frozenset(true), frozenset(((unknown - without) | contradicted) - true))
            if permission == "ADMINISTER" and ix.t.data_center:  # system administrators administer (rules 5)
                cached = or_sets([cached, self.global_permission("SYSTEM_ADMIN")])
            self.globals[permission] = cached
        return cached

    def added_to(self, groups: Iterable[str | None]) -> frozenset[str]:
        """The accounts a patch adds to any of these groups they were not in (none: no patch here)."""
        return EMPTY


class PatchedSets(SiteSets):
    """The shared sets with hypothetical changes (a :class:`~explorer.core.replay.patch.Patch`) applied.

    Computed as deltas on the snapshot's own sets, which stay cached and untouched: a
    group gains the accounts the patch adds to it; a role gains the accounts added to it
    and to its groups; product access and global permissions are recomputed only when
    the patch adds someone to one of their groups; reactivated accounts become active.
    Everything else a patch changes (grants, security levels, assignees, archive states,
    status properties) the index answers itself.
    """

    patched = True

    def __init__(self, ix: SiteIndex, base: SiteSets):  # shares the base's sets: no super().__init__()
        self.ix = ix
        self.base = base
        patch = ix.patch
        self.accounts, self.everyone, self.order = base.accounts, base.everyone, base.order
        self.customers, self.logged_in = base.customers, base.logged_in
        revived = patch.reactivated & base.accounts
        self.active = base.active | revived if revived else base.active
        self.active_or_anonymous = base.active_or_anonymous | revived if revived else base.active_or_anonymous
        added: dict[str, set[str]] = {}
        for account_id, group in patch.groups:  # on Data Center joining a group joins the groups nesting it
            for name in (group, *ix.t.ancestors.get(group, ())):
                added.setdefault(name, set()).add(account_id)
        self.added_to_group = {g: frozenset(a) for g, a in added.items()}
        roles: dict[tuple[str, str], set[str]] = {}
        for account_id, project_key, role_id in patch.roles:
            roles.setdefault((project_key, role_id), set()).add(account_id)
        self.added_to_role = {k: frozenset(a) for k, a in roles.items()}
        self.groups, self.roles, self.products, self.globals = {}, {}, {}, {}

    def group(self, name: str) -> TriSet:
        added = self.added_to_group.get(name)
        if not added:
            return self.base.group(name)
        cached = self.groups.get(name)
        if cached is None:
            members = self.base.group(name)
            cached = self.groups[name] = TriSet(members.true | added, members.unknown - added)
        return cached

    def role(self, project: Project, role_id: str) -> TriSet:
        key = (project.key, role_id)
        added = self.added_to_role.get(key, EMPTY).union(
            *(self.added_to_group.get(g, EMPTY) for g in self.ix.t.role_groups.get(key, ())))
        if not added:
            return self.base.role(project, role_id)
        cached = self.roles.get(key)
        if cached is None:
            actors = self.base.role(project, role_id)
            cached = self.roles[key] = TriSet(actors.true | added, actors.unknown - added)
        return cached

    def product(self, product: str | None) -> TriSet:
        keys = [product] if product is not None else list(self.ix.t.app_roles)
        if not any(g in self.added_to_group for key in keys for g in self.ix.t.app_roles.get(key, ())):
            return self.base.product(product)
        return super().product(product)

    def global_permission(self, permission: str) -> TriSet:
        groups = list(self.ix.t.global_groups.get(permission, ()))
        if permission == "ADMINISTER" and self.ix.t.data_center:  # a system administrator administers
            groups += self.ix.t.global_groups.get("SYSTEM_ADMIN", ())
        if not any(g in self.added_to_group for g in groups if g is not None):
            return self.base.global_permission(permission)
        return super().global_permission(permission)

    def added_to(self, groups: Iterable[str | None]) -> frozenset[str]:
        return EMPTY.union(*(self.added_to_group[g] - self.base.group(g).true
                             for g in groups if g in self.added_to_group))


_MAX_PATCHED = 64  # patched sets kept per snapshot (what-if and fixes ask a few patches many questions)


def site_sets(ix: SiteIndex) -> SiteSets:
    """The shared sets of an index (built on first use), with its patch applied if it has one."""
    if ix.t.bulk_sets is None:
        ix.t.bulk_sets = SiteSets(SiteIndex(ix.snapshot, ix.t) if ix.patch else ix)
    base: SiteSets = ix.t.bulk_sets
    if not ix.patch:
        return base
    found = base.patched_sets.get(ix.patch)
    if found is None:
        if len(base.patched_sets) >= _MAX_PATCHED:
            base.patched_sets.pop(next(iter(base.patched_sets)))
        found = base.patched_sets[ix.patch] = PatchedSets(ix, base)
    return found


def prepare(ix: SiteIndex) -> None:
    """Build, at load, the sets every set question needs: accounts by state and product holders."""
    sets = site_sets(ix)
    for product in (None, *ix.t.app_roles):
        sets.product(product)
