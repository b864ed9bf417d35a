"""What-if scenarios: every change kind on the demo site, changes that are already so, changes that change
nothing in effect, answers that become "cannot determine", dangers, the change language and change files."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from explorer.core.model import Group, Snapshot
from explorer.core.render.whatif import whatif_json, whatif_markdown, whatif_text
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.explanation import Verdict
from explorer.core.review.diff import diff_snapshots
from explorer.core.whatif.engine import WhatIf, parse_changes, what_if
from explorer.core.whatif.kinds import Kind
from explorer.core.whatif.language import ChangeError, changes_toml, parse_change, read_changes_file
from explorer.store.profiles import shipped_profiles
from explorer.store.snapshot_file import load_demo
from tests import site_builder as sb

DEMO = load_demo()
PROFILES = tuple(shipped_profiles())
CONTRACTORS_BROWSE = "Software Permission Scheme: BROWSE_PROJECTS -> group contractors"


def run(*items: tuple[str, str], snapshot: Snapshot = DEMO, **kwargs) -> WhatIf:
    """The what-if answer, checked against the effective diff of the snapshot and its changed copy."""
    result = what_if(snapshot, parse_changes(snapshot, items), profiles=PROFILES, **kwargs)
    expected = diff_snapshots(snapshot, result.applied.after).effects
    rows = {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after) for e in expected}
    assert rows == {(e.account_id, e.permission, e.project_key, e.issue_key, e.before, e.after)
                    for e in result.effects.effects()}
    return result


def aid(name: str) -> str:
    return next(a.account_id for a in DEMO.accounts if a.display_name == name)


def moved(result: WhatIf, name: str, kind: str) -> set[tuple[str, str]]:
    """(permission, place) of one account's moves of one kind."""
    who = aid(name) if name != "anonymous" else "anonymous"
    return {(m.permission, m.where) for m in result.effects.moves if m.kind == kind and who in m.accounts}


# ---------------------------------------------------------------- every kind


def test_removing_a_grant_names_who_loses_what_where():
    result = run(("remove-grant", CONTRACTORS_BROWSE))
    assert result.changed_in_effect
    assert ("BROWSE_PROJECTS", "ENG") in moved(result, "Nadia Ivanova", "lost")
    assert ("EDIT_ISSUES", "ENG") in moved(result, "Nadia Ivanova", "lost")
    assert moved(result, "Lukas Becker", "lost") == {("BROWSE_PROJECTS", "LEGACY"),
                                                     ("VIEW_VOTERS_AND_WATCHERS", "LEGACY")}
    # contractors was read only in part: who else is in it was unknown, and no longer matters
    assert ("BROWSE_PROJECTS", "ENG") in moved(result, "Frank Finance", "known")
    text = whatif_text(result)
    assert "Nadia Ivanova" in text and "loses" in text and "in ENG" in text and "exit code 1" in text


def test_adding_a_member_who_is_already_there_changes_nothing_and_says_so():
    result = run(("add-to-group", "jira-software-users += Alice Admin"))
    assert not result.applied.changed and not result.changed_in_effect
    assert result.applied.after is DEMO
    assert "already a member of group jira-software-users" in result.applied.outcomes[0].note
    assert "Nothing changes: every change is already so." in whatif_text(result)


def test_an_applied_change_can_change_nothing_in_effect():
    result = run(("add-to-role", "ENG: Developers += user Priya Patel"))
    assert result.applied.changed and not result.changed_in_effect
    assert "already an actor through group developers" in result.applied.outcomes[0].note
    assert "No account gains or loses anything" in whatif_text(result)


def test_a_grant_to_anyone_flags_public_browse():
    result = run(("add-grant", "Software Permission Scheme: BROWSE_PROJECTS -> anyone"))
    assert ("BROWSE_PROJECTS", "ENG") in moved(result, "anonymous", "gained")
    public = [d for d in result.dangers if d.kind == "public"]
    assert public and "without logging in, could browse ENG" in public[0].summary
    assert whatif_text(result).index("Dangerous outcomes") < whatif_text(result).index("Who gains")


def test_joining_the_admin_group_flags_administer_projects_and_jira():
    result = run(("add-to-group", "jira-admins-acme += Lukas Becker"))
    kinds = {(d.kind, d.permission) for d in result.dangers}
    assert ("admin", "ADMINISTER_PROJECTS") in kinds and ("admin", "ADMINISTER") in kinds
    assert ("ADMINISTER", "the site") in moved(result, "Lukas Becker", "gained")


def test_adding_a_truncated_group_to_a_role_makes_answers_undeterminable():
    result = run(("add-to-role", "ENG: Developers += group contractors"))
    assert moved(result, "Frank Finance", "unknown"), "who else is in contractors is not known"
    assert ("TRANSITION_ISSUES", "ENG") in moved(result, "Nadia Ivanova", "gained")
    permission, place = sorted(moved(result, "Frank Finance", "unknown"))[0]
    frank = evaluate(result.applied.after, aid("Frank Finance"), permission, place if "-" not in place else None,
                     place if "-" in place else None)
    assert frank.verdict is Verdict.UNKNOWN


