"""Step G: workflow status properties (``jira.permission.*``) restrict a permission on an issue (decision 5)."""

from __future__ import annotations

from dataclasses import replace

from explorer.core.model import Fact, FactKind, Holder, Issue, Status
from explorer.core.replay.catalogue import ProjectPermission
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, holder_line, step
from explorer.core.replay.explanation import Check, Kind, Match
from explorer.core.replay.holders import HolderMatch, accounts_matching, holder_type, match_holder
from explorer.core.replay.index import kleene_or
from explorer.core.replay.rules import property_applies, property_type
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet, or_sets


def restriction(q: Question, meta: ProjectPermission) -> Outcome | None:
    """The status properties that restrict ``meta`` on the question's issue, for the account (None: none can)."""
    short = meta.short_name
    issue = q.issue
    if short is None or issue is None:
        return None
    ix = q.ix
    status, workflow, missing = ix.status_of(q.project, issue)
    if status is None:
        return step(Check(Kind.WORKFLOW_PROPERTY, None,
                          f"the status properties of {issue.key}'s workflow are not in the snapshot, and "
                          f"jira.permission.{short}.* properties there could restrict {meta.name}",
                          missing=(missing,) if missing else ()))
    collected: list[tuple[str, str, str]] = []  # (key, value, where)
    for key, value in ix.properties(workflow, status).items():
        if property_applies(key, short, subtasks=False):
            collected.append((key, value, f"status {status.name}"))
    parent_note = ""
    if issue.issue_type.subtask and issue.parent_key:
        parent = ix.issue(issue.parent_key)
        if parent is None:
            return step(Check(Kind.WORKFLOW_PROPERTY, None,
                              f"{issue.key} is a sub-task and its parent {issue.parent_key} is not in the snapshot, "
                              f"so jira.permission.subtasks.{short}.* properties on the parent's status are unknown",
                              missing=(ix.absent(FactKind.ISSUE, issue.parent_key),)))
        pstatus, pworkflow, pmissing = ix.status_of(q.project, parent)
        if pstatus is None:
            return step(Check(Kind.WORKFLOW_PROPERTY, None,
                              f"the status properties of {parent.key} (the parent of {issue.key}) are not in the "
                              "snapshot", missing=(pmissing,) if pmissing else ()))
        for key, value in ix.properties(pworkflow, pstatus).items():
            if property_applies(key, short, subtasks=True):
                collected.append((key, value, f"parent {parent.key}'s status {pstatus.name}"))
        parent_note = f" (and the sub-task properties of {parent.key}'s status {pstatus.name})"
    hand = ix.by_hand(FactKind.WORKFLOW, workflow, "status properties")
    if not collected:
        return step(Check(Kind.WORKFLOW_PROPERTY, True,
                          f"status {status.name}{parent_note} sets no jira.permission.{short}.* property{hand}, "
                          "so the scheme decides"))
    lines = [_property_line(q, key, value, where) for key, value, where in collected]
    result = kleene_or(c.passed for c in lines)
    keys = ", ".join(k for k, _, _ in collected) + hand.replace(" (", "; ").rstrip(")")
    if result:
        summary = (f"workflow properties restrict {meta.name} on {issue.key} ({keys}), and {q.name} matches "
                   "one of them (decision 5)")
    elif result is None:
        summary = (f"workflow properties restrict {meta.name} on {issue.key} ({keys}), and whether {q.name} "
                   "matches one of them is not known (decision 5)")
    else:
        summary = (f"workflow properties restrict {meta.name} on {issue.key} in its current status ({keys}), and "
                   f"{q.name} matches none of them (decision 5)")
    return step(Check(Kind.WORKFLOW_PROPERTY, result, summary, children=tuple(lines), decision=5))


def _property_line(q: Question, key: str, value: str, where: str) -> Check:
    ptype = property_type(key)
    prefix = f"{key} = {value!r} on {where}: "
    if ptype == "denied":
        return Check(Kind.WORKFLOW_PROPERTY, False, prefix + "'.denied' matches nobody (decision 5)",
                     match=Match.NOT_MATCHED, holder_type="denied", decision=5)
    if ptype is None:
        holder = Holder("user", value)
        line = holder_line(Kind.WORKFLOW_PROPERTY, match_holder(q.ix, holder, q.ctx), holder, prefix=prefix)
        return replace(line, summary=line.summary + " (a property without a type names a single user: "
                                                    "'= denied' does not deny, use the '.denied' suffix)")
    holder = Holder(ptype, value)
    if holder_type(ptype) is None:
        m = HolderMatch(Match.UNKNOWN, f"property type {ptype!r}",
                        f"jira-perms does not know the property type {ptype!r}",
                        missing=(Fact(FactKind.WORKFLOW, None, Status.UNSUPPORTED, "",
                                      f"unknown workflow property type in {key}"),), decision=10)
    else:
        m = match_holder(q.ix, holder, q.ctx)
    return holder_line(Kind.WORKFLOW_PROPERTY, m, holder, prefix=prefix)


def restriction_accounts(scope: Scope, short: str | None, issue: Issue) -> TriSet | None:
    """:func:`restriction` for every account of the scope (memoised in it)."""
    if short is None:
        return None
    return scope.cached(("workflow", short, issue.key), lambda: _restriction_accounts(scope, short, issue))


def _restriction_accounts(scope: Scope, short: str, issue: Issue) -> TriSet:
    ix = scope.ix
    status, workflow, _ = ix.status_of(scope.project, issue)
    if status is None:
        return scope.unknown_for_all
    collected = [(k, v) for k, v in ix.properties(workflow, status).items()
                 if property_applies(k, short, subtasks=False)]
    if issue.issue_type.subtask and issue.parent_key:
        parent = ix.issue(issue.parent_key)
        if parent is None:
            return scope.unknown_for_all
        pstatus, pworkflow, _ = ix.status_of(scope.project, parent)
        if pstatus is None:
            return scope.unknown_for_all
        collected += [(k, v) for k, v in ix.properties(pworkflow, pstatus).items()
                      if property_applies(k, short, subtasks=True)]
    if not collected:
        return scope.all
    parts = []
    for key, value in collected:
        ptype = property_type(key)
        if ptype == "denied":
            parts.append(scope.none)
        elif ptype is None:
            parts.append(accounts_matching(scope, Holder("user", value), issue))
        elif holder_type(ptype) is None:
            parts.append(scope.unknown_for_all)
        else:
            parts.append(accounts_matching(scope, Holder(ptype, value), issue))
    return or_sets(parts)


class WorkflowProperties(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.issue is not None and q.meta.short_name is not None

    def explain(self, q: Question) -> Outcome:
        found = restriction(q, q.meta)
        assert found is not None
        return found

    def accounts(self, q: SetQuestion) -> TriSet:
        found = restriction_accounts(q.scope, q.meta.short_name, q.issue)
        assert found is not None
        return found


WORKFLOW_PROPERTIES = WorkflowProperties()
