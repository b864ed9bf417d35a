"""The CLI paper cuts of issues 11 and 13, each with its test: the rules in the terminal, --demo everywhere,
options read the same way by every command, where files may be written, the matrix's '?', exit codes, and
hostile text that never reaches the terminal or a spreadsheet raw."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli.main import EXIT_CODES, build_parser, main
from explorer.core.escape import is_safe
from explorer.core.render.citations import CITATION, rule
from explorer.core.snapshot.codec import snapshot_from_dict, snapshot_to_dict
from explorer.store.snapshot_file import encode_snapshot, load_demo, read_snapshot, write_snapshot

pytest_plugins = ["tests.account_fixtures"]

ACCEPTANCE = ["explain", "--demo", "-a", "Backbone Sync", "-p", "Delete Own Attachments", "--project", "ENG"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, stdin=subprocess.DEVNULL)


def one_line_error(code: int, out: str, err: str, *needles: str) -> str:
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]
    return lines[0]


# ---------------------------------------------------------------- the rules, cited and printed


def test_acceptance_explain_cites_rules_that_exist_in_the_shipped_document():
    result = run(*ACCEPTANCE)
    assert result.returncode == 1
    cites = {m.group(0) for m in CITATION.finditer(result.stdout)}
    assert "decision 2" in cites
    for found in CITATION.finditer(result.stdout):
        r = rule("decision" if found.group(1).lower() == "decision" else "section", found.group(2))
        assert r.exists and r.link in result.stdout
    assert "Rules cited" in result.stdout and "docs/permission-rules.md#decision-2" in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.split("Rules cited", 1)[1].splitlines())


def test_acceptance_rules_2_prints_decision_2():
    result = run("rules", "2")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Decision 2: Browse Projects is a prerequisite\n")
    assert "Browse Projects is a prerequisite for every project permission except Browse" in result.stdout
    assert "https://support.atlassian.com/" in result.stdout


@pytest.mark.parametrize(("topic", "first_line"), [
    (["section", "11"], "11. Team-managed projects"), (["team-managed"], "11. Team-managed projects"),
    (["3.2"], "3.2 Holder types"), (["docs/permission-rules.md#decision-10"], "Decision 10: A missing fact"),
])
def test_rules_prints_a_section_or_a_decision(capsys, topic, first_line):
    code, out, err = cli(capsys, "rules", *topic)
    assert code == 0 and err == "" and out.startswith(first_line)


def test_rules_without_topic_lists_every_decision_and_section(capsys):
    code, out, _ = cli(capsys, "rules")
    assert code == 0 and "Decisions (" in out and "Sections:" in out and "Team-managed projects" in out


def test_rules_with_several_matches_names_them_and_an_unknown_topic_is_one_line(capsys):
    code, out, _ = cli(capsys, "rules", "workflow")
    assert code == 0 and 'jira-perms rules "section 10"' in out
    one_line_error(*cli(capsys, "rules", "no", "such", "thing"), "nothing in the rules matches", "jira-perms rules")


# ---------------------------------------------------------------- --demo everywhere, demo --save

SNAPSHOT_READERS = ("explain", "who-can", "matrix", "show", "audit", "report", "redact", "diff")


def test_every_command_that_reads_a_snapshot_takes_demo():
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in SNAPSHOT_READERS:
        assert "--demo" in commands[name]._option_string_actions, name


def test_demo_save_writes_the_demo_as_a_private_snapshot_file(capsys, tmp_path):
    target = tmp_path / "demo.jpsnap"
    code, out, err = cli(capsys, "demo", "--save", str(target))
    assert code == 0 and err == "" and str(target) in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == encode_snapshot(load_demo())
    assert read_snapshot(target).site.url == load_demo().site.url


def test_redact_demo(capsys, tmp_path):
    code, out, err = cli(capsys, "redact", "--demo", "-o", str(tmp_path / "r.jpsnap"), "--mapping",
                         str(tmp_path / "m.json"))
    assert code == 0, err
    copy = read_snapshot(tmp_path / "r.jpsnap")
    assert {a.display_name for a in copy.accounts}.isdisjoint({a.display_name for a in load_demo().accounts})
    assert json.loads((tmp_path / "m.json").read_text())
    one_line_error(*cli(capsys, "redact", "-o", str(tmp_path / "x.jpsnap")), "give the SNAPSHOT file", "--demo")


def test_diff_demo_against_a_changed_copy(capsys, tmp_path):
    demo = load_demo()
    data = snapshot_to_dict(demo)
    data["projects"] = [p for p in data["projects"] if p["key"] != "OPS"]
    write_snapshot(snapshot_from_dict(data), tmp_path / "new.jpsnap")
    code, out, err = cli(capsys, "diff", "--demo", str(tmp_path / "new.jpsnap"))
    assert code == 1, err
    assert "OPS" in out
    one_line_error(*cli(capsys, "diff", "--demo"), "give one file, NEW")
    one_line_error(*cli(capsys, "diff", str(tmp_path / "new.jpsnap")), "give two snapshot files")


# ---------------------------------------------------------------- options read one way


@pytest.mark.parametrize("argv", [
    ["explain", "--demo", "-a", "Backbone Sync", "-a", "Alice Admin", "-p", "EDIT_ISSUES", "--project", "ENG"],
    ["explain", "--demo", "-a", "Backbone Sync", "-p", "EDIT_ISSUES", "-p", "BROWSE_PROJECTS", "--project", "ENG"],
    ["explain", "--demo", "-a", "Backbone Sync", "-p", "EDIT_ISSUES", "--project", "ENG", "--project", "OPS"],
    ["who-can", "--demo", "-p", "EDIT_ISSUES", "--project", "ENG", "--project", "OPS"],
    ["matrix", "--demo", "--project", "ENG", "-f", "csv", "-f", "json"],
    ["audit", "--demo", "--profile", "backbone", "-a", "Backbone Sync", "-a", "Workato Connector"],
    ["report", "--demo", "--project", "ENG", "--project", "OPS", "-o", "x.html"],
])
def test_a_repeated_single_valued_option_is_refused(capsys, argv):
    one_line_error(*cli(capsys, *argv), "given more than once")


@pytest.mark.parametrize("argv", [
    ["explain", "--demo", "-a", "Alice Admin", "-p", "ADMINISTER", "--project", "ENG"],
    ["who-can", "--demo", "-p", "Administer Jira", "--issue", "ENG-1"],
    ["report", "--demo", "-a", "Alice Admin", "-p", "ADMINISTER", "--project", "ENG", "-o", "x.html"],
])
def test_project_or_issue_with_a_global_permission_is_refused(capsys, argv):
    one_line_error(*cli(capsys, *argv), "global permission", "does not apply")


def test_values_are_trimmed_and_lists_take_commas_everywhere(capsys):
    code, out, _ = cli(capsys, "explain", "--demo", "-a", " Backbone Sync ", "-p", " EDIT_ISSUES ", "--project",
                       " ENG ", "-f", "json")
    assert code == 0 and json.loads(out)["project"] == "ENG"
    code, out, _ = cli(capsys, "matrix", "--demo", "--project", " ENG ", "-p", "EDIT_ISSUES, BROWSE_PROJECTS",
                       "-p", "ASSIGN_ISSUES", "-p", "EDIT_ISSUES", "-f", "json")
    assert json.loads(out)["permissions"] == ["EDIT_ISSUES", "BROWSE_PROJECTS", "ASSIGN_ISSUES"]
    code, out, _ = cli(capsys, "audit", "--demo", "--profile", "backbone", "-a", "Backbone Sync", "--project",
                       " ENG , OPS", "-f", "json")
    assert [p["key"] for p in json.loads(out)["projects"]] == ["ENG", "OPS"]


def test_an_empty_value_is_refused(capsys):
    one_line_error(*cli(capsys, "who-can", "--demo", "-p", "EDIT_ISSUES", "--project", "   "), "--project",
                   "is empty")
    one_line_error(*cli(capsys, "matrix", "--demo", "--project", "ENG", "-p", " , "), "--permission", "is empty")
    for argv in (["matrix", "--demo", "-a", " "], ["report", "--demo", "-a", "", "-o", "x.html"]):
        one_line_error(*cli(capsys, *argv), "account name is empty")  # the account lookup says it in its words


def test_unknown_options_are_named_without_their_values(capsys):
    secret = "ATATT3xFfGF0-not-a-real-token-0123456789"
    for argv in (["--bogus=" + secret], ["--bogus", secret], ["-x" + secret], [secret]):
        line = one_line_error(*cli(capsys, *ACCEPTANCE, *argv))
        assert secret not in line and "not shown" in line
    assert "--bogus=…" in one_line_error(*cli(capsys, *ACCEPTANCE, "--bogus=" + secret))
    assert secret not in one_line_error(*cli(capsys, "--bogus=" + secret))


def test_every_command_documents_its_exit_codes_in_help():
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) == set(EXIT_CODES)
    for name, parser in commands.items():
        text = parser.format_help()
        assert "Exit codes: " in text and re.search(r"\b0 ", text.split("Exit codes: ", 1)[1]), name


# ---------------------------------------------------------------- where files may be written


@pytest.mark.parametrize("argv", [
    ["report", "--demo", "--project", "ENG", "-o", "{missing}/x.html"],
    ["redact", "--demo", "-o", "{missing}/r.jpsnap"],
    ["redact", "--demo", "-o", "{tmp}/r.jpsnap", "--mapping", "{missing}/m.json"],
    ["demo", "--save", "{missing}/d.jpsnap"],
    ["whatif", "--demo", "--add-to-group", "jira-software-users += Alice Admin", "-o", "{missing}/w.md"],
])
def test_no_command_creates_a_missing_folder(capsys, tmp_path, argv):
    missing = tmp_path / "no" / "such"
    argv = [a.format(missing=missing, tmp=tmp_path) for a in argv]
    one_line_error(*cli(capsys, *argv), "does not exist", "create it first")
    assert not (tmp_path / "no").exists() and not (tmp_path / "r.jpsnap").exists()


def test_a_directory_is_not_a_file_name(capsys, tmp_path):
    one_line_error(*cli(capsys, "report", "--demo", "--project", "ENG", "-o", str(tmp_path)), "is a directory")


# ---------------------------------------------------------------- cannot determine is never hidden


def test_who_can_exits_3_when_any_account_is_undetermined(capsys):
    code, out, _ = cli(capsys, "who-can", "--demo", "-p", "EDIT_ISSUES", "--project", "WEB")
    assert code == 3
    assert "0 accounts for sure, 21 more cannot be determined" in out and "(nobody for sure)" in out
    code, out, _ = cli(capsys, "who-can", "--demo", "-p", "EDIT_ISSUES", "--project", "ENG", "-f", "json")
    data = json.loads(out)
    assert code == (3 if data["undetermined"] else 0)


def test_matrix_says_why_cells_are_unknown(capsys):
    code, out, _ = cli(capsys, "matrix", "--demo", "--project", "WEB")
    assert code == 3
    legend = out.split("? cannot determine", 1)[1]
    assert "cells cannot be determined: the snapshot lacks team roles of WEB" in legend and "--why" in legend
    code, out, _ = cli(capsys, "matrix", "--demo", "-a", "Frank Finance", "--why")
    assert code == 3 and "Why, row by row:" in out
    assert re.search(r"^  ENG: Browse Projects, View Voters and Watchers: group members of contractors", out,
                     re.MULTILINE)
    code, out, _ = cli(capsys, "matrix", "--demo", "-a", "Frank Finance", "--why", "-f", "json")
    data = json.loads(out)
    unknown = [(r["ref"], k) for r in data["rows"] for k, v in r["cells"].items() if v not in ("allowed", "denied")]
    assert sorted((w["ref"], w["permission"]) for w in data["why"]) == sorted(unknown)
    assert all(w["missing"] for w in data["why"])
    one_line_error(*cli(capsys, "matrix", "--demo", "--project", "ENG", "--why", "-f", "csv"), "--why")


def test_a_matrix_without_unknowns_exits_0_and_has_no_legend_for_them(capsys):
    code, out, _ = cli(capsys, "matrix", "--demo", "--project", "ENG", "-p", "ADMINISTER_PROJECTS")
    assert code == 0 and "cannot be determined" not in out


# ---------------------------------------------------------------- hostile text (issue 13, item 7)

EVIL = "Eve\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[31m\r✓ ALLOWED\u202eevil\u2066\x9b1m\x7f\nfake line"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The demo site with escape sequences, OSC 52, BEL, CR, bidi and C1 controls in names, and a formula."""
    text = json.dumps(snapshot_to_dict(load_demo()))
    text = text.replace('"Frank Finance"', json.dumps(EVIL))
    text = text.replace('"contractors"', json.dumps("contract\x1b[8mors\u202e"))
    text = text.replace('"Acme Corp (demo)"', json.dumps("Acme\x1b]0;pwned\x07 Corp"))
    text = text.replace('"Backbone Sync"', json.dumps(FORMULA))
    path = tmp_path_factory.mktemp("hostile") / "hostile.jpsnap"
    write_snapshot(snapshot_from_dict(json.loads(text)), path)
    return path


