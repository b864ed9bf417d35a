"""``redact``, ``reveal``, ``diff`` and ``report`` as users run them: real processes, files, exit codes, streams."""

from __future__ import annotations

import gzip
import json
import stat
from dataclasses import replace

import pytest

from explorer.core.model import Grant, Holder
from explorer.store.snapshot_file import load_demo, read_snapshot, write_snapshot
from tests.cli_run import assert_one_line_error
from tests.cli_run import run_cli as run


@pytest.fixture()
def env(tmp_path):
    return {"JIRA_PERMS_CONFIG_DIR": str(tmp_path / "config"), "JIRA_PERMS_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture()
def demo_file(tmp_path):
    return write_snapshot(load_demo(), tmp_path / "demo.jpsnap")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- redact / reveal


def test_redact_writes_a_private_copy_and_mapping_that_reveal_reads(tmp_path, demo_file, env):
    out, mapping = tmp_path / "red.jpsnap", tmp_path / "map.json"
    result = run("redact", str(demo_file), "-o", str(out), "--mapping", str(mapping), env=env)
    assert result.returncode == 0, result.stderr
    assert "Wrote the redacted copy" in result.stdout and result.stderr == ""
    assert mode(out) == 0o600 and mode(mapping) == 0o600
    assert (tmp_path / "config" / "redaction.key").exists()  # the user's key, made on first use
    text = gzip.decompress(out.read_bytes()).decode()
    assert "Alice Admin" not in text and "alice.admin@acme.example" not in text
    copy = read_snapshot(out)
    alice = next(a for a in copy.accounts if a.account_id == copy.provenance.taken_by)
    revealed = run("reveal", str(mapping), f"{alice.display_name} lacks Browse", env=env)
    assert revealed.returncode == 0 and revealed.stdout == "Alice Admin lacks Browse\n"
    # the same key gives the same copy
    again = tmp_path / "again.jpsnap"
    assert run("redact", str(demo_file), "-o", str(again), env=env).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_redact_with_a_key_file_and_kept_groups(tmp_path, demo_file, env):
    key = tmp_path / "key"
    key.write_bytes(b"k" * 32)
    out = tmp_path / "red.jpsnap"
    result = run("redact", str(demo_file), "-o", str(out), "--key-file", str(key), "--keep-group-names", env=env)
    assert result.returncode == 0, result.stderr
    assert "developers" in {g.name for g in read_snapshot(out).groups}
    assert not (tmp_path / "config" / "redaction.key").exists()


def test_redact_errors_are_one_line_and_write_nothing(tmp_path, demo_file, env):
    out = tmp_path / "red.jpsnap"
    assert_one_line_error(run("redact", str(demo_file), "-o", str(demo_file), env=env), "overwrite the original")
    assert_one_line_error(run("redact", str(tmp_path / "nope.jpsnap"), "-o", str(out), env=env), "does not exist")
    short = tmp_path / "short.key"
    short.write_bytes(b"tiny")
    assert_one_line_error(run("redact", str(demo_file), "-o", str(out), "--key-file", str(short), env=env),
                          "at least 16")
    assert_one_line_error(run("redact", str(demo_file), "-o", str(out), "--key-file", str(tmp_path / "x"), env=env),
                          "does not exist")
    assert_one_line_error(run("redact", str(demo_file), "-o", str(out), "--mapping", str(out), env=env),
                          "file of its own")
    assert not out.exists()
    assert_one_line_error(run("reveal", str(demo_file), "text", env=env), "not a jira-perms redaction mapping")


# ---------------------------------------------------------------- diff


def test_diff_exit_codes_and_formats(tmp_path, demo_file, env):
    same = run("diff", str(demo_file), str(demo_file), env=env)
    assert same.returncode == 0, same.stderr
    assert "Nothing changed in effect" in same.stdout
    demo = load_demo()
    scheme = demo.permission_schemes[0]
    opened = replace(scheme, grants=(*scheme.grants, Grant("999", "BROWSE_PROJECTS", Holder("anyone"))))
    newer = write_snapshot(replace(demo, permission_schemes=(opened, *demo.permission_schemes[1:])),
                           tmp_path / "newer.jpsnap")
    changed = run("diff", str(demo_file), str(newer), env=env)
    assert changed.returncode == 1, changed.stderr
    assert changed.stdout.startswith("Changes in https://acme-demo.atlassian.net")
    assert "⚠ Widening" in changed.stdout and "Anonymous (logged-out visitor) gained Browse Projects" in changed.stdout
    data = json.loads(run("diff", str(demo_file), str(newer), "--format", "json", env=env).stdout)
    assert data["changedInEffect"] is True and data["widening"]["changes"]
    md = run("diff", str(demo_file), str(newer), "-f", "markdown", "--account", "anonymous", env=env)
    assert md.returncode == 1 and md.stdout.startswith("## Changes in") and "**Anonymous" in md.stdout
    alice = run("diff", str(demo_file), str(newer), "--account", "Alice Admin", env=env)
    assert alice.returncode == 1 and "Alice Admin" in alice.stdout


def test_diff_errors_are_one_line(tmp_path, demo_file, env):
    assert_one_line_error(run("diff", str(demo_file), str(tmp_path / "nope"), env=env), "does not exist")
    assert_one_line_error(run("diff", str(demo_file), str(demo_file), "--account", "Nobody Known", env=env),
                          "unknown account", "both snapshots")
    junk = tmp_path / "junk.jpsnap"
    junk.write_text("hello")
    assert_one_line_error(run("diff", str(junk), str(demo_file), env=env), "not a jira-perms snapshot")


# ---------------------------------------------------------------- report


def test_report_writes_one_private_html_file(tmp_path, env):
    out = tmp_path / "report.html"
    result = run("report", "--demo", "--account", "Backbone Sync", "--permission", "Delete Own Attachments",
                 "--project", "ENG", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and mode(out) == 0o600
    html = out.read_text(encoding="utf-8")
    assert "Backbone Sync" in html and "✗ DENIED" in html and "<script" not in html
    result = run("report", "--demo", "--project", "ENG", "-o", str(out), env=env)
    assert result.returncode == 0 and "who can do what" in out.read_text(encoding="utf-8")
    result = run("report", "--demo", "--profile", "backbone", "--account", "Backbone Sync", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Backbone Issue Sync" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "needle"), [
    ([], "give --account"),
    (["--profile", "backbone"], "--profile needs --account"),
    (["--permission", "edit issues"], "--permission needs --account"),
    (["--account", "Alice Admin", "--project", "ENG"], "needs --permission"),
    (["--account", "Alice Admin", "--permission", "edit issues"], "project permission"),
    (["--account", "Nobody Known"], "unknown account"),
    (["--project", "NOPE"], "unknown project"),
    (["--profile", "no-such-profile", "--account", "Alice Admin"], "profile"),
])
def test_report_errors_are_one_line(tmp_path, env, args, needle):
    out = tmp_path / "r.html"
    assert_one_line_error(run("report", "--demo", *args, "-o", str(out), env=env), needle)
    assert not out.exists()


def test_report_refuses_a_directory(tmp_path, env):
    assert_one_line_error(run("report", "--demo", "--project", "ENG", "-o", str(tmp_path), env=env), "directory")
