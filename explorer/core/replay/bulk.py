"""The evaluator's verdicts for many accounts at once, by set algebra.

``verdicts(ix, permission, project, issue, universe)`` returns the accounts for
which :func:`~explorer.core.replay.evaluator.evaluate` says *allowed* and those for
which it says *cannot determine* (every other account of the universe is
*denied*), without evaluating accounts one by one.  Each step of the evaluator
becomes a three-valued set: the accounts for which it is true, and those for
which it is unknown; AND and OR follow Kleene logic exactly as the evaluator
does.  Group members, role actors (direct and through groups) and product
holders are computed once per index and reused.

This module must agree with the evaluator for every account: a hypothesis test
compares them on random sites.  Data Center's optional holder types
(``reportercreate``, ``assigneeassignable``) and hypothetical patches are not
handled here; :class:`Unsupported` tells callers to fall back to per-account
evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import (
    ANONYMOUS_ID,
    AccountType,
    FactKind,
    Holder,
    Issue,
    Project,
)
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.rules import (
    EDITABLE_KEYS,
    implied_team_role,
    permission_meta,
    property_applies,
    property_type,
)

EMPTY: frozenset[str] = frozenset()
SMALL_UNIVERSE = 32  # below this many accounts, look accounts up rather than build closures


class Unsupported(Exception):
    """This question needs per-account evaluation."""


@dataclass(frozen=True, slots=True)
class TriSet:
    """Accounts for which something is true, and those for which it is unknown (the rest: false)."""

    true: frozenset[str]
    unknown: frozenset[str]

    def verdict(self, account_id: str) -> Verdict:
        """The evaluator's verdict for one account of the universe."""
        if account_id in self.true:
            return Verdict.ALLOWED
        if account_id in self.unknown:
            return Verdict.UNKNOWN
        return Verdict.DENIED


class _Sets:
    """Patch-free, universe-independent sets of one index, computed on first use."""

    def __init__(self, ix: SiteIndex):
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


def prepare(ix: SiteIndex) -> None:
    """Build, at load, the sets every bulk question needs: accounts by state and product holders."""
    sets = _sets(ix)
    scope = _Scope(ix, sets, Project("", "", ""), None, sets.everyone)
    for product in (None, *ix.t.app_roles):
        scope.product(product)


def _sets(ix: SiteIndex) -> _Sets:
    if ix.patch:
        raise Unsupported("hypothetical changes are evaluated per account")
    if ix.t.bulk_sets is None:
        ix.t.bulk_sets = _Sets(ix)
    return ix.t.bulk_sets


# ---------------------------------------------------------------- algebra


def _or(parts: list[TriSet]) -> TriSet:
    true: set[str] = set()
    unknown: set[str] = set()
    for part in parts:
        true |= part.true
        unknown |= part.unknown
    return TriSet(frozenset(true), frozenset(unknown - true))


def _and(parts: list[TriSet], universe: frozenset[str]) -> TriSet:
    """Kleene AND: true where every part is true; false where any part is false; unknown otherwise."""
    true = universe
    for part in sorted(parts, key=lambda p: len(p.true)):  # smallest first: every intersection stays small
        true = true & part.true
    if not any(part.unknown for part in parts):
        return TriSet(frozenset(true), EMPTY)
    possible = universe  # not false for any part
    for part in parts:
        possible = possible & (part.true | part.unknown if part.unknown else part.true)
    return TriSet(frozenset(true), frozenset(possible - true))


