"""Integration-readiness audits on purpose-built sites and on the demo site."""

from __future__ import annotations

import pytest

from explorer.core.errors import LookupFailed
from explorer.core.model import FactKind, ProjectType
from explorer.core.readiness.audit import Readiness, audit, patch_of
from explorer.core.readiness.fit import rank_profiles
from explorer.core.readiness.profiles import find_profile, parse_profile
from explorer.core.render.audit import audit_json, audit_markdown, audit_text, cell_text, fits_text
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.store.profiles import shipped_profiles
from explorer.store.snapshot_file import load_demo
from tests.site_builder import (
    ADMINISTRATORS,
    AGENTS,
    DEVELOPERS,
    account,
    gap,
    grant,
    project,
    site,
    team_project,
    users,
)

SYNC_PROFILE = """
schema = 1
name = "Test Sync"
vendor = "Tests"
purpose = "A sync bot"
source = "this test"

[[features]]
id = "issues"
title = "Issue sync"
  [[features.requirements]]
  permission = "BROWSE_PROJECTS"
  why = "read issues"
  [[features.requirements]]
  permission = "CREATE_ISSUES"
  why = "create issues"
  [[features.requirements]]
  permission = "EDIT_ISSUES"
  why = "update issues"

[[features]]
id = "jsm"
title = "Service desks"
  [[features.requirements]]
  permission = "SERVICEDESK_AGENT"
  why = "work as an agent"
  project_types = ["service_management"]
  [[features.requirements]]
  role = "Service Desk Team"
  why = "the agent role"
  project_types = ["service_management"]
  [[features.requirements]]
  product = "jira-servicedesk"
  why = "an agent licence"
  project_types = ["service_management"]

[[features]]
id = "webhooks"
title = "Webhooks"
optional = true
  [[features.requirements]]
  global = "ADMINISTER"
  why = "register webhooks"
"""

PROFILE = parse_profile(SYNC_PROFILE, "test-sync")
ISSUE_PERMS = ("BROWSE_PROJECTS", "CREATE_ISSUES", "EDIT_ISSUES")


def _grants(role: str, *perms: str):
    return [grant(p, "projectRole", role) for p in perms]


def sync_site(*, eng_perms=ISSUE_PERMS, help_perms=(*ISSUE_PERMS, "SERVICEDESK_AGENT"), jsm_licence=True,
              in_agents=True, extra_projects=(), with_help=True, **kwargs):
    """ENG (software) where Developers hold ``eng_perms``; HELP (service management) for Service Desk Team."""
    projects = [project("ENG", scheme="S", roles={DEVELOPERS: users("bot")})]
    schemes = {"S": _grants(DEVELOPERS, *eng_perms) + _grants(ADMINISTRATORS, "BROWSE_PROJECTS", "ADMINISTER_PROJECTS",
                                                             "DELETE_ISSUES")}
    if with_help:
        projects.append(project("HELP", scheme="J", type=ProjectType.SERVICE_DESK,
                                roles={AGENTS: users("bot") if in_agents else users("u2")}))
        schemes["J"] = _grants(AGENTS, *help_perms)
    products = {"jira-software": "*", "jira-servicedesk": ["bot"] if jsm_licence else ["u2"]}
    return site(projects=[*projects, *extra_projects], schemes={**schemes, **kwargs.pop("schemes", {})},
                products=products, **kwargs)


def _cell(report, project_key: str, number: int):
    row = next(r for r in report.rows if r.project.key == project_key)
    return row.cells[number - 1]


# ------------------------------------------------------------------ verdicts


def test_ready_everywhere():
    report = audit(sync_site(), PROFILE, "bot")
    assert report.readiness is Readiness.READY and report.readiness.exit_code == 0
    assert [c.id for c in report.features] == ["issues", "jsm"]
    assert [c.id for c in report.skipped_features] == ["webhooks"]
    assert [r.readiness for r in report.rows] == [Readiness.READY, Readiness.READY]
    assert report.totals["missing"] == 0 and report.totals["undetermined"] == 0
    assert report.findings == ()


def test_in_a_jsm_project_only_there_do_the_service_management_requirements_apply():
    report = audit(sync_site(), PROFILE, "bot")
    eng, help_ = report.rows
    assert [c is None for c in eng.cells] == [False, False, False, True, True, True]
    assert all(c is not None and c.verdict is Verdict.ALLOWED for c in help_.cells)
    assert report.totals["notApplicable"] == 3
    # the licence is site-wide: one verdict, shared by the JSM project
    assert report.site_cells[5] is help_.cells[5]


