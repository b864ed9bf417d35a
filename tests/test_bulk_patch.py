"""Set evaluation under hypothetical changes (issue 12, for what-if): equal to per-account evaluation.

For random sites and random patches (``tests/patch_strategies.py``: groups and
roles joined, grants added, accounts reactivated, projects and issues restored,
security levels, assignees and reporters changed, status properties removed),
``bulk.verdicts`` and ``bulk.many_verdicts`` on ``ix.with_patch(patch)`` give, for
every account and the anonymous visitor, the verdict ``evaluate_in`` gives on the
same patched index, for every project and global permission, in every project and
on every issue.  Several patches asked in turn on one index do not leak into each
other (the patched sets are cached per patch).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_site import generate
from explorer.core.model import ANONYMOUS_ID
from explorer.core.replay import bulk
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.index import SiteIndex
from tests.patch_strategies import patches, single_changes
from tests.strategies import snapshots

PROJECT_KEYS = [p.key for p in PROJECT_PERMISSIONS]
GLOBAL_KEYS = [g.key for g in GLOBAL_PERMISSIONS]


def _agrees(ix: SiteIndex, accounts: frozenset[str] | None = None) -> None:
    """Bulk equals per-account evaluation everywhere, for every account (or only ``accounts``)."""
    universe = bulk.universe_of(ix) if accounts is None else accounts
    places = [(p.key, None) for p in ix.snapshot.projects] + [(i.project_key, i.key) for i in ix.snapshot.issues]
    for project_key, issue_key in places:
        project = ix.project(project_key)
        issue = ix.issue(issue_key) if issue_key else None
        try:
            sets = bulk.many_verdicts(ix, PROJECT_KEYS, project, issue, universe)
        except bulk.Unsupported:  # Data Center's optional holder types
            continue
        for permission, found in sets.items():
            for account in universe:
                expected = evaluate_in(ix, account, permission, None if issue_key else project_key, issue_key)
                assert found.verdict(account) is expected.verdict, (account, permission, project_key, issue_key)
    for permission in GLOBAL_KEYS:
        found = bulk.verdicts(ix, permission, None, None, universe)
        for account in universe:
            assert found.verdict(account) is evaluate_in(ix, account, permission).verdict, (account, permission)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_set_evaluation_under_a_patch_equals_per_account_evaluation(data):
    snapshot = data.draw(snapshots())
    base = SiteIndex(snapshot)
    bulk.many_verdicts(base, PROJECT_KEYS[:3], snapshot.projects[0], None, bulk.universe_of(base))  # warm the cache
    for _ in range(2):
        _agrees(base.with_patch(data.draw(patches(snapshot))))
    _agrees(base)  # the snapshot's own sets are untouched


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_change_for_one_account_on_varied_sites(data):
    """One change of the kinds a fix proposes, on hypothesis sites and the benchmark generator's shape."""
    snapshot = data.draw(snapshots() | st.integers(0, 10_000).map(lambda seed: generate(seed=seed, scale=0.002)))
    account = data.draw(st.sampled_from(snapshot.accounts))
    patched = SiteIndex(snapshot).with_patch(data.draw(single_changes(snapshot, account.account_id)))
    _agrees(patched, frozenset({account.account_id, ANONYMOUS_ID}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_active_universe_counts_reactivated_accounts(data):
    snapshot = data.draw(snapshots())
    patched = SiteIndex(snapshot).with_patch(data.draw(patches(snapshot)))
    expected = {a.account_id for a in snapshot.accounts if patched.is_active(a)} | {"anonymous"}
    assert bulk.active_universe(patched) == expected
