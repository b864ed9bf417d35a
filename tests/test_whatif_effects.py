"""What-if effects are the effective diff, and every moved answer is confirmed by explain.

The property: on generated sites, for any changes of any kind, ``what_if``'s effects equal
``diff_snapshots(snapshot, snapshot with the changes written in)``, and each gained, lost or
now-undeterminable answer is what the evaluator (explain) says on each side.  Also: a change parses
back from its own text to the same change.
"""

from __future__ import annotations

from dataclasses import fields, replace
from itertools import chain

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.model import GlobalGrant, Grant, Holder, Snapshot
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import site_sets
from explorer.core.review.diff import diff_snapshots
from explorer.core.whatif.engine import what_if
from explorer.core.whatif.kinds import Kind
from explorer.core.whatif.language import holder_text, parse_change, project_roles
from tests.hypothesis_profiles import examples
from tests.strategies import GROUP_CF, PERMISSION_KEYS, USER_CF, World, holders, snapshots

SETTINGS = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = tuple(Kind)


@st.composite
def change_texts(draw, snap: Snapshot) -> tuple[Kind, str]:
    """One change of any kind, written with ids so that it always resolves."""
    world = World(tuple(a.account_id for a in snap.accounts), snap.groups, tuple(r.id for r in snap.roles))
    account = draw(st.sampled_from(snap.accounts)).account_id
    project = draw(st.sampled_from(snap.projects))
    kind = draw(st.sampled_from(KINDS))
    if (not snap.permission_schemes and kind in (Kind.ADD_GRANT, Kind.REMOVE_GRANT, Kind.SET_SCHEME)) \
            or (not snap.groups and kind in (Kind.ADD_TO_GROUP, Kind.REMOVE_FROM_GROUP, Kind.ADD_TO_ROLE)):
        return Kind.DEACTIVATE, account
    if kind in (Kind.ADD_GRANT, Kind.REMOVE_GRANT):
        scheme = draw(st.sampled_from(snap.permission_schemes))
        known = [g for g in scheme.grants if not g.holder.type.startswith("somethingNew")]
        if kind is Kind.REMOVE_GRANT and known and draw(st.booleans()):
            grant = draw(st.sampled_from(known))
            perm, holder = grant.permission, grant.holder
        else:
            perm, holder = draw(st.sampled_from(PERMISSION_KEYS)), draw(holders(world, unknown=False))
        return kind, f"{scheme.id}: {perm} -> {holder_text(snap, holder)}"
    if kind in (Kind.ADD_TO_ROLE, Kind.REMOVE_FROM_ROLE):
        roles = project_roles(snap, project)
        if not roles:
            return Kind.ARCHIVE, project.key
        role_id = draw(st.sampled_from(roles))[0]
        op = "+=" if kind is Kind.ADD_TO_ROLE else "-="
        actors = project.role_actors.get(role_id)
        if kind is Kind.REMOVE_FROM_ROLE and actors is not None and (actors.users or actors.groups) \
                and draw(st.booleans()):
            who = draw(st.sampled_from([f"user {u}" for u in actors.users] + [f"group {g}" for g in actors.groups]))
        elif snap.groups and draw(st.booleans()):
            who = f"group {draw(st.sampled_from(snap.groups)).name}"
        else:
            who = f"user {account}"
        return kind, f"{project.key}: {role_id} {op} {who}"
    if kind in (Kind.ADD_TO_GROUP, Kind.REMOVE_FROM_GROUP):
        admins = [g for g in snap.groups if any(x.group == g.name and x.permission == "ADMINISTER"
                                                for x in snap.global_grants)]
        group = draw(st.sampled_from(admins if admins and draw(st.booleans()) else snap.groups))
        if kind is Kind.REMOVE_FROM_GROUP and group.members and draw(st.booleans()):
            account = draw(st.sampled_from(group.members))
        return kind, f"{group.name} {'+=' if kind is Kind.ADD_TO_GROUP else '-='} {account}"
    if kind is Kind.SET_SCHEME:
        if project.team_managed and project.permission_scheme_id is None:
            return Kind.DEACTIVATE, account
        return kind, f"{project.key} = {draw(st.sampled_from(snap.permission_schemes)).id}"
    if kind is Kind.REMOVE_PRODUCT_ACCESS and snap.application_roles:
        role = draw(st.sampled_from(snap.application_roles))
        form = draw(st.sampled_from(("account", "product", "group")))
        if form == "group" and role.groups:
            return kind, f"{role.key} -= group {draw(st.sampled_from(role.groups))}"
        return kind, f"{role.key}: {account}" if form == "product" else account
    if kind is Kind.ARCHIVE:
        return kind, project.key
    return Kind.DEACTIVATE, account


