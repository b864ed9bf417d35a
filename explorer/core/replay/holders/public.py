"""Public: anyone, logged in or not (rules section 3.2)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class Public(HolderType):
    canonical = "anyone"
    spellings = ("anyone",)

    def admits_anonymous(self, holder: Holder) -> bool:
        return True

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return "Public (anyone, logged in or not)"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        return HolderMatch(Match.MATCHED, label, "everyone matches, logged in or not", via=("Public",))

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        return scope.all

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return "Public (anyone)"


PUBLIC = Public()
