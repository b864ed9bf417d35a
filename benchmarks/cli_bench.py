"""Cold start: ``jira-perms --help`` and ``jira-perms explain --demo`` as whole processes, hyperfine-style.

    python benchmarks/cli_bench.py [--runs 15]

Each command runs ``--runs`` times after one warm-up (so the OS file cache and ``__pycache__`` are warm, as for
a user's second run); the figure is the median wall time, with the minimum and the CPU time (user + system)
beside it.  The baseline is the eager way the CLI started before issue 12: the same command in a process that
first imports every module of ``explorer.cli`` and ``explorer.tui`` (and with them httpx, textual and rich),
measured the same way in the same run.  The interpreter's own start (``python -c pass``) is reported as the floor.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.table import Row, as_installed, fmt, jira_perms, render  # noqa: E402

EAGER = (
    "import importlib, pkgutil, sys\n"
    "import explorer.cli, explorer.tui\n"
    "for pkg in (explorer.cli, explorer.tui):\n"
    "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
    "        importlib.import_module(m.name)\n"
    "from explorer.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _python() -> str:
    local = ROOT / ".venv" / "bin" / "python"
    return str(local) if local.exists() else sys.executable


def timed(args: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall, minimum wall and median CPU (user + system) seconds of ``runs`` runs after a warm-up."""
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def rows(quick: bool = False, runs: int | None = None) -> list[Row]:
    runs = runs or (5 if quick else 15)
    floor = timed([_python(), "-c", "pass"], runs)
    out = []
    for name, args, target in (
        ("`jira-perms --help`, whole process", ["--help"], 0.15),
        ("`explain --demo`, whole process",
         ["explain", "--demo", "--account", "Backbone Sync", "--permission", "Delete Own Attachments",
          "--project", "ENG"], 0.3),
    ):
        now = timed([*jira_perms(), *args], runs)
        eager = timed([_python(), "-c", EAGER, *args], runs)
        out.append(Row(name, now[0], baseline=eager[0], target=f"< {fmt(target)}", met=now[0] < target, cpu=now[2],
                       text=f"{fmt(now[0])} (min {fmt(now[1])})",
                       note=f"median of {runs} runs after a warm-up; CPU {fmt(now[2])}. Baseline: the same command "
                            f"after importing every CLI and TUI module up front (CPU {fmt(eager[2])}); the "
                            f"interpreter alone starts in {fmt(floor[0])} (CPU {fmt(floor[2])})"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    as_installed()
    for row in rows(runs=args.runs):
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
