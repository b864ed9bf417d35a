"""User and group custom fields: the accounts (or groups) an issue's field holds (rules 3.2, decision 4)."""

from __future__ import annotations

from explorer.core.model import Fact, FactKind, Holder, Issue, Project, Status
from explorer.core.replay.explanation import Match
from explorer.core.replay.holders.base import Context, HolderMatch, HolderType
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import EMPTY, TriSet, or_sets


class _CustomField(HolderType):
    """What user and group fields share: in a project (no issue) anyone could be in the field."""

    per_issue = True

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        field = holder.parameter or ""
        if ctx.issue is None:
            return HolderMatch(Match.COULD_MATCH, label,
                               f"in a project (no issue) any logged-in account could be in {field} of some issue "
                               "(decision 4)", via=(f"could be in {field}",), decision=4)
        values = self.values(ctx.issue, field)
        if values is None:
            return HolderMatch(Match.UNKNOWN, label, f"the snapshot does not hold {field} of {ctx.issue.key}",
                               missing=(_missing_field(ctx.issue, field),))
        return self.match_values(ix, field, values, ctx, label)

    def values(self, issue: Issue, field: str) -> tuple[str, ...] | None:
        raise NotImplementedError

    def match_values(self, ix: SiteIndex, field: str, values: tuple[str, ...], ctx: Context,
                     label: str) -> HolderMatch:
        raise NotImplementedError

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        if issue is None:
            return scope.restrict(scope.s.accounts)
        values = self.values(issue, holder.parameter or "")
        if values is None:
            return scope.restrict(EMPTY, scope.s.accounts)
        return self.value_accounts(scope, values)

    def value_accounts(self, scope: Scope, values: tuple[str, ...]) -> TriSet:
        raise NotImplementedError

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        field = holder.parameter or "?"
        return f"in {field} of {issue.key}" if issue else f"could be in {field} of some issue (decision 4)"


class UserField(_CustomField):
    canonical = "userCustomField"
    spellings = ("usercustomfield", "usercf")

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return f"user custom field {holder.parameter}"

    def values(self, issue: Issue, field: str) -> tuple[str, ...] | None:
        return issue.user_fields.get(field)

    def match_values(self, ix: SiteIndex, field: str, values: tuple[str, ...], ctx: Context,
                     label: str) -> HolderMatch:
        assert ctx.issue is not None
        if ctx.account.account_id in values:
            return HolderMatch(Match.MATCHED, label, f"{ctx.account.display_name} is in {field} of {ctx.issue.key}",
                               via=(f"{field} of {ctx.issue.key}",))
        shown = ", ".join(ix.name(v) for v in values) or "empty"
        return HolderMatch(Match.NOT_MATCHED, label, f"{field} of {ctx.issue.key} holds {shown}")

    def value_accounts(self, scope: Scope, values: tuple[str, ...]) -> TriSet:
        return scope.restrict(set(values))


class GroupField(_CustomField):
    canonical = "groupCustomField"
    spellings = ("groupcustomfield", "groupcf")

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        return f"group custom field {holder.parameter}"

    def values(self, issue: Issue, field: str) -> tuple[str, ...] | None:
        return issue.group_fields.get(field)

    def match_values(self, ix: SiteIndex, field: str, values: tuple[str, ...], ctx: Context,
                     label: str) -> HolderMatch:
        assert ctx.issue is not None
        unknown: list[Fact] = []
        for group in values:
            member, missing = ix.in_group(ctx.account.account_id, group)
            if member:
                return HolderMatch(Match.MATCHED, label,
                                   f"{ctx.account.display_name} is in group {group}, the value of {field} of "
                                   f"{ctx.issue.key}", via=(f"group {group}", f"{field} of {ctx.issue.key}"))
            if member is None and missing is not None:
                unknown.append(missing)
        if unknown:
            return HolderMatch(Match.UNKNOWN, label, f"membership of the groups in {field} is not fully known",
                               missing=tuple(unknown))
        shown = ", ".join(values) or "empty"
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{ctx.account.display_name} is in none of the groups in {field} of {ctx.issue.key} "
                           f"({shown})")

    def value_accounts(self, scope: Scope, values: tuple[str, ...]) -> TriSet:
        return or_sets([scope.group(v) for v in values])


def _missing_field(issue: Issue, field: str) -> Fact:
    return Fact(FactKind.ISSUE, issue.key, Status.NOT_FETCHED, f"GET /rest/api/3/issue/{issue.key}",
                f"custom field {field} was not captured")


USER_FIELD = UserField()
GROUP_FIELD = GroupField()
