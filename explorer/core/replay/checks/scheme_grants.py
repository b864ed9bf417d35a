"""Step D: the grants of the project's permission scheme, and the Jira-admin rule (decision 1)."""

from __future__ import annotations

from explorer.core.model import PermissionScheme
from explorer.core.replay import catalogue
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, holder_line
from explorer.core.replay.decisions import ADMIN_CONFLICT
from explorer.core.replay.explanation import Check, Kind, Match
from explorer.core.replay.holders import Context, accounts_matching, match_holder
from explorer.core.replay.index import SiteIndex, Tri, kleene_or
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet, or_sets


def grant_lines(ix: SiteIndex, ctx: Context, permission: str, scheme: PermissionScheme) -> tuple[list[Check], Tri]:
    """One line per grant of ``permission`` in the scheme, and their OR."""
    lines: list[Check] = []
    for grant in ix.grants(scheme, permission):
        m = match_holder(ix, grant.holder, ctx)
        lines.append(holder_line(Kind.GRANT, m, grant.holder, grant_id=grant.id))
    if not lines:
        return [Check(Kind.GRANT, False,
                      f"no grant of {catalogue.display_name(permission)} in permission scheme '{scheme.name}'",
                      match=Match.NOT_MATCHED)], False
    return lines, kleene_or(c.passed for c in lines)


def grant_accounts(scope: Scope, permission: str) -> TriSet:
    """The accounts some grant of ``permission`` in the project's scheme matches (memoised in the scope)."""
    return scope.cached(("grants", permission), lambda: _grant_accounts(scope, permission))


def _grant_accounts(scope: Scope, permission: str) -> TriSet:
    scheme, _ = scope.ix.scheme(scope.project)
    if scheme is None:
        return scope.unknown_for_all
    grants = scope.ix.grants(scheme, permission)
    if not grants:
        return scope.none
    return or_sets([accounts_matching(scope, g.holder, scope.issue) for g in grants])


class SchemeGrants(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return not q.team

    def explain(self, q: Question) -> Outcome:
        scheme, missing = q.ix.scheme(q.project)
        lines: list[Check]
        if scheme is None:
            lines = [Check(Kind.GRANT, None, f"the permission scheme of {q.project.key} is not in the snapshot",
                           match=Match.UNKNOWN, missing=(missing,) if missing else ())]
            result: Tri = None
        else:
            lines, result = grant_lines(q.ix, q.ctx, q.permission, scheme)
        if q.permission == catalogue.ADMINISTER_PROJECTS:
            admin = _jira_admin(q)
            lines.append(admin)
            result = kleene_or([result, admin.passed])
        return Outcome(tuple(lines), result, alternatives=True)

    def accounts(self, q: SetQuestion) -> TriSet:
        grants = grant_accounts(q.scope, q.permission)
        if q.permission == catalogue.ADMINISTER_PROJECTS:
            grants = or_sets([grants, q.scope.global_permission(catalogue.ADMINISTER)])
        return grants


def _jira_admin(q: Question) -> Check:
    """Jira admins inherit Administer Projects in every company-managed project (decision 1)."""
    has, how, missing = q.ix.has_global(q.account.account_id, catalogue.ADMINISTER)
    if has:
        return Check(Kind.GLOBAL_PERMISSION, True,
                     f"{q.name} is a Jira admin ({how}), and Jira admins inherit Administer Projects in every "
                     "company-managed project (decision 1)", via=("Administer Jira", how),
                     decision=1, conflict=ADMIN_CONFLICT)
    if has is None:
        return Check(Kind.GLOBAL_PERMISSION, None,
                     f"whether {q.name} is a Jira admin (who would inherit Administer Projects, decision 1) "
                     "is not known", decision=1, conflict=ADMIN_CONFLICT, missing=(missing,) if missing else ())
    return Check(Kind.GLOBAL_PERMISSION, False,
                 f"{q.name} is not a Jira admin, so does not inherit Administer Projects (decision 1)",
                 decision=1, conflict=ADMIN_CONFLICT)


SCHEME_GRANTS = SchemeGrants()
