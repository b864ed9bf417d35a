"""Verify on Data Center: the replay of a synced (and hand-completed) snapshot against what DC itself answers."""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from explorer.core.errors import UserError
from explorer.jira.client import PermissionDenied
from explorer.jira.dialects import sync_site
from explorer.jira.dialects.dc_verify import verify_one, verify_sample
from explorer.store.supplied import supply
from tests.fake_jira_dc import ADMIN_PAT, DEV_KEY, DEV_PAT, client, generate_dc_site, serve
from tests.fake_jira_dc.forms import form_for
from tests.fake_jira_dc.rules import FakeDCRules


@pytest.fixture(scope="module")
def site():
    return generate_dc_site(seed=21, projects=7, accounts=45, groups=6)


def run(fake, secret, work):
    async def go():
        async with client(fake.url, secret) as c:
            return await work(c)

    return asyncio.run(go())


def test_a_completed_snapshot_agrees_with_dc_on_a_random_sample(site):
    with serve(site) as fake:
        synced = run(fake, ADMIN_PAT, lambda c: sync_site(c, issues=("PBA-1", "PBB-1")))
        complete = supply(synced, tomllib.loads(form_for(site, url=fake.url))).snapshot
        report = run(fake, ADMIN_PAT, lambda c: verify_sample(c, complete, 60, seed=4))
        assert not fake.crashes
    assert not report.disagreements, [(c.account.username, c.permission, c.project) for c in report.disagreements]
    assert not report.undetermined
    assert {c.asked for c in report.comparisons} <= {"GET /rest/api/2/user/permission/search",
                                                     "GET /rest/api/2/mypermissions"}


def test_one_question_says_which_endpoint_answered(site):
    with serve(site) as fake:
        synced = run(fake, ADMIN_PAT, lambda c: sync_site(c, issues=("PBA-1",)))
        complete = supply(synced, tomllib.loads(form_for(site, url=fake.url))).snapshot
        mine = run(fake, ADMIN_PAT, lambda c: verify_one(c, complete, "ada", "ADMINISTER"))
        other = run(fake, ADMIN_PAT, lambda c: verify_one(c, complete, "dev.lead", "EDIT_ISSUES", issue="PBA-1"))
        with pytest.raises(UserError, match="only for the signed-in account"):
            run(fake, ADMIN_PAT, lambda c: verify_one(c, complete, "dev.lead", "ADMINISTER"))
        rules = FakeDCRules(site)
        seen = next(p.key for p in site.projects if rules.has(DEV_KEY, "BROWSE_PROJECTS", p)
                    and not rules.has(DEV_KEY, "ADMINISTER_PROJECTS", p))
        with pytest.raises(PermissionDenied, match="user/permission/search"):
            run(fake, DEV_PAT, lambda c: verify_one(c, complete, "ada", "EDIT_ISSUES", project=seen))
    assert mine.asked == "GET /rest/api/2/mypermissions" and mine.agrees is True
    assert other.asked == "GET /rest/api/2/user/permission/search" and other.agrees is not False
