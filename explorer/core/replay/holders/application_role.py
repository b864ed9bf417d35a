"""Application access: any logged-in user, or the users of one product (rules section 3.2, decision 3)."""

from __future__ import annotations

from explorer.core.model import AccountType, Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType, facts
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class ApplicationRole(HolderType):
    canonical = "applicationRole"
    spellings = ("applicationrole",)

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        p = holder.parameter
        return f"Application access ({ix.product_name(p)})" if p else "Any logged in user"

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        account = ctx.account
        name = account.display_name
        product = holder.parameter or None
        if product is None:
            if account.account_type is AccountType.CUSTOMER:
                return HolderMatch(Match.NOT_MATCHED, label,
                                   f"{name} is a portal-only customer, not a logged-in Jira user (decision 3)",
                                   decision=3)
            return HolderMatch(Match.MATCHED, label, f"{name} is a logged-in site account (decision 3)",
                               via=("any logged in user",), decision=3)
        has, group, missing = ix.product_access(account.account_id, product)
        product_name = ix.product_name(product)
        if has:
            return HolderMatch(Match.MATCHED, label, f"{name} has {product_name} access via group {group}",
                               via=(f"group {group}", f"{product_name} access"))
        if has is None:
            return HolderMatch(Match.UNKNOWN, label, f"whether {name} has {product_name} access is not known",
                               missing=facts(missing))
        return HolderMatch(Match.NOT_MATCHED, label, f"{name} has no {product_name} access")

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        if not holder.parameter:
            return scope.restrict(scope.s.logged_in)
        return scope.product(holder.parameter)

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        return f"{ix.product_name(holder.parameter)} access" if holder.parameter else "any logged in user"


APPLICATION_ROLE = ApplicationRole()
