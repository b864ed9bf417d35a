"""Fixes at scale (issue 12): the fast blast radius equals the per-cell one, on random sites.

* One account's rows (``fixes.rows``: every permission in every project as bits)
  equal the evaluator's verdict for every cell, with and without hypothetical patches.
* ``suggest_fixes`` gives exactly the fixes, blast radii and order that the
  per-cell way gives (``benchmarks/naive_fixes.py``, the benchmark's baseline), on
  hypothesis sites and on small sites of the benchmark generator's shape.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.gen_site import generate
from benchmarks.naive_fixes import naive_suggest_fixes
from explorer.core.model import ANONYMOUS_ID, Deployment, RoleActors, Snapshot
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.fixes import suggest_fixes
from explorer.core.replay.fixes.blast import touched_projects
from explorer.core.replay.fixes.ranking import smallest
from explorer.core.replay.fixes.rows import BIT, PERMISSIONS, AccountRows
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.patch import Patch
from tests.hypothesis_profiles import examples
from tests.patch_strategies import patches, single_changes
from tests.site_builder import ALL, BROWSE_LOGGED_IN, site
from tests.site_builder import project as make_project
from tests.strategies import PERMISSION_KEYS, snapshots

SETTINGS = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cell(row: tuple[int, int], key: str) -> Verdict:
    allowed, unknown = row
    if allowed & BIT[key]:
        return Verdict.ALLOWED
    return Verdict.UNKNOWN if unknown & BIT[key] else Verdict.DENIED


@SETTINGS
@given(data=st.data())
def test_rows_equal_the_evaluator_with_and_without_patches(data):
    snapshot = data.draw(snapshots() | st.integers(0, 10_000).map(lambda seed: generate(seed=seed, scale=0.002)))
    accounts = [a for a in snapshot.accounts if a.account_id != ANONYMOUS_ID]
    assume(accounts)
    base = SiteIndex(snapshot)
    account = data.draw(st.sampled_from(accounts))
    before = AccountRows(base, account)
    patched = base.with_patch(data.draw(single_changes(snapshot, account.account_id) | patches(snapshot)))
    # rows from scratch, and rows derived from the unpatched ones (what a fix's blast radius uses)
    for ix, rows in ((base, before), (patched, AccountRows(patched, account)),
                     (patched, AccountRows(patched, account, base=before))):
        for project in snapshot.projects:
            row = rows.row(project)
            for key in PERMISSIONS:
                assert _cell(row, key) is evaluate_in(ix, account, key, project.key).verdict, (project.key, key)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_change_reaches_no_project_outside_its_touched_set(data):
    """Outside ``touched_projects``, an account's answers are the same before and after the change."""
    snapshot = data.draw(snapshots() | st.integers(0, 10_000).map(lambda seed: generate(seed=seed, scale=0.002)))
    accounts = list(snapshot.accounts)
    assume(accounts)
    account = data.draw(st.sampled_from(accounts))
    base = SiteIndex(snapshot)
    if data.draw(st.booleans()):
        base = base.with_patch(data.draw(patches(snapshot)))
    patch = data.draw(single_changes(snapshot, account.account_id) | patches(snapshot, account_id=account.account_id))
    patched = base.with_patch(patch)
    reach = touched_projects(base, patched, account.account_id, patch)
    before, after = AccountRows(base, account), AccountRows(patched, account)
    for project in snapshot.projects:
        if reach is None or project.key in reach:
            continue
        assert before.row(project) == after.row(project), project.key


def _denial(data, snapshot):
    accounts = [a.account_id for a in snapshot.accounts]
    assume(accounts and snapshot.projects)
    account = data.draw(st.sampled_from(accounts))
    permission = data.draw(st.sampled_from(PERMISSION_KEYS))
    if snapshot.issues and data.draw(st.booleans()):
        return account, permission, None, data.draw(st.sampled_from(snapshot.issues)).key
    return account, permission, data.draw(st.sampled_from(snapshot.projects)).key, None


def _same_fixes(ix: SiteIndex, question, limit: int = 100) -> None:
    exp = evaluate_in(ix, *question)
    assume(exp.verdict is Verdict.DENIED)
    fast = suggest_fixes(ix, exp, limit=limit)
    slow = naive_suggest_fixes(ix, exp, limit=limit)
    assert fast == slow


@SETTINGS
@given(data=st.data())
def test_fast_blast_radius_equals_the_per_cell_one(data):
    snapshot = data.draw(snapshots())
    _same_fixes(SiteIndex(snapshot), _denial(data, snapshot), data.draw(st.sampled_from((1, 2, 5, 100))))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_blast_radius_equals_the_per_cell_one_under_a_patch(data):
    """Fixes asked on a site that already has hypothetical changes (what-if) agree too."""
    snapshot = data.draw(snapshots())
    ix = SiteIndex(snapshot).with_patch(data.draw(patches(snapshot)))
    _same_fixes(ix, _denial(data, snapshot))


