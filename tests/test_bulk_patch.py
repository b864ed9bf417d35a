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

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_site import generate
from explorer.core.model import ANONYMOUS_ID, Grant, Holder
from explorer.core.replay import bulk
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.patch import Patch
from explorer.store.snapshot_file import load_demo
from tests.hypothesis_profiles import examples
from tests.patch_strategies import patches, single_changes
from tests.strategies import snapshots

PROJECT_KEYS = [p.key for p in PROJECT_PERMISSIONS]
GLOBAL_KEYS = [g.key for g in GLOBAL_PERMISSIONS]


def _agrees(ix: SiteIndex, permissions: list[str], accounts: frozenset[str] | None = None) -> None:
    """Bulk equals per-account evaluation everywhere, for every account (or only ``accounts``)."""
    universe = bulk.universe_of(ix) if accounts is None else accounts
    places = [(p.key, None) for p in ix.snapshot.projects] + [(i.project_key, i.key) for i in ix.snapshot.issues]
    for project_key, issue_key in places:
        project = ix.project(project_key)
        issue = ix.issue(issue_key) if issue_key else None
        try:
            sets = bulk.many_verdicts(ix, permissions, project, issue, universe)
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


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_set_evaluation_under_a_patch_equals_per_account_evaluation(data):
    snapshot = data.draw(snapshots())
    base = SiteIndex(snapshot)
    bulk.many_verdicts(base, PROJECT_KEYS[:3], snapshot.projects[0], None, bulk.universe_of(base))  # warm the cache
    permissions = data.draw(st.lists(st.sampled_from(PROJECT_KEYS), min_size=1, max_size=8, unique=True))
    for _ in range(2):
        _agrees(base.with_patch(data.draw(patches(snapshot))), permissions)
    _agrees(base, permissions)  # the snapshot's own sets are untouched


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_change_for_one_account_on_varied_sites(data):
    """One change of the kinds a fix proposes, on hypothesis sites and the benchmark generator's shape."""
    snapshot = data.draw(snapshots() | st.integers(0, 10_000).map(lambda seed: generate(seed=seed, scale=0.002)))
    account = data.draw(st.sampled_from(snapshot.accounts))
    patched = SiteIndex(snapshot).with_patch(data.draw(single_changes(snapshot, account.account_id)))
    permissions = data.draw(st.lists(st.sampled_from(PROJECT_KEYS), min_size=1, max_size=12, unique=True))
    _agrees(patched, permissions, frozenset({account.account_id, ANONYMOUS_ID}))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_active_universe_counts_reactivated_accounts(data):
    snapshot = data.draw(snapshots())
    patched = SiteIndex(snapshot).with_patch(data.draw(patches(snapshot)))
    expected = {a.account_id for a in snapshot.accounts if patched.is_active(a)} | {"anonymous"}
    assert bulk.active_universe(patched) == expected


def _demo_changes(snapshot) -> list[tuple[str, Patch, str]]:
    """One change of each kind on the demo site, for an account it changes something for."""
    people = [a.account_id for a in snapshot.accounts if a.active and a.account_type.value == "atlassian"]
    members = {g.name: set(g.members) for g in snapshot.groups}
    project, role_id, actors = next((p, r, a) for p in snapshot.projects for r, a in p.role_actors.items() if a.groups)
    group = actors.groups[0]
    outsider = next(a for a in people if a not in members.get(group, ()))
    scheme = next(s for s in snapshot.permission_schemes)
    issue = next(i for i in snapshot.issues if i.security_level_id) if any(
        i.security_level_id for i in snapshot.issues) else snapshot.issues[0]
    inactive = next((a.account_id for a in snapshot.accounts if not a.active), outsider)
    props = [(w.name, s.id, k) for w in snapshot.workflows for s in w.statuses for k in s.properties]
    product_group = next(g for r in snapshot.application_roles for g in r.groups)
    return [
        (outsider, Patch(groups=frozenset({(outsider, group)})), "joins a group that is a role actor"),
        (outsider, Patch(groups=frozenset({(outsider, product_group)})), "joins a product's group"),
        (outsider, Patch(roles=frozenset({(outsider, project.key, role_id)})), "joins a role"),
        (outsider, Patch(grants=((scheme.id, Grant("p", "EDIT_ISSUES", Holder("group", group))),)), "new grant"),
        (inactive, Patch(reactivated=frozenset({inactive})), "reactivated"),
        (outsider, Patch(security_levels=((issue.key, None),), assignees=((issue.key, outsider),)), "issue"),
        (outsider, Patch(removed_properties=frozenset(props)), "status properties removed"),
        (outsider, Patch(restored_projects=frozenset(p.key for p in snapshot.projects if p.archived)), "restored"),
    ]


@pytest.mark.parametrize("data_center", [False, True])
def test_each_kind_of_change_on_the_demo_sites(data_center):
    """Every kind of change a fix or a what-if makes, on the bundled demo sites, for the account it concerns."""
    snapshot = load_demo(data_center=data_center)
    base = SiteIndex(snapshot)
    for account, patch, what in _demo_changes(snapshot):
        patched = base.with_patch(patch)
        try:
            _agrees(patched, PROJECT_KEYS, frozenset({account, ANONYMOUS_ID}))
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from error
