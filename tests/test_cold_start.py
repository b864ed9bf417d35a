"""Cold start: a command loads only what it uses (``--help`` and offline commands never load httpx or textual).

Each case runs the command in a fresh interpreter and looks at ``sys.modules`` afterwards; timings live in
``benchmarks/``, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from explorer.cli import main as cli_main

_PROBE = """
import json, sys
from explorer.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
sys.stdout.flush()
with open({out!r}, "w") as f:
    json.dump({{"code": code, "modules": sorted(sys.modules)}}, f)
"""

NETWORK_AND_SCREEN = ("httpx", "httpcore", "textual", "rich")
CORE_WORK = ("explorer.core.model", "explorer.core.replay", "explorer.core.render", "explorer.core.readiness",
             "explorer.core.review", "explorer.core.snapshot", "explorer.store", "explorer.jira", "explorer.tui",
             "keyring", "asyncio")


def _loaded(tmp_path, *argv: str) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "JIRA_PERMS_CONFIG_DIR": str(tmp_path / "config"),
           "JIRA_PERMS_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-c", _PROBE.format(out=str(out)), *argv], capture_output=True, text=True,
                   env=env, timeout=120, stdin=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    return data["code"], set(data["modules"])


def _under(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


@pytest.mark.parametrize("argv", [["--help"], ["explain", "--help"], ["sync", "--help"], ["tui", "--help"],
                                  ["whatif", "--help"]],
                         ids=" ".join)
def test_help_loads_no_core_adapter_or_front_end(tmp_path, argv):
    code, modules = _loaded(tmp_path, *argv)
    assert code == 0
    assert _under(modules, NETWORK_AND_SCREEN + CORE_WORK) == []


OFFLINE = [
    ["explain", "--demo", "-a", "Backbone Sync", "-p", "Delete Own Attachments", "--project", "ENG"],
    ["who-can", "--demo", "-p", "EDIT_ISSUES", "--project", "ENG"],
    ["matrix", "--demo", "--project", "ENG", "--format", "csv"],
    ["show", "--demo"],
    ["permissions"],
    ["audit", "--demo", "--all-profiles", "-a", "Backbone Sync"],
    ["profiles"],
    ["sites"],
    ["whatif", "--demo", "--remove-grant", "Software Permission Scheme: BROWSE_PROJECTS -> group contractors"],
]


@pytest.mark.parametrize("argv", OFFLINE, ids=lambda argv: argv[0])
def test_offline_commands_load_neither_httpx_nor_textual(tmp_path, argv):
    code, modules = _loaded(tmp_path, *argv)
    assert code in (0, 1, 3)
    assert _under(modules, NETWORK_AND_SCREEN + ("explorer.jira", "explorer.tui")) == []


def test_every_command_module_is_registered_and_light():
    """Each module in the registry declares commands; importing it loads no core work (handlers do that)."""
    probe = ("import json, sys; import importlib\n"
             f"for name in {cli_main.COMMAND_MODULES!r}: assert callable(importlib.import_module(name).register)\n"
             "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert _under(set(json.loads(result.stdout)), NETWORK_AND_SCREEN + CORE_WORK) == []


def test_the_token_variable_name_is_spelled_once_in_effect():
    from explorer.cli import account_commands
    from explorer.store import credentials

    assert account_commands.ENV_TOKEN == credentials.ENV_TOKEN
