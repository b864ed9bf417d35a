"""The bundled demo site: built by scripts/build_demo.py, coherent, and telling its story."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from explorer.core.model import ANONYMOUS_ID, AccountType, FactKind, Grant, Holder, Snapshot, Status
from explorer.core.replay.catalogue import GLOBAL_BY_KEY, PROJECT_BY_KEY, PROJECT_PERMISSIONS
from explorer.store.snapshot_file import encode_snapshot, load_demo, read_snapshot, write_snapshot

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_demo.py"
DATA = REPO / "explorer" / "data" / "demo-site.jpsnap"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_demo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _load_builder()


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return demo.build_demo_snapshot()


# ------------------------------------------------------------------ the committed file


def test_committed_file_matches_the_builder(tmp_path):
    written = write_snapshot(demo.build_demo_snapshot(), tmp_path / "demo-site.jpsnap")
    assert DATA.exists(), "run: python scripts/build_demo.py"
    assert DATA.read_bytes() == written.read_bytes(), (
        "explorer/data/demo-site.jpsnap is out of date with scripts/build_demo.py: "
        "run python scripts/build_demo.py and commit both"
    )


def test_builder_is_deterministic():
    assert encode_snapshot(demo.build_demo_snapshot()) == encode_snapshot(demo.build_demo_snapshot())


def test_load_demo_reads_the_bundled_file():
    loaded = load_demo()
    assert loaded.site.title == "Acme Corp (demo)"
    assert loaded.site.url == "https://acme-demo.atlassian.net"
    assert encode_snapshot(loaded) == DATA.read_bytes()
    assert encode_snapshot(read_snapshot(DATA)) == DATA.read_bytes()


def test_provenance(snap):
    from explorer import __version__

    assert snap.provenance.taken_at == "2026-11-02T09:30:00Z"
    assert snap.provenance.tool_version == __version__
    admin = _by_name(snap, "Alice Admin")
    assert snap.provenance.taken_by == admin


# ------------------------------------------------------------------ coherence


def _by_name(snap: Snapshot, name: str) -> str:
    matches = [a.account_id for a in snap.accounts if a.display_name == name]
    assert len(matches) == 1, name
    return matches[0]


def _all_holders(snap: Snapshot) -> list[tuple[str, Holder]]:
    """Every holder of the site with where it is used."""
    found: list[tuple[str, Holder]] = []
    for scheme in snap.permission_schemes:
        for grant in scheme.grants:
            found.append((f"scheme {scheme.name} grant {grant.id}", grant.holder))
    for sec in snap.issue_security_schemes:
        for level in sec.levels:
            for member in level.members:
                found.append((f"level {level.name}", member))
    return found


PROPERTY = re.compile(r"^jira\.permission\.(?:subtasks\.)?([a-z]+)\.([A-Za-z]+)(?:\.\w+)?$")


def _status_properties(snap: Snapshot):
    for workflow in snap.workflows:
        for status in workflow.statuses:
            for key, value in status.properties.items():
                yield workflow.name, status, key, value


def test_unique_identifiers(snap):
    def unique(values, what):
        values = list(values)
        assert len(values) == len(set(values)), f"duplicate {what}"

    unique((a.account_id for a in snap.accounts), "accountId")
    unique((a.display_name for a in snap.accounts), "display name")
    unique((g.name for g in snap.groups), "group name")
    unique((g.group_id for g in snap.groups), "group id")
    unique((r.id for r in snap.roles), "role id")
    unique((r.name for r in snap.roles), "role name")
    unique((p.key for p in snap.projects), "project key")
    unique((p.id for p in snap.projects), "project id")
    unique((s.id for s in snap.permission_schemes), "permission scheme id")
    unique((g.id for s in snap.permission_schemes for g in s.grants), "grant id")
    for scheme in snap.permission_schemes:
        unique(((g.permission, g.holder) for g in scheme.grants), f"grant in {scheme.name}")
    unique((w.name for w in snap.workflows), "workflow name")
    unique((w.id for w in snap.workflow_schemes), "workflow scheme id")
    unique((i.key for i in snap.issues), "issue key")
    unique((i.id for i in snap.issues), "issue id")
    unique((f.key for f in snap.facts), "fact")


def test_ids_look_like_atlassian_ids(snap):
    for account in snap.accounts:
        aid = account.account_id
        if account.account_type is AccountType.CUSTOMER:
            assert re.fullmatch(r"qm:[0-9a-f-]{36}:[0-9a-f-]{36}", aid), aid
        else:
            assert re.fullmatch(r"[0-9a-f]{24}|\d{6}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", aid), aid
    for group in snap.groups:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", group.group_id)
    for thing in (*snap.roles, *snap.projects, *snap.permission_schemes, *snap.workflow_schemes, *snap.issues):
        assert thing.id.isdigit(), thing


def test_every_account_reference_exists(snap):
    known = {a.account_id for a in snap.accounts}
    refs: list[tuple[str, str]] = [("provenance", snap.provenance.taken_by)]
    for group in snap.groups:
        refs += [(f"group {group.name}", m) for m in group.members]
    for project in snap.projects:
        if project.lead:
            refs.append((f"lead of {project.key}", project.lead))
        for role_id, actors in project.role_actors.items():
            refs += [(f"role {role_id} in {project.key}", u) for u in actors.users]
    for issue in snap.issues:
        for what in ("reporter", "assignee"):
            value = getattr(issue, what)
            if value is not None:
                refs.append((f"{what} of {issue.key}", value))
        for field, values in issue.user_fields.items():
            refs += [(f"{field} of {issue.key}", v) for v in values]
    for where, holder in _all_holders(snap):
        if holder.type == "user":
            refs.append((where, holder.parameter))
    for wf, status, key, value in _status_properties(snap):
        m = PROPERTY.match(key)
        if m and m.group(2) == "user":
            refs.append((f"{key} on {status.name} in {wf}", value))
    refs += [("account_global_permissions", a) for a in snap.account_global_permissions]
    missing = [(where, ref) for where, ref in refs if ref not in known]
    assert not missing


def test_every_group_reference_exists(snap):
    groups = {g.name: g for g in snap.groups}
    refs: list[tuple[str, str]] = []
    for app in snap.application_roles:
        refs += [(f"product {app.key}", g) for g in (*app.groups, *app.default_groups)]
    refs += [(f"global {g.permission}", g.group) for g in snap.global_grants if g.group is not None]
    for project in snap.projects:
        for role_id, actors in project.role_actors.items():
            refs += [(f"role {role_id} in {project.key}", g) for g in actors.groups]
    for issue in snap.issues:
        for field, values in issue.group_fields.items():
            refs += [(f"{field} of {issue.key}", v) for v in values]
    for where, holder in _all_holders(snap):
        if holder.type == "group":
            refs.append((where, holder.parameter))
            assert holder.value == groups[holder.parameter].group_id, where
    for wf, status, key, value in _status_properties(snap):
        m = PROPERTY.match(key)
        if m and m.group(2) == "group":
            refs.append((f"{key} on {status.name} in {wf}", value))
    refs += [(f"fact {f.kind.value}", f.subject) for f in snap.facts if f.kind is FactKind.GROUP_MEMBERS]
    missing = [(where, ref) for where, ref in refs if ref not in groups]
    assert not missing
    # every group's members were read, except the truncated one
    assert {f.subject for f in snap.facts if f.kind is FactKind.GROUP_MEMBERS} == set(groups)


def test_every_role_reference_exists(snap):
    site_roles = {r.id for r in snap.roles}
    for project in snap.projects:
        team = {r.id for r in project.team_roles}
        assert not (team & site_roles), project.key
        for role_id in project.role_actors:
            assert role_id in site_roles | team, (project.key, role_id)
        if project.customer_role_id is not None:
            assert project.customer_role_id in site_roles
    for where, holder in _all_holders(snap):
        if holder.type == "projectRole":
            assert holder.parameter in site_roles, where
    for wf, status, key, value in _status_properties(snap):
        m = PROPERTY.match(key)
        if m and m.group(2) == "projectrole":
            assert value in site_roles, (wf, status.name, key)


def test_every_scheme_level_and_workflow_reference_exists(snap):
    schemes = {s.id for s in snap.permission_schemes}
    security = {s.id: s for s in snap.issue_security_schemes}
    workflows = {w.name: w for w in snap.workflows}
    workflow_schemes = {s.id: s for s in snap.workflow_schemes}
    projects = {p.key: p for p in snap.projects}
    issues = {i.key: i for i in snap.issues}

    for project in snap.projects:
        if project.team_managed:
            assert project.permission_scheme_id is None, project.key
        else:
            assert project.permission_scheme_id in schemes, project.key
            assert not project.team_roles and project.access_level is None, project.key
        if project.issue_security_scheme_id is not None:
            assert project.issue_security_scheme_id in security, project.key
        assert project.workflow_scheme_id in workflow_schemes, project.key
    for scheme in snap.workflow_schemes:
        assert scheme.default_workflow in workflows
        assert set(scheme.issue_type_workflows.values()) <= set(workflows)
    used = {p.permission_scheme_id for p in snap.projects} | {p.workflow_scheme_id for p in snap.projects}
    assert schemes <= used and set(workflow_schemes) <= used, "unused scheme"

    for issue in snap.issues:
        project = projects[issue.project_key]
        assert issue.key.startswith(project.key + "-")
        scheme = workflow_schemes[project.workflow_scheme_id]
        status = workflows[scheme.workflow_for(issue.issue_type.id)].status(issue.status_id)
        assert status is not None and status.name == issue.status_name, issue.key
        if issue.security_level_id is not None:
            assert project.issue_security_scheme_id is not None, issue.key
            assert security[project.issue_security_scheme_id].level(issue.security_level_id), issue.key
        assert (issue.parent_key is not None) == issue.issue_type.subtask, issue.key
        if issue.parent_key is not None:
            parent = issues[issue.parent_key]
            assert parent.project_key == issue.project_key and not parent.issue_type.subtask

    for fact in snap.facts:
        if fact.kind in (FactKind.PROJECT_PERMISSION_SCHEME, FactKind.PROJECT_ROLES, FactKind.PROJECT_ISSUE_SECURITY,
                         FactKind.PROJECT_WORKFLOWS, FactKind.TEAM_ROLES):
            assert fact.subject in projects, fact
        elif fact.kind is FactKind.PERMISSION_SCHEME:
            assert fact.subject in schemes, fact
        elif fact.kind is FactKind.ISSUE_SECURITY_SCHEME:
            assert fact.subject in security, fact
        elif fact.kind is FactKind.WORKFLOW:
            assert fact.subject in workflows, fact
        elif fact.kind is FactKind.ISSUE:
            assert fact.subject in issues, fact


def test_permission_keys_and_holder_types_are_known(snap):
    holder_types = {"anyone", "applicationRole", "assignee", "group", "groupCustomField", "projectLead",
                    "projectRole", "reporter", "sd.customer.portal.only", "user", "userCustomField"}
    for scheme in snap.permission_schemes:
        for grant in scheme.grants:
            assert grant.permission in PROJECT_BY_KEY, grant
            assert grant.holder.type in holder_types, grant
    for _, holder in _all_holders(snap):
        assert holder.type in holder_types
    for project in snap.projects:
        for role in project.team_roles:
            assert role.permissions <= set(PROJECT_BY_KEY), role.name
    for grant in snap.global_grants:
        assert grant.permission in GLOBAL_BY_KEY
    for wf, status, key, _value in _status_properties(snap):
        if key.startswith("jira.permission."):
            m = PROPERTY.match(key)
            assert m, key
            assert m.group(1) in {p.short_name for p in PROJECT_PERMISSIONS}, (wf, status.name, key)


def test_completeness_is_recorded(snap):
    gaps = {(f.kind, f.subject): f for f in snap.gaps}
    assert set(gaps) == {(FactKind.GROUP_MEMBERS, "contractors"), (FactKind.TEAM_ROLES, "WEB")}
    contractors = gaps[(FactKind.GROUP_MEMBERS, "contractors")]
    assert contractors.status is Status.TRUNCATED
    assert contractors.endpoint == "GET /rest/api/3/group/member"
    assert contractors.detail == "stopped after 2 pages of 50"
    web = gaps[(FactKind.TEAM_ROLES, "WEB")]
    assert web.status is Status.NOT_FETCHED
    assert web.endpoint == "(no public REST API for team-managed role permissions)"
    glob = snap.fact_status(FactKind.GLOBAL_PERMISSIONS, None)
    assert glob is not None and glob.status is Status.COMPLETE
    for scheme in snap.permission_schemes:
        assert scheme.description, scheme.name


# ------------------------------------------------------------------ the story


@pytest.fixture(scope="module")
def verdict(snap):
    from explorer.core.replay.evaluator import evaluate
    def ask(who: str, permission: str, project: str | None = None, issue: str | None = None) -> str:
        account = who if who == ANONYMOUS_ID else _by_name(snap, who)
        return evaluate(snap, account, permission, project=project, issue=issue).verdict.value

    return ask


STORY = [
    # Backbone Sync: Developers, not Administrators (its guide needs all three of these)
    ("Backbone Sync", "DELETE_OWN_ATTACHMENTS", "ENG", None, "denied"),
    ("Backbone Sync", "MANAGE_WATCHERS", "ENG", None, "denied"),
    ("Backbone Sync", "ADMINISTER_PROJECTS", "ENG", None, "denied"),
    ("Backbone Sync", "EDIT_ISSUES", "ENG", None, "allowed"),
    # Workato: not in QA, and only QA may close
    ("Workato Connector", "CLOSE_ISSUES", "ENG", None, "denied"),
    ("Workato Connector", "EDIT_ISSUES", "ENG", None, "allowed"),
    # JSM agents need the JSM licence
    ("Helpdesk+ Bot", "SERVICEDESK_AGENT", "HELP", None, "allowed"),
    ("Support Fusion Integration", "SERVICEDESK_AGENT", "HELP", None, "denied"),
    ("Support Fusion Integration", "EDIT_ISSUES", "ENG", None, "allowed"),
    # Factory Droid: over-privileged yet not in QA, and no JSM licence
    ("Factory Droid", "BROWSE_PROJECTS", None, "OPS-1", "denied"),
    ("Factory Droid", "BROWSE_PROJECTS", None, "OPS-2", "allowed"),
    ("Factory Droid", "SERVICEDESK_AGENT", "HELP", None, "denied"),
    ("Quinn Tester", "BROWSE_PROJECTS", None, "OPS-1", "allowed"),
    # customers: portal access only
    ("Jordan Blake", "BROWSE_PROJECTS", "HELP", None, "allowed"),
    ("Jordan Blake", "EDIT_ISSUES", "HELP", None, "denied"),
    ("Emma Schultz", "BROWSE_PROJECTS", "HELP", None, "allowed"),
    # site access without a Jira product
    ("Frank Finance", "EDIT_ISSUES", "OPS", None, "denied"),
    # In Review: only reviewers and project admins may edit
    ("Rob Reviewer", "EDIT_ISSUES", None, "ENG-2", "allowed"),
    ("Daniel Kim", "EDIT_ISSUES", None, "ENG-2", "denied"),
    ("Alice Admin", "EDIT_ISSUES", None, "ENG-2", "allowed"),
    ("Daniel Kim", "EDIT_ISSUES", None, "ENG-1", "allowed"),
    # Approvers (user custom field) may edit
    ("Quinn Tester", "EDIT_ISSUES", None, "ENG-6", "allowed"),
    # team-managed MOB: Member edits, Viewer does not
    ("Maria Garcia", "EDIT_ISSUES", None, "MOB-1", "allowed"),
    ("Rob Reviewer", "EDIT_ISSUES", None, "MOB-1", "denied"),
    # what the snapshot cannot tell
    ("Olivia Brooks", "BROWSE_PROJECTS", "WEB", None, "cannot_determine"),
    ("Frank Finance", "BROWSE_PROJECTS", "ENG", None, "cannot_determine"),
    (ANONYMOUS_ID, "BROWSE_PROJECTS", "ENG", None, "denied"),
]


@pytest.mark.parametrize("who, permission, project, issue, expected", STORY)
def test_story(verdict, who, permission, project, issue, expected):
    assert verdict(who, permission, project, issue) == expected


def test_ian_former_is_denied_everything(snap, verdict):
    for project in snap.projects:
        for permission in PROJECT_BY_KEY:
            assert verdict("Ian Former", permission, project.key) == "denied", (project.key, permission)
    for issue in snap.issues:
        assert verdict("Ian Former", "BROWSE_PROJECTS", None, issue.key) == "denied", issue.key


def test_nobody_may_edit_a_done_issue(snap, verdict):
    for account in (*snap.accounts, None):
        who = ANONYMOUS_ID if account is None else account.display_name
        assert verdict(who, "EDIT_ISSUES", None, "ENG-3") == "denied", who


def test_backbone_fixes_named_by_the_story_work(snap):
    """Either "add to Administrators in ENG" or "grant Delete Own Attachments to Developers" fixes it."""
    from explorer.core.replay.cache import index_for
    from explorer.core.replay.evaluator import evaluate_in
    from explorer.core.replay.index import Patch

    ix = index_for(snap)
    backbone = _by_name(snap, "Backbone Sync")
    scheme = next(p.permission_scheme_id for p in snap.projects if p.key == "ENG")
    as_admin = Patch(roles=frozenset({(backbone, "ENG", demo.ROLE_ADMINISTRATORS)}))
    to_devs = Patch(grants=((scheme, Grant("99999", "DELETE_OWN_ATTACHMENTS", Holder("projectRole", demo.ROLE_DEVELOPERS))),))
    for patch in (as_admin, to_devs):
        result = evaluate_in(ix.with_patch(patch), backbone, "DELETE_OWN_ATTACHMENTS", "ENG")
        assert result.verdict.value == "allowed", patch
