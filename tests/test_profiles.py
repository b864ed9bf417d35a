"""The shipped integration profiles, checked item by item against their vendors' guides; user profile files.

Each table has one row per requirement of a shipped profile, in the profile's order:
(feature id, kind, key, what the guide calls it, words of the guide that the profile's "why" must carry,
project-type conditions, inferred).  The profile must match its table exactly, and when the guides are
available (``/work/shared/seeds`` or ``$JIRA_PERMS_SEEDS``) every quoted word must be in the guide.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from explorer.core.readiness.profiles import (
    ProfileError,
    RequirementKind,
    find_profile,
    parse_profile,
)
from explorer.store.profiles import all_profiles, read_profile_file, shipped_profiles, user_profiles

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # the clone's ../shared, as CI lays it out
SEEDS = Path(os.environ.get("JIRA_PERMS_SEEDS") or (_BESIDE if _BESIDE.is_dir() else "/work/shared/seeds"))
GUIDES = {
    "support-fusion": "000_1399650c7c09a475.txt",
    "helpdesk-plus": "001_a6b2c601bf44c30f.txt",
    "backbone": "002_f8d10e8483822c88.txt",
    "workato": "003_0931b0e0cbe83f6b.txt",
    "factory": "004_791760c9cff7209a.txt",
}

P, G, PR, R = "project_permission", "global_permission", "product_access", "project_role"
JSM = {"service_management"}

SUPPORT_FUSION = [
    ("issues", P, "BROWSE_PROJECTS", "Browse Projects", "Required to view and access project issues", set(), False),
    ("issues", P, "CREATE_ISSUES", "Create Issues", "Required to create new issues from synchronized tickets", set(),
     False),
    ("issues", P, "EDIT_ISSUES", "Edit Issues", "Required to update existing issues with synchronized changes", set(),
     False),
    ("comments", P, "ADD_COMMENTS", "Add Comments", "Required to sync comments between platforms", set(), False),
    ("attachments", P, "CREATE_ATTACHMENTS", "Create Attachments", "Required to sync attachments (if applicable)",
     set(), False),
    ("service-management", P, "SERVICEDESK_AGENT", "View Customers", "Required to access customer information", JSM,
     False),
    ("service-management", P, "SERVICEDESK_AGENT", "View Organizations",
     "Required to access organization data for proper ticket assignment", JSM, False),
]

HELPDESK_PLUS = [
    ("connection", G, "ADMINISTER", "Jira Administrator Access", "to create a connection to the APIs", set(), False),
    ("connection", PR, "jira-servicedesk", "JSM License",
     "A valid Jira Service Management (JSM) license is required for integration functionality", set(), False),
    ("service-desks", R, "Service Desk Team", "JSM Agent Role",
     "For each selected service desk, main authorized users must have the JSM Agent role", JSM, False),
    ("issues", P, "BROWSE_PROJECTS", "Browse Project",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
    ("issues", P, "CREATE_ISSUES", "Create Issue",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
    ("issues", P, "ADD_COMMENTS", "Comment on Issue",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
    ("issues", P, "EDIT_ISSUES", "Edit Issue",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
    ("issues", P, "TRANSITION_ISSUES", "Transition Issue",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
    ("issues", P, "CREATE_ATTACHMENTS", "Add Attachment",
     "Check Permissions Schemes for the following permissions have to be granted", set(), False),
]

BACKBONE = [
    ("issues", P, "BROWSE_PROJECTS", "Browse Projects", "Synchronize issues", set(), False),
    ("issues", P, "CREATE_ISSUES", "Create Issues", "Synchronize issues", set(), False),
    ("issues", P, "EDIT_ISSUES", "Edit Issues", "Synchronize issues", set(), False),
    ("workflow", P, "ADMINISTER_PROJECTS", "Administer projects", "Synchronize workflow statuses", set(), False),
    ("workflow", P, "TRANSITION_ISSUES", "Transition Issues", "Synchronize workflow statuses", set(), False),
    ("comments", P, "ADD_COMMENTS", "Add Comments", "Synchronize comments", set(), False),
    ("comments", P, "EDIT_OWN_COMMENTS", "Edit Own Comments", "Synchronize comments", set(), False),
    ("comments", P, "DELETE_OWN_COMMENTS", "Delete Own Comments", "Synchronize comments", set(), False),
    ("attachments", P, "CREATE_ATTACHMENTS", "Create Attachments", "Synchronize attachments", set(), False),
    ("attachments", P, "DELETE_OWN_ATTACHMENTS", "Delete Own Attachments", "Synchronize attachments", set(), False),
    ("watchers", P, "MANAGE_WATCHERS", "Manage Watchers", "Synchronize watchers", set(), False),
    ("links", P, "LINK_ISSUES", "Link Issues", "Synchronize issue links", set(), False),
    ("info-panel", P, "EDIT_ISSUES", "Edit Issues", "Use sync info panel", set(), False),
    ("info-panel", P, "ADMINISTER_PROJECTS", "Administer Projects", "Use sync info panel", set(), False),
    ("service-management", R, "Service Desk Team", "'Service Desk Team' role",
     "assign the sync user to the 'Service Desk Team' role", JSM, False),
    ("service-management", PR, "jira-servicedesk", "Service Desk Agent", "make him a Service Desk Agent", JSM, False),
]

WORKATO = [
    ("connection", PR, "jira", "login access to their Jira instance",
     "Jira users who have login access to their Jira instance can connect to Workato using their credentials",
     set(), False),
    ("connection", P, "BROWSE_PROJECTS", "access to an object", "will return a '403 - Forbidden' error", set(), False),
    ("issues", P, "CREATE_ISSUES", "Issues Permissions tab",
     "To use triggers and actions relating to Issues, your linked Jira account must be added to the permissions "
     "under the Issues Permissions tab", set(), True),
    ("issues", P, "EDIT_ISSUES", "Issues Permissions tab",
     "To use triggers and actions relating to Issues, your linked Jira account must be added to the permissions "
     "under the Issues Permissions tab", set(), True),
    ("issues", P, "ASSIGN_ISSUES", "assign issues", "only users of Jira Software are permitted to assign issues",
     set(), True),
    ("issues", P, "TRANSITION_ISSUES", "Issues Permissions tab",
     "To use triggers and actions relating to Issues, your linked Jira account must be added to the permissions "
     "under the Issues Permissions tab", set(), True),
    ("issues", P, "CLOSE_ISSUES", "Close issue",
     "if the Workato recipe wants to perform any 'Close issue' actions, the linked Jira account must also be "
     "assigned the role", set(), False),
    ("comments", P, "ADD_COMMENTS", "Comments Permissions tab",
     "To use triggers and actions relating to Comments, your linked Jira account must be added to the permissions "
     "under the Comments Permissions tab", set(), True),
    ("attachments", P, "CREATE_ATTACHMENTS", "Attachment Permissions tab",
     "To use the upload and download attachment actions, your linked Jira account must be added to the permissions "
     "under the Attachment Permissions tab", set(), True),
    ("webhooks", G, "ADMINISTER", "Jira Administrators global permissions",
     "Registering webhooks to Jira instances requires Jira Administrator global permissions", set(), False),
]

FACTORY = [
    ("issues", P, "BROWSE_PROJECTS", "Access to the authorized projects", "interact with your Jira boards and issues",
     set(), True),
    ("comments", P, "ADD_COMMENTS", "Comment on an issue", "comment on it or change its status", set(), True),
    ("status", P, "TRANSITION_ISSUES", "Change an issue's status", "comment on it or change its status", set(), True),
    ("create-edit", P, "CREATE_ISSUES", "Interact with issues (create)", "interact with your Jira boards and issues",
     set(), True),
    ("create-edit", P, "EDIT_ISSUES", "Interact with issues (edit)", "interact with your Jira boards and issues",
     set(), True),
]

TABLES = {
    "support-fusion": SUPPORT_FUSION,
    "helpdesk-plus": HELPDESK_PLUS,
    "backbone": BACKBONE,
    "workato": WORKATO,
    "factory": FACTORY,
}

OPTIONAL_FEATURES = {
    "support-fusion": {"attachments"},  # "Required to sync attachments (if applicable)"
    "helpdesk-plus": set(),
    "backbone": set(),  # every function is audited unless --feature narrows it
    "workato": {"webhooks"},  # only real-time triggers need the webhook
    "factory": {"create-edit"},  # the guide does not say Droids create or edit issues
}


def _norm(text: str) -> str:
    text = text.replace("**", "").replace("*", "").replace("“", '"').replace("”", '"').replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def shipped():
    return {p.id: p for p in shipped_profiles()}


def test_five_profiles_are_shipped(shipped):
    assert set(shipped) == set(TABLES)
    for profile in shipped.values():
        assert profile.name and profile.vendor and profile.purpose and profile.source
        assert profile.origin == "shipped"


@pytest.mark.parametrize("profile_id", sorted(TABLES))
def test_profile_matches_its_guide_item_by_item(shipped, profile_id):
    profile = shipped[profile_id]
    rows = [(f.id, r.kind.value, r.key, r.guide_item, r.project_types, r.inferred, r.why)
            for f, r in profile.requirements()]
    table = TABLES[profile_id]
    assert len(rows) == len(table), [r[:3] for r in rows]
    for got, want in zip(rows, table, strict=True):
        feature, kind, key, item, quote, types, inferred = want
        assert got[:4] == (feature, kind, key, item), (got[:4], want[:4])
        assert {t.value if t.value != "service_desk" else "service_management" for t in got[4]} == types, want
        assert got[5] is inferred, want
        assert _norm(quote) in _norm(got[6]), f"{profile_id}: why of {key} lacks the guide's words {quote!r}"
    assert {f.id for f in profile.features if f.optional} == OPTIONAL_FEATURES[profile_id]


@pytest.mark.parametrize("profile_id", sorted(TABLES))
def test_quoted_words_are_the_guides(profile_id):
    path = SEEDS / GUIDES[profile_id]
    if not path.exists():
        pytest.skip(f"vendor guide not available at {path} (set JIRA_PERMS_SEEDS)")
    guide = _norm(path.read_text(encoding="utf-8"))
    for feature, _kind, key, item, quote, _types, inferred in TABLES[profile_id]:
        assert _norm(quote) in guide, f"{profile_id} {feature}/{key}: {quote!r} is not in the guide"
        if not inferred:
            assert _norm(item) in guide, f"{profile_id} {feature}/{key}: {item!r} is not what the guide calls it"


def test_support_fusion_says_how_view_customers_maps(shipped):
    profile = shipped["support-fusion"]
    jsm = profile.feature("service-management")
    assert jsm is not None
    for req in jsm.requirements:
        assert "Jira has no" in req.note and "Service Project Agent" in req.note
        assert "Jira Service Management licence" in req.note
    assert any("View Customers" in note for note in profile.notes)


def test_backbone_has_one_feature_per_function(shipped):
    ids = [f.id for f in shipped["backbone"].features]
    assert ids == ["issues", "workflow", "comments", "attachments", "watchers", "links", "info-panel",
                   "service-management"]


def test_factory_marks_everything_inferred_and_says_admin_is_for_the_person(shipped):
    profile = shipped["factory"]
    assert all(r.inferred for _, r in profile.requirements())
    assert not any(r.kind is RequirementKind.GLOBAL_PERMISSION for _, r in profile.requirements())
    assert any("prerequisite for the person doing the setup" in n for n in profile.notes)


def test_find_profile_by_id_name_or_unique_part(shipped):
    profiles = list(shipped.values())
    assert find_profile(profiles, "workato").id == "workato"
    assert find_profile(profiles, "Backbone Issue Sync").id == "backbone"
    assert find_profile(profiles, "HELPDESK").id == "helpdesk-plus"
    with pytest.raises(ProfileError, match="unknown profile 'zendesk'; the profiles are: "):
        find_profile(profiles, "zendesk")


def test_select_features(shipped):
    workato = shipped["workato"]
    assert [f.id for f in workato.select_features(None)] == ["connection", "issues", "comments", "attachments"]
    assert [f.id for f in workato.select_features(["webhooks"])] == ["webhooks"]
    assert [f.id for f in workato.select_features(["all"])] == [f.id for f in workato.features]
    assert [f.id for f in workato.select_features(["Comments triggers and actions", "issues"])] == [
        "issues", "comments"]
    with pytest.raises(ProfileError, match="profile workato has no feature 'tickets'; its features are: "):
        workato.select_features(["tickets"])


# ------------------------------------------------------------------ validation of user files

GOOD = """
schema = 1
name = "Acme Sync"
vendor = "Acme"
purpose = "Sync bot"
source = "Acme wiki"

