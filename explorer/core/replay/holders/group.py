"""Group: the members of a group, named by id or by name (rules section 3.2).

Cloud groups are flat (decision 8).  On Data Center the members of nested
groups count (rules section 3.2), and a group grant without a group is
"Group (Anyone)": everyone, the logged-out visitor included.
"""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType, facts
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet

ANYONE = "Group (Anyone)"


def _anyone(holder: Holder) -> bool:
    """Data Center's "Group (Anyone)": a group grant that names no group."""
    return not (holder.parameter or holder.value)


class Group(HolderType):
    canonical = "group"
    spellings = ("group",)

    def admits_anonymous(self, holder: Holder) -> bool:
        return _anyone(holder)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return ANYONE if _anyone(holder) else f"group {ix.group_name(holder)}"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        if _anyone(holder):
            return HolderMatch(Match.MATCHED, label, "a group grant naming no group is for everyone, logged in or "
                               "not (rules section 3.2)", via=(ANYONE,))
        name = ctx.account.display_name
        group = ix.group_name(holder) or ""
        member, missing = ix.in_group(ctx.account.account_id, group)
        if member:
            words, step = ix.membership(name, ctx.account.account_id, group)
            return HolderMatch(Match.MATCHED, label, words, via=(step,))
        if member is None:
            return HolderMatch(Match.UNKNOWN, label, f"the members of group {group} are not fully known",
                               missing=facts(missing))
        if not ix.group_exists(group):
            return HolderMatch(Match.NOT_MATCHED, label, f"group {group} does not exist on the site")
        if ix.t.data_center:
            return HolderMatch(Match.NOT_MATCHED, label,
                               f"{name} is not a member of group {group}, directly or through a nested group")
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{name} is not a member of group {group} (groups are flat: decision 8)", decision=8)

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        if _anyone(holder):
            return scope.all
        return scope.group(scope.ix.group_name(holder) or "")

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return ANYONE if _anyone(holder) else f"group {ix.group_name(holder)}"


GROUP = Group()
