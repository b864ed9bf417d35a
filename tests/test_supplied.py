"""Facts supplied by hand (jira-perms supply): the form, the merge, and every way a form can be wrong."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from explorer.core.model import SUPPLIED_BY_HAND, Fact, FactKind, GlobalGrant, Holder, Status
from explorer.store.supplied import SupplyError, read_form, supply, supply_file, template
from tests.fake_jira_dc import generate_dc_site
from tests.fake_jira_dc.forms import form_for


@pytest.fixture(scope="module")
def truth():
    return generate_dc_site(seed=5, projects=6, accounts=30, groups=6)


def synced(truth):
    """What a DC sync reads of the truth: the four facts DC does not publish are gaps, their objects empty."""
    facts = [Fact(FactKind.GROUPS, None, Status.COMPLETE), Fact(FactKind.GROUP_NESTING, None, Status.NOT_PUBLISHED),
             Fact(FactKind.GLOBAL_PERMISSIONS, None, Status.NOT_PUBLISHED)]
    facts += [Fact(FactKind.ISSUE_SECURITY_SCHEME, s.id, Status.NOT_PUBLISHED) for s in truth.issue_security_schemes]
    facts += [Fact(FactKind.WORKFLOW, w.name, Status.NOT_PUBLISHED) for w in truth.workflows]
    return replace(
        truth,
        groups=tuple(replace(g, subgroups=()) for g in truth.groups),
        global_grants=(),
        issue_security_schemes=tuple(replace(s, levels=tuple(replace(lv, members=()) for lv in s.levels))
                                     for s in truth.issue_security_schemes),
        workflows=tuple(replace(w, statuses=tuple(replace(st, properties={}) for st in w.statuses))
                        for w in truth.workflows),
        facts=tuple(facts),
    )


def test_a_filled_form_gives_back_what_dc_does_not_publish(truth):
    merged = supply(synced(truth), tomllib.loads(form_for(truth)), source="dc-facts.toml")
    snap = merged.snapshot
    assert set(snap.global_grants) == set(truth.global_grants)
    assert {g.name: g.subgroups for g in snap.groups} == {g.name: g.subgroups for g in truth.groups}
    assert snap.issue_security_schemes == truth.issue_security_schemes
    assert {w.name: w for w in snap.workflows} == {w.name: w for w in truth.workflows}
    assert not snap.gaps
    hand = [f for f in snap.facts if f.supplied_by_hand]
    assert len(hand) == 2 + len(truth.issue_security_schemes) + len(truth.workflows)
    assert all(f.source == SUPPLIED_BY_HAND and "dc-facts.toml" in f.detail for f in hand)
    assert any("global permissions" in line for line in merged.completed)


def test_an_unedited_template_supplies_nothing(truth):
    text = template(synced(truth))
    assert text.count("[") >= 1 and all(line.startswith("#") or not line.strip() or line.startswith("site =")
                                        for line in text.splitlines())
    for needle in ("[global_permissions]", "[group_nesting]", "ADMINISTER = []", "SYSTEM_ADMIN = []",
                   "BROWSE_ARCHIVE = []", "[issue_security.Confidential]", "[workflows.jira]"):
        assert needle in text, needle
    with pytest.raises(SupplyError, match="supplies nothing"):
        supply(synced(truth), tomllib.loads(text))


def test_a_template_lists_only_what_is_missing(truth):
    done = supply(synced(truth), tomllib.loads(form_for(truth))).snapshot
    text = template(done)
    assert "[global_permissions]" not in text and "[workflows." not in text and "[issue_security." not in text


def test_each_section_completes_only_its_own_facts(truth):
    form = {"site": truth.site.url, "group_nesting": {"team-000": ["team-001"]}}
    snap = supply(synced(truth), form).snapshot
    assert snap.fact_status(FactKind.GROUP_NESTING).supplied_by_hand
    assert snap.fact_status(FactKind.GLOBAL_PERMISSIONS).status is Status.NOT_PUBLISHED
    assert {g.name: g.subgroups for g in snap.groups}["team-000"] == ("team-001",)


@pytest.mark.parametrize(("form", "message"), [
    ({"site": "https://other.example.test"}, "the form is for https://other.example.test"),
    ({}, "must name the site"),
    ({"sites": 1}, "unknown section"),
    ({"global_permissions": {"ADMINISTER": ["jira-admins"]}}, "missing: SYSTEM_ADMIN"),
    ({"global_permissions": {"ADMINISTRATOR": []}}, "unknown global permission"),
    ({"global_permissions": {"ADMINISTER": ["Anyone"]}}, "Anyone hold an administration permission"),
    ({"global_permissions": {"ADMINISTER": "jira-admins"}}, "must be a list of text"),
    ({"group_nesting": {"team-000": ["no-such-group"]}}, "group 'no-such-group' is not on the site"),
    ({"group_nesting": {"team-000": ["team-001"], "team-001": ["team-000"]}}, "round in a circle: team-000 > team-001 > team-000"),
    ({"group_nesting": {"team-000": ["team-000"]}}, "cannot contain itself"),
    ({"issue_security": {"Nope": {}}}, "no issue security scheme"),
    ({"issue_security": {"Confidential": {"Staff": []}}}, "missing: Team"),
    ({"issue_security": {"Confidential": {"Staff": ["wizard"], "Team": []}}}, "unknown member 'wizard'"),
    ({"issue_security": {"Confidential": {"Staff": ["group"], "Team": []}}}, "group needs a name"),
    ({"issue_security": {"Confidential": {"Staff": ["role:Nobody"], "Team": []}}}, "no project role 'Nobody'"),
    ({"issue_security": {"Confidential": {"Staff": ["user:nobody"], "Team": []}}}, "no user with username or key"),
    ({"workflows": {"Unknown Workflow": {}}}, "no workflow of that name"),
    ({"workflows": {"jira": {"Nowhere": {}}}}, "no such status in workflow jira"),
    ({"workflows": {"jira": {"To Do": {"jira.permission.edit.denied": 1}}}}, "must be text"),
])
def test_a_wrong_form_is_one_line_and_changes_nothing(truth, form, message):
    form = dict(form)
    if form and "site" not in form and "sites" not in form:
        form["site"] = truth.site.url
    with pytest.raises(SupplyError) as info:
        supply(synced(truth), form, source="f.toml")
    text = str(info.value)
    assert message in text, text
    assert "\n" not in text


def test_members_are_written_as_the_admin_pages_name_them(truth):
    levels = {"Staff": ["group:JIRA-ADMINS", "role:Administrators", "reporter", "user:dev.lead", "anyone"],
              "Team": ["logged-in", "application:jira-software", "user-field:customfield_10100", "lead"]}
    snap = supply(synced(truth), {"site": truth.site.url, "issue_security": {"Confidential": levels}}).snapshot
    scheme = next(s for s in snap.issue_security_schemes if s.name == "Confidential")
    staff, team = scheme.levels
    assert staff.members == (Holder("group", "jira-admins"), Holder("projectRole", "10002"), Holder("reporter"),
                             Holder("user", "JIRAUSER10001"), Holder("anyone"))
    assert team.members == (Holder("applicationRole"), Holder("applicationRole", "jira-software"),
                            Holder("userCustomField", "customfield_10100"), Holder("projectLead"))


def test_jira_disagreeing_with_the_form_is_a_warning(truth):
    snap = replace(synced(truth), account_global_permissions={"ada": frozenset({"ADMINISTER"})})
    form = tomllib.loads(form_for(truth))
    form["global_permissions"]["ADMINISTER"] = ["team-003"]
    merged = supply(snap, form)
    assert any("Jira said ada holds ADMINISTER" in w for w in merged.warnings)
    assert GlobalGrant("ADMINISTER", "team-003") in merged.snapshot.global_grants


def test_reading_a_form_file(tmp_path, truth):
    path = tmp_path / "dc-facts.toml"
    path.write_text(form_for(truth))
    assert set(supply_file(synced(truth), path).snapshot.global_grants) == set(truth.global_grants)
    path.write_text("site = [unclosed\n")
    with pytest.raises(SupplyError, match="not valid TOML"):
        read_form(path)
    with pytest.raises(SupplyError, match="does not exist"):
        read_form(tmp_path / "missing.toml")
    path.write_bytes(b"site = \"\xff\"\n")
    with pytest.raises(SupplyError, match="not UTF-8"):
        read_form(path)
    path.write_bytes(b"#" * (5 * 1024 * 1024))
    with pytest.raises(SupplyError, match="over 4 MB"):
        read_form(path)
