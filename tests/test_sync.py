"""The sync against the fake Jira Cloud server over real HTTP: the round trip, faults, non-admins, paging."""

from __future__ import annotations

import asyncio
import json

import pytest

from explorer.core.model import FactKind, Status
from explorer.core.replay.evaluator import evaluate
from explorer.core.snapshot.codec import snapshot_to_dict
from explorer.jira.client import AuthenticationFailed, JiraClient, RetryPolicy
from explorer.jira.sync import SyncProgress, gap_summary, sync_site
from tests.fake_jira import (
    ADMIN_EMAIL,
    ADMIN_TOKEN,
    DEV_EMAIL,
    DEV_ID,
    DEV_TOKEN,
    USERS,
    FakeJira,
    Faults,
    expected_snapshot,
    generate_site,
)

FAST = RetryPolicy(max_retries=4, max_rate_limit_retries=6, base_delay=0.01, max_delay=0.05)
ISSUES = ("PBA-1", "PBB-3", "PBC-2")


def content(snapshot) -> dict:
    doc = snapshot_to_dict(snapshot)
    doc["provenance"].pop("takenAt", None)
    doc["provenance"]["site"] = doc["site"]["url"] = "<the fake server>"  # each server has its own port
    for fact in doc["completeness"]:  # how many accounts were asked depends on the inference, not the answer
        if fact["kind"] == "global_permissions" and fact.get("detail", "").startswith("asked Jira about "):
            fact["detail"] = "<asked Jira about some accounts>"
    return doc


def sync(fake: FakeJira, email: str = ADMIN_EMAIL, token: str = ADMIN_TOKEN, concurrency: int = 8, **kw):
    progress = kw.pop("progress", None) or SyncProgress()

    async def go():
        async with JiraClient(fake.url, email, token, concurrency=concurrency, retry=FAST) as client:
            snap = await sync_site(client, progress=progress, **kw)
            return snap, client.stats

    return asyncio.run(go())


def diff(got: dict, want: dict) -> str:
    keys = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
    return "; ".join(f"{k}: got {json.dumps(got.get(k))[:300]} want {json.dumps(want.get(k))[:300]}" for k in keys)


@pytest.fixture(scope="module")
def site():
    return generate_site(seed=11, projects=9, accounts=70, groups=6)


def test_a_clean_sync_gives_back_the_generated_site(site):
    with FakeJira(site, users=USERS) as fake:
        snap, stats = sync(fake, issues=ISSUES)
        want = expected_snapshot(site, fake.url, issues=ISSUES)
        assert not fake.crashes
    got, expected = content(snap), content(want)
    assert got == expected, diff(got, expected)
    assert snap.provenance.taken_at.endswith("Z") and snap.provenance.taken_by
    assert stats.retries == 0
    assert not snap.gaps and gap_summary(snap) == []


def test_each_scheme_and_workflow_is_fetched_once_however_many_projects_share_it(site):
    with FakeJira(site, users=USERS) as fake:
        snap, _ = sync(fake)
        requests = fake.requests
    assert requests["GET /rest/api/3/permissionscheme"] == 1
    for scheme in snap.issue_security_schemes:
        assert requests[f"GET /rest/api/3/issuesecurityschemes/{scheme.id}"] == 1
    assert requests["POST /rest/api/3/workflows"] == 1  # every workflow name in one batch
    assert requests["GET /rest/api/3/workflowscheme/project"] == 1  # up to 100 projects per call
    users = sum(1 for p in snap.projects if p.issue_security_scheme_id)
    assert users > len(snap.issue_security_schemes)  # schemes really are shared


def test_a_sync_under_faults_gives_exactly_the_clean_content(site):
    with FakeJira(site, users=USERS) as fake:
        clean, _ = sync(fake, issues=ISSUES)
    faults = Faults(rate_limit_every=6, retry_after="0", reset_header_every=4, unavailable_every=5, latency=0.002,
                    page_cap=3, short_pages=True)
    with FakeJira(site, users=USERS, faults=faults) as fake:
        faulty, stats = sync(fake, issues=ISSUES)
        assert not fake.crashes
        served = [s.status for s in fake.served]
    assert 429 in served and 503 in served  # the faults really happened
    assert stats.retries >= served.count(429) + served.count(503) > 10
    assert content(faulty) == content(clean), diff(content(faulty), content(clean))


def test_retry_after_as_an_http_date_under_load(site):
    with FakeJira(site, users=USERS) as fake:
        clean, _ = sync(fake, projects=("PBA", "PBB"))
    with FakeJira(site, users=USERS, faults=Faults(rate_limit_every=8, retry_after="date")) as fake:
        faulty, stats = sync(fake, projects=("PBA", "PBB"))
    assert stats.rate_limited >= 1
    assert content(faulty) == content(clean)


def test_paging_never_stops_on_a_short_page(site):
    # every page is one or two items shorter than the server's own cap of 2: a client that stopped on a
    # short page would lose accounts, group members and projects
    with FakeJira(site, users=USERS, faults=Faults(page_cap=4, short_pages=True)) as fake:
        snap, _ = sync(fake)
        short = [s for s in fake.served if s.template.endswith("/group/member") and s.status == 200
                 and not s.body["isLast"] and len(s.body["values"]) < 4]
    assert short, "the fake served no short pages"
    assert [a.account_id for a in snap.accounts] == [a.account_id for a in site.accounts]
    assert {g.name: g.members for g in snap.groups} == {g.name: g.members for g in site.groups}
    assert len(snap.projects) == len(site.projects)


