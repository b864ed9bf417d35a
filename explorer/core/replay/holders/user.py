"""Single user: one account, named by accountId (rules section 3.2)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class User(HolderType):
    canonical = "user"
    spellings = ("user",)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return f"single user {ix.name(holder.parameter)}"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        name = ctx.account.display_name
        target = holder.parameter or holder.value
        if target == ctx.account.account_id:
            return HolderMatch(Match.MATCHED, label, f"the grant names {name} directly", via=("named directly",))
        return HolderMatch(Match.NOT_MATCHED, label, f"the grant names {ix.name(target)}, not {name}")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        return scope.restrict({holder.parameter or holder.value or ""})

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return "named directly"


USER = User()
