"""What a holder type is, and the one place that dispatches on it.

A holder (of a grant, a security level or a workflow property) names who gets
something: a group, a role, the reporter, ...  Each holder type is one
:class:`HolderType` (in its own module of this package) with both halves of its
rule side by side: :meth:`~HolderType.match` answers for one account, with the
words of the proof; :meth:`~HolderType.accounts` answers for every account of a
:class:`~explorer.core.replay.scope.Scope` at once, as a three-valued set.  The
two must agree (a hypothesis test compares them on random sites).  The package's
``__init__`` registers every type in one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import ANONYMOUS_ID, Account, Fact, FactKind, Holder, Issue, Project, Status
from explorer.core.replay.explanation import Match
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


@dataclass(frozen=True, slots=True)
class HolderMatch:
    match: Match
    label: str  # who the holder is, in words ("role Developers", "Any logged in user")
    reason: str  # why it matched or not
    via: tuple[str, ...] = ()
    missing: tuple[Fact, ...] = ()
    decision: int | None = None


@dataclass(frozen=True, slots=True)
class Context:
    account: Account
    project: Project
    issue: Issue | None
    permission: str


class HolderType:
    """One holder type of Jira: its spellings, its words, and who it matches (one account, or all as a set)."""

    canonical: str = ""
    spellings: tuple[str, ...] = ()  # lower-case names used in schemes, security levels and workflow properties
    per_issue: bool = False  # matches a person of each issue (reporter, a user field): in a project, only some

    def admits_anonymous(self, holder: Holder) -> bool:
        """Can a logged-out visitor match?  (Only Public can: rules section 3.2.)"""
        return False

    def label(self, ix: SiteIndex, holder: Holder) -> str:
        """The holder in the words of Jira's admin UI."""
        raise NotImplementedError

    def match(self, ix: SiteIndex, holder: Holder, ctx: Context, label: str, depth: int) -> HolderMatch:
        """Does the holder match ``ctx.account`` (logged in, unless the type admits anonymous)?"""
        raise NotImplementedError

    def accounts(self, scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
        """The accounts of the scope's universe it matches (the anonymous visitor is removed by the caller)."""
        raise NotImplementedError

    def via(self, ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
        """How a matched account gets it, for a who-can row."""
        return holder.type

    def role_of(self, holder: Holder) -> str | None:
        """The project role the holder names, if any (who-can then tells direct actors from groups)."""
        return None


_REGISTRY: dict[str, HolderType] = {}  # every spelling -> its type
CANONICAL_TYPES: dict[str, str] = {}  # every spelling -> the canonical name


def register(*types: HolderType) -> None:
    for holder_type in types:
        for spelling in holder_type.spellings:
            _REGISTRY[spelling] = holder_type
            CANONICAL_TYPES[spelling] = holder_type.canonical


def holder_type(name: str) -> HolderType | None:
    return _REGISTRY.get(name.lower())


def canonical_type(name: str) -> str | None:
    return CANONICAL_TYPES.get(name.lower())


def holder_label(ix: SiteIndex, holder: Holder, project: Project | None = None) -> str:
    """A holder in the words of Jira's admin UI."""
    kind = _REGISTRY.get(holder.type.lower())
    if kind is None:
        p = holder.parameter
        return f"unknown holder type {holder.type!r}" + (f" ({p})" if p else "")
    return kind.label(ix, holder)


def match_holder(ix: SiteIndex, holder: Holder, ctx: Context, _depth: int = 0) -> HolderMatch:
    """Match one holder against the account in a project or issue context."""
    kind = _REGISTRY.get(holder.type.lower())
    if kind is None:
        return HolderMatch(
            Match.UNKNOWN, holder_label(ix, holder),
            f"jira-perms does not know the holder type {holder.type!r}, so it cannot tell whether it matches",
            missing=(unknown_type_fact(holder),), decision=10)
    label = kind.label(ix, holder)
    if ctx.account.is_anonymous and not kind.admits_anonymous(holder):
        return HolderMatch(Match.NOT_MATCHED, label, "a logged-out visitor matches only Public grants")
    return kind.match(ix, holder, ctx, label, _depth)


def accounts_matching(scope: Scope, holder: Holder, issue: Issue | None) -> TriSet:
    """The accounts of the scope's universe a holder matches (memoised in the scope)."""
    key = (holder.type, holder.parameter, holder.value, issue.key if issue else None)
    found = scope.memo.get(key)
    if found is None:
        kind = _REGISTRY.get(holder.type.lower())
        if kind is None:
            found = scope.unknown_for_all
        else:
            found = kind.accounts(scope, holder, issue)
            if not kind.admits_anonymous(holder):  # a logged-out visitor matches only Public
                found = found.without(ANONYMOUS_ID)
        scope.memo[key] = found
    return found  # type: ignore[return-value]


def via_label(ix: SiteIndex, holder: Holder, project: Project, issue: Issue | None) -> str:
    kind = _REGISTRY.get(holder.type.lower())
    return kind.via(ix, holder, project, issue) if kind else holder.type


def unknown_type_fact(holder: Holder) -> Fact:
    detail = f"holder type {holder.type!r}" + (f" with parameter {holder.parameter!r}" if holder.parameter else "")
    return Fact(FactKind.PERMISSION_SCHEME, None, Status.UNSUPPORTED, "", f"unknown {detail}")


def facts(*found: Fact | None) -> tuple[Fact, ...]:
    return tuple(f for f in found if f is not None)


def grants_match(ix: SiteIndex, ctx: Context, permission: str, depth: int = 0) -> tuple[bool | None, tuple[Fact, ...]]:
    """Whether any grant of ``permission`` matches (used by Data Center's optional holder types)."""
    scheme, missing = ix.scheme(ctx.project)
    if scheme is None:
        return None, (missing,) if missing else ()
    found: list[Fact] = []
    result: bool | None = False
    for grant in ix.grants(scheme, permission):
        m = match_holder(ix, grant.holder, Context(ctx.account, ctx.project, ctx.issue, permission), depth)
        if m.match.as_bool:
            return True, ()
        if m.match is Match.UNKNOWN:
            result = None
            found.extend(m.missing)
    return result, tuple(found)

