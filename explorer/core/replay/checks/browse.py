"""Step E: every project permission but a few needs Browse Projects too (decision 2)."""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.replay import catalogue
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.checks.scheme_grants import grant_accounts, grant_lines
from explorer.core.replay.checks.team_managed import role_accounts, role_lines
from explorer.core.replay.checks.workflow import restriction, restriction_accounts
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.holders import Context
from explorer.core.replay.index import kleene_and
from explorer.core.replay.triset import TriSet, and_sets

_BROWSE = catalogue.PROJECT_BY_KEY[catalogue.BROWSE]


class BrowseRequired(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.meta.browse_required

    def explain(self, q: Question) -> Outcome:
        prefix = f"{q.perm_name} requires Browse Projects (decision 2), and "
        if q.team:
            lines, result = role_lines(q, catalogue.BROWSE)
        else:
            scheme, missing = q.ix.scheme(q.project)
            if scheme is None:
                return step(Check(Kind.BROWSE_REQUIRED, None,
                                  f"{prefix}the permission scheme of {q.project.key} is not in the snapshot",
                                  decision=2, missing=(missing,) if missing else ()))
            ctx = Context(q.account, q.project, q.issue, catalogue.BROWSE)
            lines, result = grant_lines(q.ix, ctx, catalogue.BROWSE, scheme)
        workflow = restriction(q, _BROWSE)
        if workflow is not None:
            lines = [*lines, *workflow.checks]
            result = kleene_and([result, workflow.result])
        if result:
            how = next((c for c in lines if c.passed), None)
            summary = f"{prefix}{q.name} has it"
            if how and how.via:
                summary += ": " + ", ".join(how.via)
        elif result is None:
            summary = f"{prefix}whether {q.name} has it is not known"
        else:
            summary = f"{prefix}{q.name} does not have it: no grant of Browse Projects matches"
        return step(Check(Kind.BROWSE_REQUIRED, result, summary, children=tuple(lines), decision=2))

    def accounts(self, q: SetQuestion) -> TriSet:
        scope = q.scope
        browse = role_accounts(scope, catalogue.BROWSE) if q.team else grant_accounts(scope, catalogue.BROWSE)
        if q.issue is not None:
            flow = restriction_accounts(scope, _BROWSE.short_name, q.issue)
            if flow is not None:
                browse = and_sets([browse, flow], scope.U)
        return browse

    def shared(self, q: SetQuestion) -> Hashable:
        return "browse"


BROWSE_REQUIRED = BrowseRequired()