def _assert_inert(text: str) -> None:
    assert is_safe(text), repr([line for line in text.splitlines() if not is_safe(line, one_line=True)][:3])
    assert "\nfake line" not in text  # a name cannot start a line of its own


HOSTILE_QUESTIONS = [
    ["explain", "-a", "frank.finance@acme.example", "-p", "BROWSE_PROJECTS", "--project", "ENG"],
    ["who-can", "-p", "BROWSE_PROJECTS", "--project", "ENG"],
    ["show"],
    ["matrix", "--project", "ENG"],
    ["matrix", "--project", "ENG", "--why"],
    ["audit", "--profile", "backbone", "-a", "backbone-sync@acme.example"],
    ["diff", "--demo"],
]
FORMATS = {"show": ("text", "json"), "matrix": ("text", "json", "csv")}


@pytest.mark.parametrize(("argv", "fmt"), [
    pytest.param(argv, fmt, id=f"{' '.join(argv[:1] + argv[-1:])}-{fmt}")
    for argv in HOSTILE_QUESTIONS for fmt in FORMATS.get(argv[0], ("text", "markdown", "json"))
    if not (fmt == "csv" and "--why" in argv)
])
def test_no_output_carries_a_control_character(capsys, hostile, argv, fmt):
    source = [str(hostile)] if argv[0] == "diff" else ["--snapshot", str(hostile)]
    code, out, err = cli(capsys, *argv, *source, "-f", fmt)
    assert code in (0, 1, 3), err
    _assert_inert(out)
    _assert_inert(err)
    if fmt == "json":
        data = json.loads(out)  # still JSON, with the real names in it
        if argv[0] == "explain":
            assert data["account"]["displayName"] == EVIL
    elif argv[0] in ("explain", "who-can", "matrix") and fmt != "csv":
        assert "\\x1b" in out and "\\u202e" in out and "\\x07" in out


