"""Indexed and naive answers are identical on generated sites (issue 7).

The naive baseline of the benchmarks (``benchmarks/naive.py``) reads the snapshot
by scanning its lists; the product reads precomputed indexes and, for many
accounts at once, set algebra.  All must agree.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_site import generate
from benchmarks.naive import ScanIndex, naive_who_can
from explorer.core.model import ANONYMOUS_ID, Deployment, Fact, FactKind, Status
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.queries import who_can
from tests.hypothesis_profiles import examples
from tests.site_builder import BROWSE_LOGGED_IN, DEVELOPERS, grant, groups, project, site
from tests.strategies import snapshots

KEYS = [p.key for p in PROJECT_PERMISSIONS]


def _same(indexed: SiteIndex, naive: ScanIndex, account: str, permission: str, project, issue) -> None:
    a = evaluate_in(indexed, account, permission, project, issue)
    b = evaluate_in(naive, account, permission, project, issue)
    assert a.verdict is b.verdict
    assert a.decisive_kinds == b.decisive_kinds
    assert a.headline == b.headline


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshot=snapshots(), data=st.data())
def test_naive_and_indexed_evaluation_agree(snapshot, data):
    indexed, naive = SiteIndex(snapshot), ScanIndex(snapshot)
    accounts = [ANONYMOUS_ID, *(a.account_id for a in snapshot.accounts)]
    for _ in range(6):
        account = data.draw(st.sampled_from(accounts))
        permission = data.draw(st.sampled_from(KEYS))
        if snapshot.issues and data.draw(st.booleans()):
            _same(indexed, naive, account, permission, None, data.draw(st.sampled_from(snapshot.issues)).key)
        else:
            _same(indexed, naive, account, permission, data.draw(st.sampled_from(snapshot.projects)).key, None)


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), data=st.data())
def test_generated_large_site_shape_agrees_in_bulk(seed, data):
    """On the benchmark generator's sites (small scale): who-can by sets equals the naive one-by-one scan."""
    snapshot = generate(seed=seed, scale=0.004)
    naive = ScanIndex(snapshot)
    for _ in range(5):
        project = data.draw(st.sampled_from(snapshot.projects)).key
        permission = data.draw(st.sampled_from(KEYS))
        fast = {e.account.account_id for e in who_can(snapshot, permission, project, include_inactive=True).allowed}
        assert fast == naive_who_can(naive, permission, project, None)


def test_naive_and_indexed_agree_on_data_center_nested_groups():
    """Regression (thorough profile, seed 3): the naive baseline read Data Center groups as flat and worded a
    membership as Cloud does, where the product says "(possibly through a nested group)" or names the path."""
    dev = site(deployment=Deployment.DATA_CENTER, groups={"developers": ["u2"], "backend": ["u1"]},
               projects=[project("ENG", roles={DEVELOPERS: groups("developers")})],
               schemes={"S": [BROWSE_LOGGED_IN, grant("EDIT_ISSUES", "projectRole", DEVELOPERS),
                              grant("CREATE_ISSUES", "group", "developers")]})
    nested = replace(dev, groups=tuple(replace(g, subgroups=("backend",)) if g.name == "developers" else g
                                       for g in dev.groups))
    supplied = replace(nested, facts=(*nested.facts, Fact(FactKind.GROUP_NESTING, None, Status.COMPLETE)))
    for snapshot in (dev, nested, supplied):
        indexed, naive = SiteIndex(snapshot), ScanIndex(snapshot)
        for account in ("u1", "u2", ANONYMOUS_ID):
            for permission in ("EDIT_ISSUES", "CREATE_ISSUES", "BROWSE_PROJECTS"):
                _same(indexed, naive, account, permission, "ENG", None)
        assert naive.groups_of("u1") == indexed.groups_of("u1")
    assert evaluate_in(SiteIndex(nested), "u1", "EDIT_ISSUES", "ENG").verdict is Verdict.ALLOWED
