"""``jira-perms whatif`` and ``explain`` with change flags, as users run them: real processes, files, exit codes."""

from __future__ import annotations

import json
import stat

from tests.cli_run import assert_one_line_error
from tests.cli_run import run_cli as run

REMOVE = ["--remove-grant", "Software Permission Scheme: BROWSE_PROJECTS -> group contractors"]


def test_acceptance_removing_a_grant_names_who_loses_what_where():
    result = run("whatif", "--demo", *REMOVE)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "Nadia Ivanova" in out and "loses Edit Issues, Add Comments in ENG" in out
    assert "loses Browse Projects, View Voters and Watchers in ENG, LEGACY" in out
    assert out.index("Effect:") < out.index("Who gains and who loses") < out.index("Per project")
    assert "Access changes in effect (exit code 1)." in out
    assert all(len(line) <= 80 for line in out.splitlines() if not line.lstrip().startswith(("--", "jira-perms")))


def test_acceptance_adding_a_member_who_is_already_there_exits_0():
    result = run("whatif", "--demo", "--add-to-group", "jira-software-users += Alice Admin")
    assert result.returncode == 0, result.stderr
    assert "already so: Alice Admin is already a member of group jira-software-users" in result.stdout
    assert "Nothing changes in effect (exit code 0)." in result.stdout


def test_explain_with_the_same_flags_proves_a_line():
    base = ["explain", "--demo", "--account", "Nadia Ivanova", "--permission", "Edit Issues", "--project", "ENG"]
    assert run(*base).returncode == 0
    result = run(*base, *REMOVE)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("What if (proposed, not made in Jira):")
    assert "DENIED" in result.stdout
    data = json.loads(run(*base, *REMOVE, "--format", "json").stdout)
    assert data["verdict"] == "denied" and data["whatIf"][0]["kind"] == "remove-grant"


def test_the_first_line_s_proof_command_works():
    out = run("whatif", "--demo", *REMOVE).stdout
    command = next(line.strip() for line in out.splitlines() if line.strip().startswith("jira-perms explain"))
    import shlex

    argv = shlex.split(command)[1:]
    proved = run(*argv)
    assert proved.returncode in (1, 3) and "What if (proposed" in proved.stdout


def test_formats(tmp_path):
    data = json.loads(run("whatif", "--demo", *REMOVE, "--format", "json").stdout)
    assert data["changedInEffect"] and data["counts"]["accounts"]["lost"] == 2
    md = run("whatif", "--demo", *REMOVE, "--format", "markdown", "--title", "CHG-42").stdout
    assert md.startswith("## CHG-42") and "- [ ] Remove the grant" in md
    target = tmp_path / "whatif.html"
    result = run("whatif", "--demo", *REMOVE, "--format", "html", "--output", str(target))
    assert result.returncode == 1 and result.stdout == ""
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_changes_file_and_flags_apply_in_order(tmp_path):
    changes = tmp_path / "changes.toml"
    changes.write_text('[[changes]]\nadd-to-group = "developers += Frank Finance"\n')
    result = run("whatif", "--demo", "--changes", str(changes), "--remove-from-group", "developers -= Frank Finance",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["kind"] for c in data["changes"]] == ["add-to-group", "remove-from-group"]
    exported = tmp_path / "again.toml"
    exported.write_text(json.loads(run("whatif", "--demo", *REMOVE, "--format", "json").stdout)["changesFile"])
    assert run("whatif", "--demo", "--changes", str(exported)).returncode == 1


def test_service_account_flag():
    result = run("whatif", "--demo", "--remove-from-group", "jira-software-users -= Quinn Tester",
                 "--service-account", "Quinn Tester = backbone")
    assert "the Backbone Issue Sync service account, loses" in result.stdout
    assert_one_line_error(run("whatif", "--demo", "--archive", "ENG", "--service-account", "Quinn"),
                          "ACCOUNT = PROFILE")
    assert_one_line_error(run("whatif", "--demo", "--archive", "ENG", "--service-account", "Quinn Tester = nope"),
                          "unknown profile")


def test_bad_input_is_one_line(tmp_path):
    assert_one_line_error(run("whatif", "--demo"), "give at least one change")
    assert_one_line_error(run("whatif", "--demo", "--add-to-group", "jira-softwar-users += Alice Admin"),
                          "--add-to-group", "did you mean 'jira-software-users'")
    assert_one_line_error(run("whatif", "--demo", "--changes", str(tmp_path / "nope.toml")), "no such file")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[changes]]\nfly = 'x'\n")
    assert_one_line_error(run("whatif", "--demo", "--changes", str(bad)), "unknown change 'fly'")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (1024 * 1024 + 10))
    assert_one_line_error(run("whatif", "--demo", "--changes", str(big)), "larger than")
    assert_one_line_error(run("explain", "--demo", "-a", "Nadia Ivanova", "-p", "browse", "--project", "ENG",
                              "--archive", "ENGX"), "--archive", "did you mean 'ENG'")
    assert_one_line_error(run("whatif", "--demo", "--archive", "ENG", "--output", str(tmp_path)), "is a directory")