def _with_strangers(data, snapshot: Snapshot) -> Snapshot:
    """Some groups and role actors also name ids that are no account (deleted accounts a sync still lists)."""
    ghosts = ("ghost-1", "ghost-2", ANONYMOUS_ID)

    def more(ids: tuple[str, ...]) -> tuple[str, ...]:
        return ids + tuple(g for g in ghosts if data.draw(st.booleans()))

    groups = tuple(replace(g, members=more(g.members)) for g in snapshot.groups)
    projects = tuple(replace(p, role_actors={r: RoleActors(more(a.users), a.groups)
                                             for r, a in p.role_actors.items()}) for p in snapshot.projects)
    return replace(snapshot, groups=groups, projects=projects)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_blast_radius_never_counts_ids_that_are_no_account(data):
    """Groups and roles naming ids that are no account (and the anonymous visitor): the same counts of others."""
    snapshot = _with_strangers(data, data.draw(snapshots()))
    _same_fixes(SiteIndex(snapshot), _denial(data, snapshot))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_groups_of_an_account_asked_one_by_one_equal_the_whole_map(data):
    """The index's account -> groups map, looked up account by account (by asking each group) or inverted
    whole, gives each account exactly the groups whose (effective, on Data Center) members list it."""
    snapshot = _with_strangers(data, data.draw(snapshots()))
    one_by_one = SiteIndex(snapshot)
    expected: dict[str, set[str]] = {}
    for name, members in one_by_one.t.groups.items():
        for member in members:
            expected.setdefault(member, set()).add(name)
    ids = [*(a.account_id for a in snapshot.accounts), "ghost-1", "ghost-2", ANONYMOUS_ID, "nobody"]
    assert {i: one_by_one.groups_of(i) for i in ids} == {i: frozenset(expected.get(i, ())) for i in ids}
    assert dict(SiteIndex(snapshot).t.account_groups) == {k: frozenset(v) for k, v in expected.items()}


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), data=st.data())
def test_fast_blast_radius_on_the_benchmark_shape(seed, data):
    """Small sites of the generator's skewed shape: big groups in roles, product groups, portal customers."""
    snapshot = generate(seed=seed, scale=0.002)
    _same_fixes(SiteIndex(snapshot), _denial(data, snapshot), data.draw(st.sampled_from((1, 3, 5))))


@settings(max_examples=examples(300), deadline=None)
@given(data=st.data())
def test_the_first_fixes_need_only_their_own_exact_sizes(data):
    """``smallest`` settles items lazily yet returns what a full sort of settled items returns."""
    exact = data.draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9)), max_size=12))
    lower = [data.draw(st.tuples(st.just(a), st.integers(0, b))) for a, b in exact]  # never above the exact key
    limit = data.draw(st.integers(1, 6))
    items = list(range(len(exact)))
    settled: set[int] = set()

    def key(i: int) -> tuple:
        return exact[i] if i in settled else lower[i]

    def settle(i: int) -> int:
        settled.add(i)
        return i

    expected = sorted(items, key=lambda i: exact[i])[:limit]
    assert smallest(items, key, settle, limit) == expected


def test_a_site_wide_blast_radius_names_a_few_projects_and_counts_the_rest():
    """A site-wide fix on a 2,000-project site once listed every project (26,000 characters in one sentence):
    the blast radius names the eight projects it grants most in and counts the others."""
    from explorer.core.replay.fixes import explain
    from explorer.core.replay.fixes.blast import blast_words
    from explorer.store.snapshot_file import load_demo

    exp = explain(load_demo(), "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3", "DELETE_OWN_ATTACHMENTS", "ENG")
    per_project = {f"P{n:04}": 1 + n % 3 for n in range(2000)}
    admin = [f"P{n:04}" for n in range(12)]
    text = blast_words(per_project, admin, 0, (), False, exp)
    assert f"also grants {exp.account.display_name} {sum(per_project.values())} other permissions (" in text
    assert text.count(" in P") == 8 + 1 and len(text) < 400  # eight "n in P…", then "Administer Projects in P…"
    named = sum(int(part.split(" in ")[0]) for part in text.split("(", 1)[1].split(" and ")[0].split(", "))
    assert f" and {sum(per_project.values()) - named} in 1992 more projects)" in text
    assert text.endswith("including Administer Projects in P0000, P0001, P0002, P0003, P0004, P0005, P0006, P0007 "
                         "and 4 more projects")
    few = blast_words({"ENG": 2, "OPS": 1}, [], 0, (), False, exp)
    assert few.endswith("3 other permissions (2 in ENG, 1 in OPS)")


def _nested_under(snapshot: Snapshot, parent: str, child: str) -> Snapshot:
    return replace(snapshot, groups=tuple(replace(g, subgroups=(child,)) if g.name == parent else g
                                          for g in snapshot.groups))


def test_joining_a_group_nested_in_a_product_or_admin_group_reaches_every_project():
    """Regression (thorough profile, seed 2): on Data Center joining a group joins the groups nesting it, so
    when one of those gives product access or system administration, the change can reach every project."""
    plain = site(deployment=Deployment.DATA_CENTER, groups={"developers": ["u2"], "sysadmins": ["u2"]},
                 products={"jira-software": ALL, "jira-servicedesk": ["u2"]}, projects=[make_project("ENG"), make_project("OPS")],
                 global_grants={"SYSTEM_ADMIN": ["sysadmins"]}, schemes={"S": [BROWSE_LOGGED_IN]})
    join = Patch(groups=frozenset({("u1", "developers")}))
    base = SiteIndex(plain)
    assert touched_projects(base, base.with_patch(join), "u1", join) == set()
    for parent in ("jira-servicedesk-users", "sysadmins"):
        base = SiteIndex(_nested_under(plain, parent, "developers"))
        assert touched_projects(base, base.with_patch(join), "u1", join) is None, parent
