"""The replay of Jira's permission logic: one account, one permission, one project or issue.

The evaluator walks the checks of :mod:`explorer.core.replay.checks` in the order
of rules section 2: account (A), product access (B), project kind and archive
state (C, H), scheme grants (D) with the Jira-admin rule for Administer Projects
(decision 1), the Browse prerequisite (E), issue security (F), workflow status
properties and ``jira.issue.editable`` (G).  Every check is three-valued and they
are combined with Kleene logic, so a missing fact only makes the answer "cannot
determine" when the verdict depends on it (decision 10).
"""

from __future__ import annotations

import re

from explorer.core.errors import LookupFailed
from explorer.core.model import Account, FactKind, Issue, Project, Snapshot, Status
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.checks import GLOBAL_CHECKS, PROJECT_CHECKS, Outcome, Question
from explorer.core.replay.explanation import Check, Explanation, Kind, Match, Verdict
from explorer.core.replay.index import SiteIndex, Tri, kleene_and


def evaluate(
    snapshot: Snapshot,
    account: Account | str,
    permission: str,
    project: str | None = None,
    issue: str | None = None,
) -> Explanation:
    """May ``account`` use ``permission`` in ``project`` (or on ``issue``)?

    ``account`` is an Account or an accountId ("anonymous" for a logged-out
    visitor); ``permission`` a key or name from the catalogue.  Raises
    :class:`LookupFailed` for an unknown account, permission, project or issue.
    """
    return evaluate_in(index_for(snapshot), account, permission, project, issue)


def evaluate_in(
    ix: SiteIndex,
    account: Account | str,
    permission: str,
    project: str | None = None,
    issue: str | None = None,
) -> Explanation:
    """:func:`evaluate` on an index (possibly with hypothetical changes applied)."""
    acc = resolve_account_id(ix, account)
    key = resolve_permission_key(ix, permission)
    if catalogue.is_global_permission(key):
        return _evaluate(ix, acc, key, None, None)
    proj, iss = resolve_scope(ix, project, issue)
    return _evaluate(ix, acc, key, proj, iss)


# ---------------------------------------------------------------- resolution

_ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*-[0-9]+")


def resolve_account_id(ix: SiteIndex, account: Account | str) -> Account:
    if isinstance(account, Account):
        return account
    found = ix.account(account)
    if found is None:
        raise LookupFailed(f"unknown account {account!r}: no account with that accountId is in the snapshot")
    return found


def resolve_permission_key(ix: SiteIndex, permission: str) -> str:
    if catalogue.is_project_permission(permission) or catalogue.is_global_permission(permission):
        return permission
    if any(permission in grants for grants in ix.t.grants.values()):
        return permission  # an app-defined permission the site's schemes use
    return catalogue.resolve_permission(permission)


def resolve_scope(ix: SiteIndex, project: str | None, issue: str | None) -> tuple[Project, Issue | None]:
    iss: Issue | None = None
    if issue is not None:
        iss = ix.issue(issue.upper()) or ix.issue(issue)
        if iss is None and not _ISSUE_KEY.fullmatch(issue.strip()):
            as_project = ix.project(issue.strip().upper())
            hint = (f"; {as_project.key} is a project: give --project {as_project.key}" if as_project
                    else "; issue keys look like ENG-123")
            raise LookupFailed(f"{issue!r} is not an issue key{hint}")
        if iss is None:
            fact = ix.t.facts.get((FactKind.ISSUE, issue.upper()))
            why = ""
            if fact is not None and fact.status is not Status.COMPLETE:
                why = f" (the sync could not read it: {fact.status.value})"
            raise LookupFailed(
                f"issue {issue} is not in the snapshot{why}; add it with: jira-perms sync --issue {issue.upper()}"
            )
        if project is not None and project.upper() != iss.project_key.upper():
            raise LookupFailed(f"issue {iss.key} belongs to project {iss.project_key}, not {project}")
        project = iss.project_key
    if project is None:
        raise LookupFailed("a project permission needs --project KEY or --issue KEY")
    proj = ix.project(project) or ix.project(project.upper())
    if proj is None:
        known = ", ".join(sorted(ix.t.projects)[:12])
        raise LookupFailed(f"unknown project {project!r}; the snapshot has: {known or 'no projects'}")
    return proj, iss


# ---------------------------------------------------------------- the evaluation


