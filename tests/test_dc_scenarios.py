"""Data Center rules, scenario by scenario: nested groups, Group (Anyone), the optional holder types, SYSTEM_ADMIN
beside ADMINISTER, archived issues, facts DC does not publish and facts supplied by hand.

Each case is written from docs/permission-rules.md (section 3.2 holder types and nested groups, section 5 global
permissions, section 13 archiving, decision 6 and decision 10) and docs/data-center.md.  Every verdict is also
checked against the set evaluation (who-can) so the two agree on DC sites.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from explorer.core.model import SUPPLIED_BY_HAND, Deployment, Fact, FactKind, Status
from explorer.core.render.explain import explanation_text
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import who_can
from tests.site_builder import (
    ADMINISTRATORS,
    BROWSE_LOGGED_IN,
    DEFAULT_WORKFLOW,
    DEVELOPERS,
    IN_PROGRESS,
    gap,
    grant,
    groups,
    holder,
    issue,
    level,
    project,
    site,
    users,
)

ALLOWED, DENIED, UNKNOWN = Verdict.ALLOWED, Verdict.DENIED, Verdict.UNKNOWN
DC = Deployment.DATA_CENTER
EDIT, BROWSE, CREATE, ASSIGN = "EDIT_ISSUES", "BROWSE_PROJECTS", "CREATE_ISSUES", "ASSIGN_ISSUES"


def nested(snapshot, **children):
    """The snapshot with groups nested: ``parent=("child", ...)`` (members stay direct: the index closes them)."""
    return replace(snapshot, groups=tuple(replace(g, subgroups=tuple(children.get(g.name, ())))
                                          for g in snapshot.groups))


def nesting_supplied(snapshot):
    return replace(snapshot, facts=(*snapshot.facts, Fact(FactKind.GROUP_NESTING, None, Status.COMPLETE, "",
                                                          "supplied by hand from f.toml", SUPPLIED_BY_HAND)))


def answer(snapshot, account, permission, where):
    project = issue_key = None
    if "-" in where:
        issue_key = where
    else:
        project = where
    exp = evaluate(snapshot, account, permission, project, issue_key)
    group = who_can(snapshot, permission, project, issue_key)
    in_set = ALLOWED if any(e.account.account_id == account for e in group.allowed) else \
        UNKNOWN if any(e.account.account_id == account for e in group.undetermined) else DENIED
    if account != "anonymous":
        assert in_set is exp.verdict, f"who-can says {in_set}, explain says {exp.verdict}"
    return exp


def text_of(exp) -> str:
    out = [exp.headline]

    def walk(checks):
        for c in checks:
            out.append(c.summary)
            walk(c.children)

    walk(exp.checks)
    return "\n".join(out)


# ------------------------------------------------------------------ nested groups (rules section 3.2)

DEV_SITE = site(deployment=DC, groups={"developers": [], "backend": ["u1"], "contractors": ["u2"], "qa": ["u3"]},
                projects=[project("ENG", roles={DEVELOPERS: groups("developers")})],
                schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "projectRole", DEVELOPERS), grant(CREATE, "group", "qa")]})


def test_a_member_of_a_nested_group_is_a_member_when_the_nesting_is_known():
    snap = nesting_supplied(nested(DEV_SITE, developers=("backend", "contractors")))
    exp = answer(snap, "u1", EDIT, "ENG")
    assert exp.verdict is ALLOWED
    assert "via nested group developers > backend" in text_of(exp)


def test_membership_through_a_chain_of_nested_groups():
    snap = nesting_supplied(nested(DEV_SITE, developers=("contractors",), contractors=("backend",)))
    exp = answer(snap, "u1", EDIT, "ENG")
    assert exp.verdict is ALLOWED and "nested group developers > contractors > backend" in text_of(exp)


def test_the_text_answer_reads_whole_at_80_columns_with_a_nesting_path_on_one_line():
    snap = nesting_supplied(nested(DEV_SITE, developers=("backend",), backend=("platform-engineering-contractors",)))
    snap = replace(snap, groups=(*snap.groups, replace(snap.groups[0], name="platform-engineering-contractors",
                                                       members=("u2",), subgroups=())),
                   accounts=tuple(replace(a, display_name="Eve \x1b[2J Evans") if a.account_id == "u2" else a
                                  for a in snap.accounts))
    text = explanation_text(evaluate(snap, "u2", EDIT, "ENG"), snap)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "developers > backend > platform-engineering-contractors" in text  # never split across lines
    assert "\x1b" not in text and "Eve \\x1b[2J Evans" in text  # wrapping keeps escapes visible


def test_without_the_nesting_the_proof_says_possibly_through_a_nested_group():
    synced = nested(DEV_SITE)  # as group/member lists it: developers already holds u1 and u2
    synced = replace(synced, groups=tuple(replace(g, members=("u1", "u2")) if g.name == "developers" else g
                                          for g in synced.groups),
                     facts=(*synced.facts, gap(FactKind.GROUP_NESTING, None, Status.NOT_PUBLISHED)))
    exp = answer(synced, "u2", EDIT, "ENG")
    assert exp.verdict is ALLOWED
    assert "group developers (possibly through a nested group)" in text_of(exp)


def test_a_denial_names_nested_groups_not_decision_8():
    snap = nesting_supplied(nested(DEV_SITE, developers=("backend",)))
    exp = answer(snap, "u2", EDIT, "ENG")
    assert exp.verdict is DENIED
    exp = answer(snap, "u1", CREATE, "ENG")
    assert exp.verdict is DENIED
    assert "not a member of group qa, directly or through a nested group" in text_of(exp)
    assert 8 not in {c.decision for c in exp.checks}


def test_cloud_groups_stay_flat():
    cloud = nested(site(groups={"developers": [], "backend": ["u1"]},
                        schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "developers")]}), developers=("backend",))
    exp = answer(cloud, "u1", EDIT, "ENG")
    assert exp.verdict is DENIED and "decision 8" in text_of(exp)


def test_a_nesting_cycle_does_not_hang_and_still_counts_members():
    snap = nesting_supplied(nested(DEV_SITE, developers=("backend",), backend=("developers",)))
    assert answer(snap, "u1", EDIT, "ENG").verdict is ALLOWED


# ------------------------------------------------------------------ Group (Anyone) (rules section 3.2)

ANYONE_SITE = site(deployment=DC, projects=[project("DOCS")],
                   schemes={"S": [grant(BROWSE, "group", None, value=None), grant(EDIT, "group", "writers")]},
                   groups={"writers": ["u1"]})


@pytest.mark.parametrize("who", ["u1", "u2", "anonymous"])
def test_group_anyone_matches_everyone_the_logged_out_visitor_included(who):
    exp = answer(ANYONE_SITE, who, BROWSE, "DOCS")
    assert exp.verdict is ALLOWED
    assert "Group (Anyone)" in text_of(exp)


def test_group_anyone_appears_in_who_can_with_the_anonymous_visitor():
    found = who_can(ANYONE_SITE, BROWSE, "DOCS")
    assert {e.account.account_id for e in found.allowed} >= {"u1", "u2", "anonymous"}


# ------------------------------------------------------------------ the optional holder types (rules section 3.2)

OPTIONAL_SITE = site(
    deployment=DC, groups={"hr": ["u1"], "staff": ["u2", "u3"]},
    schemes={"S": [grant(BROWSE, "reporterWithCreatePermission"), grant(BROWSE, "group", "hr"),
                   grant(CREATE, "group", "staff"), grant("ASSIGNABLE_USER", "group", "hr"),
                   grant(ASSIGN, "assigneeWithAssignablePermission"), grant(ASSIGN, "group", "hr")]},
    issues=[issue("ENG-1", reporter="u2", assignee="u1"), issue("ENG-2", reporter="u3", assignee="u3")],
)


def test_reportercreate_in_a_project_matches_those_who_may_create_there():
    assert answer(OPTIONAL_SITE, "u2", BROWSE, "ENG").verdict is ALLOWED
    assert answer(OPTIONAL_SITE, "u1", BROWSE, "ENG").verdict is ALLOWED  # through group hr


def test_reportercreate_on_an_issue_matches_its_reporter_only():
    assert answer(OPTIONAL_SITE, "u2", BROWSE, "ENG-1").verdict is ALLOWED
    exp = answer(OPTIONAL_SITE, "u3", BROWSE, "ENG-1")
    assert exp.verdict is DENIED


def test_assigneeassignable_on_an_issue_matches_its_assignee():
    exp = answer(OPTIONAL_SITE, "u3", ASSIGN, "ENG-2")  # u3 reports ENG-2, so browses it, and is its assignee
    assert exp.verdict is ALLOWED
    assert "Current assignee (show only projects with assignable permission)" in text_of(exp)


def test_an_optional_type_on_the_permission_it_depends_on_cannot_decide():
    looping = site(deployment=DC, schemes={"S": [BROWSE_LOGGED_IN, grant(CREATE, "reporterWithCreatePermission")]})
    exp = answer(looping, "u1", CREATE, "ENG")
    assert exp.verdict is UNKNOWN and "invalid on CREATE_ISSUES" in text_of(exp)


# ------------------------------------------------------------------ SYSTEM_ADMIN beside ADMINISTER (rules section 5)

ADMIN_SITE = site(deployment=DC, groups={"sysadmins": ["u1"], "admins": ["u2"]},
                  global_grants={"SYSTEM_ADMIN": ["sysadmins"], "ADMINISTER": ["admins"]},
                  schemes={"S": [BROWSE_LOGGED_IN]})


def test_a_system_administrator_is_a_jira_administrator():
    exp = answer(ADMIN_SITE, "u1", "ADMINISTER", "ENG")
    assert exp.verdict is ALLOWED and "Jira System Administrator" in text_of(exp) and "rules section 5" in text_of(exp)


def test_a_jira_administrator_is_not_a_system_administrator():
    assert answer(ADMIN_SITE, "u2", "SYSTEM_ADMIN", "ENG").verdict is DENIED
    assert answer(ADMIN_SITE, "u2", "ADMINISTER", "ENG").verdict is ALLOWED


def test_a_system_administrator_inherits_administer_projects_like_a_jira_admin():
    assert answer(ADMIN_SITE, "u1", "ADMINISTER_PROJECTS", "ENG").verdict is ALLOWED  # decision 1


def test_on_cloud_system_admin_does_not_stand_in_for_administer():
    cloud = replace(ADMIN_SITE, site=replace(ADMIN_SITE.site, deployment=Deployment.CLOUD))
    assert evaluate(cloud, "u1", "ADMINISTER").verdict is DENIED


# ------------------------------------------------------------------ archived issues (section 13, decision 6)

ARCHIVE_SITE = site(deployment=DC, schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]},
                    issues=[issue("ENG-1"), replace(issue("ENG-2"), archived=True)])


def test_an_archived_issue_is_read_only_and_reachable_by_its_link():
    assert answer(ARCHIVE_SITE, "u1", EDIT, "ENG-2").verdict is DENIED
    exp = answer(ARCHIVE_SITE, "u1", BROWSE, "ENG-2")
    assert exp.verdict is ALLOWED and "Browse Archive" in text_of(exp)
    assert answer(ARCHIVE_SITE, "u1", EDIT, "ENG-1").verdict is ALLOWED


# ------------------------------------------------------------------ what DC does not publish (decision 10)

SECURE_SITE = site(deployment=DC, groups={"staff": ["u1"]}, projects=[project("ENG", security="SEC")],
                   security={"SEC": [level("10200", "Staff", holder("group", "staff"))]},
                   schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]},
                   issues=[issue("ENG-1", level="10200"), issue("ENG-2", status=IN_PROGRESS)])


def test_unpublished_level_members_make_an_issue_question_undeterminable():
    snap = replace(SECURE_SITE, facts=(*SECURE_SITE.facts, gap(FactKind.ISSUE_SECURITY_SCHEME, "SEC",
                                                                 Status.NOT_PUBLISHED)))
    exp = answer(snap, "u1", EDIT, "ENG-1")
    assert exp.verdict is UNKNOWN
    assert any(f.status is Status.NOT_PUBLISHED for f in exp.missing_facts)
    assert "supply" in exp.missing_facts[0].remedy()
    assert answer(snap, "u1", EDIT, "ENG").verdict is ALLOWED  # a project question does not need them


def test_unpublished_status_properties_make_an_issue_question_undeterminable():
    snap = replace(SECURE_SITE, facts=(*SECURE_SITE.facts, gap(FactKind.WORKFLOW, DEFAULT_WORKFLOW, Status.NOT_PUBLISHED)))
    exp = answer(snap, "u1", EDIT, "ENG-2")
    assert exp.verdict is UNKNOWN and exp.missing_facts[0].kind is FactKind.WORKFLOW


def test_facts_supplied_by_hand_say_so_in_the_proof():
    hand = Fact(FactKind.ISSUE_SECURITY_SCHEME, "SEC", Status.COMPLETE, "", "supplied by hand", SUPPLIED_BY_HAND)
    snap = replace(SECURE_SITE, facts=(*(f for f in SECURE_SITE.facts if f.key != hand.key), hand))
    exp = answer(snap, "u1", EDIT, "ENG-1")
    assert exp.verdict is ALLOWED and "its members supplied by hand" in text_of(exp)


def test_unpublished_global_permissions_leave_only_the_syncing_account_known():
    snap = site(deployment=DC, account_globals={"u1": ["ADMINISTER", "SYSTEM_ADMIN"]},
                gaps=[gap(FactKind.GLOBAL_PERMISSIONS, None, Status.NOT_PUBLISHED)], schemes={"S": [BROWSE_LOGGED_IN]})
    exp = evaluate(snap, "u1", "ADMINISTER")
    assert exp.verdict is ALLOWED and "mypermissions" in text_of(exp)
    other = evaluate(snap, "u2", "ADMINISTER")
    assert other.verdict is UNKNOWN and other.missing_facts[0].status is Status.NOT_PUBLISHED


def test_users_and_roles_through_usernames_resolve():
    from explorer.core.replay.resolve import resolve_account

    snap = replace(DEV_SITE, accounts=tuple(replace(a, username=f"user.{a.account_id}") for a in DEV_SITE.accounts))
    assert resolve_account(snap, "user.u1").account_id == "u1"
    assert resolve_account(snap, "USER.U2").account_id == "u2"
    assert answer(snap, "u1", BROWSE, "ENG").verdict is ALLOWED


def test_role_actors_through_a_nested_group_in_a_security_level():
    snap = nesting_supplied(nested(site(
        deployment=DC, groups={"staff": [], "ops": ["u1"]}, projects=[project("ENG", security="SEC",
                                                                              roles={ADMINISTRATORS: users("u2")})],
        security={"SEC": [level("10200", "Staff", holder("group", "staff"))]},
        schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]},
        issues=[issue("ENG-1", level="10200")]), staff=("ops",)))
    exp = answer(snap, "u1", EDIT, "ENG-1")
    assert exp.verdict is ALLOWED and "via nested group staff > ops" in text_of(exp)
    assert answer(snap, "u2", EDIT, "ENG-1").verdict is DENIED