def test_removing_from_a_role_and_not_being_a_direct_actor():
    result = run(("remove-from-role", "ENG: Developers -= user Lukas Becker"))
    assert ("TRANSITION_ISSUES", "ENG") in moved(result, "Lukas Becker", "lost")
    result = run(("remove-from-role", "ENG: Developers -= user Priya Patel"))
    assert not result.applied.changed
    assert "through group developers" in result.applied.outcomes[0].note


def test_removing_a_group_from_a_role():
    result = run(("remove-from-role", "ENG: Developers -= group developers"))
    assert ("EDIT_ISSUES", "ENG") in moved(result, "Daniel Kim", "lost")


def test_switching_a_scheme_and_keeping_it():
    result = run(("set-scheme", "ENG = Operations Permission Scheme"))
    assert result.changed_in_effect
    assert {m.project_key for m in result.effects.moves} == {"ENG"}
    same = run(("set-scheme", "ENG = Software Permission Scheme"))
    assert not same.applied.changed and "already so" in same.applied.outcomes[0].note


def test_team_managed_projects_have_no_scheme_to_set():
    with pytest.raises(ChangeError, match="team-managed"):
        parse_change(DEMO, "set-scheme", "WEB = Software Permission Scheme")


def test_deactivating_takes_everything_and_twice_is_nothing():
    result = run(("deactivate", "Priya Patel"))
    priya = aid("Priya Patel")
    assert result.effects.accounts() == {priya}
    assert not result.effects.accounts("gained")
    assert ("BROWSE_PROJECTS", "ENG") in moved(result, "Priya Patel", "lost")
    assert not run(("deactivate", "Ian Former")).applied.changed


def test_removing_product_access_leaves_the_product_groups():
    result = run(("remove-product-access", "Alice Admin"))
    note = result.applied.outcomes[0].note
    assert "jira-software-users" in note and "jira-servicemanagement-users" in note
    after = {g.name: g for g in result.applied.after.groups}
    assert aid("Alice Admin") not in after["jira-software-users"].members
    assert ("SERVICEDESK_AGENT", "HELP") in moved(result, "Alice Admin", "lost")
    one = run(("remove-product-access", "Jira Service Management: Alice Admin"))
    assert "jira-software-users" not in one.applied.outcomes[0].note
    none = run(("remove-product-access", "Frank Finance"))
    assert not none.applied.changed and "no group that gives" in none.applied.outcomes[0].note


def test_a_group_that_stops_giving_a_product():
    result = run(("remove-product-access", "Jira Service Management -= group jira-servicemanagement-users"))
    assert ("SERVICEDESK_AGENT", "HELP") in moved(result, "Sofia Alvarez", "lost")
    again = run(("remove-product-access", "Jira Service Management -= group developers"))
    assert not again.applied.changed and "does not give" in again.applied.outcomes[0].note


def test_archiving_keeps_the_view_only_permissions():
    result = run(("archive", "ENG"))
    lost = moved(result, "Priya Patel", "lost")
    assert ("EDIT_ISSUES", "ENG") in lost and ("BROWSE_PROJECTS", "ENG") not in lost
    assert not run(("archive", "LEGACY")).applied.changed


def test_changes_apply_in_order():
    result = run(("add-to-group", "developers += Frank Finance"), ("remove-from-group", "developers -= Frank Finance"))
    assert all(o.applied for o in result.applied.outcomes)
    assert not result.changed_in_effect


def test_a_grant_that_is_already_there_and_one_that_is_not():
    already = run(("add-grant", "Software Permission Scheme: EDIT_ISSUES -> user custom field customfield_10050"))
    assert not already.applied.changed and "already grants" in already.applied.outcomes[0].note
    missing = run(("remove-grant", "Software Permission Scheme: EDIT_ISSUES -> group contractors"))
    assert not missing.applied.changed
    assert "its grants of Edit Issues are to" in missing.applied.outcomes[0].note


# ---------------------------------------------------------------- service accounts


def test_a_service_account_losing_what_its_profile_needs_is_flagged():
    result = run(("remove-from-group", "jira-software-users -= Backbone Sync"))
    flagged = [d for d in result.dangers if d.kind == "service_account"]
    assert len(flagged) == 1 and flagged[0].profile_id == "backbone"
    assert any(detail.startswith("Edit Issues in ENG, OPS") for detail in flagged[0].details)
    assert "Synchronize issues" in " ".join(flagged[0].details)


