"""Step C' (rules section 11): in a team-managed project without a scheme, the project's roles decide.

Two checks at two places of the order: :data:`TEAM_KIND` says the project is
team-managed (where a company-managed project's kind is said), :data:`TEAM_ROLES`
says which of its roles give the permission (where scheme grants are listed),
with the Jira-admin rule for Administer Projects.
"""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.model import ANONYMOUS_ID, FactKind
from explorer.core.replay import catalogue
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.decisions import TEAM_ADMIN_CONFLICT
from explorer.core.replay.explanation import Check, Kind, Match
from explorer.core.replay.index import Tri, kleene_or
from explorer.core.replay.rules import implied_team_role
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import EMPTY, TriSet, or_sets


class TeamKind(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.team

    def explain(self, q: Question) -> Outcome:
        p = q.project
        if q.account.is_anonymous:
            return step(Check(Kind.TEAM_MANAGED, False,
                              f"{p.key} is a team-managed project, and team-managed projects have no anonymous "
                              "access (rules section 11)"))
        if not p.team_roles:
            missing = q.ix.absent(FactKind.TEAM_ROLES, p.key)
            return step(Check(Kind.TEAM_MANAGED, None,
                              f"{p.key} is a team-managed project: no permission scheme applies, and the snapshot "
                              "holds neither its roles' permissions nor a scheme for it (Jira's Permission helper "
                              "does not cover team-managed projects either)", missing=(missing,)))
        level = (p.access_level or "").lower()
        return step(Check(Kind.TEAM_MANAGED, True,
                          f"{p.key} is a team-managed project (access: {level or 'unknown'}): its roles decide, "
                          "not a permission scheme (rules section 11)"))

    def accounts(self, q: SetQuestion) -> TriSet:
        scope = q.scope
        if q.project.team_roles:
            return TriSet(scope.U - {ANONYMOUS_ID}, EMPTY)
        return TriSet(EMPTY, scope.accounts)

    def shared(self, q: SetQuestion) -> Hashable:
        return "team-kind"


def role_lines(q: Question, permission: str) -> tuple[list[Check], Tri]:
    """One line per team role (does it give ``permission``, is the account in it), and their OR."""
    p = q.project
    if q.account.is_anonymous:
        return [], False
    if not p.team_roles:
        return [], None
    level = (p.access_level or "").lower()
    perm_name = catalogue.display_name(permission)
    lines: list[Check] = []
    logged_in = not q.ix.is_customer(q.account)
    implied = implied_team_role(p)
    for role in p.team_roles:
        gives = permission in role.permissions
        actor, via, missing = q.ix.role_actor(p, role.id, q.account.account_id)
        reasons: list[str] = []
        state: Tri = False
        if actor:
            state = True
            reasons.append(f"{q.name} is " + ", ".join(via))
        elif actor is None:
            state = None
        if implied == role.name and logged_in:
            state = True
            via = (f"access level {level}",)
            reasons.append(f"every logged-in account gets role {role.name} in a {level} project")
        has_perm = "gives" if gives else "does not give"
        result: Tri = state if gives else False
        what = "; ".join(reasons) if reasons else (
            f"{q.name} is not in role {role.name}" if state is False else f"role {role.name}'s actors are not fully known")
        lines.append(Check(Kind.TEAM_MANAGED, result, f"role {role.name} {has_perm} {perm_name}: {what}",
                           match=Match.MATCHED if result else Match.UNKNOWN if result is None else Match.NOT_MATCHED,
                           holder_type="teamRole", holder_parameter=role.id, via=via if state else (),
                           missing=(missing,) if (state is None and missing) else ()))
    return lines, kleene_or(c.passed for c in lines) if lines else False


def role_accounts(scope: Scope, permission: str) -> TriSet:
    """The accounts some team role giving ``permission`` holds (memoised in the scope)."""
    return scope.cached(("team", permission), lambda: _role_accounts(scope, permission))


def _role_accounts(scope: Scope, permission: str) -> TriSet:
    p = scope.project
    if not p.team_roles:
        return TriSet(EMPTY, scope.accounts)
    implied = implied_team_role(p)
    parts = []
    for role in p.team_roles:
        if permission not in role.permissions:
            continue
        parts.append(scope.role_here(role.id))
        if implied == role.name:
            parts.append(scope.restrict(scope.s.logged_in))
    result = or_sets(parts) if parts else scope.none
    return TriSet(result.true - {ANONYMOUS_ID}, result.unknown - {ANONYMOUS_ID})


class TeamRoles(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.team

    def explain(self, q: Question) -> Outcome:
        lines, result = role_lines(q, q.permission)
        if q.permission == catalogue.ADMINISTER_PROJECTS and lines:
            has, how, missing = q.ix.has_global(q.account.account_id, catalogue.ADMINISTER)
            lines.append(Check(Kind.GLOBAL_PERMISSION, has,
                               f"Jira admins always reach a team-managed project's settings; {q.name} is "
                               + ("a Jira admin" if has else "not a Jira admin" if has is False else "perhaps a Jira admin"),
                               conflict=TEAM_ADMIN_CONFLICT, missing=(missing,) if missing else ()))
            result = kleene_or([result, has])
        return Outcome(tuple(lines), result, alternatives=True)

    def accounts(self, q: SetQuestion) -> TriSet:
        roles = role_accounts(q.scope, q.permission)
        if q.permission == catalogue.ADMINISTER_PROJECTS and q.project.team_roles:
            admins = q.scope.global_permission(catalogue.ADMINISTER).without(ANONYMOUS_ID)
            roles = or_sets([roles, admins])
        return roles


TEAM_KIND = TeamKind()
TEAM_ROLES = TeamRoles()