class _Scope:
    """One project (or issue) asked for every account of a universe; results reused across permissions."""

    def __init__(self, ix: SiteIndex, sets: _Sets, project: Project, issue: Issue | None, universe: frozenset[str]):
        self.ix = ix
        self.s = sets
        self.memo: dict[object, TriSet | None] = {}
        self.project = project
        self.issue = issue
        self.U = universe
        self.all = TriSet(universe, EMPTY)
        self.none = TriSet(EMPTY, EMPTY)

    def _r(self, true: frozenset[str] | set[str], unknown: frozenset[str] | set[str] = EMPTY) -> TriSet:
        """Restrict to the universe (set intersection walks the smaller side)."""
        return TriSet(self.U & true, self.U & unknown if unknown else EMPTY)

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
        return found

    # -- shared sets ------------------------------------------------------------------------
    def group(self, name: str) -> TriSet:
        cached = self.s.groups.get(name)
        if cached is None:
            ix = self.ix
            members = ix.t.groups.get(name)
            if members is None:
                cached = TriSet(EMPTY, EMPTY if ix.recorded_complete(FactKind.GROUPS) else self.s.accounts)
            elif ix.gap(FactKind.GROUP_MEMBERS, name) is not None:
                cached = TriSet(members, self.s.accounts - members)
            else:
                cached = TriSet(members, EMPTY)
            self.s.groups[name] = cached
        return cached

    def role(self, project: Project, role_id: str) -> TriSet:
        key = (project.key, role_id)
        cached = self.s.roles.get(key)
        if cached is None:
            ix = self.ix
            true = set(ix.t.role_users.get(key, ()))
            unknown: set[str] = set()
            for group in ix.t.role_groups.get(key, ()):
                g = self.group(group)
                true |= g.true
                unknown |= g.unknown
            if ix.gap(FactKind.PROJECT_ROLES, project.key) is not None:
                unknown = set(self.s.accounts)
            cached = TriSet(frozenset(true), frozenset(unknown - true))
            self.s.roles[key] = cached
        return cached

    def role_here(self, role_id: str) -> TriSet:
        """Actors of a role of this project, restricted to the universe.

        For a handful of accounts (an account's matrix) this looks the accounts up
        instead of building the role's closure over every account.
        """
        key = (self.project.key, role_id)
        if len(self.U) > SMALL_UNIVERSE or key in self.s.roles:
            r = self.role(self.project, role_id)
            return self._r(r.true, r.unknown)
        ix = self.ix
        users = ix.t.role_users.get(key, EMPTY)
        true = {a for a in self.U if a in users}
        unknown: set[str] = set()
        for group in ix.t.role_groups.get(key, ()):
            g = self.group(group)
            true |= self.U & g.true
            unknown |= self.U & g.unknown
        if ix.gap(FactKind.PROJECT_ROLES, self.project.key) is not None:
            unknown = set(self.accounts)
        return TriSet(frozenset(true), frozenset(unknown - true))

    def product(self, product: str | None) -> TriSet:
        cached = self.s.products.get(product)
        if cached is None:
            ix = self.ix
            if not ix.t.app_roles:
                cached = TriSet(EMPTY, self.s.accounts)
            else:
                keys = [product] if product is not None else sorted(ix.t.app_roles)
                parts = [self.group(g) for key in keys for g in ix.t.app_roles.get(key, ())]
                combined = _or(parts)
                if ix.gap(FactKind.APPLICATION_ROLES) is not None:
                    combined = TriSet(combined.true, self.s.accounts - combined.true)
                cached = combined
            self.s.products[product] = cached
        return cached

    def global_permission(self, permission: str) -> TriSet:
        cached = self.s.globals.get(permission)
        if cached is None:
            ix = self.ix
            groups = ix.t.global_groups.get(permission, ())
            complete = ix.recorded_complete(FactKind.GLOBAL_PERMISSIONS)
            if None in groups:
                cached = TriSet(self.s.accounts | {ANONYMOUS_ID}, EMPTY)
            else:
                via_groups = _or([self.group(g) for g in groups if g is not None])
                true = set(via_groups.true)
                known = ix.t.account_globals
                true |= {a for a, perms in known.items() if permission in perms}
                if complete:
                    unknown: set[str] = set(via_groups.unknown)
                else:
                    unknown = set(self.s.accounts)
                unknown -= true
                unknown -= set(known)  # a known answer for an account is final
                cached = TriSet(frozenset(true), frozenset(unknown))
                if not complete:
                    cached = TriSet(cached.true, cached.unknown | {ANONYMOUS_ID})
            self.s.globals[permission] = cached
        return self._r(cached.true, cached.unknown)

    # -- holders --------------------------------------------------------------------------
    def holder(self, holder: Holder, issue: Issue | None) -> TriSet:
        key = (holder.type, holder.parameter, holder.value, issue.key if issue else None)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._holder_uncached(holder, issue)
        return found

    def _holder_uncached(self, holder: Holder, issue: Issue | None) -> TriSet:
        kind = canonical_type(holder.type)
        if kind is None:
            return TriSet(EMPTY, self.U)
        if kind == "anyone":
            return self.all
        found = self._holder(kind, holder, issue)
        if ANONYMOUS_ID in found.true or ANONYMOUS_ID in found.unknown:  # a logged-out visitor matches only Public
            return TriSet(found.true - {ANONYMOUS_ID}, found.unknown - {ANONYMOUS_ID})
        return found

    def _holder(self, kind: str, holder: Holder, issue: Issue | None) -> TriSet:
        if kind == "applicationRole":
            if not holder.parameter:
                return self._r(self.s.logged_in)
            p = self.product(holder.parameter)
            return self._r(p.true, p.unknown)
        if kind == "group":
            g = self.group(self.ix.group_name(holder) or "")
            return self._r(g.true, g.unknown)
        if kind == "projectRole":
            return self.role_here(holder.parameter or holder.value or "")
        if kind == "user":
            return self._r({holder.parameter or holder.value or ""})
        if kind == "projectLead":
            return self._r({self.project.lead} if self.project.lead else EMPTY)
        if kind in ("reporter", "assignee"):
            if issue is None:
                return self._r(self.s.accounts)
            person = issue.reporter if kind == "reporter" else issue.assignee
            return self._r({person} if person else EMPTY)
        if kind == "userCustomField":
            if issue is None:
                return self._r(self.s.accounts)
            values = issue.user_fields.get(holder.parameter or "")
            if values is None:
                return self._r(EMPTY, self.s.accounts)
            return self._r(set(values))
        if kind == "groupCustomField":
            if issue is None:
                return self._r(self.s.accounts)
            values = issue.group_fields.get(holder.parameter or "")
            if values is None:
                return self._r(EMPTY, self.s.accounts)
            g = _or([self.group(v) for v in values])
            return self._r(g.true, g.unknown)
        if kind == "sd.customer.portal.only":
            if self.project.customer_role_id is None:
                return self.none
            return self.role_here(self.project.customer_role_id)
        raise Unsupported(f"holder type {kind} needs per-account evaluation")

    # -- the steps of the evaluator ------------------------------------------------------------
    def grants(self, permission: str) -> TriSet:
        key = ("grants", permission)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._grants(permission)
        return found

    def _grants(self, permission: str) -> TriSet:
        scheme, _ = self.ix.scheme(self.project)
        if scheme is None:
            return TriSet(EMPTY, self.U)
        grants = self.ix.grants(scheme, permission)
        if not grants:
            return self.none
        return _or([self.holder(g.holder, self.issue) for g in grants])

    def team(self, permission: str) -> TriSet:
        key = ("team", permission)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._team(permission)
        return found

    def _team(self, permission: str) -> TriSet:
        p = self.project
        if not p.team_roles:
            return TriSet(EMPTY, self.accounts)
        implied = implied_team_role(p)
        parts = []
        for role in p.team_roles:
            if permission not in role.permissions:
                continue
            parts.append(self.role_here(role.id))
            if implied == role.name:
                parts.append(self._r(self.s.logged_in))
        result = _or(parts) if parts else self.none
        return TriSet(result.true - {ANONYMOUS_ID}, result.unknown - {ANONYMOUS_ID})

    def workflow(self, short: str | None, issue: Issue) -> TriSet | None:
        if short is None:
            return None
        key = ("workflow", short, issue.key)
        if key not in self.memo:
            self.memo[key] = self._workflow(short, issue)
        return self.memo[key]

    def _workflow(self, short: str, issue: Issue) -> TriSet:
        status, workflow, _ = self.ix.status_of(self.project, issue)
        if status is None:
            return TriSet(EMPTY, self.U)
        collected = [(k, v) for k, v in self.ix.properties(workflow, status).items()
                     if property_applies(k, short, subtasks=False)]
        if issue.issue_type.subtask and issue.parent_key:
            parent = self.ix.issue(issue.parent_key)
            if parent is None:
                return TriSet(EMPTY, self.U)
            pstatus, pworkflow, _ = self.ix.status_of(self.project, parent)
            if pstatus is None:
                return TriSet(EMPTY, self.U)
            collected += [(k, v) for k, v in self.ix.properties(pworkflow, pstatus).items()
                          if property_applies(k, short, subtasks=True)]
        if not collected:
            return self.all
        parts = []
        for key, value in collected:
            ptype = property_type(key)
            if ptype == "denied":
                parts.append(self.none)
            elif ptype is None:
                parts.append(self.holder(Holder("user", value), issue))
            elif canonical_type(ptype) is None:
                parts.append(TriSet(EMPTY, self.U))
            else:
                parts.append(self.holder(Holder(ptype, value), issue))
        return _or(parts)

    def security(self, issue: Issue) -> TriSet:
        level_id, _, _ = self.ix.security_level(self.project, issue)
        if level_id is None:
            return self.all
        level, _ = self.ix.level(self.project, level_id)
        if level is None:
            return TriSet(EMPTY, self.U)
        if not level.members:
            return self.none
        return _or([self.holder(m, issue) for m in level.members])

    def editable(self, issue: Issue) -> TriSet:
        status, workflow, _ = self.ix.status_of(self.project, issue)
        if status is None:
            return TriSet(EMPTY, self.U)
        props = self.ix.properties(workflow, status)
        for key in EDITABLE_KEYS:
            if props.get(key, "").strip().lower() == "false":
                return self.none
        return self.all

    def _shared(self, name: str, make) -> TriSet:
        """A step that is the same for every permission of this scope, computed once."""
        key = ("step", name)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found

    def _base(self) -> TriSet:
        """Account active, project kind, and (on an issue) its security level: the same for every permission."""
        steps = [self._r(self.s.active_or_anonymous)]
        if self.team_path:
            steps.append(TriSet(self.U - {ANONYMOUS_ID} if self.project.team_roles else EMPTY,
                                EMPTY if self.project.team_roles else self.accounts))
        if self.issue is not None:
            steps.append(self.security(self.issue))
        return _and(steps, self.U)

    def _product_step(self, access: catalogue.Access) -> TriSet:
        if access is catalogue.Access.SITE:
            return self.all
        product = self.product("jira-servicedesk" if access is catalogue.Access.JSM else None)
        return self._r(product.true, product.unknown)

    def _browse_step(self) -> TriSet:
        browse = self.team(catalogue.BROWSE) if self.team_path else self.grants(catalogue.BROWSE)
        if self.issue is not None:
            flow = self.workflow("browse", self.issue)
            if flow is not None:
                browse = _and([browse, flow], self.U)
        return browse

    @property
    def team_path(self) -> bool:
        return self.project.team_managed and self.project.permission_scheme_id is None

    def verdict(self, permission: str) -> TriSet:
        """Allowed and undeterminable accounts for one project permission (the evaluator's steps, as sets)."""
        meta = permission_meta(permission)
        archived, _ = self.ix.is_archived(self.project, self.issue)
        if archived and not meta.view_only:
            return self.none
        base = self._shared("base", self._base)
        if not base.true and not base.unknown:
            return self.none
        steps = [base, self._shared(f"product:{meta.access.value}", lambda: self._product_step(meta.access))]
        team = self.team_path
        grants = self.team(permission) if team else self.grants(permission)
        if permission == catalogue.ADMINISTER_PROJECTS and not (team and not self.project.team_roles):
            admins = self.global_permission(catalogue.ADMINISTER)
            if team:  # the team-managed path decides anonymous before the Jira-admin rule
                admins = TriSet(admins.true - {ANONYMOUS_ID}, admins.unknown - {ANONYMOUS_ID})
            grants = _or([grants, admins])
        steps.append(grants)
        if meta.browse_required:
            steps.append(self._shared("browse", self._browse_step))
        if self.issue is not None:
            flow = self.workflow(meta.short_name, self.issue)
            if flow is not None:
                steps.append(flow)
            if permission == catalogue.EDIT_ISSUES:
                steps.append(self.editable(self.issue))
        return _and(steps, self.U)


