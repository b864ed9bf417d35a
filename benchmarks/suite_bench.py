"""The test suite's wall time: ``pytest -q`` exactly as the README runs it, in a subprocess.

    python benchmarks/suite_bench.py

The command is the README's, nothing added: the project's settings (``pyproject.toml``: pytest-xdist with one
worker per CPU, the tests marked slow left to CI) and hypothesis's default ``fast`` profile (the variables CI
sets to search harder, ``JIRA_PERMS_HYPOTHESIS`` and ``JIRA_PERMS_CI``, are dropped if this shell has them).
Beside the wall time: the CPU time of the whole run (every worker and every process the tests start, from the
children's resource usage), which a busy machine inflates least, and the load average when it started.

The baseline is issue 12's figure for the suite before this work (4.5 minutes on a quiet machine, one test
after another); it is not re-run here, since the old suite no longer exists to run.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.table import Row, render  # noqa: E402

COMMAND = ("pytest", "-q")
CI_ONLY = ("JIRA_PERMS_HYPOTHESIS", "JIRA_PERMS_CI")
BEFORE = "4.5 min (issue 12)"
_SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed|error).*?)\s*=*$", re.M)


def _pytest() -> str:
    """The project's own pytest, as ``pytest`` in the activated virtualenv is."""
    local = ROOT / ".venv" / "bin" / "pytest"
    return str(local) if local.exists() else str(Path(sys.executable).with_name("pytest"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rows(quick: bool = False) -> list[Row]:
    if quick:
        return [Row("`pytest -q`", None, target="< 90 s", baseline_text=BEFORE,
                    note="not measured: --quick (run without it, or python benchmarks/suite_bench.py)")]
    env = {k: v for k, v in os.environ.items() if k not in CI_ONLY}
    load = os.getloadavg()[0]
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run([_pytest(), *COMMAND[1:]], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    summary = _SUMMARY.findall(done.stdout)
    outcome = summary[-1] if summary else f"exit {done.returncode}: {(done.stdout + done.stderr).strip()[-300:]}"
    return [Row("`pytest -q`", wall, cpu=cpu, target="< 90 s", baseline_text=BEFORE,
                met=wall < 90 and done.returncode == 0,
                note=f"{outcome}; `{' '.join(COMMAND)}` in {ROOT.name}/ as the README runs it ({os.cpu_count()} CPUs, "
                     f"load average {load:.1f} at the start). cpu: every worker and every process the tests "
                     "started. Baseline: issue 12's figure before this work, one test after another (not re-run)")]


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    for row in rows():
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
