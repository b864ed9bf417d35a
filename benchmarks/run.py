"""Every benchmark of issue 12's targets table, each beside its baseline measured in the same run.

    python benchmarks/run.py                       # every row (generates benchmarks/big-site.jpsnap if needed)
    python benchmarks/run.py --quick               # fewer questions and runs, TUI on the demo only, no pytest
    python benchmarks/run.py --skip tui,sync,pytest
    python benchmarks/run.py --only fixes,cli

Sections (each a module of this folder exposing ``rows(...)``, see README.md):

  fixes   explain WITH fixes on the 50k site: in process p50 / p99, and as a whole CLI process
  load    snapshot read + index of the 50k site (benchmarks/load_bench.py)
  cli     ``jira-perms --help`` and ``explain --demo`` as whole processes
  tui     the TUI in a real terminal (tmux): pick to verdict with fixes, key-to-repaint (benchmarks/tui_bench.py)
  sync    ``jira-perms sync`` of the 50k site from the fake Jira over HTTP: requests beside the old way and the
          lower bound, the ratio to the bound at 20 ms latency, requests per second (benchmarks/sync_bench.py)
  dc      the 50k site as Data Center, synced by ``jira-perms sync`` with a PAT: requests vs the bound, 20 ms
  pytest  ``pytest -q`` wall time
  sets    set evaluation (explain without fixes, who-can, matrices, memory) beside the naive scan
  whatif  ``jira-perms whatif`` on the 50k site as whole processes, beside ``diff`` of a changed copy (issue 16)

A section that cannot run (its module absent, tmux missing, an error) prints one row saying so; the others go
on.  Processes it starts cache bytecode as an installed package does (``PYTHONDONTWRITEBYTECODE`` is
dropped).  The machine is shared: the header prints the load average, and rows give CPU times beside wall times.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.table import Row, as_installed, header, normalize, render  # noqa: E402

SECTIONS = ("fixes", "load", "cli", "tui", "sync", "dc", "pytest", "sets", "whatif")
TITLES = {
    "fixes": "Fixes at scale", "load": "Load", "cli": "Cold start", "tui": "TUI in a real terminal",
    "sync": "Sync requests", "dc": "Data Center sync (issue 15)", "pytest": "A fast suite",
    "sets": "Set evaluation (issue 7)", "whatif": "What-if (issue 16)",
}


def _section(name: str, args: argparse.Namespace) -> list:
    """Import the section's module and call its rows() with what it takes."""
    quick, path = args.quick, Path(args.site)
    if name == "fixes":
        return _module("fixes_bench").rows(quick, path, args.questions, args.seed)
    if name == "load":
        return _module("load_bench").rows(site=path, repeat=1 if quick else 3)
    if name == "cli":
        return _module("cli_bench").rows(quick)
    if name == "tui":
        return _module("tui_bench").rows(quick, path if path.exists() else None)
    if name == "sync":
        return _module("sync_bench").rows(quick, path)
    if name == "dc":
        return _rows_of("dc_sync_bench")(quick)
    if name == "pytest":
        return _module("suite_bench").rows(quick)
    if name == "sets":
        return _module("sets_bench").rows(quick)
    if name == "whatif":
        return _module("whatif_bench").rows(quick, path)
    raise ValueError(name)


def _module(name: str):
    return importlib.import_module(f"benchmarks.{name}")


class _NoRows(Exception):
    """A benchmark module that runs on its own but does not plug into run.py (no ``rows()``) yet."""


def _rows_of(name: str) -> Callable[..., list]:
    found = getattr(_module(name), "rows", None)
    if found is None:
        raise _NoRows(f"benchmarks/{name}.py has no rows() yet: run it on its own")
    return found


def _run(name: str, args: argparse.Namespace, say: Callable[[str], None]) -> None:
    say(f"\n{TITLES[name]} ({name})")
    started = time.perf_counter()
    try:
        found = [normalize(r) for r in _section(name, args)]
    except ModuleNotFoundError as error:
        found = [Row(TITLES[name], None, note=f"not measured: {error.name} is not there yet")]
    except _NoRows as error:
        found = [Row(TITLES[name], None, note=f"not measured: {error}")]
    except Exception as error:  # a broken section must not hide the others
        detail = traceback.format_exception_only(error)[-1].strip()
        found = [Row(TITLES[name], None, note=f"not measured: the section failed ({detail})")]
    for row in found:
        say("\n".join(render(row)))
    say(f"    ({name}: {time.perf_counter() - started:.0f} s)")


def _calibration(steps: int = 5_000_000) -> str:
    """How fast this machine runs plain Python right now: a fixed loop's CPU and wall time, so runs on a busy
    and on a quiet machine can be compared (CPU time inflates too when other processes share the cores)."""
    wall, cpu = time.perf_counter(), time.process_time()
    total = 0
    for i in range(steps):
        total += i
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return (f"calibration: {steps:,} steps of a Python loop in {cpu * 1e9 / steps:.0f} ns of CPU each "
            f"({wall * 1e9 / steps:.0f} ns wall)")


def _project_python() -> None:
    """Go on under the checkout's virtualenv when started with a Python that lacks jira-perms' dependencies
    (``python benchmarks/run.py`` from a shell without the venv active); say how to get one if there is none."""
    if importlib.util.find_spec("msgspec") is not None:
        return
    venv = ROOT / ".venv"
    if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(str(venv / "bin" / "python"), [str(venv / "bin" / "python"), __file__, *sys.argv[1:]])
    raise SystemExit(f"run.py: this Python ({sys.executable}) lacks jira-perms' dependencies: "
                     f"python3 -m venv .venv && .venv/bin/pip install -e '.[test]' pytest-xdist, then run it again")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "benchmarks" / "big-site.jpsnap"),
                        help="the 50k snapshot (generated, seeded, if absent)")
    parser.add_argument("--quick", action="store_true", help="shorter: fewer questions and runs, no pytest")
    parser.add_argument("--skip", default="", help=f"sections to leave out, comma-separated: {','.join(SECTIONS)}")
    parser.add_argument("--only", default="", help="only these sections, comma-separated")
    parser.add_argument("--questions", type=int, default=None, help="explain questions (default 200; quick 60)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    _project_python()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    skipped = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = (set(chosen) | skipped) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; sections: {', '.join(SECTIONS)}")

    as_installed()
    from benchmarks.fixes_bench import site

    site(Path(args.site))

    def say(text: str) -> None:
        print(text, flush=True)

    say(f"jira-perms benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs" + (" (quick)" if args.quick else ""))
    say(_calibration())
    say("\n".join(header()))
    for name in chosen:
        if name in skipped:
            say(f"\n{TITLES[name]} ({name}): skipped (--skip)")
            continue
        _run(name, args, say)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