@st.composite
def sites_with_changes(draw, *, dc_optional: bool = False):
    snap = draw(snapshots())
    if dc_optional and snap.permission_schemes:  # Data Center's optional holder types: the set evaluator hands them to the evaluator
        scheme = snap.permission_schemes[0]
        extra = Grant("dc-1", "BROWSE_PROJECTS", Holder(draw(st.sampled_from(("reportercreate",
                                                                                "assigneeassignable")))))
        snap = replace(snap, permission_schemes=(replace(scheme, grants=(*scheme.grants, extra)),
                                                 *snap.permission_schemes[1:]))
    if snap.groups and draw(st.booleans()):  # Jira admins inherit Administer Projects everywhere (decision 1)
        snap = replace(snap, global_grants=(*snap.global_grants,
                                            GlobalGrant("ADMINISTER", draw(st.sampled_from(snap.groups)).name)))
    items = [draw(change_texts(snap)) for _ in range(draw(st.integers(1, 3)))]
    return snap, items


@st.composite
def sites_with_twin_issues(draw):
    """Sites whose issues have twins: the same shape (type, status, parent, level, fields) and other people."""
    snap, items = draw(sites_with_changes())
    accounts = st.none() | st.sampled_from([a.account_id for a in snap.accounts])
    group_names = [g.name for g in snap.groups] or ["nobody-group"]
    twins = []
    for n, issue in enumerate(snap.issues):
        for m in range(draw(st.integers(0, 2))):
            people = st.lists(st.sampled_from([a.account_id for a in snap.accounts]), max_size=2).map(tuple)
            twins.append(replace(
                issue, key=f"{issue.project_key}-{1000 + 10 * n + m}", id=str(900000 + 10 * n + m),
                reporter=draw(accounts), assignee=draw(accounts),
                user_fields={k: draw(people) for k in issue.user_fields},
                group_fields={k: tuple(draw(st.lists(st.sampled_from(group_names), max_size=2)))
                              for k in issue.group_fields}))
    permission = draw(st.sampled_from(("BROWSE_PROJECTS", "EDIT_ISSUES")))
    if snap.permission_schemes:  # a grant that needs the issue to match: its people answer apart
        scheme = snap.permission_schemes[0]
        kind = draw(st.sampled_from(("reporter", "assignee", "userCustomField", "groupCustomField")))
        field = {"userCustomField": USER_CF, "groupCustomField": GROUP_CF}.get(kind)
        snap = replace(snap, permission_schemes=(
            replace(scheme, grants=(*scheme.grants, Grant("twin-1", permission, Holder(kind, field)))),
            *snap.permission_schemes[1:]))
    people = [p for i in twins for p in (i.reporter, i.assignee, *chain(*i.user_fields.values())) if p]
    if people and snap.permission_schemes and draw(st.booleans()):  # a change to one of them
        person = draw(st.sampled_from(people))
        change = draw(st.sampled_from((Kind.DEACTIVATE, Kind.ADD_GRANT)))
        text = person if change is Kind.DEACTIVATE else (
            f"{snap.permission_schemes[0].id}: {permission} -> {holder_text(snap, Holder('user', person))}")
        items = [*items, (change, text)]
    return replace(snap, issues=(*snap.issues, *twins)), items


