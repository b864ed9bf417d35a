"""A global permission: granted to groups (or anyone), or reported by Jira for the account (rules section 5)."""

from __future__ import annotations

from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion
from explorer.core.replay.checks.deployment import exists_here
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.triset import TriSet


class GlobalGrant(JiraCheck):
    def applies(self, q: Question | SetQuestion) -> bool:
        return exists_here(q.ix, q.permission)

    def explain(self, q: Question) -> Outcome:
        has, how, missing = q.ix.has_global(q.account.account_id, q.permission)
        if has:
            check = Check(Kind.GLOBAL_PERMISSION, True, f"{q.name} holds {q.perm_name} ({how})", via=(how,))
        elif has is None:
            check = Check(Kind.GLOBAL_PERMISSION, None, f"who holds {q.perm_name} is not fully known",
                          missing=(missing,) if missing else ())
        elif how:
            check = Check(Kind.GLOBAL_PERMISSION, False, f"{q.name} does not hold {q.perm_name} ({how})")
        else:
            check = Check(Kind.GLOBAL_PERMISSION, False,
                          f"{q.perm_name} is granted to groups only, and {q.name} is in none of them")
        return Outcome((check,), has, alternatives=True)

    def accounts(self, q: SetQuestion) -> TriSet:
        return q.scope.global_permission(q.permission)


GLOBAL_GRANT = GlobalGrant()
