"""Step A: the account is active (a deactivated account cannot log in: rules section 2)."""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.triset import TriSet


class AccountActive(JiraCheck):
    def explain(self, q: Question) -> Outcome:
        if q.account.is_anonymous:
            return step(Check(Kind.ACCOUNT_INACTIVE, True,
                              "a logged-out visitor (anonymous): only Public grants can match"))
        if q.ix.is_active(q.account):
            return step(Check(Kind.ACCOUNT_INACTIVE, True, f"{q.name} is an active account"))
        return step(Check(Kind.ACCOUNT_INACTIVE, False,
                          f"{q.name} is deactivated, and deactivated accounts cannot log in, "
                          "so they have no permissions (rules section 2, step A)"))

    def accounts(self, q: SetQuestion) -> TriSet:
        return q.scope.restrict(q.scope.s.active_or_anonymous)

    def shared(self, q: SetQuestion) -> Hashable:
        return "active"


class GlobalAccountActive(AccountActive):
    """Step A for a global permission (its words do not speak of grants)."""

    def explain(self, q: Question) -> Outcome:
        if q.account.is_anonymous:
            return step(Check(Kind.ACCOUNT_INACTIVE, True, "a logged-out visitor (anonymous)"))
        if q.ix.is_active(q.account):
            return step(Check(Kind.ACCOUNT_INACTIVE, True, f"{q.name} is an active account"))
        return step(Check(Kind.ACCOUNT_INACTIVE, False, f"{q.name} is deactivated and has no permissions"))


ACCOUNT_ACTIVE = AccountActive()
GLOBAL_ACCOUNT_ACTIVE = GlobalAccountActive()
