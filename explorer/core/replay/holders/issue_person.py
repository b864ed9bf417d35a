"""Reporter and Current assignee: a person of the issue; in a project, anyone could be (decision 4)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import EMPTY, TriSet


class IssuePerson(HolderType):
    per_issue = True

    def __init__(self, word: str, label: str):
        self.canonical = word
        self.spellings = (word,)
        self.word = word
        self._label = label

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return self._label

    def person(self, issue: Issue) -> str | None:
        return issue.reporter if self.word == "reporter" else issue.assignee

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        word = self.word
        if ctx.issue is None:
            return HolderMatch(Match.COULD_MATCH, label,
                               f"in a project (no issue) any logged-in account could be the {word} of some issue "
                               "(decision 4)", via=(f"could be the {word}",), decision=4)
        person = self.person(ctx.issue)
        if person is None:
            return HolderMatch(Match.NOT_MATCHED, label, f"{ctx.issue.key} has no {word}")
        if person == ctx.account.account_id:
            return HolderMatch(Match.MATCHED, label, f"{ctx.account.display_name} is the {word} of {ctx.issue.key}",
                               via=(f"{word} of {ctx.issue.key}",))
        return HolderMatch(Match.NOT_MATCHED, label, f"the {word} of {ctx.issue.key} is {ix.name(person)}")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        if issue is None:
            return scope.restrict(scope.s.accounts)
        person = self.person(issue)
        return scope.restrict({person} if person else EMPTY)

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        word = self.word
        return f"{word} of {issue.key}" if issue else f"could be the {word} of some issue (decision 4)"


REPORTER = IssuePerson("reporter", "Reporter")
ASSIGNEE = IssuePerson("assignee", "Current assignee")
