"""The command line as users run it: real files, exit codes and streams.

Commands run in the test's process (tests/cli_run.py); the acceptance and ``--help`` also as real processes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from explorer.store.snapshot_file import load_demo, write_snapshot
from tests.cli_run import assert_one_line_error, run_process
from tests.cli_run import run_cli as run

ACCEPTANCE = ["explain", "--demo", "--account", "Backbone Sync", "--permission", "Delete Own Attachments",
              "--project", "ENG"]


def test_acceptance_text_explains_the_denial_with_a_fix():
    result = run_process(*ACCEPTANCE)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "DENIED" in out and "Backbone Sync" in out and "Delete Own Attachments" in out
    assert "role Administrators does not match" in out
    assert "How to fix it" in out
    assert "Add Backbone Sync to role Administrators in ENG" in out
    assert "Grant Delete Own Attachments to role Developers" in out
    assert "Blast radius:" in out and "Administer Projects" in out
    assert result.stderr == ""


def test_acceptance_json_follows_the_contract():
    result = run(*ACCEPTANCE, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["allowed"] is False
    assert data["account"]["displayName"] == "Backbone Sync" and data["account"]["accountId"]
    assert data["permission"] == "DELETE_OWN_ATTACHMENTS"
    assert data["project"] == "ENG" and data["issue"] is None
    kinds = [r["kind"] for r in data["reasons"]]
    assert {"account_inactive", "product_access", "grant", "browse_required", "archived"} <= set(kinds)
    assert all({"kind", "passed", "summary"} <= set(r) for r in data["reasons"])
    grant = next(r for r in data["reasons"] if r["kind"] == "grant")
    assert grant["passed"] is False and grant["holder"]["type"] == "projectRole" and grant["decisive"]
    assert data["fixes"] and all("summary" in f for f in data["fixes"])
    role_fix = next(f for f in data["fixes"] if f["changes"][0]["action"] == "add_to_role")
    assert any(g["permission"] == "ADMINISTER_PROJECTS" for g in role_fix["alsoGrants"])


def test_acceptance_markdown_is_ready_to_paste():
    result = run(*ACCEPTANCE, "--format", "markdown")
    assert result.returncode == 1
    md = result.stdout
    assert md.startswith("### ✗ Denied: Backbone Sync")
    assert "**How to fix it**" in md and "1. Grant" in md or "1. Add" in md
    assert "- ✗ **Scheme grants**" in md


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (["--account", "Backbone Sync", "--permission", "Edit Issues", "--project", "ENG"], 0, "ALLOWED"),
        (["--account", "Ian Former", "--permission", "Edit Issues", "--project", "ENG"], 1, "deactivated"),
        (["--account", "anonymous", "--permission", "Browse Projects", "--project", "ENG"], 1, "Public"),
        (["--account", "Frank Finance", "--permission", "Browse Projects", "--project", "ENG"], 3,
         "CANNOT DETERMINE"),
        (["--account", "Factory Droid", "--permission", "browse projects", "--issue", "OPS-1"], 1, "Top secret"),
        (["--account", "alice.admin@acme.example", "--permission", "ADMINISTER"], 0, "global permission"),
    ],
)
def test_exit_codes_follow_the_verdict(args, code, phrase):
    result = run("explain", "--demo", *args)
    assert result.returncode == code, result.stdout + result.stderr
    assert phrase.lower() in result.stdout.lower()


def test_unknown_account_is_one_line_with_a_suggestion():
    result = run("explain", "--demo", "--account", "Backbone Synk", "--permission", "edit issues", "--project", "ENG")
    assert_one_line_error(result, "unknown account", "Backbone Sync")


def test_ambiguous_account_lists_candidates():
    result = run("explain", "--demo", "--account", "a", "--permission", "edit issues", "--project", "ENG")
    assert_one_line_error(result, "matches", "accountId or email")


def test_unknown_permission_suggests_the_closest():
    result = run("explain", "--demo", "--account", "Backbone Sync", "--permission", "delte own atachments",
                 "--project", "ENG")
    assert_one_line_error(result, "unknown permission", "Delete Own Attachments")


def test_unknown_project_and_issue():
    assert_one_line_error(run("explain", "--demo", "-a", "Backbone Sync", "-p", "edit issues", "--project", "NOPE"),
                          "unknown project", "ENG")
    assert_one_line_error(run("explain", "--demo", "-a", "Backbone Sync", "-p", "edit issues", "--issue", "ENG-999"),
                          "not in the snapshot", "jira-perms sync --issue ENG-999")


def test_missing_arguments_are_one_line():
    assert_one_line_error(run("explain", "--demo", "--account", "Backbone Sync"), "required", "--help")
    assert_one_line_error(run("explain", "--account", "x", "--permission", "y", "--project", "ENG"),
                          "--snapshot FILE or --demo")


def test_malformed_snapshots(tmp_path: Path):
    junk = tmp_path / "junk.jpsnap"
    junk.write_bytes(b"this is not a snapshot at all")
    assert_one_line_error(run("show", "--snapshot", str(junk)), "not a jira-perms snapshot")

    good = tmp_path / "good.jpsnap"
    write_snapshot(load_demo(), good)
    cut = tmp_path / "cut.jpsnap"
    cut.write_bytes(good.read_bytes()[:2000])
    assert_one_line_error(run("show", "--snapshot", str(cut)), "truncated")

    newer = tmp_path / "newer.jpsnap"
    doc = json.loads(gzip.decompress(good.read_bytes()))
    doc["version"] = 99
    newer.write_bytes(gzip.compress(json.dumps(doc).encode()))
    assert_one_line_error(run("show", "--snapshot", str(newer)), "newer")

    foreign = tmp_path / "foreign.jpsnap"
    foreign.write_bytes(gzip.compress(json.dumps({"format": "something-else", "version": 1}).encode()))
    assert_one_line_error(run("explain", "--snapshot", str(foreign), "-a", "x", "-p", "edit issues",
                              "--project", "ENG"), "not a jira-perms snapshot")

    assert_one_line_error(run("show", "--snapshot", str(tmp_path / "missing.jpsnap")), "missing.jpsnap")


def test_snapshot_file_works_like_the_demo(tmp_path: Path):
    path = tmp_path / "site.jpsnap"
    write_snapshot(load_demo(), path)
    result = run(*[a if a != "--demo" else "--snapshot" for a in ACCEPTANCE[:2]], str(path), *ACCEPTANCE[2:])
    assert result.returncode == 1 and "How to fix it" in result.stdout


def test_who_can_json_agrees_with_explain():
    result = run("who-can", "--demo", "--permission", "Delete Own Attachments", "--project", "ENG", "-f", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["permission"] == "DELETE_OWN_ATTACHMENTS" and data["project"] == "ENG" and data["issue"] is None
    names = {a["displayName"] for a in data["accounts"]}
    assert "Backbone Sync" not in names and "Alice Admin" in names
    assert all(a["via"] for a in data["accounts"])
    for entry in data["accounts"][:3]:
        check = run("explain", "--demo", "--account", entry["accountId"], "--permission", "DELETE_OWN_ATTACHMENTS",
                    "--project", "ENG", "--no-fixes")
        assert check.returncode == 0


def test_matrix_formats():
    text = run("matrix", "--demo", "--account", "Backbone Sync")  # WEB's team roles are not in the demo: exit 3
    assert text.returncode == 3 and "Delete Own Attachments" in text.stdout and "ENG" in text.stdout
    csv_out = run("matrix", "--demo", "--project", "ENG", "-f", "csv")
    header, *rows = csv_out.stdout.strip().splitlines()
    assert header.startswith("account,id,ADMINISTER_PROJECTS")
    assert any(r.startswith("Backbone Sync,") for r in rows)
    data = json.loads(run("matrix", "--demo", "--project", "ENG", "-f", "json", "-p", "edit issues").stdout)
    assert data["permissions"] == ["EDIT_ISSUES"]
    cells = {r["label"]: r["cells"]["EDIT_ISSUES"] for r in data["rows"]}
    assert cells["Backbone Sync"] == "allowed" and cells["Jordan Blake"] == "denied"


def test_show_and_permissions():
    show = run("show", "--demo")
    assert show.returncode == 0
    assert "acme-demo.atlassian.net" in show.stdout and "Gaps (2)" in show.stdout
    perms = run("permissions")
    assert "DELETE_OWN_ATTACHMENTS" in perms.stdout and "ADMINISTER" in perms.stdout


def test_console_script_help_and_version():
    assert run_process("--version").stdout.startswith("jira-perms ")
    assert "explain" in run_process("--help").stdout
