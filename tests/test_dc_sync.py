"""The Data Center sync against the fake DC server over real HTTP: round trip, PAT and basic auth, faults, gaps."""

from __future__ import annotations

import asyncio
import json

import pytest

from explorer.core.model import Deployment, FactKind, Status
from explorer.core.snapshot.codec import snapshot_to_dict
from explorer.jira.client import AuthenticationFailed, RetryPolicy
from explorer.jira.dialects import detect, sync_site
from explorer.jira.sync import SyncProgress
from tests.fake_jira import USERS, FakeJira, generate_site
from tests.fake_jira.server import Faults
from tests.fake_jira_dc import (
    ADMIN_KEY,
    ADMIN_PASSWORD,
    ADMIN_PAT,
    ADMIN_USERNAME,
    DEV_KEY,
    DEV_PAT,
    EXPIRED_PAT,
    client,
    generate_dc_site,
    serve,
)
from tests.fake_jira_dc.expected import expected_dc_snapshot, request_lower_bound

FAST = RetryPolicy(max_retries=4, max_rate_limit_retries=6, base_delay=0.01, max_delay=0.05)
ISSUES = ("PBA-1", "PBA-2", "PBB-3", "PBC-2")


def content(snapshot) -> dict:
    doc = snapshot_to_dict(snapshot)
    doc["provenance"].pop("takenAt", None)
    doc["provenance"]["site"] = doc["site"]["url"] = "<the fake server>"
    return doc


def diff(got: dict, want: dict) -> str:
    keys = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
    return "; ".join(f"{k}: got {json.dumps(got.get(k))[:400]} want {json.dumps(want.get(k))[:400]}" for k in keys)


def dc_sync(fake, secret: str = ADMIN_PAT, user: str | None = None, concurrency: int = 8, **kw):
    async def go():
        async with client(fake.url, secret, user, concurrency=concurrency, retry=FAST) as c:
            snap = await sync_site(c, progress=SyncProgress(), **kw)
            return snap, c.stats

    return asyncio.run(go())


@pytest.fixture(scope="module")
def site():
    return generate_dc_site(seed=11, projects=9, accounts=70, groups=7)


def test_a_pat_sync_gives_back_what_dc_publishes(site):
    with serve(site) as fake:
        snap, stats = dc_sync(fake, ADMIN_PAT, issues=ISSUES)
        want = expected_dc_snapshot(site, fake.url, issues=ISSUES)
        assert not fake.crashes
        requests = fake.total_requests
    got, expected = content(snap), content(want)
    assert got == expected, diff(got, expected)
    assert snap.site.deployment is Deployment.DATA_CENTER and snap.site.server_version == "10.3.24"
    assert snap.provenance.taken_by == ADMIN_KEY
    assert {f.kind for f in snap.gaps} == {FactKind.GLOBAL_PERMISSIONS, FactKind.ISSUE_SECURITY_SCHEME,
                                           FactKind.WORKFLOW, FactKind.GROUP_NESTING}
    assert all(f.status is Status.NOT_PUBLISHED for f in snap.gaps)
    assert stats.retries == 0
    assert requests == request_lower_bound(site, issues=len(ISSUES) + 1)  # a sub-task's parent comes too


def test_basic_auth_with_a_username_gives_the_same_snapshot(site):
    with serve(site) as fake:
        pat, _ = dc_sync(fake, ADMIN_PAT)
        basic, _ = dc_sync(fake, ADMIN_PASSWORD, ADMIN_USERNAME)
    assert content(pat) == content(basic)


def test_users_carry_username_and_key_and_groups_list_nested_members(site):
    with serve(site) as fake:
        snap, _ = dc_sync(fake)
    by_key = {a.account_id: a for a in snap.accounts}
    assert by_key["ada"].username == "ada" and by_key[DEV_KEY].username == "dev.lead"
    groups = {g.name: set(g.members) for g in snap.groups}
    truth = {g.name: g for g in site.groups}
    assert truth["team-000"].subgroups == ("team-001",)
    assert set(truth["team-002"].members) <= groups["team-000"]  # team-000 > team-001 > team-002
    assert not set(truth["team-002"].members) <= set(truth["team-000"].members)