def test_service_accounts_can_be_named():
    result = run(("remove-from-group", "jira-software-users -= Quinn Tester"),
                 service_accounts={aid("Quinn Tester"): "backbone"})
    assert [d.profile_id for d in result.dangers if d.kind == "service_account"] == ["backbone"]
    assert not [d for d in run(("remove-from-group", "jira-software-users -= Quinn Tester")).dangers
                if d.kind == "service_account"]



def test_service_accounts_found_among_the_accounts_that_move_or_on_the_whole_site_alike():
    """With few accounts moving only they are looked at by name; once the site's list is known it is used: the
    same dangers either way."""
    from explorer.core.model import Account
    from explorer.core.whatif.dangers import named_service_accounts

    extra = tuple(Account(f"712020:extra-{n}", f"Backbone Sync Helper {n}") for n in range(200))
    site = replace(DEMO, accounts=DEMO.accounts + extra)  # 2 of 220 accounts move: the few-accounts way
    changes = parse_changes(site, [("remove-from-group", "jira-software-users -= Backbone Sync")])
    profiles = tuple(shipped_profiles())
    few = what_if(site, changes, profiles=profiles).dangers
    named_service_accounts(site, profiles)  # now known for the whole site: that map is used
    whole = what_if(site, changes, profiles=profiles).dangers
    assert [d for d in few if d.kind == "service_account"] and few == whole

# ---------------------------------------------------------------- Data Center nesting


def test_joining_a_nested_group_joins_the_groups_that_nest_it():
    base = sb.site(groups={"dev": ["u1"], "staff": ["u1"]}, schemes={"S": [sb.grant("BROWSE_PROJECTS", "group", "staff")]})
    groups = tuple(replace(g, subgroups=("dev",)) if g.name == "staff" else g for g in base.groups)
    snap = replace(base, groups=groups)
    joined = run(("add-to-group", "dev += u2"), snapshot=snap)
    assert "also joins staff" in joined.applied.outcomes[0].note
    assert ("BROWSE_PROJECTS", "ENG") in {(m.permission, m.where) for m in joined.effects.moves if m.kind == "gained"}
    left = run(("remove-from-group", "dev -= u1"), snapshot=snap)
    assert "also leaves staff" in left.applied.outcomes[0].note
    assert isinstance(snap.groups[0], Group)


# ---------------------------------------------------------------- the language


@pytest.mark.parametrize("kind, text, needle", [
    ("remove-grant", "Sofware Permision Scheme: browse -> group contractors", "Did you mean 'Software Permission Scheme'"),
    ("add-to-group", "jira-softwar-users += Alice Admin", "Did you mean 'jira-software-users'"),
    ("add-to-group", "jira-software-users += Alise Admin", "Did you mean 'Alice Admin'"),
    ("add-to-role", "ENG: Devlopers += user Alice Admin", "Did you mean 'Developers'"),
    ("add-to-role", "ENGG: Developers += user Alice Admin", "Did you mean 'ENG'"),
    ("add-to-role", "ENG: Developers -= user Alice Admin", "-= is for --remove-from-role"),
    ("add-to-role", "ENG: Developers += Alice Admin", "say 'user NAME' or 'group NAME'"),
    ("add-grant", "Software Permission Scheme: browse projcts -> anyone", "Did you mean 'Browse Projects'"),
    ("add-grant", "Software Permission Scheme: administer jira -> group developers", "global permission"),
    ("add-grant", "Software Permission Scheme: browse -> everybody", "write one of: group NAME"),
    ("add-grant", "Software Permission Scheme: browse -> user custom field Approvers", "customfield_10050"),
    ("add-grant", "Software Permission Scheme browse -> anyone", "expected \"SCHEME: PERMISSION -> HOLDER\""),
    ("deactivate", "anonymous", "not an account"),
    ("remove-product-access", "Jira Sofware -= group developers", "Did you mean 'Jira Software'"),
])
def test_bad_changes_are_one_line_with_a_suggestion(kind, text, needle):
    with pytest.raises(ChangeError) as caught:
        parse_change(DEMO, kind, text)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"--{kind} ")
    assert needle in message


def test_holders_in_the_words_of_the_rules():
    words = {"group developers": ("group", "developers"), "role Developers": ("projectRole", "10001"),
             "user Alice Admin": ("user", aid("Alice Admin")), "anyone": ("anyone", None),
             "logged-in": ("applicationRole", None), "application access Jira Software": ("applicationRole",
                                                                                       "jira-software"),
             "reporter": ("reporter", None), "assignee": ("assignee", None), "project lead": ("projectLead", None),
             "user custom field customfield_10050": ("userCustomField", "customfield_10050"),
             "group custom field customfield_10060": ("groupCustomField", "customfield_10060"),
             "portal access": ("sd.customer.portal.only", None)}
    for text, (kind, parameter) in words.items():
        change = parse_change(DEMO, "add-grant", f"Software Permission Scheme: EDIT_ISSUES -> {text}")
        assert (change.holder.type, change.holder.parameter) == (kind, parameter), text
        assert parse_change(DEMO, "add-grant", change.text) == change