def test_without_a_jsm_project_the_jsm_licence_is_not_asked_for():
    report = audit(sync_site(with_help=False, jsm_licence=False), PROFILE, "bot")
    assert report.readiness is Readiness.READY
    assert all(c is None for c in report.site_cells)
    assert "–" in audit_text(report)


def test_missing_jsm_licence_makes_only_the_jsm_project_not_ready():
    report = audit(sync_site(jsm_licence=False), PROFILE, "bot")
    eng, help_ = report.rows
    assert eng.readiness is Readiness.READY and help_.readiness is Readiness.NOT_READY
    assert report.readiness is Readiness.NOT_READY and report.readiness.exit_code == 1
    licence = help_.cells[5]
    assert licence.verdict is Verdict.DENIED and licence.project_key is None
    assert licence.best_fix is not None
    assert "Jira Service Management access (add to group jira-servicedesk-users)" in licence.best_fix.summary
    agent = help_.cells[3]  # Service Project Agent needs the licence too
    assert agent.verdict is Verdict.DENIED and any("Product access" in f for f in agent.failing)


def test_not_ready_names_the_failing_check_and_a_proven_fix():
    snap = sync_site(eng_perms=("BROWSE_PROJECTS", "CREATE_ISSUES"), schemes={"S2": []})
    report = audit(snap, PROFILE, "bot")
    eng = report.rows[0]
    assert eng.readiness is Readiness.NOT_READY
    edit = eng.cells[2]
    assert edit.verdict is Verdict.DENIED and edit.explanation is not None
    assert edit.failing and edit.failing[0].startswith("Scheme grants: ")
    fix = edit.best_fix
    assert fix is not None
    patch = patch_of(fix.changes)
    assert patch is not None
    patched = index_for(snap).with_patch(patch)
    assert evaluate_in(patched, "bot", "EDIT_ISSUES", "ENG").verdict is Verdict.ALLOWED
    text = audit_text(report)
    assert "✗ 3. Edit Issues" in text and "Fix: " in text and "update issues" in text


def test_cannot_determine_when_the_scheme_was_not_readable():
    snap = sync_site(gaps=[gap(FactKind.PERMISSION_SCHEME, "S")])
    snap = snap.__class__(**{**{f: getattr(snap, f) for f in snap.__dataclass_fields__},
                             "permission_schemes": tuple(s for s in snap.permission_schemes if s.id != "S")})
    report = audit(snap, PROFILE, "bot")
    eng, help_ = report.rows
    assert eng.readiness is Readiness.UNKNOWN and help_.readiness is Readiness.READY
    assert report.readiness is Readiness.UNKNOWN and report.readiness.exit_code == 3
    cell = eng.cells[0]
    assert cell.verdict is Verdict.UNKNOWN
    assert cell.missing and cell.missing[0].kind is FactKind.PERMISSION_SCHEME
    assert "re-sync with an account that has Administer Jira" in cell.failing[0]


def test_missing_beats_unknown():
    snap = sync_site(jsm_licence=False, gaps=[gap(FactKind.PROJECT_ROLES, "ENG")])
    report = audit(snap, PROFILE, "bot")
    assert report.readiness is Readiness.NOT_READY


def test_role_requirement_missing_with_fix():
    report = audit(sync_site(in_agents=False, help_perms=(*ISSUE_PERMS, "SERVICEDESK_AGENT"),
                             schemes={"J2": []}), PROFILE, "bot")
    help_ = report.rows[1]
    role = help_.cells[4]
    assert role.verdict is Verdict.DENIED
    assert role.best_fix is not None and role.best_fix.summary == "Add User bot to role Service Desk Team in HELP"
    assert "also grants User bot" in role.best_fix.blast_summary  # the role holds HELP's permissions
    # one change fixes every missing requirement in HELP: joining the agents' role
    assert help_.covering_fix is not None and "role Service Desk Team in HELP" in help_.covering_fix.summary


def test_role_that_the_site_does_not_have():
    profile = parse_profile(SYNC_PROFILE.replace('role = "Service Desk Team"', 'role = "Integrations"'), "t")
    report = audit(sync_site(), profile, "bot")
    cell = report.rows[1].cells[4]
    assert cell.verdict is Verdict.DENIED and "has no project role named 'Integrations'" in cell.headline


def test_role_in_a_team_managed_project_whose_roles_were_not_read():
    tm = team_project("DESK", type=ProjectType.SERVICE_DESK, team_roles=())
    report = audit(sync_site(extra_projects=[tm]), PROFILE, "bot", projects=["DESK"])
    cell = report.rows[0].cells[4]
    assert cell.verdict is Verdict.UNKNOWN and cell.missing[0].kind is FactKind.TEAM_ROLES


