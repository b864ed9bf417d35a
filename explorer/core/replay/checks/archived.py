"""Step H: an archived project or issue is read-only; only the view-only permissions remain (decision 6)."""

from __future__ import annotations

from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.triset import TriSet


class Archived(JiraCheck):
    def explain(self, q: Question) -> Outcome:
        archived, what = q.ix.is_archived(q.project, q.issue)
        if not archived:
            return step(Check(Kind.ARCHIVED, True, f"{q.where} is not archived"))
        if q.meta.view_only:
            dc = ""
            if q.ix.t.data_center and q.issue is not None and q.issue.archived:
                dc = ("; Data Center shows an archived issue only by its link, and lists it in searches and the "
                      "archive only to holders of the global permission Browse Archive (rules section 13)")
            return step(Check(Kind.ARCHIVED, True,
                              f"{what} is archived, but {q.perm_name} only views, so it remains (decision 6){dc}",
                              decision=6))
        return step(Check(Kind.ARCHIVED, False,
                          f"{what} is archived, and archived projects and issues are read-only: only Browse Projects "
                          "and the view-only permissions remain (decision 6)", decision=6))

    def accounts(self, q: SetQuestion) -> TriSet:
        archived, _ = q.scope.ix.is_archived(q.project, q.issue)
        return q.scope.none if archived and not q.meta.view_only else q.scope.all


ARCHIVED = Archived()