[[features]]
id = "issues"
title = "Issues"

  [[features.requirements]]
  permission = "edit issues"
  why = "It edits issues."
"""


def test_a_good_profile_parses_with_names_resolved():
    profile = parse_profile(GOOD, "acme")
    (feature, req), = profile.requirements()
    assert (feature.id, req.kind, req.key, req.guide_item) == ("issues", RequirementKind.PROJECT_PERMISSION,
                                                               "EDIT_ISSUES", "Edit Issues")


BAD = [
    (GOOD.replace("schema = 1", "schema = 2"), "schema: expected 1, got 2"),
    (GOOD.replace("schema = 1\n", ""), "schema: missing; expected schema = 1"),
    (GOOD.replace('name = "Acme Sync"\n', ""), "name: missing; expected a string"),
    (GOOD.replace('vendor = "Acme"', "vendor = 3"), "vendor: expected a string, got a number"),
    (GOOD.replace('id = "issues"', 'id = "Issue Sync"'), "features[0].id: expected lowercase letters"),
    (GOOD.replace('permission = "edit issues"', 'permission = "edit isues"'),
     "features[0].requirements[0].permission: unknown permission 'edit isues'. Did you mean 'Edit Issues'"),
    (GOOD.replace('permission = "edit issues"', 'permission = "ADMINISTER"'),
     "features[0].requirements[0].permission: Administer Jira is a global permission; write global = 'ADMINISTER'"),
    (GOOD.replace('permission = "edit issues"', 'global = "EDIT_ISSUES"'),
     "features[0].requirements[0].global: Edit Issues is a project permission"),
    (GOOD.replace('permission = "edit issues"', 'product = "confluence"'),
     "features[0].requirements[0].product: unknown product 'confluence'; expected one of: jira, jira-software"),
    (GOOD.replace('permission = "edit issues"', 'permission = "EDIT_ISSUES"\n  role = "Developers"'),
     "features[0].requirements[0]: expected exactly one of permission, global, product, role; got permission, role"),
    (GOOD.replace('  why = "It edits issues."\n', ""), "features[0].requirements[0].why: missing; expected a string"),
    (GOOD.replace('why = "It edits issues."', 'why = "x"\n  project_types = ["jsm"]'),
     "features[0].requirements[0].project_types: unknown project type 'jsm'; expected some of: software, "
     "service_management"),
    (GOOD.replace('why = "It edits issues."', 'why = "x"\n  inferred = "yes"'),
     "features[0].requirements[0].inferred: expected true or false, got a string"),
    (GOOD.replace('why = "It edits issues."', 'why = "x"\n  role_aliases = ["Agent"]'),
     "features[0].requirements[0].role_aliases: only a role requirement can have role_aliases"),
    (GOOD.replace('why = "It edits issues."', 'why = "x"\n  whyy = "typo"'),
     "features[0].requirements[0].whyy: unknown key; expected one of: permission, global"),
    (GOOD + '\n[[features]]\nid = "issues"\ntitle = "Again"\n  [[features.requirements]]\n  role = "QA"\n'
            '  why = "x"\n', "features[1].id: 'issues' is used twice"),
    (GOOD.split("[[features]]")[0], "features: missing; expected at least one [[features]] table"),
    (GOOD.split("  [[features.requirements]]")[0], "features[0].requirements: missing"),
    ("name = [", "not valid TOML: "),
]


@pytest.mark.parametrize("text, message", BAD)
def test_profile_errors_name_the_key_and_what_was_expected(text, message):
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "acme")
    error = str(info.value)
    assert message in error
    assert "\n" not in error


def test_profile_id_comes_from_a_sane_file_name():
    with pytest.raises(ProfileError, match="rename the file"):
        parse_profile(GOOD, "Bad Name!")


# ------------------------------------------------------------------ the store: files and folders


def test_user_profiles_are_read_from_the_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(tmp_path))
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "acme.toml").write_text(GOOD, encoding="utf-8")
    (folder / "broken.toml").write_text(GOOD.replace("schema = 1", "schema = 9"), encoding="utf-8")
    (folder / "workato.toml").write_text(GOOD.replace("Acme Sync", "Our Workato"), encoding="utf-8")
    (folder / "notes.txt").write_text("not a profile", encoding="utf-8")
    good, broken = user_profiles()
    assert [p.id for p in good] == ["acme", "workato"]
    assert good[0].origin == str(folder / "acme.toml")
    assert len(broken) == 1 and broken[0].error.startswith(f"{folder / 'broken.toml'}: schema: expected 1")
    profiles, _ = all_profiles()
    by_id = {p.id: p for p in profiles}
    assert set(by_id) == set(TABLES) | {"acme"}
    assert by_id["workato"].name == "Our Workato" and by_id["workato"].overrides_shipped
    assert not by_id["backbone"].overrides_shipped


def test_no_user_folder_means_only_the_shipped_profiles(tmp_path, monkeypatch):
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(tmp_path / "nowhere"))
    profiles, broken = all_profiles()
    assert {p.id for p in profiles} == set(TABLES) and broken == []


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    (b"x" * (300 * 1024), "larger than 256 KiB"),
])
def test_reading_a_profile_file_fails_in_one_line(tmp_path, content, message):
    path = tmp_path / "p.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProfileError) as info:
        read_profile_file(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


def test_a_folder_is_not_a_profile(tmp_path):
    with pytest.raises(ProfileError, match="is a folder"):
        read_profile_file(tmp_path)