def test_team_managed_agent_role_is_found_by_its_alias():
    profile = parse_profile(SYNC_PROFILE.replace('role = "Service Desk Team"',
                                                 'role = "Service Desk Team"\n  role_aliases = ["Agent"]'), "t")
    tm = team_project("DESK", type=ProjectType.SERVICE_DESK, roles={"tm-agent": users("bot")})
    report = audit(sync_site(extra_projects=[tm]), profile, "bot", projects=["DESK"])
    assert report.rows[0].cells[4].verdict is Verdict.ALLOWED


def test_deactivated_account_is_not_ready_and_the_fix_is_to_reactivate():
    snap = sync_site(accounts=[account("bot", active=False)])
    report = audit(snap, PROFILE, "bot")
    assert report.readiness is Readiness.NOT_READY
    fixes = {f.summary for c in report.missing_cells() for f in c.fixes}
    assert "Reactivate User bot" in fixes


def test_optional_feature_is_audited_when_asked_for():
    snap = sync_site(global_grants={"ADMINISTER": ["jira-admins"]}, groups={"jira-admins": ["u1"]})
    report = audit(snap, PROFILE, "bot", features=["webhooks"])
    assert [f.id for f in report.features] == ["webhooks"]
    cell = report.site_cells[0]
    assert cell.verdict is Verdict.DENIED
    assert cell.best_fix is not None and cell.best_fix.summary.startswith("Add User bot to group jira-admins")


def test_projects_scope_archived_and_unknown():
    snap = sync_site(extra_projects=[project("OLD", scheme="S", archived=True, roles={DEVELOPERS: users("bot")})])
    report = audit(snap, PROFILE, "bot")
    assert [r.project.key for r in report.rows] == ["ENG", "HELP"]
    assert report.skipped_projects[0][0] == "OLD"
    named = audit(snap, PROFILE, "bot", projects=["old"])
    assert [r.project.key for r in named.rows] == ["OLD"]
    assert named.rows[0].readiness is Readiness.NOT_READY  # archived: read-only
    assert any(f.action == "restore_project" for c in named.missing_cells() for fx in c.fixes for f in fx.changes)
    with pytest.raises(LookupFailed, match="unknown project 'NOPE'; the snapshot has: ENG, HELP, OLD"):
        audit(snap, PROFILE, "bot", projects=["NOPE"])


# ------------------------------------------------------------------ least privilege


def _kinds(report) -> list[str]:
    return [f.kind for f in report.findings]


def test_administrators_role_is_a_finding_with_what_it_gives():
    snap = site(
        projects=[project("ENG", scheme="S", roles={ADMINISTRATORS: users("bot"), DEVELOPERS: users("bot")})],
        schemes={"S": _grants(DEVELOPERS, *ISSUE_PERMS)
                 + _grants(ADMINISTRATORS, "BROWSE_PROJECTS", "ADMINISTER_PROJECTS", "DELETE_ISSUES")})
    report = audit(snap, PROFILE, "bot")
    assert report.readiness is Readiness.READY  # ready, yet over-privileged
    finding, = report.findings
    assert finding.kind == "administrators_role" and finding.severity == "high" and finding.project_key == "ENG"
    assert finding.permissions == ("ADMINISTER_PROJECTS", "DELETE_ISSUES")
    assert "Remove User bot from role Administrators in ENG" in finding.remedy
    text = audit_text(report)
    assert "Least privilege" in text and "! HIGH [ENG]" in text
    # the least-privilege section is separate from the missing items
    assert text.index("Per project") < text.index("Least privilege")


def test_admin_like_permissions_from_a_group_are_a_finding():
    snap = site(groups={"power": ["bot"]}, projects=[project("ENG", scheme="S", roles={DEVELOPERS: users("bot")})],
                schemes={"S": _grants(DEVELOPERS, *ISSUE_PERMS) + [grant("DELETE_ALL_COMMENTS", "group", "power"),
                                                                  grant("MODIFY_REPORTER", "group", "power")]})
    report = audit(snap, PROFILE, "bot")
    finding, = report.findings
    assert finding.kind == "admin_like_permissions" and finding.severity == "medium"
    assert finding.permissions == ("DELETE_ALL_COMMENTS", "MODIFY_REPORTER")
    assert any("group power" in v for v in finding.via)


