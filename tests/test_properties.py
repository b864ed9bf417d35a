"""Invariants of the evaluator on random coherent sites (hypothesis).

* Adding a grant, a role actor or a group membership never turns "allowed" into
  anything else (grants are OR-ed, there are no deny grants: rules 3.1).
* who-can lists exactly the accounts for which explain says "allowed".
* Every fix offered for a denial, applied to the snapshot's *data* (not the
  evaluator's overlay), makes the answer "allowed".
* "cannot determine" always names the missing fact (decision 10).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explorer.core.model import (
    ANONYMOUS_ID,
    Grant,
    Group,
    Holder,
    Project,
    RoleActors,
    Snapshot,
    Workflow,
    WorkflowStatus,
    frozen_map,
)
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.explanation import Change, Verdict
from explorer.core.replay.fixes import explain
from explorer.core.replay.queries import who_can
from tests.hypothesis_profiles import examples
from tests.strategies import snapshots

PERMISSION_KEYS = [p.key for p in PROJECT_PERMISSIONS]
SETTINGS = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def questions(draw, snapshot: Snapshot):
    """(accountId, permission, project key, issue key or None) that the snapshot can answer."""
    assume(snapshot.projects)
    accounts = [a.account_id for a in snapshot.accounts] + [ANONYMOUS_ID]
    account = draw(st.sampled_from(accounts))
    permission = draw(st.sampled_from(PERMISSION_KEYS))
    issues = [i for i in snapshot.issues if any(p.key == i.project_key for p in snapshot.projects)]
    if issues and draw(st.booleans()):
        issue = draw(st.sampled_from(issues))
        return account, permission, issue.project_key, issue.key
    project = draw(st.sampled_from(snapshot.projects))
    return account, permission, project.key, None


@st.composite
def site_and_question(draw):
    snapshot = draw(snapshots())
    return snapshot, draw(questions(snapshot))


def _verdict(snapshot: Snapshot, q) -> Verdict:
    account, permission, project, issue = q
    return evaluate(snapshot, account, permission, project if issue is None else None, issue).verdict


def _replace_project(snapshot: Snapshot, key: str, **changes) -> Snapshot:
    projects = tuple(replace(p, **changes) if p.key == key else p for p in snapshot.projects)
    return replace(snapshot, projects=projects)


def _add_role_actor(snapshot: Snapshot, project: Project, role_id: str, account: str) -> Snapshot:
    actors = dict(project.role_actors)
    old = actors.get(role_id, RoleActors())
    actors[role_id] = RoleActors(tuple(dict.fromkeys((*old.users, account))), old.groups)
    return _replace_project(snapshot, project.key, role_actors=frozen_map(actors))


def _add_member(snapshot: Snapshot, group: str, account: str) -> Snapshot:
    groups = tuple(
        Group(g.name, g.group_id, tuple(dict.fromkeys((*g.members, account)))) if g.name == group else g
        for g in snapshot.groups
    )
    return replace(snapshot, groups=groups)


def _add_grant(snapshot: Snapshot, scheme_id: str, permission: str, holder: Holder) -> Snapshot:
    schemes = tuple(
        replace(s, grants=(*s.grants, Grant(f"new-{len(s.grants)}", permission, holder))) if s.id == scheme_id else s
        for s in snapshot.permission_schemes
    )
    return replace(snapshot, permission_schemes=schemes)


@SETTINGS
@given(data=st.data())
def test_adding_a_grant_never_takes_a_permission_away(data):
    snapshot, q = data.draw(site_and_question())
    assume(snapshot.permission_schemes)
    before = _verdict(snapshot, q)
    scheme = data.draw(st.sampled_from(snapshot.permission_schemes))
    holder_pool = [g.holder for s in snapshot.permission_schemes for g in s.grants] or [Holder("anyone")]
    holder = data.draw(st.sampled_from(holder_pool))
    permission = data.draw(st.sampled_from([q[1], *PERMISSION_KEYS]))
    after = _verdict(_add_grant(snapshot, scheme.id, permission, holder), q)
    if before is Verdict.ALLOWED:
        assert after is Verdict.ALLOWED


@SETTINGS
@given(data=st.data())
def test_adding_a_role_actor_never_takes_a_permission_away(data):
    snapshot, q = data.draw(site_and_question())
    assume(snapshot.roles and snapshot.accounts)
    before = _verdict(snapshot, q)
    project = data.draw(st.sampled_from(snapshot.projects))
    role = data.draw(st.sampled_from(snapshot.roles))
    account = data.draw(st.sampled_from([q[0], *(a.account_id for a in snapshot.accounts)]))
    assume(account != ANONYMOUS_ID)
    after = _verdict(_add_role_actor(snapshot, project, role.id, account), q)
    if before is Verdict.ALLOWED:
        assert after is Verdict.ALLOWED


@SETTINGS
@given(data=st.data())
def test_adding_a_group_member_never_takes_a_permission_away(data):
    snapshot, q = data.draw(site_and_question())
    assume(snapshot.groups)
    before = _verdict(snapshot, q)
    group = data.draw(st.sampled_from(snapshot.groups))
    account = data.draw(st.sampled_from([q[0], *(a.account_id for a in snapshot.accounts)]))
    assume(account != ANONYMOUS_ID)
    after = _verdict(_add_member(snapshot, group.name, account), q)
    if before is Verdict.ALLOWED:
        assert after is Verdict.ALLOWED


@SETTINGS
@given(data=st.data())
def test_who_can_is_exactly_the_accounts_explain_allows(data):
    snapshot, (_, permission, project, issue) = data.draw(site_and_question())
    result = who_can(snapshot, permission, project if issue is None else None, issue, include_inactive=True)
    listed = {e.account.account_id for e in result.allowed}
    undetermined = {e.account.account_id for e in result.undetermined}
    expected: set[str] = set()
    unknown: set[str] = set()
    for account in [ANONYMOUS_ID, *(a.account_id for a in snapshot.accounts)]:
        verdict = _verdict(snapshot, (account, permission, project, issue))
        if verdict is Verdict.ALLOWED:
            expected.add(account)
        elif verdict is Verdict.UNKNOWN:
            unknown.add(account)
    assert listed == expected
    assert undetermined == unknown
    assert all(e.via for e in result.allowed)


@SETTINGS
@given(data=st.data())
def test_cannot_determine_always_names_the_missing_fact(data):
    snapshot, (account, permission, project, issue) = data.draw(site_and_question())
    exp = evaluate(snapshot, account, permission, project if issue is None else None, issue)
    if exp.verdict is Verdict.UNKNOWN:
        assert exp.missing_facts
        assert any(c.kind.value == "unknown_fact" for c in exp.checks)
    else:
        assert not any(c.kind.value == "unknown_fact" for c in exp.checks)
    assert exp.decisive_kinds, "every verdict names what decided it"


def apply_change(snapshot: Snapshot, change: Change) -> Snapshot:
    """Edit the snapshot's data the way a fix's change describes (independently of the evaluator's patches)."""
    action = change.action
    if action == "add_to_role":
        project = next(p for p in snapshot.projects if p.key == change.project_key)
        return _add_role_actor(snapshot, project, change.role_id, change.account_id)
    if action in ("add_to_group", "grant_product"):
        return _add_member(snapshot, change.group, change.account_id)
    if action == "add_grant":
        return _add_grant(snapshot, change.scheme_id, change.permission,
                          Holder(change.holder_type, change.holder_parameter))
    if action == "reactivate":
        return replace(snapshot, accounts=tuple(replace(a, active=True) if a.account_id == change.account_id else a
                                                for a in snapshot.accounts))
    if action in ("set_security_level", "assign_issue", "restore_issue"):
        def edit(issue):
            if issue.key != change.issue_key:
                return issue
            if action == "set_security_level":
                return replace(issue, security_level_id=change.level_id or None)
            if action == "assign_issue":
                return replace(issue, assignee=change.account_id)
            return replace(issue, archived=False)
        issues = tuple(edit(i) for i in snapshot.issues)
        if action == "set_security_level":  # sub-tasks follow their parent's level (decision 9)
            target = next(i for i in snapshot.issues if i.key == change.issue_key)
            if target.issue_type.subtask and target.parent_key:
                issues = tuple(replace(i, security_level_id=change.level_id or None) if i.key == target.parent_key
                               else i for i in issues)
        return replace(snapshot, issues=issues)
    if action == "restore_project":
        return _replace_project(snapshot, change.project_key, archived=False)
    if action == "remove_status_property":
        prefix = change.property_key.rsplit(".", 1)[0] if change.property_key.startswith("jira.permission.") else None

        def strip(workflow: Workflow) -> Workflow:
            if workflow.name != change.workflow:
                return workflow
            statuses = []
            for status in workflow.statuses:
                if status.id == change.status_id:
                    props = {k: v for k, v in status.properties.items()
                             if k != change.property_key and not (prefix and _same_permission(k, change.property_key))}
                    status = WorkflowStatus(status.id, status.name, frozen_map(props))
                statuses.append(status)
            return Workflow(workflow.name, tuple(statuses))
        return replace(snapshot, workflows=tuple(strip(w) for w in snapshot.workflows))
    raise AssertionError(f"unknown change {action}")


def _same_permission(key: str, other: str) -> bool:
    """Both keys restrict the same permission (jira.permission.<perm>.*)."""
    def perm(k: str) -> str:
        rest = k[len("jira.permission."):]
        return rest.split(".")[0]
    return key.startswith("jira.permission.") and not key.startswith("jira.permission.subtasks.") \
        and perm(key) == perm(other)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_fix_works_when_applied_to_the_data(data):
    snapshot, (account, permission, project, issue) = data.draw(site_and_question())
    exp = explain(snapshot, account, permission, project if issue is None else None, issue, limit=3)
    assume(exp.verdict is Verdict.DENIED)
    for fix in exp.fixes:
        changed = snapshot
        for change in fix.changes:
            changed = apply_change(changed, change)
        after = evaluate(changed, account, permission, project if issue is None else None, issue)
        assert after.verdict is Verdict.ALLOWED, (fix.summary, after.headline)
