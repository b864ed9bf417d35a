"""Group: the members of a group, named by id or by name (rules section 3.2; Cloud groups are flat, decision 8)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType, facts
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class Group(HolderType):
    canonical = "group"
    spellings = ("group",)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return f"group {ix.group_name(holder)}"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        name = ctx.account.display_name
        group = ix.group_name(holder) or ""
        member, missing = ix.in_group(ctx.account.account_id, group)
        if member:
            return HolderMatch(Match.MATCHED, label, f"{name} is a member of group {group}", via=(f"group {group}",))
        if member is None:
            return HolderMatch(Match.UNKNOWN, label, f"the members of group {group} are not fully known",
                               missing=facts(missing))
        if not ix.group_exists(group):
            return HolderMatch(Match.NOT_MATCHED, label, f"group {group} does not exist on the site")
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{name} is not a member of group {group} (groups are flat: decision 8)", decision=8)

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        return scope.group(scope.ix.group_name(holder) or "")

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return f"group {ix.group_name(holder)}"


GROUP = Group()