def test_a_permission_the_profile_needs_is_not_a_finding():
    profile = parse_profile(SYNC_PROFILE.replace('permission = "EDIT_ISSUES"', 'permission = "DELETE_ISSUES"'), "t")
    snap = site(projects=[project("ENG", scheme="S", roles={DEVELOPERS: users("bot")})],
                schemes={"S": _grants(DEVELOPERS, "BROWSE_PROJECTS", "CREATE_ISSUES", "DELETE_ISSUES")})
    assert audit(snap, profile, "bot").findings == ()


def test_jira_admin_is_a_finding_unless_the_audited_features_need_it():
    snap = sync_site(global_grants={"ADMINISTER": ["jira-admins"]}, groups={"jira-admins": ["bot"]})
    report = audit(snap, PROFILE, "bot")
    assert _kinds(report) == ["jira_admin"]
    finding = report.findings[0]
    assert "only the feature 'Webhooks' (webhooks), not audited, needs it" in finding.summary
    assert finding.remedy.startswith("Remove User bot from group jira-admins")
    # Administer Projects inherited from Jira admin is part of that finding, not one per project
    assert not any(f.kind == "admin_like_permissions" for f in report.findings)
    assert audit(snap, PROFILE, "bot", features=["all"]).findings == ()


def test_browse_on_projects_not_asked_for_only_when_projects_are_named():
    snap = sync_site()
    assert audit(snap, PROFILE, "bot").findings == ()
    report = audit(snap, PROFILE, "bot", projects=["ENG"])
    finding, = report.findings
    assert (finding.kind, finding.severity, finding.project_key) == ("browse_unrequested", "low", "HELP")


# ------------------------------------------------------------------ ranking and output


def test_rank_profiles_puts_the_best_fit_first_and_guesses_nothing():
    narrow = parse_profile(SYNC_PROFILE.split("[[features]]\nid = \"jsm\"")[0], "narrow")
    needs_admin = parse_profile(SYNC_PROFILE.replace("optional = true", "optional = false"), "needs-admin")
    result = rank_profiles(sync_site(jsm_licence=False), [needs_admin, PROFILE, narrow], "bot")
    assert [f.profile.id for f in result.fits] == ["narrow", "test-sync", "needs-admin"]
    assert result.best.report.readiness is Readiness.READY
    assert [f.rank for f in result.fits] == [1, 2, 3]
    assert f"Best fit: {narrow.display} (narrow)" in fits_text(result)


def test_renderers_agree_on_the_verdicts():
    report = audit(sync_site(jsm_licence=False), PROFILE, "bot")
    data = audit_json(report)
    assert data["readiness"] == "not_ready" and data["ready"] is False
    assert [p["readiness"] for p in data["projects"]] == ["ready", "not_ready"]
    assert data["projects"][0]["cells"][3] is None
    assert data["requirements"][3]["projectTypes"] == ["service_management"]
    assert data["totals"]["missing"] == report.totals["missing"] == 2
    md = audit_markdown(report)
    assert md.startswith("## ✗ Not ready: User bot for Test Sync") and "| HELP | ✗ not ready |" in md
    detail = cell_text(report.rows[1].cells[5])
    assert "Why: an agent licence" in detail and "Fix 1: Give User bot Jira Service Management access" in detail


# ------------------------------------------------------------------ the demo site

VENDORS = [
    ("support-fusion", "Support Fusion Integration"),
    ("helpdesk-plus", "Helpdesk+ Bot"),
    ("backbone", "Backbone Sync"),
    ("workato", "Workato Connector"),
    ("factory", "Factory Droid"),
]


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def profiles():
    return shipped_profiles()


@pytest.mark.parametrize("profile_id, who", VENDORS)
def test_every_vendor_account_misses_something_with_a_fix(demo, profiles, profile_id, who):
    report = audit(demo, find_profile(profiles, profile_id), who)
    assert report.readiness is Readiness.NOT_READY
    missing = report.missing_cells()
    assert missing
    assert any(c.best_fix is not None for c in missing)
    text = audit_text(report)
    assert "Fix: " in text or "One change fixes" in text


def test_backbone_misses_what_the_demo_story_says(demo, profiles):
    report = audit(demo, find_profile(profiles, "backbone"), "Backbone Sync", projects=["ENG"])
    eng = report.rows[0]
    missing = {c.requirement.key for c in eng.applicable() if c.verdict is Verdict.DENIED}
    assert missing == {"DELETE_OWN_ATTACHMENTS", "MANAGE_WATCHERS", "ADMINISTER_PROJECTS"}
    assert eng.covering_fix is not None and "role Administrators in ENG" in eng.covering_fix.summary