def _rows(effects) -> set[tuple]:
    return {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after) for e in effects}


def _check(snap: Snapshot, items: list[tuple[Kind, str]]) -> None:
    changes = [parse_change(snap, kind, text) for kind, text in items]
    for change in changes:
        assert parse_change(snap, change.kind, change.text) == change, change.text
    result = what_if(snap, changes)
    after = result.applied.after
    fresh = replace(after)  # the same site as a new object: indexed from scratch, not derived from snap's index
    expected = diff_snapshots(snap, fresh).effects
    found = result.effects.effects()
    assert _rows(found) == _rows(expected)
    assert result.changed_in_effect == bool(expected)
    for e in found:  # explain, on each side, says what the effect says
        assert evaluate(snap, e.account_id, e.permission, e.project_key, e.issue_key).verdict is e.before
        assert evaluate(fresh, e.account_id, e.permission, e.project_key, e.issue_key).verdict is e.after
    if not result.applied.changed:
        assert after is snap and not found
    _same_tables(index_for(after).t, SiteIndex(after).t)
    _same_sets(index_for(after), index_for(fresh))


def _same_sets(derived, fresh) -> None:
    """The shared account sets a derived index reuses equal those computed from scratch."""
    a, b = site_sets(derived), site_sets(fresh)
    for name in ("accounts", "active", "everyone", "customers", "logged_in", "order"):
        assert getattr(a, name) == getattr(b, name), name
    for key in a.groups:
        assert a.groups[key] == b.group(key), key
    for project_key, role_id in a.roles:
        assert a.roles[(project_key, role_id)] == b.role(fresh.project(project_key), role_id)
    for product in a.products:
        assert a.products[product] == b.product(product), product
    for permission in a.globals:
        assert a.globals[permission] == b.global_permission(permission), permission


def _same_tables(derived, fresh) -> None:
    """The index derived from the original's equals one built from scratch."""
    for field in fields(fresh):
        if field.name == "bulk_sets":
            continue
        a, b = getattr(derived, field.name), getattr(fresh, field.name)
        if field.name == "account_groups":
            a, b = ({k: v for k, v in x.items() if v} for x in (a, b))
        assert a == b, field.name


@SETTINGS
@given(sites_with_changes())
def test_whatif_equals_the_effective_diff_and_explain(case):
    _check(*case)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites_with_changes(dc_optional=True))
def test_whatif_equals_the_diff_with_data_center_optional_holders(case):
    _check(*case)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites_with_changes())
def test_accounts_that_look_the_same_are_evaluated_once(case):
    """The large-site path (one account per class of accounts that agree on every input) gives the same effect."""
    from unittest import mock

    from explorer.core.whatif import effects

    with mock.patch.object(effects, "CLASS_THRESHOLD", 0):
        _check(*case)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites_with_changes())
def test_rows_and_issue_shapes_give_the_moves_of_set_evaluation(case):
    _same_moves_fast_and_slow(*case)


@settings(max_examples=examples(160), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites_with_twin_issues())
def test_issues_of_one_shape_with_other_people(case):
    """Issues that differ only in their people: the stand-in answers for everyone else, the people for
    themselves; whatif still equals the diff and explain, and set evaluation of every issue."""
    _check(*case)
    _same_moves_fast_and_slow(*case)


def _same_moves_fast_and_slow(snap: Snapshot, items: list[tuple[Kind, str]]) -> None:
    """A project asked about a few accounts reads their rows of bits, and issues of one shape are asked once
    through a stand-in: the same moves as set evaluation of every place."""
    from unittest import mock

    from explorer.core.whatif import effects

    changes = [parse_change(snap, kind, text) for kind, text in items]
    fast = what_if(snap, changes).effects
    with mock.patch.object(effects, "ROWS_MAX", 0), mock.patch.object(effects, "SHAPES", False):
        slow = what_if(snap, changes).effects
    assert fast.moves == slow.moves
