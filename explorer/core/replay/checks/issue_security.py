"""Step F: an issue's security level hides it from everyone but the level's members (a sub-task takes its
parent's level: decision 9)."""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.model import FactKind
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, holder_line, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.holders import accounts_matching, match_holder
from explorer.core.replay.index import kleene_or
from explorer.core.replay.triset import TriSet, or_sets


class IssueSecurity(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return q.issue is not None

    def explain(self, q: Question) -> Outcome:
        issue = q.issue
        level_id, how, unknown = q.ix.security_level(q.project, issue)
        suffix = f" ({how})" if how else ""
        if unknown is not None:
            return step(Check(Kind.ISSUE_SECURITY, None,
                              f"{issue.key} is a sub-task: its security level is its parent's (decision 9), and the "
                              f"parent {issue.parent_key} is not in the snapshot", missing=(unknown,), decision=9))
        if level_id is None:
            return step(Check(Kind.ISSUE_SECURITY, True,
                              f"{issue.key} has no security level{suffix}, so only project permissions apply"))
        level, missing = q.ix.level(q.project, level_id)
        if level is None:
            return step(Check(Kind.ISSUE_SECURITY, None,
                              f"{issue.key} has security level {level_id}{suffix}, whose members are not in the "
                              "snapshot", missing=(missing,) if missing else (), decision=9 if how else None))
        lines = [holder_line(Kind.ISSUE_SECURITY, match_holder(q.ix, m, q.ctx), m) for m in level.members]
        result = kleene_or(c.passed for c in lines) if lines else False
        scheme_id = q.project.issue_security_scheme_id
        head = f"{issue.key} is at security level '{level.name}'{suffix}" + q.ix.by_hand(
            FactKind.ISSUE_SECURITY_SCHEME, scheme_id, "its members")
        if result:
            how_line = next(c for c in lines if c.passed)
            summary = f"{head}, and {q.name} is one of its members: " + (", ".join(how_line.via) or how_line.summary)
        elif result is None:
            summary = f"{head}, and whether {q.name} is one of its members is not known"
        else:
            summary = f"{head}, and {q.name} matches none of its members, so the issue is hidden from them"
        return step(Check(Kind.ISSUE_SECURITY, result, summary, children=tuple(lines),
                          decision=9 if "decision 9" in how else None))

    def accounts(self, q: SetQuestion) -> TriSet:
        scope = q.scope
        level_id, _, unknown = scope.ix.security_level(q.project, q.issue)
        if unknown is not None:
            return scope.unknown_for_all
        if level_id is None:
            return scope.all
        level, _ = scope.ix.level(q.project, level_id)
        if level is None:
            return scope.unknown_for_all
        if not level.members:
            return scope.none
        return or_sets([accounts_matching(scope, m, q.issue) for m in level.members])

    def shared(self, q: SetQuestion) -> Hashable:
        return "security"


ISSUE_SECURITY = IssueSecurity()
