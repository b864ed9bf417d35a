"""A what-if effect grouped the way an admin reads it: counts, then who gains or loses what where, per project.

Accounts whose changes are identical form one group (on a large site a role change can move the same
answers for tens of thousands of accounts: they are one line, not forty thousand).  A group's lines fold
permissions that change the same way in the same places.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from explorer.core.model import ANONYMOUS_ID
from explorer.core.replay import catalogue
from explorer.core.whatif.effects import Effects, Move

KINDS = ("lost", "gained", "unknown", "known")
"""Kinds of change in the order they are shown: losses first (what breaks), then gains."""

_PERM_ORDER = {p.key: i for i, p in enumerate(catalogue.PROJECT_PERMISSIONS)} | {
    g.key: 100 + i for i, g in enumerate(catalogue.GLOBAL_PERMISSIONS)}


def permission_order(key: str) -> tuple[int, str]:
    """Browse Projects first, then the catalogue's order, then app permissions by key."""
    return (-1 if key == catalogue.BROWSE else _PERM_ORDER.get(key, 1000)), key


@dataclass(frozen=True, slots=True)
class Line:
    """Permissions that change the same way in the same places."""

    kind: str  # lost | gained | unknown | known
    permissions: tuple[str, ...]
    places: tuple[str, ...]  # project keys, issue keys, or "the site" for global permissions


@dataclass(frozen=True, slots=True)
class AccountGroup:
    """Accounts whose changes are the same, and those changes."""

    account_ids: tuple[str, ...]
    lines: tuple[Line, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(line.kind for line in self.lines)


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """What changes in one project (its issues included), or site-wide (``project_key`` None)."""

    project_key: str | None
    accounts: dict[str, int]  # kind -> accounts
    cells: dict[str, int]  # kind -> answers
    permissions: dict[str, tuple[str, ...]]  # kind -> permissions


@dataclass(frozen=True)
class Report:
    accounts: dict[str, int]  # kind -> accounts with at least one change of that kind
    cells: dict[str, int]  # kind -> (account, permission, place) answers
    changed_accounts: int
    groups: tuple[AccountGroup, ...]
    places: tuple[PlaceSummary, ...]


def build_report(effects: Effects, project_order: dict[str, int]) -> Report:
    """Group an effect for reading (``project_order``: project key -> position in the snapshot)."""
    moves = effects.moves
    place_rank = _place_rank(moves, project_order)
    per_account: dict[str, list[int]] = defaultdict(list)
    for i, move in enumerate(moves):
        for aid in move.accounts:
            per_account[aid].append(i)
    by_signature: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for aid, indices in per_account.items():
        by_signature[tuple(indices)].append(aid)
    names = effects.names
    groups = []
    for signature, accounts in by_signature.items():
        accounts.sort(key=lambda a: (a != ANONYMOUS_ID, names.get(a, a).lower(), a))
        groups.append(AccountGroup(tuple(accounts), _lines([moves[i] for i in signature], place_rank)))
    groups.sort(key=lambda g: (min(KINDS.index(k) for k in g.kinds), -len(g.account_ids),
                               names.get(g.account_ids[0], "").lower(), g.account_ids[0]))
    accounts = {k: len(effects.accounts(k)) for k in KINDS}
    cells = {k: effects.cells(k) for k in KINDS}
    return Report(accounts, cells, len(per_account), tuple(groups), _places(moves, project_order))


def _place_rank(moves: tuple[Move, ...], project_order: dict[str, int]) -> dict[str, tuple]:
    rank: dict[str, tuple] = {}
    for m in moves:
        if m.project_key is None:
            rank[m.where] = (-1, 0, "")
        else:
            rank[m.where] = (project_order.get(m.project_key, len(project_order)), m.issue_key is not None,
                             m.issue_key or "")
    return rank


def _lines(moves: list[Move], place_rank: dict[str, tuple]) -> tuple[Line, ...]:
    places: dict[tuple[str, str], list[str]] = defaultdict(list)  # (kind, permission) -> places
    for m in moves:
        places[(m.kind, m.permission)].append(m.where)
    folded: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)  # (kind, places) -> permissions
    for (kind, perm), where in places.items():
        folded[(kind, tuple(sorted(set(where), key=place_rank.__getitem__)))].append(perm)
    lines = [Line(kind, tuple(sorted(perms, key=permission_order)), where)
             for (kind, where), perms in folded.items()]
    lines.sort(key=lambda line: (KINDS.index(line.kind), place_rank[line.places[0]], -len(line.permissions)))
    return tuple(lines)


def _places(moves: tuple[Move, ...], project_order: dict[str, int]) -> tuple[PlaceSummary, ...]:
    accounts: dict[str | None, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    cells: dict[str | None, Counter] = defaultdict(Counter)
    perms: dict[str | None, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m in moves:
        accounts[m.project_key][m.kind] |= m.accounts
        cells[m.project_key][m.kind] += len(m.accounts)
        perms[m.project_key][m.kind].add(m.permission)
    out = []
    for key in sorted(accounts, key=lambda k: -1 if k is None else project_order.get(k, len(project_order))):
        out.append(PlaceSummary(
            key,
            {k: len(accounts[key][k]) for k in KINDS if accounts[key][k]},
            {k: cells[key][k] for k in KINDS if cells[key][k]},
            {k: tuple(sorted(perms[key][k], key=permission_order)) for k in KINDS if perms[key][k]},
        ))
    return tuple(out)
