"""Service Project Customer - Portal Access: the project's customers, its customer role's actors (decision 7)."""

from __future__ import annotations

from explorer.core.model import Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType, facts
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class PortalCustomer(HolderType):
    canonical = "sd.customer.portal.only"
    spellings = ("sd.customer.portal.only",)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return "Service Project Customer - Portal Access"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        project = ctx.project
        name = ctx.account.display_name
        role_id = project.customer_role_id
        if role_id is None:
            return HolderMatch(Match.NOT_MATCHED, label,
                               f"{project.key} has no customer role, so nobody is a portal customer of it (decision 7)",
                               decision=7)
        actor, via, missing = ix.role_actor(project, role_id, ctx.account.account_id)
        role = ix.role_name(role_id)
        if actor:
            return HolderMatch(Match.MATCHED, label, f"{name} is a customer of {project.key} (role {role}) (decision 7)",
                               via=(*via[:-1], f"a customer of {project.key} (role {role})"), decision=7)
        if actor is None:
            return HolderMatch(Match.UNKNOWN, label, f"the customers of {project.key} are not fully known",
                               missing=facts(missing), decision=7)
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{name} is not a customer of {project.key} (not in role {role}) (decision 7)", decision=7)

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        if scope.project.customer_role_id is None:
            return scope.none
        return scope.role_here(scope.project.customer_role_id)

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return f"a customer of {project.key}"


PORTAL_CUSTOMER = PortalCustomer()