def test_markdown_cannot_link_or_format(capsys, hostile):
    text = json.dumps(snapshot_to_dict(read_snapshot(hostile)))
    text = text.replace(json.dumps(EVIL), json.dumps("[click me](https://evil.example) **boss**"))
    path = hostile.parent / "md.jpsnap"
    write_snapshot(snapshot_from_dict(json.loads(text)), path)
    code, out, _ = cli(capsys, "who-can", "--snapshot", str(path), "-p", "BROWSE_PROJECTS", "--project", "ENG",
                       "-f", "markdown")
    assert "\\[click me\\](https://evil.example) \\*\\*boss\\*\\*" in out
    assert "[click me](" not in out.replace("\\[click me\\](", "")


def test_csv_cells_cannot_run_in_a_spreadsheet(capsys, hostile):
    code, out, _ = cli(capsys, "matrix", "--snapshot", str(hostile), "--project", "ENG", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    labels = [r[0] for r in rows]
    assert "'" + FORMULA in labels
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert is_safe(out)


def test_errors_on_stderr_show_controls_visibly(capsys, hostile):
    line = one_line_error(*cli(capsys, "explain", "--snapshot", str(hostile), "-a", "Nobody\x1b[31m\x07here",
                               "-p", "EDIT_ISSUES", "--project", "ENG"))
    assert "\\x1b[31m\\x07" in line and is_safe(line)


def test_a_real_process_neither_prints_raw_controls(hostile):
    result = run("who-can", "--snapshot", str(hostile), "-p", "BROWSE_PROJECTS", "--project", "ENG")
    assert result.returncode in (0, 3)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b" in result.stdout


def test_login_shows_a_hostile_display_name_visibly(homes, memory_keyring, monkeypatch, capsys):
    from tests.account_helpers import EMAIL, TOKEN
    from tests.account_helpers import cli as cli_with_stdin
    from tests.myself_server import MyselfServer

    server = MyselfServer().start()
    try:
        server.add(EMAIL, TOKEN, EVIL)
        code, out, err = cli_with_stdin(monkeypatch, capsys, "login", "--site", server.url, "--email", EMAIL,
                                        stdin=TOKEN + "\n")
    finally:
        server.stop()
    assert code == 0, err
    _assert_inert(out)
    assert "as Eve\\x1b]52;c;ZXZpbA==\\x07" in out
