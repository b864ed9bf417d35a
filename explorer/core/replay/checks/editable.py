"""``jira.issue.editable=false`` on the issue's status blocks Edit Issues for everyone (decision 5)."""

from __future__ import annotations

from explorer.core.replay import catalogue
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.rules import EDITABLE_KEYS
from explorer.core.replay.triset import TriSet


class Editable(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.issue is not None and q.permission == catalogue.EDIT_ISSUES

    def explain(self, q: Question) -> Outcome:
        issue = q.issue
        status, workflow, missing = q.ix.status_of(q.project, issue)
        if status is None:
            return step(Check(Kind.ISSUE_NOT_EDITABLE, None,
                              f"whether {issue.key}'s status sets jira.issue.editable=false is not known",
                              missing=(missing,) if missing else ()))
        key = _blocking_key(q.ix.properties(workflow, status))
        if key is not None:
            return step(Check(Kind.ISSUE_NOT_EDITABLE, False,
                              f"status {status.name} of workflow {workflow} sets {key}=false, so {issue.key} "
                              "cannot be edited by anyone in that status, admins included (decision 5)", decision=5))
        return step(Check(Kind.ISSUE_NOT_EDITABLE, True, f"status {status.name} does not set jira.issue.editable=false"))

    def accounts(self, q: SetQuestion) -> TriSet:
        scope = q.scope
        status, workflow, _ = scope.ix.status_of(q.project, q.issue)
        if status is None:
            return scope.unknown_for_all
        return scope.none if _blocking_key(scope.ix.properties(workflow, status)) else scope.all


def _blocking_key(props: dict[str, str]) -> str | None:
    for key in EDITABLE_KEYS:
        if props.get(key, "").strip().lower() == "false":
            return key
    return None


EDITABLE = Editable()