def test_every_kind_round_trips_through_a_changes_file():
    items = [("add-grant", "software: edit issues -> role service desk team"), ("remove-grant", CONTRACTORS_BROWSE),
             ("add-to-role", "eng: developers += group qa-team"), ("remove-from-role", "ENG: QA -= group qa-team"),
             ("add-to-group", "reviewers += frank.finance@acme.example"), ("remove-from-group", "reviewers -= Mei Lin"),
             ("set-scheme", "OPS = Software Permission Scheme"), ("deactivate", "Rob Reviewer"),
             ("remove-product-access", "jira-software: Rob Reviewer"), ("archive", "ops")]
    changes = parse_changes(DEMO, items)
    assert {c.kind for c in changes} == set(Kind)
    text = changes_toml(changes, site=DEMO.site.url, title="Tidy up")
    again = parse_changes(DEMO, read_changes_file(text))
    assert again == changes


@pytest.mark.parametrize("text, needle", [
    ("schema = 1\n", "at least one [[changes]]"),
    ("[[changes]]\nfly = \"x\"\n", "unknown change 'fly'"),
    ("[[changes]]\narchive = \"ENG\"\ndeactivate = \"Rob\"\n", "exactly one of"),
    ("schema = 2\n[[changes]]\narchive = \"ENG\"\n", "schema 2"),
    ("[[changes]\n", "not valid TOML"),
    ("oops = 1\n[[changes]]\narchive = \"ENG\"\n", "unknown key 'oops'"),
])
def test_bad_changes_files(text, needle):
    with pytest.raises(ChangeError, match=None) as caught:
        read_changes_file(text)
    assert needle in str(caught.value)


# ---------------------------------------------------------------- renderings


def test_renderings_agree():
    result = run(("remove-grant", CONTRACTORS_BROWSE), ("add-to-group", "jira-software-users += Alice Admin"))
    data = whatif_json(result)
    assert data["changedInEffect"] is True
    assert [c["applied"] for c in data["changes"]] == [True, False]
    assert len(data["effects"]) == result.effects.cells()
    assert read_changes_file(data["changesFile"])
    md = whatif_markdown(result, title="Remove contractors from Browse")
    assert md.startswith("## Remove contractors from Browse")
    assert "- [ ] Remove the grant of Browse Projects to group contractors" in md
    assert "*(already so: nothing to do)*" in md
    text = whatif_text(result)
    assert all(len(line) <= 80 for line in text.splitlines() if not line.startswith(("     --", "  jira-perms ")))


def test_hostile_names_are_shown_safely():
    evil = "Mallory\x1b[2J\u202e"
    snap = replace(DEMO, accounts=tuple(replace(a, display_name=evil) if a.display_name == "Nadia Ivanova" else a
                                        for a in DEMO.accounts))
    result = run(("remove-grant", CONTRACTORS_BROWSE), snapshot=snap)
    text = whatif_text(result)
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text


# ---------------------------------------------------------------- HTML in a real browser


def test_the_html_page_escapes_names_and_shows_the_dangers():
    from explorer.core.render.whatif import whatif_html

    evil = "<script>alert(1)</script>"
    snap = replace(DEMO, accounts=tuple(replace(a, display_name=evil) if a.display_name == "Frank Finance" else a
                                        for a in DEMO.accounts))
    page = whatif_html(run(("add-grant", "Software Permission Scheme: BROWSE_PROJECTS -> anyone"), snapshot=snap))
    assert evil not in page and "&lt;script&gt;" in page
    assert "⚠ Dangerous outcomes" in page and "without logging in, could browse ENG" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_chromium_renders_the_what_if_page(tmp_path):
    from collections import Counter

    from explorer.core.render.whatif import whatif_html
    from tests.test_report import read_png, render

    html = tmp_path / "whatif.html"
    html.write_text(whatif_html(run(("add-grant", "Software Permission Scheme: BROWSE_PROJECTS -> anyone"))),
                    encoding="utf-8")
    png = tmp_path / "whatif.png"
    result = render(html, png, tmp_path / "profile")
    assert png.exists(), result.stderr[-2000:]
    width, height, rows = read_png(png.read_bytes())
    pixels: Counter[bytes] = Counter(row[x:x + 3] for row in rows[::4] for x in range(0, len(row), 12))
    assert len(pixels) > 40, "the page looks blank or unstyled"
    yellow = sum(n for p, n in pixels.items() if abs(p[0] - 0xFF) < 6 and abs(p[1] - 0xF8) < 6 and abs(p[2] - 0xC5) < 8)
    assert yellow > 0, "the dangers' warning box is missing: the inline CSS was not applied"
