"""``jira-perms audit`` and ``jira-perms profiles`` as users run them: exit codes, streams, one-line errors."""

from __future__ import annotations

import json

import pytest

from explorer.core.model import FactKind
from explorer.store.snapshot_file import write_snapshot
from tests.cli_run import assert_one_line_error
from tests.cli_run import run_cli as run
from tests.site_builder import DEVELOPERS, gap, grant, project, site, users

SIMPLE = """schema = 1
name = "Mini Sync"
vendor = "Tests"
purpose = "Reads and edits issues"
source = "this test"

[[features]]
id = "issues"
title = "Issues"
  [[features.requirements]]
  permission = "BROWSE_PROJECTS"
  why = "read"
  [[features.requirements]]
  permission = "EDIT_ISSUES"
  why = "edit"
"""


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "config"
    (folder / "profiles").mkdir(parents=True)
    (folder / "profiles" / "mini.toml").write_text(SIMPLE, encoding="utf-8")
    return {"JIRA_PERMS_CONFIG_DIR": str(folder)}


def _snapshot(tmp_path, perms=("BROWSE_PROJECTS", "EDIT_ISSUES"), gaps=(), eng_scheme="S"):
    snap = site(projects=[project("ENG", scheme=eng_scheme, roles={DEVELOPERS: users("bot")}),
                          project("OPS", scheme="S")],
                schemes={"S": [grant(p, "projectRole", DEVELOPERS) for p in perms]}, gaps=gaps)
    return str(write_snapshot(snap, tmp_path / "site.jpsnap"))


def test_exit_0_when_ready_everywhere_asked(tmp_path, config):
    snap = _snapshot(tmp_path)
    result = run("audit", "--snapshot", snap, "--profile", "mini", "--account", "bot", "--project", "ENG", env=config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("✓ READY  User bot for Mini Sync (Tests)")
    assert result.stderr == ""


def test_exit_1_when_not_ready(tmp_path, config):
    snap = _snapshot(tmp_path, perms=("BROWSE_PROJECTS",))
    result = run("audit", "--snapshot", snap, "--profile", "Mini Sync", "--account", "bot", "--project", "ENG",
                 env=config)
    assert result.returncode == 1, result.stderr
    assert "✗ 2. Edit Issues" in result.stdout and "Fix: " in result.stdout
    assert "Totals: 0 of 1 project ready, 1 not ready" in result.stdout


def test_exit_3_when_undeterminable(tmp_path, config):
    snap = _snapshot(tmp_path, eng_scheme="X", gaps=[gap(FactKind.PERMISSION_SCHEME, "X")])
    result = run("audit", "--snapshot", snap, "--profile", "mini", "--account", "bot", "--project", "ENG",
                 "--format", "json", env=config)
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["readiness"] == "cannot_determine" and data["ready"] is None


def test_projects_may_be_comma_separated_and_markdown_works(tmp_path, config):
    snap = _snapshot(tmp_path)
    result = run("audit", "--snapshot", snap, "--profile", "mini", "--account", "bot", "--project", "ENG,OPS",
                 "--format", "markdown", env=config)
    assert result.returncode == 1  # OPS: the bot is in no role there
    assert "| ENG | ✓ ready |" in result.stdout and "| OPS | ✗ not ready |" in result.stdout


def test_demo_audit_and_all_profiles():
    result = run("audit", "--demo", "--profile", "factory", "--account", "Factory Droid", "--project", "ENG",
                 "--project", "MOB")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "Least privilege" in out and "! HIGH" in out and "Administer Jira" in out
    assert out.index("Per project") < out.index("Least privilege")
    ranked = run("audit", "--demo", "--all-profiles", "--account", "Workato Connector", "--format", "json")
    data = json.loads(ranked.stdout)
    assert {p["id"] for p in data["profiles"]} == {"support-fusion", "helpdesk-plus", "backbone", "workato", "factory"}
    assert data["best"] == data["profiles"][0]["id"]
    assert ranked.returncode in (1, 3)


@pytest.mark.parametrize("args, needles", [
    (["audit", "--demo", "--profile", "zendesk", "--account", "Factory Droid"], ["unknown profile 'zendesk'"]),
    (["audit", "--demo", "--profile", "factory", "--account", "Nobody Here"], ["unknown account"]),
    (["audit", "--demo", "--profile", "factory", "--account", "Factory Droid", "--project", "NOPE"],
     ["unknown project 'NOPE'"]),
    (["audit", "--demo", "--profile", "workato", "--account", "Workato Connector", "--feature", "tickets"],
     ["profile workato has no feature 'tickets'", "webhooks"]),
    (["audit", "--demo", "--all-profiles", "--account", "Factory Droid", "--feature", "issues"],
     ["--feature needs --profile"]),
    (["audit", "--demo", "--account", "Factory Droid"], ["one of the arguments --profile --all-profiles"]),
    (["audit", "--demo", "--profile", "factory", "--account", "anonymous"], ["not 'anonymous'"]),
    (["audit", "--profile", "factory", "--account", "Factory Droid"], ["give --snapshot FILE or --demo"]),
    (["audit", "--snapshot", "/nonexistent/site.jpsnap", "--profile", "factory", "--account", "x"],
     ["/nonexistent/site.jpsnap"]),
    (["profiles", "zendesk"], ["unknown profile 'zendesk'"]),
])
def test_bad_input_is_one_line_and_exit_2(args, needles):
    assert_one_line_error(run(*args), *needles)


def test_profiles_lists_shipped_and_user_profiles(config):
    result = run("profiles", env=config)
    assert result.returncode == 0, result.stderr
    for pid in ("support-fusion", "helpdesk-plus", "backbone", "workato", "factory", "mini"):
        assert f"  {pid}" in result.stdout
    assert "[yours]" in result.stdout and "webhooks?" in result.stdout
    data = json.loads(run("profiles", "--format", "json", env=config).stdout)
    assert {p["id"] for p in data["profiles"]} >= {"mini", "workato"}
    detail = run("profiles", "backbone")
    assert detail.returncode == 0 and "[info-panel] Use sync info panel" in detail.stdout


def test_profiles_check_accepts_a_good_file_and_explains_a_bad_one(tmp_path):
    good = tmp_path / "acme.toml"
    good.write_text(SIMPLE, encoding="utf-8")
    result = run("profiles", "--check", str(good))
    assert result.returncode == 0 and "OK: profile acme (Mini Sync), 1 features, 2 requirements" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(SIMPLE.replace('permission = "EDIT_ISSUES"', 'permission = "EDIT_ISSUE_TYPO"'), encoding="utf-8")
    assert_one_line_error(run("profiles", "--check", str(bad)), str(bad),
                          "features[0].requirements[1].permission: unknown permission 'EDIT_ISSUE_TYPO'")


def test_a_broken_user_profile_does_not_break_the_others(config, tmp_path):
    folder = config["JIRA_PERMS_CONFIG_DIR"]
    with open(f"{folder}/profiles/broken.toml", "w", encoding="utf-8") as handle:
        handle.write("schema = 1\nname = 3\n")
    listing = run("profiles", env=config)
    assert listing.returncode == 0 and "! unusable:" in listing.stdout and "name: expected a string" in listing.stdout
    snap = _snapshot(tmp_path)
    result = run("audit", "--snapshot", snap, "--profile", "mini", "--account", "bot", "--project", "ENG", env=config)
    assert result.returncode == 0
    assert result.stderr.strip().startswith("jira-perms: warning: skipped profile ")
