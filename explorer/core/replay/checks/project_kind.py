"""Step C: the project's kind; in a company-managed project (or one with a scheme) the scheme decides."""

from __future__ import annotations

from explorer.core.model import ProjectType
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.triset import TriSet

_KINDS = {ProjectType.SOFTWARE: "software", ProjectType.SERVICE_DESK: "service management",
          ProjectType.BUSINESS: "business", ProjectType.PRODUCT_DISCOVERY: "product discovery"}


class ProjectKind(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return not q.team

    def explain(self, q: Question) -> Outcome:
        p = q.project
        kind = _KINDS[p.project_type]
        if p.team_managed:
            return step(Check(Kind.TEAM_MANAGED, True,
                              f"{p.key} is a team-managed {kind} project; the snapshot holds a permission scheme "
                              "for it, so that scheme is evaluated as for a company-managed project"))
        return step(Check(Kind.PROJECT_KIND, True,
                          f"{p.key} ({p.name}) is a company-managed {kind} project: its permission scheme decides"))

    def accounts(self, q: SetQuestion) -> TriSet:
        return q.scope.all


PROJECT_KIND = ProjectKind()
