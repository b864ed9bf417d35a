"""verify against the fake Jira server: Jira's own answer (permissions/check) next to the local replay."""

from __future__ import annotations

import asyncio
import random

import pytest

from explorer.core.errors import UserError
from explorer.jira.client import JiraClient
from explorer.jira.sync import sync_site
from explorer.jira.verify import report_json, verify_one, verify_sample
from tests.fake_jira import ADMIN_EMAIL, ADMIN_TOKEN, USERS, FakeJira, generate_site

SITE = generate_site(seed=21, projects=6, accounts=60, groups=5)
PERMISSIONS = ("BROWSE_PROJECTS", "EDIT_ISSUES", "ADD_COMMENTS", "TRANSITION_ISSUES", "RESOLVE_ISSUES",
               "DELETE_OWN_COMMENTS", "WORK_ON_ISSUES", "LINK_ISSUES", "ADMINISTER_PROJECTS", "SET_ISSUE_SECURITY")


@pytest.fixture(scope="module")
def jira():
    with FakeJira(SITE, users=USERS) as fake:
        async def go():
            async with JiraClient(fake.url, ADMIN_EMAIL, ADMIN_TOKEN) as client:
                return await sync_site(client, issues=[i.key for i in SITE.issues])

        yield fake, asyncio.run(go())


def ask(fake, call):
    async def go():
        async with JiraClient(fake.url, ADMIN_EMAIL, ADMIN_TOKEN) as client:
            return await call(client)

    return asyncio.run(go())


def test_replay_and_jira_agree_on_issues(jira):
    """Issue context: security levels, reporter/assignee, custom fields, workflow properties, sub-tasks."""
    fake, snap = jira
    rng = random.Random(1)
    accounts = [a.account_id for a in snap.accounts if a.active]
    questions = [(rng.choice(accounts), rng.choice(PERMISSIONS), rng.choice(snap.issues).key) for _ in range(150)]

    async def all_(client):
        return await asyncio.gather(*(verify_one(client, snap, a, p, issue=i) for a, p, i in questions))

    results = ask(fake, all_)
    bad = [r for r in results if r.agrees is not True]
    assert not bad, [(r.account.display_name, r.permission, r.issue, r.local, r.jira, r.headline) for r in bad[:3]]
    assert {r.jira for r in results} == {True, False}  # both answers occur: the test can fail


def test_sample_agrees_and_flipped_answers_are_reported(jira):
    fake, snap = jira
    report = ask(fake, lambda c: verify_sample(c, snap, 60, seed=4))
    assert len(report.comparisons) == 60 and report.agreement_rate == 1.0 and not report.disagreements
    flipped = report.comparisons[:3]
    fake.faults.flip.update((c.account.account_id, c.permission, c.project) for c in flipped)
    try:
        again = ask(fake, lambda c: verify_sample(c, snap, 60, seed=4))
    finally:
        fake.faults.flip.clear()
    assert [(c.account.account_id, c.permission, c.project) for c in again.disagreements] == \
        [(c.account.account_id, c.permission, c.project) for c in flipped]
    assert again.agreement_rate == pytest.approx(57 / 60)
    doc = report_json(again)
    assert doc["seed"] == 4 and len(doc["disagreements"]) == 3 and doc["agreementRate"] == pytest.approx(0.95)


def test_global_permissions_are_verified_too(jira):
    fake, snap = jira
    admin = next(a for a in snap.accounts if a.display_name == "Ada Admin")
    result = ask(fake, lambda c: verify_one(c, snap, admin.account_id, "Administer Jira"))
    assert result.agrees is True and result.jira is True and result.where == "global"


def test_bad_questions_are_one_line_errors(jira):
    fake, snap = jira
    with pytest.raises(UserError, match="project permission"):
        ask(fake, lambda c: verify_one(c, snap, "Ada Admin", "EDIT_ISSUES"))
    with pytest.raises(UserError, match="logged-out"):
        ask(fake, lambda c: verify_one(c, snap, "anonymous", "BROWSE_PROJECTS", project="PBA"))
    with pytest.raises(UserError, match="positive"):
        ask(fake, lambda c: verify_sample(c, snap, 0))


def test_the_tui_verify_action_uses_the_same_comparison(jira, monkeypatch):
    """The TUI's 'v' asks Jira through verify_one and words agreement and disagreement."""
    from explorer.core.replay.evaluator import evaluate
    from explorer.tui.live import verify_with_jira

    fake, snap = jira
    monkeypatch.setenv("JIRA_API_TOKEN", ADMIN_TOKEN)
    account = next(a.account_id for a in snap.accounts if a.active)
    project = snap.projects[0].key
    local = evaluate(snap, account, "BROWSE_PROJECTS", project).verdict
    answer = asyncio.run(verify_with_jira(fake.url, ADMIN_EMAIL, snap, account, "BROWSE_PROJECTS", project, None,
                                          local))
    assert answer.agrees and "they agree" in answer.text
    fake.faults.flip.add((account, "BROWSE_PROJECTS", project))
    try:
        answer = asyncio.run(verify_with_jira(fake.url, ADMIN_EMAIL, snap, account, "BROWSE_PROJECTS", project, None,
                                              local))
    finally:
        fake.faults.flip.discard((account, "BROWSE_PROJECTS", project))
    assert not answer.agrees and "DISAGREE" in answer.text
