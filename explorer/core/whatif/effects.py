"""The effect of changes: which accounts' verdicts move, permission by permission, place by place.

Both snapshots are asked the same questions by set evaluation (:mod:`explorer.core.replay.bulk`), only
within the reach of the changes (:mod:`explorer.core.whatif.reach`).  An answer is a list of
:class:`Move` (the accounts whose verdict of one permission at one place goes from one answer to
another); :meth:`Effects.effects` spells it out as the :class:`~explorer.core.review.diff.Effect` rows
``jira-perms diff`` reports, in the same order, so the two can be compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from explorer.core.model import ANONYMOUS_ID
from explorer.core.replay import bulk
from explorer.core.replay.bulk import TriSet
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.index import SiteIndex
from explorer.core.review.diff import ADMIN_GLOBALS, Effect
from explorer.core.whatif.reach import EVERYONE, Scope

A, D, U = Verdict.ALLOWED, Verdict.DENIED, Verdict.UNKNOWN


@dataclass(frozen=True, slots=True)
class Move:
    """The accounts whose answer for one permission at one place goes from ``before`` to ``after``."""

    project_key: str | None  # None: a global permission
    issue_key: str | None
    permission: str
    before: Verdict
    after: Verdict
    accounts: frozenset[str]

    @property
    def kind(self) -> str:
        """gained | lost | unknown (now cannot determine) | known (now determined), as in ``diff``."""
        if self.after is A:
            return "gained"
        if self.before is A:
            return "lost"
        return "unknown" if self.after is U else "known"

    @property
    def where(self) -> str:
        return self.issue_key or self.project_key or "the site"


@dataclass(frozen=True)
class Effects:
    """Every move, with the display names of the accounts involved."""

    moves: tuple[Move, ...]
    names: dict[str, str]
    compared: int  # verdict sets compared (permission x place, both snapshots)

    def __bool__(self) -> bool:
        return bool(self.moves)

    def accounts(self, kind: str | None = None) -> frozenset[str]:
        found: set[str] = set()
        for move in self.moves:
            if kind is None or move.kind == kind:
                found |= move.accounts
        return frozenset(found)

    def cells(self, kind: str | None = None) -> int:
        """How many (account, permission, place) answers move (of one kind)."""
        return sum(len(m.accounts) for m in self.moves if kind is None or m.kind == kind)

    def effects(self) -> list[Effect]:
        """One :class:`Effect` per account and cell, ordered as ``jira-perms diff`` orders them."""
        rows = [Effect(aid, self.names.get(aid, aid), m.permission, m.project_key, m.issue_key, m.before, m.after)
                for m in self.moves for aid in m.accounts]
        rows.sort(key=lambda e: (not e.widening, e.account_name.lower(), e.account_id, e.project_key or "",
                                 e.issue_key or "", e.permission))
        return rows

    def widening(self) -> Iterator[Move]:
        """Moves that give the anonymous visitor something, or anyone admin rights (as ``diff`` flags them)."""
        for m in self.moves:
            if m.kind != "gained":
                continue
            if ANONYMOUS_ID in m.accounts or m.permission == "ADMINISTER_PROJECTS" or m.permission in ADMIN_GLOBALS:
                yield m


# ---------------------------------------------------------------- computing


def compute(before: SiteIndex, after: SiteIndex, scopes: Iterable[Scope]) -> Effects:
    """Compare both snapshots' verdicts over the scopes."""
    everyone = bulk.universe_of(before)
    moves: list[Move] = []
    compared = 0
    for scope in scopes:
        universe = everyone if scope.accounts is EVERYONE else frozenset(scope.accounts) & everyone
        if not universe:
            continue
        perms = sorted(scope.permissions)
        old = _verdicts(before, scope, perms, universe)
        new = _verdicts(after, scope, perms, universe)
        compared += 2 * len(perms)
        for perm in perms:
            moves += _moves(scope, perm, old[perm], new[perm], universe)
    moves = _drop_issue_echoes(moves)
    names = {aid: after.name(aid) for m in moves for aid in m.accounts}
    return Effects(tuple(moves), names, compared)


def _verdicts(ix: SiteIndex, scope: Scope, perms: list[str], universe: frozenset[str]) -> dict[str, TriSet]:
    project = ix.project(scope.project_key) if scope.project_key is not None else None
    issue = ix.issue(scope.issue_key) if scope.issue_key is not None else None
    try:
        if project is None:
            return {p: bulk.verdicts(ix, p, None, None, universe) for p in perms}
        return bulk.many_verdicts(ix, perms, project, issue, universe)
    except bulk.Unsupported:  # Data Center's optional holder types: one account at a time
        return {p: _one_by_one(ix, scope, p, universe) for p in perms}


def _one_by_one(ix: SiteIndex, scope: Scope, permission: str, universe: frozenset[str]) -> TriSet:
    true: set[str] = set()
    unknown: set[str] = set()
    for aid in universe:
        verdict = evaluate_in(ix, aid, permission, scope.project_key, scope.issue_key).verdict
        if verdict is A:
            true.add(aid)
        elif verdict is U:
            unknown.add(aid)
    return TriSet(frozenset(true), frozenset(unknown))


def _moves(scope: Scope, perm: str, old: TriSet, new: TriSet, universe: frozenset[str]) -> list[Move]:
    if old.true == new.true and old.unknown == new.unknown:
        return []
    old_denied = universe - old.true - old.unknown
    new_denied = universe - new.true - new.unknown
    pairs = (
        (A, U, old.true & new.unknown), (A, D, old.true & new_denied),
        (U, A, old.unknown & new.true), (U, D, old.unknown & new_denied),
        (D, A, old_denied & new.true), (D, U, old_denied & new.unknown),
    )
    return [Move(scope.project_key, scope.issue_key, perm, b, a, frozenset(accounts))
            for b, a, accounts in pairs if accounts]


def _drop_issue_echoes(moves: list[Move]) -> list[Move]:
    """An issue-level move that only repeats the project-level move of the same permission adds nothing."""
    project_level: dict[tuple, frozenset[str]] = defaultdict(frozenset)
    for m in moves:
        if m.issue_key is None and m.project_key is not None:
            project_level[(m.project_key, m.permission, m.before, m.after)] = m.accounts
    out: list[Move] = []
    for m in moves:
        if m.issue_key is not None:
            echo = project_level.get((m.project_key, m.permission, m.before, m.after))
            if echo:
                rest = m.accounts - echo
                if not rest:
                    continue
                m = Move(m.project_key, m.issue_key, m.permission, m.before, m.after, rest)
        out.append(m)
    return out
