"""Jira Data Center through the command line, as users run it, against the fake DC server.

The acceptance of issue 15: ``JIRA_API_TOKEN=<PAT> jira-perms sync --site URL -o dc.jpsnap`` (and with
``--email USERNAME`` for basic auth) gives a snapshot on which explain, who-can, matrix, audit, diff, report,
redact and verify keep the Cloud contract (exit codes, JSON shape) with ``username`` added.  Commands run in
the test's process as a child would run them (tests/cli_run.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from explorer.core.model import Deployment, FactKind, Status
from explorer.store.snapshot_file import read_snapshot
from tests.cli_run import run_cli
from tests.fake_jira_dc import (
    ADMIN_PASSWORD,
    ADMIN_PAT,
    ADMIN_USERNAME,
    DEV_PAT,
    EXPIRED_PAT,
    generate_dc_site,
    serve,
)
from tests.fake_jira_dc.forms import form_for

SITE = generate_dc_site(seed=9, projects=5, accounts=30, groups=5)
SECRETS = (ADMIN_PAT, ADMIN_PASSWORD, EXPIRED_PAT)


@pytest.fixture
def env(tmp_path):
    return {"JIRA_PERMS_CONFIG_DIR": str(tmp_path / "config"), "JIRA_PERMS_DATA_DIR": str(tmp_path / "data"),
            "HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture(scope="module")
def fake():
    with serve(SITE) as server:
        yield server


def run(*args: str, env: dict, token: str | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    result = run_cli(*args, env={**env, "JIRA_API_TOKEN": token}, stdin=stdin)
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    return result


def sync(fake, env, out, *extra: str, token: str = ADMIN_PAT) -> subprocess.CompletedProcess:
    result = run("sync", "--site", fake.url, "-o", str(out), *extra, env=env, token=token)
    assert result.returncode == 0, result.stderr
    return result


def test_a_pat_sync_gives_a_dc_snapshot_and_says_what_dc_does_not_publish(fake, env, tmp_path):
    out = tmp_path / "dc.jpsnap"
    result = sync(fake, env, out, "--issue", "PBA-1", "--issue", "PBB-3")
    assert "Jira Data Center 10.3.24" in result.stdout
    assert "jira-perms supply --snapshot" in result.stdout
    snap = read_snapshot(out)
    assert snap.site.deployment is Deployment.DATA_CENTER
    assert all(a.username for a in snap.accounts) and {i.key for i in snap.issues} >= {"PBA-1", "PBB-3"}
    assert {f.kind for f in snap.gaps} == {FactKind.GLOBAL_PERMISSIONS, FactKind.ISSUE_SECURITY_SCHEME,
                                           FactKind.WORKFLOW, FactKind.GROUP_NESTING}
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_basic_auth_with_a_username_and_the_user_alias(fake, env, tmp_path):
    one, two = tmp_path / "a.jpsnap", tmp_path / "b.jpsnap"
    sync(fake, env, one, "--email", ADMIN_USERNAME, token=ADMIN_PASSWORD)
    sync(fake, env, two, "--user", ADMIN_USERNAME, token=ADMIN_PASSWORD)
    assert len(read_snapshot(one).accounts) == len(read_snapshot(two).accounts) == len(SITE.accounts)


def test_a_sync_with_the_hand_filled_form_is_complete(fake, env, tmp_path):
    form = tmp_path / "dc-facts.toml"
    form.write_text(form_for(SITE, url=fake.url))
    out = tmp_path / "complete.jpsnap"
    result = sync(fake, env, out, "--issue", "PBA-1", "--supply", str(form))
    assert "Complete: every fact was read (" in result.stdout and "supplied by hand" in result.stdout
    snap = read_snapshot(out)
    assert not snap.gaps and any(f.supplied_by_hand for f in snap.facts)


def test_an_expired_pat_is_one_line_naming_the_causes(fake, env, tmp_path):
    result = run("sync", "--site", fake.url, "-o", str(tmp_path / "x.jpsnap"), env=env, token=EXPIRED_PAT)
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "personal access token has expired, was revoked, or personal access tokens are disabled" in result.stderr
    assert not (tmp_path / "x.jpsnap").exists()


def test_the_deployment_can_be_forced(fake, env, tmp_path):
    out = tmp_path / "forced.jpsnap"
    sync(fake, env, out, "--deployment", "dc", "--project", "PBA")
    assert [p.key for p in read_snapshot(out).projects] == ["PBA"]


@pytest.fixture(scope="module")
def synced(tmp_path_factory, fake):
    """A synced DC snapshot completed with the admin's form (what the acceptance commands run on)."""
    home = tmp_path_factory.mktemp("dc")
    env = {"JIRA_PERMS_CONFIG_DIR": str(home / "config"), "JIRA_PERMS_DATA_DIR": str(home / "data"),
           "HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    raw = home / "dc.jpsnap"
    sync(fake, env, raw, "--issue", "PBA-1", "--issue", "PBA-2")
    form = home / "form.toml"
    form.write_text(form_for(SITE, url=fake.url))
    done = home / "dc-complete.jpsnap"
    result = run("supply", "--snapshot", str(raw), str(form), "-o", str(done), env=env)
    assert result.returncode == 0, result.stderr
    assert "No gaps left." in result.stdout
    return raw, done, env


def test_explain_who_can_and_matrix_keep_the_contract_with_usernames(synced):
    raw, done, env = synced
    allowed = run("explain", "-s", str(done), "-a", "dev.lead", "-p", "BROWSE_PROJECTS", "--project", "PBA",
                  "-f", "json", env=env)
    assert allowed.returncode == 0, allowed.stderr
    data = json.loads(allowed.stdout)
    assert data["account"] == {"accountId": "JIRAUSER10001", "displayName": "Dev Lead", "username": "dev.lead"}
    who = run("who-can", "-s", str(done), "-p", "BROWSE_PROJECTS", "--project", "PBA", "-f", "json", env=env)
    assert who.returncode == 0 and all("username" in e for e in json.loads(who.stdout)["accounts"])
    matrix = run("matrix", "-s", str(done), "--project", "PBA", "-f", "json", env=env)
    assert matrix.returncode == 0, matrix.stderr
    unknown = run("explain", "-s", str(raw), "-a", "dev.lead", "-p", "EDIT_ISSUES", "--issue", "PBA-1", env=env)
    assert unknown.returncode in (0, 1, 3), unknown.stderr
    by_key = run("explain", "-s", str(done), "-a", "JIRAUSER10001", "-p", "BROWSE_PROJECTS", "--project", "PBA",
                 env=env)
    assert by_key.returncode == 0


def test_an_issue_question_needs_what_dc_does_not_publish(synced):
    raw, done, env = synced
    before = run("explain", "-s", str(raw), "-a", "ada", "-p", "EDIT_ISSUES", "--issue", "PBA-1", "-f", "json", env=env)
    data = json.loads(before.stdout)
    if data["verdict"] == "cannot_determine":
        assert before.returncode == 3
        assert any(f["status"] == "not_published" for f in data["missingFacts"])
    after = run("explain", "-s", str(done), "-a", "ada", "-p", "EDIT_ISSUES", "--issue", "PBA-1", env=env)
    assert after.returncode in (0, 1)


def test_audit_diff_report_and_redact_work_on_a_dc_snapshot(synced, tmp_path):
    raw, done, env = synced
    audit = run("audit", "-s", str(done), "--profile", "backbone", "--account", "ada", "-f", "json", env=env)
    assert audit.returncode in (0, 1, 3), audit.stderr
    assert json.loads(audit.stdout)["account"]["username"] == "ada"
    diff = run("diff", str(raw), str(done), "-f", "json", env=env)
    assert diff.returncode in (0, 1), diff.stderr
    report = run("report", "-s", str(done), "--account", "dev.lead", "-o", str(tmp_path / "r.html"), env=env)
    assert report.returncode == 0, report.stderr
    assert "dev.lead" in (tmp_path / "r.html").read_text() or "Dev Lead" in (tmp_path / "r.html").read_text()
    red = run("redact", str(done), "-o", str(tmp_path / "red.jpsnap"), env=env)
    assert red.returncode == 0, red.stderr
    redacted = read_snapshot(tmp_path / "red.jpsnap")
    assert not {a.username for a in redacted.accounts} & {a.username for a in SITE.accounts}


def test_verify_on_dc_says_what_it_asked(synced, fake):
    _, done, env = synced
    result = run("verify", "-s", str(done), "--site", fake.url, "--sample", "12", "--seed", "3", env=env,
                 token=ADMIN_PAT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "user/permission/search" in result.stdout
    one = run("verify", "-s", str(done), "--site", fake.url, "-a", "ada", "-p", "ADMINISTER", "-f", "json", env=env,
              token=ADMIN_PAT)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["asked"] == "GET /rest/api/2/mypermissions"


def test_login_with_a_pat_and_doctor_tell_401_from_403(fake, env):
    login = run("login", "--site", fake.url, "--no-store", env=env, stdin=ADMIN_PAT + "\n")
    assert login.returncode == 0, login.stderr
    assert "(Jira Data Center) as Ada Admin (ada)" in login.stdout
    config = Path(env["JIRA_PERMS_CONFIG_DIR"]) / "config.toml"
    assert 'deployment = "dc"' in config.read_text()
    ok = run("doctor", env=env, token=ADMIN_PAT)
    assert ok.returncode == 0 and "signed in as Ada Admin (ada, key ada)" in ok.stdout
    expired = run("doctor", env=env, token=EXPIRED_PAT)
    assert expired.returncode == 2
    assert "rejected the personal access token (HTTP 401)" in expired.stdout
    assert "expired, was revoked, or personal access tokens are disabled" in expired.stdout
    sites = run("sites", env=env)
    assert "(personal access token)" in sites.stdout and "Data Center" in sites.stdout


def test_a_dc_account_without_jira_access_is_a_403_not_a_401(env):
    from dataclasses import replace

    site = replace(SITE, application_roles=())  # nobody has application access
    with serve(site) as server:
        server.no_access = {DEV_PAT}
        result = run("login", "--site", server.url, "--no-store", env=env, stdin=DEV_PAT + "\n")
    assert result.returncode == 2
    assert "permission denied" in result.stderr and "HTTP 403" in result.stderr and "401" not in result.stderr


def test_the_demo_has_a_data_center_site(env):
    result = run("explain", "--demo-dc", "-a", "dave.contractor", "-p", "Edit Issues", "--issue", "PAY-7", env=env)
    assert result.returncode == 1
    assert max(len(line) for line in result.stdout.splitlines()) <= 80  # read whole at 80 columns
    assert "\n        developers > contractors, an actor of role Developers in PAY\n" in result.stdout  # hanging
    words = " ".join(result.stdout.split())
    assert "via nested group developers > contractors" in words
    assert "not a member of group payments-staff, directly or through a nested group" in words
    missing = [f for f in read_snapshot_demo().facts if f.status is not Status.COMPLETE]
    assert not missing


def read_snapshot_demo():
    from explorer.store.snapshot_file import load_demo

    return load_demo(data_center=True)
