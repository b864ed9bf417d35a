"""The bundled Data Center demo site: built by scripts/build_demo_dc.py, coherent, and telling its story."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from explorer.core.model import Deployment, FactKind, Status
from explorer.store.snapshot_file import encode_snapshot, load_demo, write_snapshot

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_demo_dc.py"
DATA = REPO / "explorer" / "data" / "demo-dc-site.jpsnap"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_demo_dc", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = _load_builder()


@pytest.fixture(scope="module")
def snap():
    return demo.build_demo_dc_snapshot()


def test_committed_file_matches_the_builder(tmp_path):
    written = write_snapshot(demo.build_demo_dc_snapshot(), tmp_path / "demo-dc-site.jpsnap")
    assert DATA.read_bytes() == written.read_bytes(), (
        "explorer/data/demo-dc-site.jpsnap is out of date: run python scripts/build_demo_dc.py and commit both")


def test_load_demo_reads_the_bundled_dc_file():
    loaded = load_demo(data_center=True)
    assert loaded.site.deployment is Deployment.DATA_CENTER
    assert encode_snapshot(loaded) == DATA.read_bytes()
    assert load_demo().site.deployment is Deployment.CLOUD


def test_users_have_usernames_and_keys(snap):
    assert all(a.username for a in snap.accounts)
    keys = {a.account_id for a in snap.accounts}
    assert "alice" in keys and any(k.startswith("JIRAUSER") for k in keys)


def test_group_members_include_the_members_of_nested_groups(snap):
    groups = {g.name: g for g in snap.groups}
    assert groups["developers"].subgroups == ("payments-team", "contractors")
    assert set(groups["payments-team"].members) | set(groups["contractors"].members) <= set(groups["developers"].members)
    assert set(groups["developers"].members) <= set(groups["jira-software-users"].members)


def test_what_dc_does_not_publish_is_marked_supplied_by_hand(snap):
    hand = {(f.kind, f.subject) for f in snap.facts if f.supplied_by_hand}
    assert (FactKind.GLOBAL_PERMISSIONS, None) in hand and (FactKind.GROUP_NESTING, None) in hand
    assert {k for k, _ in hand} == {FactKind.GLOBAL_PERMISSIONS, FactKind.GROUP_NESTING, FactKind.WORKFLOW,
                                    FactKind.ISSUE_SECURITY_SCHEME}
    assert all(f.status is Status.COMPLETE for f in snap.facts)


def test_every_reference_resolves(snap):
    keys = {a.account_id for a in snap.accounts}
    groups = {g.name for g in snap.groups}
    for g in snap.groups:
        assert set(g.members) <= keys and set(g.subgroups) <= groups
    for p in snap.projects:
        assert p.lead in keys
        for actors in p.role_actors.values():
            assert set(actors.users) <= keys and set(actors.groups) <= groups
    for s in snap.permission_schemes:
        for grant in s.grants:
            if grant.holder.type == "group" and grant.holder.parameter:
                assert grant.holder.parameter in groups
    for i in snap.issues:
        assert {i.reporter, i.assignee} - {None} <= keys
    assert {g.group for g in snap.global_grants} <= groups
