"""What a question names, and the one line a user gets when it names nothing usable (issue 11's paper cuts)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from explorer.core.errors import LookupFailed
from explorer.core.model import Deployment, Site
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate, resolve_scope
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import who_can
from explorer.core.replay.resolve import resolve_account
from explorer.store.snapshot_file import load_demo, write_snapshot
from tests.cli_run import assert_one_line_error
from tests.cli_run import run_cli as run


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_an_empty_account_name_says_so(demo, text):
    with pytest.raises(LookupFailed, match="the account name is empty") as failure:
        resolve_account(demo, text)
    assert "matches" not in str(failure.value)


def test_emails_differing_only_in_case_list_the_candidates_with_their_ids(demo):
    first, second = demo.accounts[1], demo.accounts[2]
    twins = replace(demo, accounts=(demo.accounts[0], replace(first, email="Sam.Shared@acme.example"),
                                    replace(second, email="sam.shared@acme.example"), *demo.accounts[3:]))
    with pytest.raises(LookupFailed) as failure:
        resolve_account(twins, "sam.shared@ACME.example")
    message = str(failure.value)
    assert first.account_id in message and second.account_id in message
    assert "give the accountId instead" in message and "or email" not in message
    assert set(failure.value.candidates) == {first.account_id, second.account_id}
    assert resolve_account(twins, second.account_id) == twins.accounts[2]  # the id does separate them


def test_an_ambiguous_name_still_offers_id_or_email(demo):
    with pytest.raises(LookupFailed, match="accountId or email") as failure:
        resolve_account(demo, "a")
    assert "accountId 5b10ac8d82e05b22cc7d4ef5" in str(failure.value)


@pytest.mark.parametrize("text", ["ENG", "eng", " ENG "])
def test_a_project_key_given_as_issue_says_it_is_not_an_issue_key(demo, text):
    with pytest.raises(LookupFailed) as failure:
        resolve_scope(index_for(demo), None, text)
    message = str(failure.value)
    assert "is not an issue key" in message and "--project ENG" in message
    assert "sync --issue" not in message


def test_something_that_is_no_key_at_all_shows_the_shape_of_one(demo):
    with pytest.raises(LookupFailed, match="is not an issue key; issue keys look like ENG-123"):
        resolve_scope(index_for(demo), None, "nothing here")
    with pytest.raises(LookupFailed, match="sync --issue ENG-999"):  # a well-formed key not synced yet
        resolve_scope(index_for(demo), None, "ENG-999")


def test_a_data_center_permission_on_a_cloud_site_says_data_center_only(demo):
    admin = demo.accounts[0]  # a Jira admin of the demo: still no System Administrators on Cloud
    result = evaluate(demo, admin, "SYSTEM_ADMIN")
    assert result.verdict is Verdict.DENIED
    assert "Data Center permission" in result.headline and "Cloud" in result.headline
    assert not any("group" in check.summary for check in result.checks)
    assert who_can(demo, "SYSTEM_ADMIN").allowed == ()
    dc = replace(demo, site=Site(demo.site.url, Deployment.DATA_CENTER))
    assert not any("Data Center permission" in c.summary for c in evaluate(dc, admin, "SYSTEM_ADMIN").checks)


def test_each_paper_cut_is_one_line_with_exit_2(tmp_path):
    explain = ("explain", "--demo", "-p", "edit issues")
    assert_one_line_error(run(*explain, "-a", "  ", "--project", "ENG"), "account name is empty")
    assert_one_line_error(run(*explain, "-a", "Backbone Sync", "--issue", "ENG"), "not an issue key",
                          "--project ENG")
    dc_only = run("explain", "--demo", "-a", "Alice Admin", "-p", "SYSTEM_ADMIN")
    assert dc_only.returncode == 1 and "Data Center permission" in dc_only.stdout, dc_only
    demo = load_demo()
    twins = replace(demo, accounts=(replace(demo.accounts[0], email="Twin@acme.example"),
                                    replace(demo.accounts[1], email="twin@acme.example"), *demo.accounts[2:]))
    path = tmp_path / "twins.jpsnap"
    write_snapshot(twins, path)
    assert_one_line_error(run("explain", "-s", str(path), "-p", "edit issues", "--project", "ENG",
                              "-a", "twin@acme.example"), demo.accounts[0].account_id, demo.accounts[1].account_id)
