"""Which candidate changes (alone, in pairs, or one per failing check) actually allow the permission.

A fix is only offered when the evaluator itself, run on the site with the change
applied as a :class:`~explorer.core.replay.index.Patch`, answers "allowed".
"""

from __future__ import annotations

import itertools

from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Explanation, Verdict
from explorer.core.replay.fixes.candidates import Candidate, Generator, merge
from explorer.core.replay.index import Patch, SiteIndex

MAX_SINGLE_CANDIDATES = 60
MAX_PAIR_CANDIDATES = 24


def allows(ix: SiteIndex, exp: Explanation, patch: Patch) -> bool:
    """Does the evaluator allow the explanation's question with the patch applied?"""
    patched = ix.with_patch(patch)
    result = evaluate_in(patched, exp.account, exp.permission, exp.project_key, exp.issue_key)
    return result.verdict is Verdict.ALLOWED


def proven(ix: SiteIndex, exp: Explanation, gen: Generator) -> list[tuple[Candidate, ...]]:
    """Single changes that work; else pairs; else one change per failing check, if that works."""
    candidates = gen.candidates()
    found: list[tuple[Candidate, ...]] = [
        (cand,) for cand in candidates[:MAX_SINGLE_CANDIDATES] if allows(ix, exp, cand.patch)]
    if not found:
        pool = candidates[:MAX_PAIR_CANDIDATES]
        for a, b in itertools.combinations(pool, 2):
            if a.change.action == b.change.action == "add_grant":
                continue
            if allows(ix, exp, a.patch.merge(b.patch)):
                found.append((a, b))
    if not found:
        combo = gen.one_per_failing_check()
        if combo and allows(ix, exp, merge(combo)):
            found.append(combo)
    return found
