"""The smallest changes that would allow a denied permission, each with its blast radius.

Candidates come from the failing checks of the explanation (:mod:`.candidates`:
join a role or group that a grant names, grant the permission to a role or group
the account already belongs to, give product access, change the issue's security
level, ...).  Every candidate is *proved* by re-evaluating with the change applied
(:mod:`.proof`); only changes that turn the answer into "allowed" are offered,
fewest changes first, then smallest blast radius (:mod:`.blast`): what else the
change would grant this account, and how many other accounts it touches.
"""

from __future__ import annotations

from dataclasses import replace

from explorer.core.model import Account, Snapshot
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in, resolve_scope
from explorer.core.replay.explanation import Explanation, Fix, Verdict
from explorer.core.replay.fixes.blast import Blast, Measured, fix_summary
from explorer.core.replay.fixes.candidates import Generator
from explorer.core.replay.fixes.proof import proven
from explorer.core.replay.fixes.ranking import rank_key, smallest
from explorer.core.replay.index import SiteIndex

__all__ = ["explain", "suggest_fixes"]


def explain(snapshot: Snapshot, account: Account | str, permission: str, project: str | None = None,
            issue: str | None = None, *, with_fixes: bool = True, limit: int = 5) -> Explanation:
    """Evaluate, and for a denial add the smallest fixes with their blast radius."""
    ix = index_for(snapshot)
    result = evaluate_in(ix, account, permission, project, issue)
    if with_fixes and result.verdict is Verdict.DENIED and result.project_key is not None:
        result = replace(result, fixes=suggest_fixes(ix, result, limit=limit))
    return result


def suggest_fixes(ix: SiteIndex, exp: Explanation, limit: int = 5) -> tuple[Fix, ...]:
    """Proven fixes for a denied project permission, best first."""
    if exp.verdict is not Verdict.DENIED or exp.project_key is None:
        return ()
    project, issue = resolve_scope(ix, exp.project_key, exp.issue_key)
    found = proven(ix, exp, Generator(ix, exp, project, issue))
    blast = Blast(ix, exp, project, issue)
    measured = [blast.measure(combo) for combo in found]

    def key(m: Measured) -> tuple:
        changes = tuple(c.change for c in m.combo)
        return rank_key(ix, exp, project, changes, m.size, fix_summary(changes))

    return tuple(blast.fix(m) for m in smallest(measured, key, blast.settle, limit))
