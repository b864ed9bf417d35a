"""Which candidate changes (alone, in pairs, or one per failing check) actually allow the permission.

A fix is only offered when the evaluator itself, run on the site with the change
applied as a :class:`~explorer.core.replay.index.Patch`, answers "allowed".

Before that proof, a candidate (or pair) that cannot work is set aside: some steps
of the evaluator depend on one kind of fact only (the account being active on
reactivation, product access on joining a product's group, the archive state on
restoring, an editable status on removing a status property), so when such a step
fails and the change does not touch its fact, the answer stays "denied".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Explanation, Kind, Verdict
from explorer.core.replay.fixes.candidates import Candidate, Generator, merge
from explorer.core.replay.index import Patch, SiteIndex

MAX_SINGLE_CANDIDATES = 60
MAX_PAIR_CANDIDATES = 24


def allows(ix: SiteIndex, exp: Explanation, patch: Patch) -> bool:
    """Does the evaluator allow the explanation's question with the patch applied?"""
    patched = ix.with_patch(patch)
    result = evaluate_in(patched, exp.account, exp.permission, exp.project_key, exp.issue_key)
    return result.verdict is Verdict.ALLOWED


def _guards(ix: SiteIndex, exp: Explanation) -> list[Callable[[Patch], bool]]:
    """For each failing step that depends on one kind of fact, a test that a patch changes that fact."""
    aid = exp.account.account_id
    failing = {c.kind for c in exp.checks if c.decisive and c.passed is False}
    product_groups = {g for groups in ix.t.app_roles.values() for g in groups}
    guards: dict[Kind, Callable[[Patch], bool]] = {
        Kind.ACCOUNT_INACTIVE: lambda p: aid in p.reactivated,
        Kind.PRODUCT_ACCESS: lambda p: any(a == aid and g in product_groups for a, g in p.groups),
        Kind.ARCHIVED: lambda p: exp.project_key in p.restored_projects or exp.issue_key in p.restored_issues,
        Kind.ISSUE_NOT_EDITABLE: lambda p: bool(p.removed_properties),
    }
    return [guard for kind, guard in guards.items() if kind in failing]


def proven(ix: SiteIndex, exp: Explanation, gen: Generator) -> list[tuple[Candidate, ...]]:
    """Single changes that work; else pairs; else one change per failing check, if that works."""
    guards = _guards(ix, exp)

    def works(patch: Patch) -> bool:
        return all(guard(patch) for guard in guards) and allows(ix, exp, patch)

    candidates = gen.candidates()
    found: list[tuple[Candidate, ...]] = [(c,) for c in candidates[:MAX_SINGLE_CANDIDATES] if works(c.patch)]
    if not found:
        pool = candidates[:MAX_PAIR_CANDIDATES]
        for a, b in itertools.combinations(pool, 2):
            if a.change.action == b.change.action == "add_grant":
                continue
            if works(a.patch.merge(b.patch)):
                found.append((a, b))
    if not found:
        combo = gen.one_per_failing_check()
        if combo and works(merge(combo)):
            found.append(combo)
    return found