def verdicts(ix: SiteIndex, permission: str, project: Project | None, issue: Issue | None,
             universe: frozenset[str]) -> TriSet:
    """Accounts of ``universe`` allowed, and those undeterminable, for one question.

    A global permission is asked with ``project`` None.
    """
    if project is None:
        sets = _sets(ix)
        q = _Scope(ix, sets, Project("", "", ""), None, universe)
        return _and([q._r(sets.active_or_anonymous), q.global_permission(permission)], universe)
    return many_verdicts(ix, [permission], project, issue, universe)[permission]


def many_verdicts(ix: SiteIndex, permissions: list[str] | tuple[str, ...], project: Project, issue: Issue | None,
                  universe: frozenset[str]) -> dict[str, TriSet]:
    """Several project permissions in one project or issue, sharing the work between them."""
    scope = _Scope(ix, _sets(ix), project, issue, universe)
    return {permission: scope.verdict(permission) for permission in permissions}


def universe_of(ix: SiteIndex, include_anonymous: bool = True) -> frozenset[str]:
    """Every account of the snapshot (and the anonymous visitor)."""
    if not ix.patch:
        sets = _sets(ix)
        return sets.everyone if include_anonymous else sets.accounts
    accounts = frozenset(ix.t.accounts)
    return accounts | {ANONYMOUS_ID} if include_anonymous else accounts


