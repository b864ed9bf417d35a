"""The effect of changes: which accounts' verdicts move, permission by permission, place by place.

Both snapshots are asked the same questions by set evaluation (:mod:`explorer.core.replay.bulk`), only
within the reach of the changes (:mod:`explorer.core.whatif.reach`).  An answer is a list of
:class:`Move` (the accounts whose verdict of one permission at one place goes from one answer to
another); :meth:`Effects.effects` spells it out as the :class:`~explorer.core.review.diff.Effect` rows
``jira-perms diff`` reports, in the same order, so the two can be compared.

What keeps it fast on a large site: with one changed grant, the side that lacks it is asked first and
accounts that have its permission anyway are not asked on the other side; a project asked about a few
accounts (one account's change) reads each account's row of bits
(:class:`~explorer.core.replay.fixes.rows.AccountRows`, worked out once per account and scheme); where many
accounts are asked, one account per class of accounts that every check there sees alike stands for its class
(:meth:`~explorer.core.review.diff.VerdictInputs.splitters`); an issue is asked only about the permissions
whose answer on it may differ from the project's (:class:`~explorer.core.whatif.reach.IssueShape`) and only
for accounts not denied everything in the project (an issue never allows more than its project, except with
Data Center's optional holder types).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from explorer.core.model import ANONYMOUS_ID, Issue
from explorer.core.replay import bulk
from explorer.core.replay.bulk import TriSet
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.fixes.rows import BIT, AccountRows, bits_to_keys
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import site_sets
from explorer.core.review.diff import Effect, Relevance, VerdictInputs
from explorer.core.whatif.reach import EVERYONE, Accounts, IssueShape, Scope, StandIn

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


# ---------------------------------------------------------------- computing

_NOBODY = TriSet(frozenset(), frozenset())
CLASS_THRESHOLD = 256
"""Above this many accounts in a place, accounts that look the same to every check there are evaluated once."""
SHAPES = True
"""Issues of one shape (:meth:`~explorer.core.whatif.reach.IssueShape.stand_in`) are asked once, through a
stand-in, for everyone but their people."""
ROWS_MAX = 8
"""Up to this many accounts in all (one account's change, a small team): each account's row of bits
(:mod:`~explorer.core.replay.fixes.rows`), worked out once per account and scheme, instead of set evaluation
of each project."""


def compute(before: SiteIndex, after: SiteIndex, scopes: Iterable[Scope], issues: dict[str, tuple[str, ...]], *,
            class_threshold: int | None = None) -> Effects:
    """Compare both snapshots' verdicts over the scopes (each project's scope before those of its issues);
    ``issues``: the issue keys of each project."""
    threshold = CLASS_THRESHOLD if class_threshold is None else class_threshold
    comparer = _Comparer(before, after, threshold, issues)
    moves: list[Move] = []
    for scope in scopes:
        moves += comparer.scope(scope)
    moves = _drop_issue_echoes(moves)
    names = {aid: after.name(aid) for aid in frozenset().union(*(m.accounts for m in moves))}
    return Effects(tuple(moves), names, comparer.compared)


class _Comparer:
    def __init__(self, before: SiteIndex, after: SiteIndex, class_threshold: int, issues: dict[str, tuple[str, ...]]):
        self.a, self.b = before, after
        self.everyone = bulk.universe_of(before)
        self.class_threshold = class_threshold
        self.compared = 0
        self.denied: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        """project -> (accounts denied everything there on both sides, permissions someone is not denied)"""
        self._inputs: tuple[VerdictInputs, VerdictInputs] | None = None
        self._class_cache: dict[str, tuple[frozenset[str], list[frozenset[str]]]] = {}
        self.issues = issues
        self.shapes = (IssueShape(before), IssueShape(after))
        self._monotone_cache: dict[str, bool] = {}
        self._optional: dict[tuple[int, str], bool] = {}  # (side, scheme) -> has Data Center's optional holders
        self._rows: dict[tuple[int, str], AccountRows] = {}
        self._stand_in: tuple[Issue, Issue] | None = None  # while a shape's stand-ins are asked
        self._by_shape: dict[tuple, list[Move]] = {}
        self._universes: dict[tuple[str, int], tuple[Accounts, frozenset[str]]] = {}

    def scope(self, scope: Scope) -> list[Move]:
        universe = self._universe(scope)
        perms = sorted(scope.permissions)
        project_key = scope.project_key
        if scope.issue_key is not None and project_key is not None:
            # where the issue cannot differ from its project, its moves only echo the project's
            differing = self.shapes[0].differing(project_key, scope.issue_key) | self.shapes[1].differing(
                project_key, scope.issue_key)
            perms = [p for p in perms if p in differing]
            if project_key in self.denied and self._monotone(project_key):  # an issue never allows more
                perms = [p for p in perms if p in self.denied[project_key][1]]
        self.compared += 2 * len(perms)
        if not universe or not perms:
            moves, opened = [], {}
        elif scope.issue_key is not None and self._shaped(project_key):
            moves, opened = self._shaped_moves(scope, perms, universe), {}
        else:
            moves, opened = self._evaluate(scope, perms, universe)
        if scope.issue_key is None and project_key is not None:
            reached = frozenset().union(*opened.values())
            self.denied[project_key] = (universe - reached, frozenset(p for p, a in opened.items() if a))
        return moves

    def _universe(self, scope: Scope) -> frozenset[str]:
        """The accounts to ask at the place: on an issue, not those denied everything in its project (an issue
        never allows more than its project); worked out once for the issues of a project."""
        accounts = scope.accounts
        project_key = scope.project_key
        on_issue = scope.issue_key is not None and project_key is not None
        found = self._universes.get((project_key or "", id(accounts))) if on_issue else None
        if found is not None and found[0] is accounts:
            return found[1]
        universe = self.everyone if accounts is EVERYONE else frozenset(accounts) & self.everyone
        if on_issue and project_key is not None:
            if project_key in self.denied and self._monotone(project_key):
                universe = universe - self.denied[project_key][0]
            self._universes[(project_key, id(accounts))] = (accounts, universe)  # keeps ``accounts`` alive
        return universe

    def _evaluate(self, scope: Scope, perms: list[str], universe: frozenset[str],
                  ) -> tuple[list[Move], dict[str, frozenset[str]]]:
        """The moves of the accounts at the place, and per permission those not denied it on both sides."""
        if scope.issue_key is None and scope.project_key is not None and self._by_rows(universe, perms):
            return self._from_rows(scope, perms, universe)
        if len(universe) > self.class_threshold and scope.project_key is not None:
            kept = self._still_allowed(scope, universe) if scope.widened is not None else frozenset()
            moves, opened = self._by_classes(scope, perms, universe - kept)
            if kept:  # unchanged here, but not denied: their issues are still to be looked at
                opened = {p: opened.get(p, frozenset()) | kept for p in perms}
            return moves, opened
        return self._direct(scope, perms, universe)

    # -- issues of one shape -------------------------------------------------------------------
    def _shaped(self, project_key: str | None) -> bool:
        """Whether issues of one shape may be asked once: not under a patch (it names issues by key), nor with
        Data Center's optional holder types (the set evaluator hands them to per-account evaluation)."""
        return (SHAPES and project_key is not None and not self.a.patch and not self.b.patch
                and self._monotone(project_key))

    def _shaped_moves(self, scope: Scope, perms: list[str], universe: frozenset[str]) -> list[Move]:
        """The issue's moves: its shape's stand-in's for everyone but its people, and its people's own."""
        key = scope.issue_key or ""
        before, after = (shape.stand_in(key) for shape in self.shapes)
        if before is None or after is None:
            return self._evaluate(scope, perms, universe)[0]
        cache_key = (before.shape, after.shape, tuple(perms), id(universe), scope.widened)
        shared = self._by_shape.get(cache_key)
        if shared is None:
            self._stand_in = (before.nobody(), after.nobody())
            try:
                shared = self._evaluate(scope, perms, universe)[0]
            except bulk.Unsupported:  # an optional holder type outside the scheme: the issue alone
                return self._evaluate(scope, perms, universe)[0]
            finally:
                self._stand_in = None
            self._by_shape[cache_key] = shared
        people = self._people(universe, before, after)
        if not people:
            return [m if m.issue_key == key else _at(m, key, m.accounts) for m in shared]
        moves = [_at(m, key, m.accounts - people) for m in shared]
        return _merged([m for m in moves if m.accounts], self._evaluate(scope, perms, people)[0])

    def _people(self, universe: frozenset[str], *stand_ins: StandIn) -> frozenset[str]:
        """The accounts of the universe an issue names on either side, or that may be in a group it names."""
        found = set()
        for ix, stand_in in zip((self.a, self.b), stand_ins, strict=True):
            found |= universe & stand_in.people
            for group in stand_in.groups:
                members = site_sets(ix).group(group)
                found |= universe & members.true
                found |= universe & members.unknown
        return frozenset(found)

    def _direct(self, scope: Scope, perms: list[str], universe: frozenset[str],
                ) -> tuple[list[Move], dict[str, frozenset[str]]]:
        """Both sides' verdicts over the accounts; with one changed grant, first the side that lacks it, to skip
        on the other side every account that has its permission anyway."""
        first_ix, second_ix, flip = self.a, self.b, False
        asked = perms
        if scope.widened is not None:
            permission, state = scope.widened
            first_ix, second_ix, flip = (self.a, self.b, False) if state == "before" else (self.b, self.a, True)
            asked = sorted({*perms, permission})
        first = self._verdicts(first_ix, scope, asked, universe)
        rest = universe - first[scope.widened[0]].true if scope.widened is not None else universe
        second = self._verdicts(second_ix, scope, perms, rest) if rest else {p: _NOBODY for p in perms}
        moves: list[Move] = []
        opened: dict[str, frozenset[str]] = {}
        for p in perms:
            a, b = first[p], second[p]
            opened[p] = a.true | a.unknown | b.true | b.unknown
            if rest is not universe:
                a = TriSet(a.true & rest, a.unknown & rest)
            old, new = (b, a) if flip else (a, b)
            moves += _moves(scope, p, old, new, rest)
        return moves, opened

    def _by_rows(self, universe: frozenset[str], perms: list[str]) -> bool:
        """Rows pay for themselves over many projects: for a few accounts, not a few in each of many projects."""
        if len(universe) > ROWS_MAX or ANONYMOUS_ID in universe or not all(p in BIT for p in perms):
            return False
        new = sum(1 for a in universe if (0, a) not in self._rows)
        return (len(self._rows) // 2 + new <= ROWS_MAX
                and all(ix.account(a) is not None for ix in (self.a, self.b) for a in universe))

    def _from_rows(self, scope: Scope, perms: list[str], universe: frozenset[str],
                   ) -> tuple[list[Move], dict[str, frozenset[str]]]:
        """A project's answers for a few accounts from their rows on each side (rows agree with the evaluator)."""
        sides = []
        for side, ix in enumerate((self.a, self.b)):
            project = ix.project(scope.project_key or "")
            if project is None:
                return self._direct(scope, perms, universe)
            sides.append([(aid, *self._account_rows(side, ix, aid).row(project)) for aid in universe])
        asked = sum(BIT[p] for p in perms)
        moved: dict[tuple[str, Verdict, Verdict], set[str]] = defaultdict(set)
        opened: dict[str, set[str]] = defaultdict(set)
        for (aid, t0, u0), (_, t1, u1) in zip(*sides, strict=True):
            for p in bits_to_keys((t0 | u0 | t1 | u1) & asked):
                opened[p].add(aid)
            for p in bits_to_keys(((t0 ^ t1) | (u0 ^ u1)) & asked):
                bit = BIT[p]
                moved[(p, _bit_verdict(t0, u0, bit), _bit_verdict(t1, u1, bit))].add(aid)
        moves = [Move(scope.project_key, scope.issue_key, p, was, now, frozenset(moved[(p, was, now)]))
                 for p, was, now in sorted(moved, key=lambda k: (k[0], _PAIRS.index(k[1:])))]  # as _moves orders them
        return moves, {p: frozenset(accounts) for p, accounts in opened.items()}

    def _account_rows(self, side: int, ix: SiteIndex, aid: str) -> AccountRows:
        found = self._rows.get((side, aid))
        if found is None:
            account = ix.account(aid)
            assert account is not None
            found = self._rows[(side, aid)] = AccountRows(ix, account)
        return found

    # -- pruning ----------------------------------------------------------------------------
    def _still_allowed(self, scope: Scope, universe: frozenset[str]) -> frozenset[str]:
        """Accounts allowed the changed grant's permission where it is missing: nothing changes for them."""
        permission, state = scope.widened  # type: ignore[misc]
        ix = self.a if state == "before" else self.b
        return self._verdicts(ix, scope, [permission], universe)[permission].true

    def _monotone(self, project_key: str) -> bool:
        """Whether issue answers are at most the project's (not with Data Center's optional holder types)."""
        found = self._monotone_cache.get(project_key)
        if found is None:
            found = self._monotone_cache[project_key] = self._read_monotone(project_key)
        return found

    def _read_monotone(self, project_key: str) -> bool:
        for side, ix in enumerate((self.a, self.b)):
            project = ix.project(project_key)
            scheme_id = project.permission_scheme_id or "" if project else ""
            optional = self._optional.get((side, scheme_id))
            if optional is None:
                optional = self._optional[(side, scheme_id)] = any(
                    canonical_type(g.holder.type) in ("reportercreate", "assigneeassignable")
                    for grants in ix.t.grants.get(scheme_id, {}).values() for g in grants)
            if optional:
                return False
        return True

    # -- evaluating -------------------------------------------------------------------------
    def _verdicts(self, ix: SiteIndex, scope: Scope, perms: list[str], universe: frozenset[str],
                  ) -> dict[str, TriSet]:
        accounts = ix.t.accounts
        if ANONYMOUS_ID not in universe and not any(accounts[a].active for a in universe):
            return {p: _NOBODY for p in perms}  # deactivated accounts have no permissions (rules section 2, A)
        project = ix.project(scope.project_key) if scope.project_key is not None else None
        issue = None
        if self._stand_in is not None:
            issue = self._stand_in[ix is self.b]
        elif scope.issue_key is not None:
            issue = ix.issue(scope.issue_key)
        try:
            if project is None:
                return {p: bulk.verdicts(ix, p, None, None, universe) for p in perms}
            return bulk.many_verdicts(ix, perms, project, issue, universe)
        except bulk.Unsupported:  # Data Center's optional holder types: one account at a time
            if self._stand_in is not None:
                raise
            return {p: _one_by_one(ix, scope, p, universe) for p in perms}

    def _by_classes(self, scope: Scope, perms: list[str], universe: frozenset[str],
                    ) -> tuple[list[Move], dict[str, frozenset[str]]]:
        """Evaluate one account per class of accounts that agree on everything the place's answers depend on."""
        classes = [c & universe for c in self._classes(scope.project_key or "", universe)]
        classes = [c for c in classes if c]
        reps = {c: next(iter(c)) for c in classes}
        rep_set = frozenset(reps.values())
        old, new = self._verdicts(self.a, scope, perms, rep_set), self._verdicts(self.b, scope, perms, rep_set)
        grouped: dict[tuple[str, Verdict, Verdict], list[frozenset[str]]] = defaultdict(list)
        opened: dict[str, list[frozenset[str]]] = defaultdict(list)
        for members, rep in reps.items():
            for perm in perms:
                was, now = old[perm].verdict(rep), new[perm].verdict(rep)
                if was is not D or now is not D:
                    opened[perm].append(members)
                if was is not now:
                    grouped[(perm, was, now)].append(members)
        unions: dict[tuple[int, ...], frozenset[str]] = {}  # permissions often move the same classes

        def union(parts: list[frozenset[str]]) -> frozenset[str]:
            key = tuple(map(id, parts))
            found = unions.get(key)
            if found is None:
                found = unions[key] = frozenset().union(*parts)
            return found

        moves = [Move(scope.project_key, scope.issue_key, perm, was, now, union(parts))
                 for (perm, was, now), parts in grouped.items()]
        return moves, {perm: union(parts) for perm, parts in opened.items()}

    def _classes(self, project_key: str, universe: frozenset[str]) -> list[frozenset[str]]:
        """Accounts that every check in the project (and on its issues) sees alike, in both snapshots."""
        cached = self._class_cache.get(project_key)
        if cached is not None and universe <= cached[0]:
            return cached[1]
        if self._inputs is None:
            self._inputs = (VerdictInputs(self.a), VerdictInputs(self.b))
        splitters: list[frozenset[str]] = []
        for inputs, ix in zip(self._inputs, (self.a, self.b), strict=True):
            splitters += inputs.splitters(_relevance(inputs, ix, project_key, self.issues.get(project_key, ())))
        classes = refine(universe - {ANONYMOUS_ID}, splitters)
        if ANONYMOUS_ID in universe:
            classes.append(frozenset({ANONYMOUS_ID}))
        self._class_cache[project_key] = (universe, classes)
        return classes


