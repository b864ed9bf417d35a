"""Project role: the role's actors in the project, directly or through a group (rules section 3.2)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType, facts
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class ProjectRole(HolderType):
    canonical = "projectRole"
    spellings = ("projectrole",)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return f"role {ix.role_name(holder.parameter)}"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        role_id = self.role_of(holder)
        actor, via, missing = ix.role_actor(ctx.project, role_id, ctx.account.account_id)
        role = ix.role_name(role_id)
        name = ctx.account.display_name
        if actor:
            how = "via " + ", ".join(via) if len(via) > 1 else via[0] if via else ""
            return HolderMatch(Match.MATCHED, label, f"{name} is {how}" if len(via) == 1 else f"{name} matches {how}",
                               via=via)
        if actor is None:
            return HolderMatch(Match.UNKNOWN, label,
                               f"the actors of role {role} in {ctx.project.key} are not fully known",
                               missing=facts(missing))
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{name} is not an actor of role {role} in {ctx.project.key}, neither directly nor "
                           "through a group")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        return scope.role_here(self.role_of(holder))

    def role_of(self, holder: Holder) -> str:
        return holder.parameter or holder.value or ""


PROJECT_ROLE = ProjectRole()
