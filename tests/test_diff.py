"""``jira-perms diff``: structural changes in words, effects by replay, widening first.

* purpose-built pairs (tests/site_builder.py): a grant added, a role actor
  removed, a group member added, a scheme switched, an anonymous grant added;
* a property test: on generated sites with random edits, the effects equal a
  brute-force replay of every question on both snapshots (so the pruning and
  the grouping of accounts never miss or invent a change).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.model import (
    ANONYMOUS,
    Fact,
    GlobalGrant,
    Grant,
    Group,
    Holder,
    RoleActors,
    Snapshot,
    Status,
    frozen_map,
)
from explorer.core.render.diff import diff_json, diff_text
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.explanation import Verdict
from explorer.core.review.diff import Effect, diff_snapshots, drop_issue_echoes
from explorer.store.snapshot_file import load_demo
from tests import site_builder as sb
from tests.hypothesis_profiles import examples
from tests.strategies import PERMISSION_KEYS, World, holders, snapshots

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])

BASE = dict(
    accounts=["u1", "u2", "u3", "u4"],
    groups={"dev": ["u1"], "qa": ["u3"]},
    projects=[sb.project("ENG", roles={sb.DEVELOPERS: sb.users("u2") + sb.groups("dev")}),
              sb.project("OPS", scheme="T")],
    schemes={"S": [sb.BROWSE_LOGGED_IN, sb.grant("EDIT_ISSUES", "projectRole", sb.DEVELOPERS)],
             "T": [sb.BROWSE_LOGGED_IN]},
)


def pair(**changes) -> tuple[Snapshot, Snapshot]:
    return sb.site(**BASE), sb.site(**{**BASE, **changes})


def gained(diff, account: str) -> set[tuple[str, str | None]]:
    return {(e.permission, e.project_key) for e in diff.effects if e.account_id == account and e.gained}


def lost(diff, account: str) -> set[tuple[str, str | None]]:
    return {(e.permission, e.project_key) for e in diff.effects if e.account_id == account and e.lost}


def test_identical_snapshots_differ_in_nothing():
    old, new = pair()
    diff = diff_snapshots(old, new)
    assert diff.changes == () and diff.effects == () and not diff.changed_in_effect
    assert "Nothing changed in effect" in diff_text(diff)


def test_a_grant_added():
    old, new = pair(schemes={**BASE["schemes"], "S": [*BASE["schemes"]["S"], sb.grant("DELETE_ISSUES", "group", "qa")]})
    diff = diff_snapshots(old, new)
    [change] = diff.changes
    assert change.area == "grant" and change.action == "added" and not change.widening
    assert "Delete Issues granted to group qa" in change.summary and change.projects == ("ENG",)
    assert gained(diff, "u3") == {("DELETE_ISSUES", "ENG")}
    assert {e.account_id for e in diff.effects} == {"u3"}


def test_a_role_actor_removed():
    projects = [sb.project("ENG", roles={sb.DEVELOPERS: sb.groups("dev")}), BASE["projects"][1]]
    old, new = pair(projects=projects)
    diff = diff_snapshots(old, new)
    [change] = diff.changes
    assert change.area == "role_actor" and change.action == "removed" and change.account_id == "u2"
    assert change.summary == "User u2 removed from role Developers in ENG"
    assert lost(diff, "u2") == {("EDIT_ISSUES", "ENG")}
    assert gained(diff, "u2") == set() and {e.account_id for e in diff.effects} == {"u2"}


def test_a_group_member_added():
    old, new = pair(groups={"dev": ["u1", "u4"], "qa": ["u3"]})
    diff = diff_snapshots(old, new)
    summaries = [c.summary for c in diff.changes]
    assert "User u4 joined group dev" in summaries
    assert gained(diff, "u4") == {("EDIT_ISSUES", "ENG")}


def test_a_scheme_switched():
    projects = [sb.project("ENG", scheme="T", roles={sb.DEVELOPERS: sb.users("u2") + sb.groups("dev")}),
                BASE["projects"][1]]
    old, new = pair(projects=projects)
    diff = diff_snapshots(old, new)
    [change] = [c for c in diff.changes if c.area == "scheme_assignment"]
    assert change.summary == "Project ENG now uses permission scheme 'Scheme T' (was 'Scheme S')"
    assert lost(diff, "u1") == lost(diff, "u2") == {("EDIT_ISSUES", "ENG")}
    assert not any(e.gained for e in diff.effects)


def test_an_anonymous_grant_is_flagged_first():
    old, new = pair(groups={"dev": ["u1", "u4"], "qa": ["u3"]},
                    schemes={**BASE["schemes"], "T": [sb.BROWSE_LOGGED_IN, sb.BROWSE_PUBLIC]})
    diff = diff_snapshots(old, new)
    assert diff.changes[0].widening and "Public" in diff.changes[0].summary
    assert [c.widening for c in diff.changes] == [True, False]
    assert diff.effects[0].account_id == "anonymous" and diff.effects[0].widening
    assert gained(diff, "anonymous") == {("BROWSE_PROJECTS", "OPS")}
    text = diff_text(diff)
    assert text.index("⚠ Widening") < text.index("Effect:") < text.index("What changed")
    assert "⚠ Anonymous (logged-out visitor) gained Browse Projects in OPS" in text
    data = diff_json(diff)
    assert data["changedInEffect"] and data["widening"]["effects"][0]["accountId"] == "anonymous"


def test_an_admin_grant_and_an_admin_gain_are_widening():
    old, new = pair(global_grants={"ADMINISTER": ["qa"]})
    diff = diff_snapshots(old, new)
    assert diff.changes[0].area == "global_grant" and diff.changes[0].widening
    admin = [e for e in diff.effects if e.account_id == "u3" and e.permission in ("ADMINISTER", "ADMINISTER_PROJECTS")]
    assert {e.permission for e in admin} == {"ADMINISTER", "ADMINISTER_PROJECTS"} and all(e.widening for e in admin)


def test_projects_archived_added_and_removed():
    projects = [sb.project("ENG", archived=True, roles={sb.DEVELOPERS: sb.users("u2") + sb.groups("dev")}),
                sb.project("NEW", scheme="T")]
    old, new = pair(projects=projects)
    diff = diff_snapshots(old, new)
    summaries = {c.summary for c in diff.changes}
    assert {"Project ENG was archived", "New project NEW (Project NEW)", "Project OPS (Project OPS) is gone"} <= summaries
    assert ("EDIT_ISSUES", "ENG") in lost(diff, "u2")
    assert ("BROWSE_PROJECTS", "NEW") in gained(diff, "u1")
    assert ("BROWSE_PROJECTS", "OPS") in lost(diff, "u1")
    assert ("BROWSE_PROJECTS", "ENG") not in lost(diff, "u1")  # Browse survives archiving (decision 6)


def test_the_account_filter_keeps_that_account_only():
    old, new = pair(groups={"dev": ["u1", "u4"], "qa": ["u3", "u2"]})
    diff = diff_snapshots(old, new, account=new.accounts[0])
    assert {e.account_id for e in diff.effects} <= {"u1"}
    assert not any(c.area == "group_member" for c in diff.changes)
    diff = diff_snapshots(old, new, account=next(a for a in new.accounts if a.account_id == "u4"))
    assert {c.summary for c in diff.changes} == {"User u4 joined group dev"}
    assert {e.account_id for e in diff.effects} == {"u4"}


def test_issue_level_changes_are_reported_when_the_project_level_does_not_show_them():
    security = {"SEC": [sb.level("1", "Staff", Holder("group", "dev", sb.group_id("dev")))]}
    projects = [sb.project("ENG", security="SEC", roles={sb.DEVELOPERS: sb.users("u2") + sb.groups("dev")})]
    old = sb.site(**{**BASE, "projects": projects}, security=security, issues=[sb.issue("ENG-1")])
    new = sb.site(**{**BASE, "projects": projects}, security=security, issues=[sb.issue("ENG-1", level="1")])
    diff = diff_snapshots(old, new)
    assert any("security level is now 1" in c.summary for c in diff.changes)
    u2 = {(e.permission, e.issue_key) for e in diff.effects if e.account_id == "u2" and e.lost}
    assert ("BROWSE_PROJECTS", "ENG-1") in u2 and ("EDIT_ISSUES", "ENG-1") in u2
    assert not any(e.account_id == "u1" for e in diff.effects)  # a member of dev, in the level


def test_the_demo_against_itself_evaluates_nothing():
    demo = load_demo()
    diff = diff_snapshots(demo, demo)
    assert diff.evaluations == 0 and not diff.changes and not diff.effects


# ---------------------------------------------------------------- the property: equal to a brute-force replay


@st.composite
def edited(draw):
    """A generated site and a copy with a few random edits of what access depends on."""
    old = draw(snapshots())
    new = old
    world = World(tuple(a.account_id for a in old.accounts), old.groups,
                  tuple(r.id for r in old.roles) or ("10001",))
    for _ in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(("member", "grant", "ungrant", "actor", "archive", "scheme", "active",
                                     "global", "assignee", "level", "drop_group", "fact")))
        new = _edit(draw, new, world, what)
    return old, new


def _edit(draw, snap: Snapshot, world: World, what: str) -> Snapshot:
    ids = world.account_ids
    if what == "member" and snap.groups:
        i = draw(st.integers(0, len(snap.groups) - 1))
        g = snap.groups[i]
        aid = draw(st.sampled_from(ids))
        members = tuple(m for m in g.members if m != aid) if aid in g.members else (*g.members, aid)
        return replace(snap, groups=snap.groups[:i] + (replace(g, members=members),) + snap.groups[i + 1:])
    if what in ("grant", "ungrant") and snap.permission_schemes:
        i = draw(st.integers(0, len(snap.permission_schemes) - 1))
        s = snap.permission_schemes[i]
        if what == "grant" or not s.grants:
            grants = (*s.grants, Grant("new", draw(st.sampled_from(PERMISSION_KEYS)), draw(holders(world))))
        else:
            j = draw(st.integers(0, len(s.grants) - 1))
            grants = s.grants[:j] + s.grants[j + 1:]
        return replace(snap, permission_schemes=snap.permission_schemes[:i] + (replace(s, grants=grants),)
                       + snap.permission_schemes[i + 1:])
    if what in ("actor", "archive", "scheme") and snap.projects:
        i = draw(st.integers(0, len(snap.projects) - 1))
        p = snap.projects[i]
        if what == "actor":
            role = draw(st.sampled_from(world.role_ids))
            actors = p.role_actors.get(role, RoleActors())
            aid = draw(st.sampled_from(ids))
            users = tuple(u for u in actors.users if u != aid) if aid in actors.users else (*actors.users, aid)
            p = replace(p, role_actors=frozen_map({**p.role_actors, role: replace(actors, users=users)}))
        elif what == "archive":
            p = replace(p, archived=not p.archived)
        elif snap.permission_schemes and not p.team_managed:
            p = replace(p, permission_scheme_id=draw(st.sampled_from([s.id for s in snap.permission_schemes])))
        return replace(snap, projects=snap.projects[:i] + (p,) + snap.projects[i + 1:])
    if what == "active":
        i = draw(st.integers(0, len(snap.accounts) - 1))
        a = snap.accounts[i]
        return replace(snap, accounts=snap.accounts[:i] + (replace(a, active=not a.active),) + snap.accounts[i + 1:])
    if what == "global":
        group = draw(st.sampled_from((None, *world.group_names)))
        perm = draw(st.sampled_from([g.key for g in GLOBAL_PERMISSIONS]))
        return replace(snap, global_grants=(*snap.global_grants, GlobalGrant(perm, group)))
    if what in ("assignee", "level") and snap.issues:
        i = draw(st.integers(0, len(snap.issues) - 1))
        issue = snap.issues[i]
        if what == "assignee":
            issue = replace(issue, assignee=draw(st.none() | st.sampled_from(ids)))
        else:
            levels = [lv.id for s in snap.issue_security_schemes for lv in s.levels]
            issue = replace(issue, security_level_id=draw(st.sampled_from((None, *levels))))
        return replace(snap, issues=snap.issues[:i] + (issue,) + snap.issues[i + 1:])
    if what == "drop_group" and snap.groups:
        i = draw(st.integers(0, len(snap.groups) - 1))
        return replace(snap, groups=snap.groups[:i] + snap.groups[i + 1:])
    if what == "fact" and snap.groups:
        g = draw(st.sampled_from(snap.groups))
        fact = Fact(sb.FactKind.GROUP_MEMBERS, g.name, draw(st.sampled_from((Status.TRUNCATED, Status.COMPLETE))))
        return replace(snap, facts=(*[f for f in snap.facts if f.key != fact.key], fact))
    return snap


def brute_force(old: Snapshot, new: Snapshot) -> set[tuple]:
    common = [ANONYMOUS] + [a for a in new.accounts if a.account_id in {x.account_id for x in old.accounts}]
    old_projects = {p.key for p in old.projects}
    projects = [p.key for p in new.projects if p.key in old_projects]
    old_issues = {i.key for i in old.issues}
    issues = [i for i in new.issues if i.key in old_issues and i.project_key in projects]
    out: list[Effect] = []
    for account in common:
        aid = account.account_id
        for perm in GLOBAL_PERMISSIONS:
            a, b = evaluate(old, aid, perm.key).verdict, evaluate(new, aid, perm.key).verdict
            if a is not b:
                out.append(Effect(aid, "", perm.key, None, None, a, b))
        for key in projects:
            for perm in PROJECT_PERMISSIONS:
                a, b = evaluate(old, aid, perm.key, key).verdict, evaluate(new, aid, perm.key, key).verdict
                if a is not b:
                    out.append(Effect(aid, "", perm.key, key, None, a, b))
        for issue in issues:
            for perm in PROJECT_PERMISSIONS:
                a = evaluate(old, aid, perm.key, None, issue.key).verdict
                b = evaluate(new, aid, perm.key, None, issue.key).verdict
                if a is not b:
                    out.append(Effect(aid, "", perm.key, issue.project_key, issue.key, a, b))
    return {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after)
            for e in drop_issue_echoes(out)}


@SETTINGS
@given(edited())
def test_effects_equal_a_brute_force_replay(pair_of_sites):
    old, new = pair_of_sites
    diff = diff_snapshots(old, new)
    found = {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after) for e in diff.effects
             if e.before is not None and e.after is not None}
    assert found == brute_force(old, new)
    assert diff.changed_in_effect == bool(diff.effects)
    if diff.effects:
        assert diff.changes, "an effect without a structural change to explain it"


def test_brute_force_check_can_fail():
    """The comparison above is not vacuous: an edit that matters shows up in the brute force."""
    old, new = pair(groups={"dev": ["u1", "u4"], "qa": ["u3"]})
    assert ("u4", "EDIT_ISSUES", "ENG", None, Verdict.DENIED, Verdict.ALLOWED) in brute_force(old, new)


def test_group_ids_resolve_in_each_snapshot():
    """A renamed group (same id) shows as a rename of the grant's holder, not as a silent no-op."""
    old = sb.site(**BASE)
    groups = tuple(Group("developers", g.group_id, g.members) if g.name == "dev" else g for g in old.groups)
    new = replace(old, groups=groups)
    diff = diff_snapshots(old, new)
    assert any(c.area == "group" and c.action == "added" and c.subject == "developers" for c in diff.changes)


