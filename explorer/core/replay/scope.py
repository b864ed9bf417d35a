"""One project (or issue) asked for every account of a universe: the set evaluator's working context.

A :class:`Scope` restricts the site's shared sets (:mod:`~explorer.core.replay.site_sets`)
to a universe of accounts and memoises what its checks and holders compute, so the
steps shared by several permissions (product access, Browse, the issue's security
level) are computed once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from explorer.core.model import ANONYMOUS_ID, FactKind, Issue, Project
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import SiteSets
from explorer.core.replay.triset import EMPTY, NOBODY, TriSet


class Scope:
    """One project (or issue) and a universe of accounts; results reused across permissions."""

    def __init__(self, ix: SiteIndex, sets: SiteSets, project: Project, issue: Issue | None,
                 universe: frozenset[str], small_universe: int):
        self.ix = ix
        self.s = sets
        self.memo: dict[object, object] = {}
        self.project = project
        self.issue = issue
        self.U = universe
        self.small_universe = small_universe  # below this many accounts, look accounts up (no closures)
        self.all = TriSet(universe, EMPTY)
        self.none = NOBODY

    def restrict(self, true: frozenset[str] | set[str], unknown: frozenset[str] | set[str] = EMPTY) -> TriSet:
        """Restrict to the universe (set intersection walks the smaller side)."""
        return TriSet(self.U & true, self.U & unknown if unknown else EMPTY)

    def restricted(self, found: TriSet) -> TriSet:
        return self.restrict(found.true, found.unknown)

    def cached(self, key: Hashable, make: Callable[[], TriSet]) -> TriSet:
        """``make()`` once per scope and key."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found  # type: ignore[return-value]

    @property
    def accounts(self) -> frozenset[str]:
        """The universe without the anonymous visitor."""
        found = self.memo.get("accounts")
        if found is None:
            if self.U is self.s.everyone:
                found = self.s.accounts
            elif ANONYMOUS_ID not in self.U:
                found = self.U
            else:
                found = self.U - {ANONYMOUS_ID}
            self.memo["accounts"] = found
        return found  # type: ignore[return-value]

    @property
    def unknown_for_all(self) -> TriSet:
        """Unknown for every account of the universe."""
        return TriSet(EMPTY, self.U)

    # -- the site's shared sets, restricted to the universe -------------------------------------
    def group(self, name: str) -> TriSet:
        return self.restricted(self.s.group(name))

    def product(self, product: str | None) -> TriSet:
        return self.restricted(self.s.product(product))

    def global_permission(self, permission: str) -> TriSet:
        return self.restricted(self.s.global_permission(permission))

    def role_here(self, role_id: str) -> TriSet:
        """Actors of a role of this project, restricted to the universe.

        For a handful of accounts (an account's matrix) this looks the accounts up
        instead of building the role's closure over every account (not under a patch:
        the patched sets know who the patch adds).
        """
        key = (self.project.key, role_id)
        if len(self.U) > self.small_universe or key in self.s.roles or self.s.patched:
            return self.restricted(self.s.role(self.project, role_id))
        ix = self.ix
        users = ix.t.role_users.get(key, EMPTY)
        true = {a for a in self.U if a in users}
        unknown: set[str] = set()
        for group in ix.t.role_groups.get(key, ()):
            g = self.s.group(group)
            true |= self.U & g.true
            unknown |= self.U & g.unknown
        if ix.gap(FactKind.PROJECT_ROLES, self.project.key) is not None:
            unknown = set(self.accounts)
        return TriSet(frozenset(true), frozenset(unknown - true))