def test_faults_do_not_change_the_snapshot(site):
    with serve(site) as fake:
        clean, _ = dc_sync(fake)
    faults = Faults(rate_limit_every=5, retry_after="0", unavailable_every=7, page_cap=7, short_pages=True)
    with serve(site, faults=faults) as fake:
        faulty, stats = dc_sync(fake)
        assert not fake.crashes
        limited = sum(1 for s in fake.served if s.status == 429)
        unavailable = sum(1 for s in fake.served if s.status == 503)
    assert content(faulty) == content(clean)
    assert limited and unavailable and stats.retries >= limited + unavailable


def test_retry_after_as_an_http_date(site):
    with serve(site, faults=Faults(rate_limit_every=9, retry_after="date")) as fake:
        snap, stats = dc_sync(fake)
    assert stats.rate_limited and not snap.fact_status(FactKind.ACCOUNTS).detail


def test_without_user_list_the_username_search_lists_everyone(site):
    with serve(site) as fake:
        clean, _ = dc_sync(fake)
    with serve(site, user_list=False) as fake:
        older, _ = dc_sync(fake)
        asked = fake.requests
    assert asked["GET /rest/api/2/user/search"] >= 1
    assert {a.account_id for a in older.accounts} == {a.account_id for a in clean.accounts}
    assert older.fact_status(FactKind.ACCOUNTS).endpoint == "GET /rest/api/2/user/search?username=."


def test_a_non_admin_sync_records_what_it_could_not_read_without_asking_for_it(site):
    with serve(site) as fake:
        snap, _ = dc_sync(fake, DEV_PAT)
        asked = fake.requests
    assert asked["GET /rest/api/2/group/member"] == 0 and asked["GET /rest/api/2/applicationrole"] == 0
    members = [f for f in snap.gaps if f.kind is FactKind.GROUP_MEMBERS]
    assert len(members) == len(site.groups) and all(f.status is Status.FORBIDDEN for f in members)
    assert "not a Jira admin" in members[0].detail
    assert snap.fact_status(FactKind.PROJECTS).status is Status.TRUNCATED
    assert snap.account_global_permissions[DEV_KEY] == frozenset({"USER_PICKER", "CREATE_SHARED_OBJECTS",
                                                                 "MANAGE_GROUP_FILTER_SUBSCRIPTIONS"})


def test_an_expired_pat_fails_in_one_line_that_holds_no_token(site):
    with serve(site) as fake, pytest.raises(AuthenticationFailed) as info:
        dc_sync(fake, EXPIRED_PAT)
    text = str(info.value)
    assert "401" in text and EXPIRED_PAT not in text and "\n" not in text


def test_disabled_pats_answer_401_too(site):
    with serve(site, pats_enabled=False) as fake, pytest.raises(AuthenticationFailed):
        dc_sync(fake, ADMIN_PAT)


def test_archived_issues_and_projects_are_read(site):
    with serve(site) as fake:
        snap, _ = dc_sync(fake, issues=ISSUES)
    assert any(i.archived for i in snap.issues)
    assert any(p.archived for p in snap.projects)


def test_the_deployment_is_detected_and_can_be_overridden(site):
    cloud = generate_site(seed=2, projects=3, accounts=10, groups=2)
    with FakeJira(cloud, users=USERS) as fake:
        assert detect({"baseUrl": fake.url, "deploymentType": "Cloud"}, fake.url) is Deployment.CLOUD
    assert detect({"version": "9.12.0", "deploymentType": "Server"}, "x") is Deployment.DATA_CENTER
    with serve(site) as fake:
        snap, _ = dc_sync(fake, deployment=Deployment.DATA_CENTER, projects=("PBA",))
    assert [p.key for p in snap.projects] == ["PBA"]
    assert snap.fact_status(FactKind.PROJECTS).status is Status.TRUNCATED