# ---------------------------------------------------------------- cautions (issue 11 paper cut)


def test_a_diff_of_two_sites_or_in_reverse_order_says_so(tmp_path):
    import subprocess
    import sys

    from explorer.store.snapshot_file import load_demo, write_snapshot

    demo = load_demo()
    other = replace(demo, site=replace(demo.site, url="https://other-company.atlassian.net"))
    later = replace(demo, provenance=replace(demo.provenance, taken_at="2026-12-01T10:00:00Z"))
    assert diff_snapshots(demo, demo).cautions == ()
    assert "different sites" in diff_snapshots(demo, other).cautions[0]
    backwards = diff_snapshots(later, demo).cautions
    assert len(backwards) == 1 and "OLD was taken after NEW" in backwards[0]
    assert diff_snapshots(demo, later).cautions == ()
    a, b = tmp_path / "a.jpsnap", tmp_path / "b.jpsnap"
    write_snapshot(later, a)
    write_snapshot(other, b)
    run = subprocess.run([sys.executable, "-m", "explorer", "diff", str(a), str(b)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "⚠ The snapshots are of different sites" in run.stdout and "⚠ OLD was taken after NEW" in run.stdout
    assert run.stderr.count("jira-perms: warning:") == 2
    run = subprocess.run([sys.executable, "-m", "explorer", "diff", str(a), str(b), "--format", "json"],
                         capture_output=True, text=True)
    import json

    assert len(json.loads(run.stdout)["cautions"]) == 2