def test_a_non_admin_sync_records_what_it_may_not_read_and_completes(site):
    with FakeJira(site, users=USERS) as fake:
        snap, _ = sync(fake, email=DEV_EMAIL, token=DEV_TOKEN, issues=("PBA-1",))
        assert not fake.crashes
    status = {(f.kind, f.subject): f.status for f in snap.facts}
    assert status[(FactKind.APPLICATION_ROLES, None)] is Status.FORBIDDEN
    assert status[(FactKind.GLOBAL_PERMISSIONS, None)] is Status.FORBIDDEN
    assert status[(FactKind.ACCOUNTS, None)] is Status.COMPLETE  # Browse users and groups is enough
    # DEV_ID administers PBA (role Administrators) but no other project
    assert snap.projects[0].key == "PBA" and snap.projects[0].permission_scheme_id is not None
    assert (FactKind.PROJECT_PERMISSION_SCHEME, "PBA") not in status
    assert status[(FactKind.PROJECTS, None)] is Status.TRUNCATED  # only what this account can browse
    assert len(snap.projects) < len(site.projects)
    assert status[(FactKind.PROJECT_PERMISSION_SCHEME, "PBC")] is Status.FORBIDDEN
    assert status[(FactKind.PROJECT_ROLES, "PBC")] is Status.NOT_FOUND
    assert status[(FactKind.PROJECT_WORKFLOWS, "PBA")] is Status.FORBIDDEN
    assert any(k == FactKind.ISSUE_SECURITY_SCHEME and s is Status.FORBIDDEN for (k, _), s in status.items())
    assert snap.account_global_permissions == {DEV_ID: frozenset({"USER_PICKER", "CREATE_SHARED_OBJECTS",
                                                                  "MANAGE_GROUP_FILTER_SUBSCRIPTIONS",
                                                                  "CREATE_PROJECT"})}
    assert [i.key for i in snap.issues] == ["PBA-1"]
    summary = "\n".join(gap_summary(snap))
    assert "Administer Jira" in summary and "application roles" in summary
    # the replay says "cannot determine" where a missing fact decides, never a false "no"
    other = next(a.account_id for a in snap.accounts[5:] if a.active and a.account_type.value == "atlassian")
    assert evaluate(snap, other, "EDIT_ISSUES", "PBC").verdict.value == "cannot_determine"


def test_a_401_for_a_logged_in_account_is_a_refused_fact_not_a_failed_login(site):
    # POST /workflows answers 401 (not 403) to an account that may not read the workflows, as the spec says
    faults = Faults(deny={"POST /rest/api/3/workflows": 401, "GET /rest/api/3/project/{projectIdOrKey}/role": 401})
    with FakeJira(site, users=USERS, faults=faults) as fake:
        snap, _ = sync(fake)
        myself = fake.requests["GET /rest/api/3/myself"]
    workflows = [f for f in snap.facts if f.kind is FactKind.WORKFLOW]
    assert workflows and all(f.status is Status.FORBIDDEN and "401" in f.detail for f in workflows)
    roles = [f for f in snap.facts if f.kind is FactKind.PROJECT_ROLES]
    assert len(roles) == len(snap.projects) and all(f.status is Status.FORBIDDEN for f in roles)
    assert myself == 2  # the login was checked again once, not once per refusal
    assert not snap.workflows and snap.workflow_schemes


def test_an_unknown_issue_is_recorded_not_fatal(site):
    with FakeJira(site, users=USERS) as fake:
        snap, _ = sync(fake, projects=("PBA",), issues=("PBA-99", "PBB-1"))
    fact = snap.fact_status(FactKind.ISSUE, "PBA-99")
    assert fact is not None and fact.status is Status.NOT_FOUND
    assert [p.key for p in snap.projects] == ["PBA", "PBB"]  # the issue's project joined the project list
    assert snap.fact_status(FactKind.PROJECTS).status is Status.TRUNCATED


def test_a_sub_task_brings_its_parent(site):
    with FakeJira(site, users=USERS) as fake:
        snap, _ = sync(fake, projects=("PBA",), issues=("PBA-3",))
    keys = [i.key for i in snap.issues]
    assert keys == ["PBA-1", "PBA-3"] and snap.issues[1].parent_key == "PBA-1"


def test_an_unknown_project_is_one_clear_error(site):
    with FakeJira(site, users=USERS) as fake, pytest.raises(Exception) as info:
        sync(fake, projects=("NOPE",))
    assert "NOPE" in str(info.value) and "not visible" in str(info.value)


def test_a_wrong_token_fails_at_once(site):
    with FakeJira(site, users=USERS) as fake:
        with pytest.raises(AuthenticationFailed):
            sync(fake, token="wrong")
        assert fake.total_requests <= 2  # serverInfo and myself, nothing retried


def test_progress_counts_what_was_fetched(site):
    progress = SyncProgress()
    with FakeJira(site, users=USERS) as fake:
        snap, _ = sync(fake, progress=progress)
    assert progress.counts["projects"] == [len(snap.projects), len(snap.projects)]
    assert progress.counts["group members"] == [len(snap.groups), len(snap.groups)]
    assert progress.phase == "done"


def test_cancelling_a_sync_stops_it(site):
    async def go(fake):
        async with JiraClient(fake.url, ADMIN_EMAIL, ADMIN_TOKEN, retry=FAST) as client:
            task = asyncio.ensure_future(sync_site(client))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return client.stats.in_flight

    with FakeJira(site, users=USERS, faults=Faults(latency=0.05)) as fake:
        assert asyncio.run(go(fake)) == 0