def _evaluate(ix: SiteIndex, account: Account, permission: str, project: Project | None,
              issue: Issue | None) -> Explanation:
    """Walk the checks in order, AND their outcomes (Kleene), mark the deciding ones, and say it in a headline."""
    q = Question(ix, account, permission, project, issue)
    order = GLOBAL_CHECKS if project is None else PROJECT_CHECKS
    outcomes = [check.explain(q) for check in order if check.applies(q)]
    verdict = _verdict(kleene_and([o.result for o in outcomes]))
    checks = _mark(verdict, outcomes)
    if project is None:
        return Explanation(verdict, account, permission, None, None, _global_headline(q, verdict, checks),
                           tuple(checks))
    scheme = None if q.team else ix.scheme(project)[0]
    return Explanation(
        verdict=verdict,
        account=account,
        permission=permission,
        project_key=project.key,
        issue_key=issue.key if issue else None,
        headline=_headline(q, verdict, checks),
        checks=tuple(checks),
        scheme_name=scheme.name if scheme else None,
    )


def _mark(verdict: Verdict, outcomes: list[Outcome]) -> list[Check]:
    """The checks in order, those that decided the verdict marked; for "cannot determine", the missing facts."""
    checks: list[Check] = []
    for outcome in outcomes:
        if outcome.alternatives:  # ORed lines: each decides on its own
            result = outcome.result
            for check in outcome.checks:
                hit = (
                    (verdict is Verdict.ALLOWED and check.passed is True)
                    or (verdict is Verdict.DENIED and result is False)
                    or (verdict is Verdict.UNKNOWN and result is None and check.passed is None)
                )
                checks.append(check.as_decisive() if hit else check)
        else:
            hit = (verdict is Verdict.DENIED and outcome.result is False) or (
                verdict is Verdict.UNKNOWN and outcome.result is None)
            checks.extend(c.as_decisive() if hit else c for c in outcome.checks)
    if verdict is Verdict.UNKNOWN:
        seen: set = set()
        for check in list(checks):
            if not check.decisive:
                continue
            for fact in _all_missing(check):
                if fact.key in seen:
                    continue
                seen.add(fact.key)
                checks.append(Check(Kind.UNKNOWN_FACT, None, f"missing from the snapshot: {fact.describe()}",
                                    missing=(fact,), decision=10, decisive=True))
    return checks


def _headline(q: Question, verdict: Verdict, checks: list[Check]) -> str:
    subject = f"'{q.perm_name}' in {q.where}"
    if verdict is Verdict.ALLOWED:
        how = next((c for c in checks if c.decisive), None)
        reason = _reason_of(how) if how else ""
        return f"{q.name} has {subject}: {reason}."
    if verdict is Verdict.DENIED:
        first = next(c for c in checks if c.decisive)
        return f"{q.name} does not have {subject}: {_reason_of(first)}."
    facts = [c for c in checks if c.kind is Kind.UNKNOWN_FACT]
    what = facts[0].missing[0].describe() if facts and facts[0].missing else "a fact is missing"
    return f"jira-perms cannot determine whether {q.name} has {subject}: {what}."


def _global_headline(q: Question, verdict: Verdict, checks: list[Check]) -> str:
    decisive = next(c for c in checks if c.decisive)
    if verdict is Verdict.ALLOWED:
        return f"{q.name} has the global permission '{q.perm_name}': {_reason_of(decisive)}."
    if verdict is Verdict.DENIED:
        return f"{q.name} does not have the global permission '{q.perm_name}': {_reason_of(decisive)}."
    return f"jira-perms cannot determine whether {q.name} has the global permission '{q.perm_name}'."


# ---------------------------------------------------------------- helpers


def _verdict(value: Tri) -> Verdict:
    if value is True:
        return Verdict.ALLOWED
    if value is False:
        return Verdict.DENIED
    return Verdict.UNKNOWN


def _reason_of(check: Check) -> str:
    """The part of a check's summary worth repeating in a headline."""
    if check.match is Match.COULD_MATCH:
        return check.summary
    if check.kind in (Kind.GRANT, Kind.TEAM_MANAGED) and check.via:
        return "via " + ", ".join(check.via)
    if check.kind is Kind.TEAM_MANAGED and check.passed is False and check.holder_type:
        return "none of the project's roles that give it applies"
    if check.kind is Kind.GRANT and check.passed is False and check.match is Match.NOT_MATCHED:
        return "no grant of it in the permission scheme matches" if check.grant_id else check.summary
    return check.summary


def _all_missing(check: Check):
    yield from check.missing
    for child in check.children:
        if child.passed is None:
            yield from _all_missing(child)


