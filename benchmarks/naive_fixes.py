"""The per-cell way of finding fixes, for comparison: the benchmark's baseline and the tests' oracle.

This is how ``explorer.core.replay.fixes`` worked before issue 12: every candidate
proved one by one, then each proven fix's blast radius found by re-evaluating
every permission in every project the change might reach, twice (before and
after), and, for issue-level changes, every account of the site one by one.
Candidates, proofs, wording and ranking are the product's own; only the blast
radius is computed the slow way, so any difference in the answers is a
difference in the blast radius.
"""

from __future__ import annotations

import itertools

from explorer.core.replay import bulk, catalogue
from explorer.core.replay.evaluator import evaluate_in, resolve_scope
from explorer.core.replay.explanation import Explanation, Fix, Verdict
from explorer.core.replay.fixes.blast import blast_summary
from explorer.core.replay.fixes.candidates import Candidate, Generator, merge
from explorer.core.replay.fixes.proof import MAX_PAIR_CANDIDATES, MAX_SINGLE_CANDIDATES, proven
from explorer.core.replay.fixes.ranking import rank_key
from explorer.core.replay.fixes.rows import AccountRows
from explorer.core.replay.index import SiteIndex


def naive_suggest_fixes(ix: SiteIndex, exp: Explanation, limit: int = 5) -> tuple[Fix, ...]:
    """Proven fixes, best first, with every blast radius evaluated cell by cell."""
    if exp.verdict is not Verdict.DENIED or exp.project_key is None:
        return ()
    project, issue = resolve_scope(ix, exp.project_key, exp.issue_key)
    found = proven(ix, exp, Generator(ix, exp, project, issue))
    fixes = [naive_describe(ix, exp, project, combo) for combo in found]
    fixes.sort(key=lambda f: rank_key(ix, exp, project, f.changes, len(f.also_grants) + f.other_accounts, f.summary))
    return tuple(fixes[:limit])


def naive_describe(ix: SiteIndex, exp: Explanation, project, combo: tuple[Candidate, ...]) -> Fix:
    patch = merge(combo)
    patched = ix.with_patch(patch)
    scopes = {c.scope for c in combo}
    if scopes & {"site"}:
        projects = [p.key for p in ix.snapshot.projects]
    elif "scheme" in scopes:
        keys: set[str] = {project.key}
        for cand in combo:
            if cand.change.scheme_id:
                keys.update(ix.projects_using(cand.change.scheme_id))
        projects = sorted(keys)
    else:
        projects = [project.key]
    issue_only = scopes <= {"issue", "workflow"}
    gained: list[tuple[str, str]] = []
    target = (exp.project_key, exp.permission)
    for key in projects:
        for perm in catalogue.PROJECT_PERMISSIONS:
            if (key, perm.key) == target:
                continue
            where_issue = exp.issue_key if (issue_only and key == project.key) else None
            before = evaluate_in(ix, exp.account, perm.key, key, where_issue).verdict
            if before is Verdict.ALLOWED:
                continue
            after = evaluate_in(patched, exp.account, perm.key, key, where_issue).verdict
            if after is Verdict.ALLOWED:
                gained.append((key, perm.key))
    others = naive_other_accounts(ix, exp, combo)
    changes = tuple(c.change for c in combo)
    summary = " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary for i, c in enumerate(changes))
    blast = blast_summary(gained, others, combo, issue_only, exp)
    note = ""
    if "workflow" in scopes:
        note = "Changing a status property affects every issue in that status, for everyone."
    return Fix(summary, changes, tuple(gained), others, blast, note)


def naive_other_accounts(ix: SiteIndex, exp: Explanation, combo: tuple[Candidate, ...]) -> int:
    """How many other active accounts a change affects, asking about each account in turn."""
    affected: set[str] = set()
    for cand in combo:
        change = cand.change
        if change.action != "add_grant":
            continue
        projects = ix.projects_using(change.scheme_id or "") or (exp.project_key,)
        if change.holder_type == "projectRole":
            for key in projects:
                proj = ix.project(key)
                if proj is not None:
                    affected |= ix.role_accounts(proj, change.holder_parameter or "")
        elif change.holder_type == "group":
            affected |= ix.t.groups.get(change.holder_parameter or "", frozenset())
    if exp.issue_key and any(c.scope in ("issue", "workflow") for c in combo):
        patched = ix.with_patch(merge(combo))
        for account in ix.snapshot.accounts:
            if not account.active or account.account_id in affected:
                continue
            before = evaluate_in(ix, account, catalogue.BROWSE, None, exp.issue_key).verdict
            if before is Verdict.ALLOWED:
                continue
            if evaluate_in(patched, account, catalogue.BROWSE, None, exp.issue_key).verdict is Verdict.ALLOWED:
                affected.add(account.account_id)
    affected.discard(exp.account.account_id)
    return sum(1 for a in affected if (acc := ix.account(a)) is not None and acc.active)


def naive_evaluations(ix: SiteIndex, exp: Explanation) -> tuple[int, int]:
    """How many evaluations the per-cell way makes for a denial: (project-level, issue-level), counted
    without making them (the cells allowed before a change come from set evaluation)."""
    if exp.verdict is not Verdict.DENIED or exp.project_key is None:
        return 0, 0
    project, issue = resolve_scope(ix, exp.project_key, exp.issue_key)
    gen = Generator(ix, exp, project, issue)
    candidates = gen.candidates()
    on_issue = exp.issue_key is not None
    proofs = min(len(candidates), MAX_SINGLE_CANDIDATES)
    found = proven(ix, exp, Generator(ix, exp, project, issue))
    if not any(len(c) == 1 for c in found):
        pool = candidates[:MAX_PAIR_CANDIDATES]
        proofs += sum(1 for a, b in itertools.combinations(pool, 2)
                      if not a.change.action == b.change.action == "add_grant") + 1
    project_level, issue_level = (0, proofs) if on_issue else (proofs, 0)
    before = AccountRows(ix, exp.account) if not exp.account.is_anonymous else None
    active = bulk.active_universe(ix) - {exp.account.account_id}
    for combo in found:
        scopes = {c.scope for c in combo}
        if scopes <= {"issue", "workflow"}:
            allowed = sum(1 for key, found_set in bulk.many_verdicts(
                ix, [p.key for p in catalogue.PROJECT_PERMISSIONS], project, issue,
                frozenset({exp.account.account_id})).items() if exp.account.account_id in found_set.true)
            issue_level += 2 * (len(catalogue.PROJECT_PERMISSIONS) - 1) - allowed
        else:
            if "site" in scopes:
                keys = [p.key for p in ix.snapshot.projects]
            elif "scheme" in scopes:
                keys = sorted({project.key, *(k for c in combo if c.change.scheme_id
                                               for k in ix.projects_using(c.change.scheme_id))})
            else:
                keys = [project.key]
            cells = len(keys) * len(catalogue.PROJECT_PERMISSIONS) - 1
            allowed = sum(before.row(ix.project(k))[0].bit_count() for k in keys) if before else 0
            project_level += 2 * cells - allowed
        if exp.issue_key and any(c.scope in ("issue", "workflow") for c in combo):
            browsing = bulk.verdicts(ix, catalogue.BROWSE, project, issue, active).true
            issue_level += 2 * len(active) - len(browsing)
    return project_level, issue_level