def refine(universe: frozenset[str], splitters: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    """The coarsest partition of ``universe`` in which each class is inside or outside every splitter."""
    classes = [universe] if universe else []
    for splitter in splitters:
        if not splitter:
            continue
        out = []
        for c in classes:
            inside = c & splitter
            if inside and len(inside) < len(c):
                out += [inside, c - inside]
            else:
                out.append(c)
        classes = out
    return classes


def _relevance(inputs: VerdictInputs, ix: SiteIndex, project_key: str, issues: tuple[str, ...]) -> Relevance:
    """Every group and account the answers in a project, and on each of its issues, may depend on."""
    project = ix.project(project_key)
    groups: set[str] = set()
    users: set[str] = set()
    if project is None:
        return frozenset(), frozenset()
    for issue in (None, *issues):
        for g, u in inputs.relevant(project, issue).values():
            groups |= g
            users |= u
    return frozenset(groups), frozenset(users)


def _at(move: Move, issue_key: str, accounts: frozenset[str]) -> Move:
    return Move(move.project_key, issue_key, move.permission, move.before, move.after, accounts)


def _merged(moves: list[Move], more: list[Move]) -> list[Move]:
    """One move per (permission, before, after) of one place: ``moves`` with the accounts of ``more`` added,
    in the order of :func:`_moves`."""
    if not more:
        return moves
    by_key = {(m.permission, m.before, m.after): m for m in moves}
    for m in more:
        found = by_key.get((m.permission, m.before, m.after))
        by_key[(m.permission, m.before, m.after)] = m if found is None else _at(found, m.issue_key or "",
                                                                                found.accounts | m.accounts)
    return [by_key[k] for k in sorted(by_key, key=lambda k: (k[0], _PAIRS.index(k[1:])))]


def _bit_verdict(true: int, unknown: int, bit: int) -> Verdict:
    return A if true & bit else U if unknown & bit else D


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


_PAIRS = ((A, U), (A, D), (U, A), (U, D), (D, A), (D, U))


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
