"""The evaluator's verdicts for many accounts at once, by set algebra.

``verdicts(ix, permission, project, issue, universe)`` returns the accounts for
which :func:`~explorer.core.replay.evaluator.evaluate` says *allowed* and those for
which it says *cannot determine* (every other account of the universe is
*denied*), without evaluating accounts one by one.  It walks the same ordered
checks as the evaluator (:mod:`explorer.core.replay.checks`), each as a
three-valued set (:class:`~explorer.core.replay.triset.TriSet`), ANDed with Kleene
logic.  Group members, role actors and product holders come from the site's
shared sets (:mod:`~explorer.core.replay.site_sets`), computed once per index.

Hypothetical changes: ``ix`` may carry a :class:`~explorer.core.replay.patch.Patch`
(``ix.with_patch(...)``: accounts joining groups and roles, grants added,
accounts reactivated, projects and issues restored, security levels, assignees
and reporters changed, status properties removed).  The answers are then the
evaluator's on the patched index, computed as deltas on the snapshot's cached
sets (:class:`~explorer.core.replay.site_sets.PatchedSets`); pass the issue as
the patched index returns it (``ix.issue(key)``), so a proposed assignee counts.

This module must agree with the evaluator for every account, with and without a
patch: hypothesis tests compare them on random sites and random patches.  Data
Center's optional holder types (``reportercreate``, ``assigneeassignable``) are
not handled here; :class:`Unsupported` tells callers to fall back to per-account
evaluation.
"""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay import catalogue
from explorer.core.replay.checks import GLOBAL_CHECKS, PROJECT_CHECKS, JiraCheck, SetQuestion
from explorer.core.replay.holders import accounts_matching, holder_type, via_label
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.rules import implied_team_role, permission_meta, team_path
from explorer.core.replay.scope import Scope
from explorer.core.replay.site_sets import site_sets
from explorer.core.replay.triset import TriSet, Unsupported, and_sets

SMALL_UNIVERSE = 32  # below this many accounts, look accounts up rather than build closures

__all__ = ["SMALL_UNIVERSE", "TriSet", "Unsupported", "ViaFinder", "account_order", "active_universe",
           "many_verdicts", "universe_of", "verdicts"]

_NO_PROJECT = Project("", "", "")


def _scope(ix: SiteIndex, project: Project, issue: Issue | None, universe: frozenset[str]) -> Scope:
    return Scope(ix, site_sets(ix), project, issue, universe, SMALL_UNIVERSE)


def _walk(scope: Scope, checks: tuple[JiraCheck, ...], permission: str) -> TriSet:
    """AND the checks that apply, as sets; stop as soon as one is false for every account."""
    q = SetQuestion(scope, permission, permission_meta(permission))
    parts: list[TriSet] = []
    for check in checks:
        if not check.applies(q):
            continue
        key = check.shared(q)
        part = check.accounts(q) if key is None else scope.cached(key, lambda check=check: check.accounts(q))
        if part is scope.all:
            continue
        if not part.true and not part.unknown:
            return scope.none
        parts.append(part)
    return and_sets(parts, scope.U)


def verdicts(ix: SiteIndex, permission: str, project: Project | None, issue: Issue | None,
             universe: frozenset[str]) -> TriSet:
    """Accounts of ``universe`` allowed, and those undeterminable, for one question.

    A global permission is asked with ``project`` None.
    """
    if project is None:
        return _walk(_scope(ix, _NO_PROJECT, None, universe), GLOBAL_CHECKS, permission)
    return many_verdicts(ix, [permission], project, issue, universe)[permission]


def many_verdicts(ix: SiteIndex, permissions: list[str] | tuple[str, ...], project: Project, issue: Issue | None,
                  universe: frozenset[str]) -> dict[str, TriSet]:
    """Several project permissions in one project or issue, sharing the work between them."""
    scope = _scope(ix, project, issue, universe)
    return {permission: _walk(scope, PROJECT_CHECKS, permission) for permission in permissions}


def universe_of(ix: SiteIndex, include_anonymous: bool = True) -> frozenset[str]:
    """Every account of the snapshot (and the anonymous visitor)."""
    sets = site_sets(ix)
    return sets.everyone if include_anonymous else sets.accounts


def active_universe(ix: SiteIndex) -> frozenset[str]:
    """Active accounts (reactivated ones included, under a patch) and the anonymous visitor (who-can's default)."""
    return site_sets(ix).active_or_anonymous


def account_order(ix: SiteIndex) -> dict[str, int]:
    """Position of each account in the snapshot (anonymous first), for stable listings."""
    return site_sets(ix).order


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
        scope = _scope(ix, project, issue, allowed)
        self.lines: list[tuple[frozenset[str], str | None, str]] = []  # (matched, role id or None, label)
        self.some_issues: set[int] = set()  # lines that hold only on some issues (reporter, assignee, a field)
        if team_path(project):
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
                matched = accounts_matching(scope, grant.holder, issue).true
                if not matched:
                    continue
                kind = holder_type(grant.holder.type)
                if issue is None and kind is not None and kind.per_issue:
                    self.some_issues.add(len(self.lines))
                self.lines.append((matched, _role_of(grant.holder), via_label(ix, grant.holder, project, issue)))
        if permission == catalogue.ADMINISTER_PROJECTS:
            self.lines.append((scope.global_permission(catalogue.ADMINISTER).true, None,
                               "a Jira admin, inheriting Administer Projects (decision 1)"))

    def everywhere(self, account: str) -> bool:
        """Whether the account has it on every issue, not only where it is the reporter, assignee or in a field."""
        return any(account in matched for n, (matched, _, _) in enumerate(self.lines) if n not in self.some_issues)

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


def _role_of(holder: Holder) -> str | None:
    kind = holder_type(holder.type)
    return kind.role_of(holder) if kind else None
