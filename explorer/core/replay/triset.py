"""Three-valued account sets and their Kleene algebra: the set evaluator's values.

A :class:`TriSet` is the accounts for which something is true and those for which
it is unknown (every other account of the universe: false).  ``or_sets`` and
``and_sets`` are Kleene OR and AND applied account by account, exactly as the
per-account evaluator combines its checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.replay.explanation import Verdict

EMPTY: frozenset[str] = frozenset()


class Unsupported(Exception):
    """This question needs per-account evaluation."""


@dataclass(frozen=True, slots=True)
class TriSet:
    """Accounts for which something is true, and those for which it is unknown (the rest: false)."""

    true: frozenset[str]
    unknown: frozenset[str]

    def verdict(self, account_id: str) -> Verdict:
        """The evaluator's verdict for one account of the universe."""
        if account_id in self.true:
            return Verdict.ALLOWED
        if account_id in self.unknown:
            return Verdict.UNKNOWN
        return Verdict.DENIED

    def without(self, account_id: str) -> TriSet:
        """The same set with one account false."""
        if account_id in self.true or account_id in self.unknown:
            return TriSet(self.true - {account_id}, self.unknown - {account_id})
        return self


NOBODY = TriSet(EMPTY, EMPTY)


def or_sets(parts: list[TriSet]) -> TriSet:
    """Kleene OR: true where any part is true; unknown where none is true and some is unknown."""
    true: set[str] = set()
    unknown: set[str] = set()
    for part in parts:
        true |= part.true
        unknown |= part.unknown
    return TriSet(frozenset(true), frozenset(unknown - true))


def and_sets(parts: list[TriSet], universe: frozenset[str]) -> TriSet:
    """Kleene AND: true where every part is true; false where any part is false; unknown otherwise."""
    true = universe
    for part in sorted(parts, key=lambda p: len(p.true)):  # smallest first: every intersection stays small
        true = true & part.true
    if not any(part.unknown for part in parts):
        return TriSet(frozenset(true), EMPTY)
    possible = universe  # not false for any part
    for part in parts:
        possible = possible & (part.true | part.unknown if part.unknown else part.true)
    return TriSet(frozenset(true), frozenset(possible - true))
