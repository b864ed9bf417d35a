"""How the TUI starts from the command line (without a terminal, it refuses in one line)."""

from __future__ import annotations

from explorer.cli.main import main


def test_bare_command_without_a_terminal_prints_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "tui" in out and "demo" in out


def test_demo_without_a_terminal_is_one_line(capsys):
    assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs a terminal" in err


def test_tui_with_a_missing_snapshot_is_one_line(capsys, tmp_path):
    assert main(["tui", "--snapshot", str(tmp_path / "nope.jpsnap")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


def test_tui_with_a_foreign_file_is_one_line(capsys, tmp_path):
    bad = tmp_path / "x.jpsnap"
    bad.write_text("hello")
    assert main(["tui", "--snapshot", str(bad)]) == 2
    assert "not a jira-perms snapshot" in capsys.readouterr().err
