"""Project lead: the account that leads the project (rules section 3.2)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import EMPTY, TriSet


class ProjectLead(HolderType):
    canonical = "projectLead"
    spellings = ("projectlead", "lead")

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return "project lead"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        lead = ctx.project.lead
        if lead == ctx.account.account_id:
            return HolderMatch(Match.MATCHED, label, f"{ctx.account.display_name} leads {ctx.project.key}",
                               via=(f"lead of {ctx.project.key}",))
        return HolderMatch(Match.NOT_MATCHED, label, f"{ctx.project.key} is led by {ix.name(lead)}")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        return scope.restrict({scope.project.lead} if scope.project.lead else EMPTY)

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return f"lead of {project.key}"


PROJECT_LEAD = ProjectLead()
