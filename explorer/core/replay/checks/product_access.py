"""Step B: product access, for the permissions that need a Jira product (rules section 4, decision 3)."""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.replay.catalogue import Access
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.triset import TriSet


def _product(access: Access) -> str | None:
    return "jira-servicedesk" if access is Access.JSM else None


class ProductAccess(JiraCheck):
    def explain(self, q: Question) -> Outcome:
        access = q.meta.access
        if access is Access.SITE:
            return step(Check(Kind.PRODUCT_ACCESS, True,
                              f"{q.perm_name} needs no product access: it can be granted to anyone with access "
                              "to the site (rules section 4)"))
        product = _product(access)
        wanted = "Jira Service Management access" if product else "access to a Jira product"
        if q.account.is_anonymous:
            return step(Check(Kind.PRODUCT_ACCESS, False,
                              f"{q.perm_name} needs {wanted}, which a logged-out visitor never has (decision 3)",
                              decision=3))
        has, group, missing = q.ix.product_access(q.account.account_id, product)
        if has:
            return step(Check(Kind.PRODUCT_ACCESS, True, f"{q.name} has {wanted} via group {group}",
                              via=(f"group {group}",)))
        if has is None:
            return step(Check(Kind.PRODUCT_ACCESS, None,
                              f"{q.perm_name} needs {wanted}, and whether {q.name} has it is not known",
                              missing=(missing,) if missing else ()))
        who = "a portal-only customer" if q.ix.is_customer(q.account) else "an account"
        return step(Check(Kind.PRODUCT_ACCESS, False,
                          f"{q.perm_name} needs {wanted}, and {q.name} ({who}) has none (decision 3)", decision=3))

    def accounts(self, q: SetQuestion) -> TriSet:
        if q.meta.access is Access.SITE:
            return q.scope.all
        return q.scope.product(_product(q.meta.access))

    def shared(self, q: SetQuestion) -> Hashable:
        return ("product", q.meta.access)


PRODUCT_ACCESS = ProductAccess()