def test_workato_cannot_close_in_eng_and_webhooks_need_a_jira_admin(demo, profiles):
    workato = find_profile(profiles, "workato")
    report = audit(demo, workato, "Workato Connector", projects=["ENG"])
    close = next(c for c in report.rows[0].applicable() if c.requirement.key == "CLOSE_ISSUES")
    assert close.verdict is Verdict.DENIED
    assert close.best_fix is not None and close.best_fix.summary.startswith("Add Workato Connector to role QA in ENG")
    hooks = audit(demo, workato, "Workato Connector", features=["webhooks"])
    assert hooks.site_cells[0].verdict is Verdict.DENIED
    assert "group jira-admins-acme" in hooks.site_cells[0].best_fix.summary


def test_support_fusion_needs_an_agent_licence_in_help(demo, profiles):
    report = audit(demo, find_profile(profiles, "support-fusion"), "Support Fusion Integration", projects=["HELP"])
    help_ = report.rows[0]
    agent = [c for c in help_.applicable() if c.requirement.key == "SERVICEDESK_AGENT"]
    assert len(agent) == 2 and all(c.verdict is Verdict.DENIED for c in agent)
    assert "Jira Service Management access" in agent[0].best_fix.summary


def test_helpdesk_plus_needs_its_jira_admin_so_it_is_no_finding(demo, profiles):
    report = audit(demo, find_profile(profiles, "helpdesk-plus"), "Helpdesk+ Bot")
    assert report.site_cells[0].verdict is Verdict.ALLOWED  # Jira admin
    assert "jira_admin" not in _kinds(report)
    help_ = next(r for r in report.rows if r.project.key == "HELP")
    assert help_.readiness is Readiness.READY


def test_over_privileged_factory_droid_shows_its_least_privilege_warnings(demo, profiles):
    report = audit(demo, find_profile(profiles, "factory"), "Factory Droid", projects=["ENG"])
    kinds = _kinds(report)
    assert "jira_admin" in kinds and "administrators_role" in kinds and "browse_unrequested" in kinds
    admin_role = next(f for f in report.findings if f.kind == "administrators_role" and f.project_key == "ENG")
    assert "ADMINISTER_PROJECTS" in admin_role.permissions and "DELETE_ISSUES" in admin_role.permissions
    assert report.findings[0].severity == "high"
    text = audit_text(report)
    assert "! HIGH" in text and "Administer Jira" in text


def test_all_profiles_on_the_demo(demo, profiles):
    result = rank_profiles(demo, profiles, "Factory Droid")
    assert {f.profile.id for f in result.fits} == {p for p, _ in VENDORS}
    assert result.best.profile.id == "factory"
    shares = [f.share for f in result.fits]
    assert shares == sorted(shares, reverse=True)


# ---------------------------------------------------------------- ranking and names (issue 11 paper cuts)


@pytest.mark.parametrize("account, profile_id", [
    ("Backbone Sync", "backbone"), ("Workato Connector", "workato"), ("Factory Droid", "factory"),
    ("Support Fusion Integration", "support-fusion"), ("Helpdesk+ Bot", "helpdesk-plus"),
])
def test_the_profile_an_account_was_made_for_ranks_first(account, profile_id):
    from explorer.store.profiles import shipped_profiles

    result = rank_profiles(load_demo(), shipped_profiles(), account)
    assert result.best is not None and result.best.profile.id == profile_id
    assert result.best.named  # and the report says why
    assert all(not f.named for f in result.fits[1:])


def test_a_person_gets_the_profiles_ranked_by_fit_alone():
    from explorer.store.profiles import shipped_profiles

    result = rank_profiles(load_demo(), shipped_profiles(), "Alice Admin")
    assert not any(f.named for f in result.fits)
    shares = [f.share for f in result.fits]
    assert shares == sorted(shares, reverse=True)


def test_the_ranking_is_explained_and_fits_80_columns():
    from explorer.core.render.audit import fits_json, fits_text
    from explorer.store.profiles import shipped_profiles

    result = rank_profiles(load_demo(), shipped_profiles(), "Backbone Sync")
    text = fits_text(result)
    assert "named like the account: backbone" in text and "Ranked by: profiles named like the account first" in text
    assert all(len(line) <= 80 for line in text.splitlines() if line.startswith("  "))
    assert fits_json(result)["profiles"][0]["namedLikeTheAccount"] == ["backbone"]


def test_vendor_names_read_once():
    from explorer.store.profiles import shipped_profiles

    shown = {p.id: p.display for p in shipped_profiles()}
    assert shown["backbone"] == "Backbone Issue Sync (K15t)"
    assert shown["factory"] == "Factory" and shown["workato"] == "Workato" and shown["support-fusion"] == "Support Fusion"
    assert all(display.count("(") <= 1 for display in shown.values())
