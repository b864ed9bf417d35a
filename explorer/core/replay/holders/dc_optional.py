"""Data Center's optional types: Reporter / Current assignee "with create / assignable permission" (rules 3.2).

In a project they match whoever holds Create Issues (or Assignable User) there; on
an issue, the reporter (or assignee).  The set evaluator does not handle them:
questions that meet one are evaluated account by account.
"""

from __future__ import annotations

from explorer.core.model import Holder, Issue
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import (
    Context,
    HolderMatch,
    HolderType,
    grants_match,
    holder_type,
    unknown_type_fact,
)
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet, Unsupported


class WithPermission(HolderType):
    def __init__(self, canonical: str, spellings: tuple[str, ...], needed: str, person: str, label: str):
        self.canonical = canonical
        self.spellings = spellings
        self.needed = needed  # the permission the person must hold in the project
        self.person = person  # "reporter" | "assignee": the holder type it becomes on an issue
        self._label = label

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return self._label

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        needed = self.needed
        if ctx.permission == needed or depth > 1:
            return HolderMatch(Match.UNKNOWN, label, f"{label} is invalid on {needed} (it would loop)",
                               missing=(unknown_type_fact(Holder(self.canonical)),))
        if ctx.issue is not None:
            person = holder_type(self.person)
            assert person is not None
            return person.match(ix, holder, ctx, label, depth)
        has, missing = grants_match(ix, ctx, needed, depth + 1)
        name = ctx.account.display_name
        if has:
            return HolderMatch(Match.MATCHED, label, f"{name} has {needed} in {ctx.project.key}",
                               via=(f"{needed} in {ctx.project.key}",))
        if has is None:
            return HolderMatch(Match.UNKNOWN, label, f"whether {name} has {needed} is not known", missing=missing)
        return HolderMatch(Match.NOT_MATCHED, label, f"{name} lacks {needed} in {ctx.project.key}")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        raise Unsupported(f"holder type {self.canonical} needs per-account evaluation")


REPORTER_CREATE = WithPermission("reportercreate", ("reportercreate", "reporterwithcreatepermission"),
                                 "CREATE_ISSUES", "reporter", "Reporter (show only projects with create permission)")
ASSIGNEE_ASSIGNABLE = WithPermission(
    "assigneeassignable", ("assigneeassignable", "assigneewithassignablepermission"), "ASSIGNABLE_USER", "assignee",
    "Current assignee (show only projects with assignable permission)")
