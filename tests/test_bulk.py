"""The set-algebra evaluator agrees with the per-account evaluator for every account (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.replay import bulk
from explorer.core.replay.bulk import Unsupported, many_verdicts, universe_of, verdicts
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.index import SiteIndex
from tests.hypothesis_profiles import examples
from tests.strategies import snapshots

PROJECT_KEYS = [p.key for p in PROJECT_PERMISSIONS]


def _compare(ix: SiteIndex, permission: str, project, issue) -> None:
    universe = universe_of(ix)
    try:
        result = verdicts(ix, permission, project, issue, universe)
    except Unsupported:
        return
    assert result.true <= universe and result.unknown <= universe and not (result.true & result.unknown)
    for account in universe:
        expected = evaluate_in(ix, account, permission, project.key if project and issue is None else None,
                               issue.key if issue else None).verdict
        got = (Verdict.ALLOWED if account in result.true
               else Verdict.UNKNOWN if account in result.unknown else Verdict.DENIED)
        assert got is expected, (account, permission, project.key if project else None,
                                 issue.key if issue else None, expected, got)


@pytest.fixture(params=["lookups", "closures"])
def universe_path(request):
    """Run with small universes looked up account by account, and with closures over every account."""
    saved = bulk.SMALL_UNIVERSE
    bulk.SMALL_UNIVERSE = 10**9 if request.param == "lookups" else 0
    yield request.param
    bulk.SMALL_UNIVERSE = saved


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(snapshot=snapshots(), data=st.data())
def test_bulk_verdicts_equal_per_account_evaluation(universe_path, snapshot, data):
    ix = SiteIndex(snapshot)
    for project in snapshot.projects:
        asked = set(data.draw(st.lists(st.sampled_from(PROJECT_KEYS), min_size=1, max_size=4)))
        for role in project.team_roles:  # team-managed: ask what the roles give, too
            asked |= set(role.permissions)
        for permission in sorted(asked):
            _compare(ix, permission, project, None)
    for issue in snapshot.issues[:4]:
        project = ix.project(issue.project_key)
        permission = data.draw(st.sampled_from(PROJECT_KEYS))
        _compare(ix, permission, project, issue)
    _compare(ix, data.draw(st.sampled_from([g.key for g in GLOBAL_PERMISSIONS])), None, None)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshot=snapshots(), data=st.data())
def test_bulk_on_a_sub_universe_is_the_restriction(snapshot, data):
    ix = SiteIndex(snapshot)
    full = universe_of(ix)
    part = frozenset(data.draw(st.sets(st.sampled_from(sorted(full)))))
    for project in snapshot.projects:
        permission = data.draw(st.sampled_from(PROJECT_KEYS))
        try:
            whole = verdicts(ix, permission, project, None, full)
            sub = verdicts(ix, permission, project, None, part)
        except Unsupported:
            continue
        assert sub.true == whole.true & part
        assert sub.unknown == whole.unknown & part


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(snapshot=snapshots())
def test_many_verdicts_share_work_without_mixing_answers(universe_path, snapshot):
    ix = SiteIndex(snapshot)
    universe = universe_of(ix)
    scopes = [(p, None) for p in snapshot.projects]
    scopes += [(ix.project(i.project_key), i) for i in snapshot.issues[:3]]
    for project, issue in scopes:
        try:
            results = many_verdicts(ix, PROJECT_KEYS, project, issue, universe)
        except Unsupported:
            continue
        for permission, result in results.items():
            for account in universe:
                expected = evaluate_in(ix, account, permission, None if issue else project.key,
                                       issue.key if issue else None).verdict
                got = (Verdict.ALLOWED if account in result.true
                       else Verdict.UNKNOWN if account in result.unknown else Verdict.DENIED)
                assert got is expected, (account, permission, project.key, issue, expected, got)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshot=snapshots())
def test_matrices_equal_per_account_evaluation(snapshot):
    from explorer.core.model import ANONYMOUS_ID
    from explorer.core.replay.queries import account_matrix, project_matrix

    ix = SiteIndex(snapshot)
    for account in [ANONYMOUS_ID, *(a.account_id for a in snapshot.accounts[:2])]:
        matrix = account_matrix(snapshot, account)
        for row in matrix.rows:
            for permission, verdict in row.cells.items():
                assert verdict is evaluate_in(ix, account, permission, row.ref).verdict
    for project in snapshot.projects[:2]:
        matrix = project_matrix(snapshot, project.key, include_inactive=True)
        assert {r.ref for r in matrix.rows} == {ANONYMOUS_ID, *(a.account_id for a in snapshot.accounts)}
        for row in matrix.rows:
            for permission, verdict in row.cells.items():
                assert verdict is evaluate_in(ix, row.ref, permission, project.key).verdict
