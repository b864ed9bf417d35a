"""Constants and helpers shared by the credential and site tests (fixtures are in account_fixtures.py)."""

from __future__ import annotations

import io
import sys

import pytest

from explorer.cli.main import main

TOKEN = "ATATT3xFfGF0-test-token-7f3c9a1b2d4e5f60A1B2C3D4"
EMAIL = "admin@example.com"


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str,
        stdin: str = "") -> tuple[int, str, str]:
    """Run ``jira-perms ARGS`` in this process with ``stdin`` as a pipe; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_failure(code: int, out: str, err: str, *needles: str) -> str:
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]
    return lines[0]
