"""The test suite's wall time: ``pytest -q`` as a developer runs it, in a subprocess.

    python benchmarks/suite_bench.py

``pytest -q`` runs with the project's settings (``pyproject.toml``: pytest-xdist, one worker per CPU, tests
marked slow left to CI).  The baseline, from the same run, is the time those tests take one after another: the
sum of every test's setup, call and teardown as pytest reports them (``--durations=0``), which is what the
suite cost before it ran in parallel (collection and start-up excluded, so it flatters the old way).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.table import Row, fmt, render  # noqa: E402

_DURATION = re.compile(r"^\s*([0-9.]+)s (setup|call|teardown)\s", re.M)
_SUMMARY = re.compile(r"^=*\s*(.*(passed|failed|error).*?)\s*=*$", re.M)


def _pytest() -> list[str]:
    local = ROOT / ".venv" / "bin" / "pytest"
    return [str(local)] if local.exists() else [sys.executable, "-m", "pytest"]


def rows(quick: bool = False) -> list[Row]:
    if quick:
        return [Row("`pytest -q`", None, target="< 90 s", note="not measured: --quick (run without it, or "
                                                              "python benchmarks/suite_bench.py)")]
    start = time.perf_counter()
    done = subprocess.run([*_pytest(), "-q", "--durations=0", "--durations-min=0"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    serial = sum(float(m.group(1)) for m in _DURATION.finditer(done.stdout))
    summary = _SUMMARY.findall(done.stdout)
    outcome = summary[-1][0] if summary else f"exit {done.returncode}"
    return [Row("`pytest -q`", wall, baseline=serial or None, target="< 90 s", met=wall < 90 and done.returncode == 0,
                baseline_text=f"{fmt(serial)} (sum)" if serial else "-",
                note=f"{outcome}; the project's pytest settings (xdist, slow tests left to CI). Baseline: the sum of "
                     "every test's setup, call and teardown times (the suite one test after another, start-up "
                     "excluded)")]


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    for row in rows():
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