def active_universe(ix: SiteIndex) -> frozenset[str]:
    """Active accounts and the anonymous visitor (who-can's default)."""
    return _sets(ix).active_or_anonymous


def account_order(ix: SiteIndex) -> dict[str, int]:
    """Position of each account in the snapshot (anonymous first), for stable listings."""
    return _sets(ix).order


class ViaFinder:
    """How allowed accounts get a permission: every matching grant, found per account on demand.

    The matched set of each grant is computed once for all allowed accounts; an
    account's "via" is then a few set look-ups, so a who-can answer with tens of
    thousands of accounts costs nothing until its rows are shown.
    """

    def __init__(self, ix: SiteIndex, permission: str, project: Project, issue: Issue | None,
                 allowed: frozenset[str]):
        self.ix = ix
        self.project = project
        scope = _Scope(ix, _sets(ix), project, issue, allowed)
        self.lines: list[tuple[frozenset[str], str | None, str]] = []  # (matched, role id or None, label)
        if scope.team_path:
            level = (project.access_level or "").lower()
            implied = implied_team_role(project)
            for role in project.team_roles:
                if permission in role.permissions:
                    self.lines.append((scope.role_here(role.id).true, None, f"role {role.name} in {project.key}"))
                    if implied == role.name:
                        self.lines.append((allowed & scope.s.logged_in, None,
                                           f"access level {level} (role {role.name})"))
        else:
            scheme, _ = ix.scheme(project)
            for grant in ix.grants(scheme, permission) if scheme else ():
                matched = scope.holder(grant.holder, issue).true
                if not matched:
                    continue
                kind = canonical_type(grant.holder.type)
                role_id = (grant.holder.parameter or grant.holder.value or "") if kind == "projectRole" else None
                self.lines.append((matched, role_id, _via_label(ix, kind, grant.holder, project, issue)))
        if permission == catalogue.ADMINISTER_PROJECTS:
            self.lines.append((scope.global_permission(catalogue.ADMINISTER).true, None,
                               "a Jira admin, inheriting Administer Projects (decision 1)"))

    def via(self, account: str) -> tuple[str, ...]:
        found: list[str] = []
        for matched, role_id, label in self.lines:
            if account not in matched:
                continue
            if role_id is None:
                found.append(label)
                continue
            key = (self.project.key, role_id)
            name = self.ix.role_name(role_id)
            if account in self.ix.t.role_users.get(key, ()):
                found.append(f"an actor of role {name} in {self.project.key}")
            else:
                group = next((g for g in self.ix.t.role_groups.get(key, ())
                              if account in self.ix.t.groups.get(g, ())), "?")
                found.append(f"group {group}, an actor of role {name} in {self.project.key}")
        return tuple(dict.fromkeys(found)) or ("allowed",)


def _via_label(ix: SiteIndex, kind: str | None, holder: Holder, project: Project, issue: Issue | None) -> str:
    if kind == "anyone":
        return "Public (anyone)"
    if kind == "applicationRole":
        return f"{ix.product_name(holder.parameter)} access" if holder.parameter else "any logged in user"
    if kind == "group":
        return f"group {ix.group_name(holder)}"
    if kind == "user":
        return "named directly"
    if kind == "projectLead":
        return f"lead of {project.key}"
    if kind in ("reporter", "assignee"):
        return f"{kind} of {issue.key}" if issue else f"could be the {kind} of some issue (decision 4)"
    if kind in ("userCustomField", "groupCustomField"):
        field = holder.parameter or "?"
        return f"in {field} of {issue.key}" if issue else f"could be in {field} of some issue (decision 4)"
    if kind == "sd.customer.portal.only":
        return f"a customer of {project.key}"
    return holder.type
