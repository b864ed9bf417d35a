"""explain WITH fixes on the 50,000-account site: in process and as a whole CLI process, beside the per-cell way.

    python benchmarks/fixes_bench.py                 # 200 seeded questions (generates the site if needed)
    python benchmarks/fixes_bench.py --questions 400 --seed 3 --quick

**In process**: seeded questions (a random account of any kind, a random project permission, half on a
project and half on an issue) asked through ``explorer.core.replay.fixes.explain`` exactly as the CLI and the
TUI ask them: the verdict, then for a denial the proven fixes with their blast radius.  p50 / p99 over all
questions (denials and allows mixed, as they come), and over the denials alone; wall clock and CPU time.

**The per-cell way** (``benchmarks/naive_fixes.py``, how fixes were found before issue 12) would take minutes
per denial here, so it is estimated: for each denial, the evaluations it would make are counted exactly (its
proofs, two evaluations per cell of every project a fix may reach, two per account for issue-level fixes)
and multiplied by the cost of one evaluation, measured in the same run; the cheapest few denials are also
run the per-cell way in full, to check the estimate.

**Whole process**: ``jira-perms explain --snapshot big-site.jpsnap`` for a few of the same denials (reading
and indexing the snapshot included); beside it the same process with ``--no-fixes`` plus the per-cell
estimate for that question.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.gen_site import generate  # noqa: E402
from benchmarks.naive_fixes import naive_evaluations, naive_suggest_fixes  # noqa: E402
from benchmarks.table import Row, as_installed, fmt, jira_perms, render  # noqa: E402
from explorer.core.model import Snapshot  # noqa: E402
from explorer.core.replay.cache import index_for  # noqa: E402
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS  # noqa: E402
from explorer.core.replay.evaluator import evaluate_in  # noqa: E402
from explorer.core.replay.explanation import Explanation, Verdict  # noqa: E402
from explorer.core.replay.fixes import explain  # noqa: E402
from explorer.store.snapshot_file import read_snapshot, write_snapshot  # noqa: E402

SITE = ROOT / "benchmarks" / "big-site.jpsnap"
KEYS = [p.key for p in PROJECT_PERMISSIONS]


@dataclass(frozen=True)
class Asked:
    question: tuple[str, str, str | None, str | None]  # accountId, permission, project, issue
    answer: Explanation
    wall: float
    cpu: float


def site(path: Path = SITE) -> Path:
    """The benchmark site, generated (seeded) if absent."""
    if not path.exists():
        print(f"generating {path} (seeded) ...", file=sys.stderr)
        write_snapshot(generate(), path)
    return path


def questions(snapshot: Snapshot, count: int, seed: int) -> list[tuple[str, str, str | None, str | None]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        account = rng.choice(snapshot.accounts).account_id
        permission = rng.choice(KEYS)
        if rng.random() < 0.5:
            out.append((account, permission, None, rng.choice(snapshot.issues).key))
        else:
            out.append((account, permission, rng.choice(snapshot.projects).key, None))
    return out


def ask_all(snapshot: Snapshot, asked: list[tuple[str, str, str | None, str | None]]) -> list[Asked]:
    out = []
    for q in asked:
        wall, cpu = time.perf_counter(), time.process_time()
        answer = explain(snapshot, *q)
        out.append(Asked(q, answer, time.perf_counter() - wall, time.process_time() - cpu))
    return out


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def evaluation_cost(snapshot: Snapshot, samples: int = 300, seed: int = 11) -> tuple[float, float]:
    """Seconds per evaluation at project level and at issue level (means over random questions)."""
    ix = index_for(snapshot)
    rng = random.Random(seed)
    out = []
    for on_issue in (False, True):
        qs = [(rng.choice(snapshot.accounts), rng.choice(KEYS), None if on_issue else rng.choice(snapshot.projects).key,
               rng.choice(snapshot.issues).key if on_issue else None) for _ in range(samples)]
        start = time.process_time()
        for q in qs:
            evaluate_in(ix, *q)
        out.append((time.process_time() - start) / samples)
    return out[0], out[1]


def old_way(snapshot: Snapshot, denials: list[Asked], checks: int) -> tuple[dict[tuple, float], str]:
    """The per-cell way's time per denial (estimated), and how the estimate compares with full runs."""
    ix = index_for(snapshot)
    per_project, per_issue = evaluation_cost(snapshot)
    estimates = {}
    for a in denials:
        on_project, on_issue = naive_evaluations(ix, a.answer)
        estimates[a.question] = on_project * per_project + on_issue * per_issue
    checked = []
    for a in sorted(denials, key=lambda a: estimates[a.question])[:checks]:
        start = time.process_time()
        naive_suggest_fixes(ix, a.answer)
        checked.append((time.process_time() - start) / max(estimates[a.question], 1e-9))
    how = (f"one evaluation {fmt(per_project)} (project) / {fmt(per_issue)} (issue), CPU, measured in this run")
    if checked:
        how += (f"; {len(checked)} cheapest denials also run the per-cell way in full: measured / estimated "
                f"{min(checked):.2f}-{max(checked):.2f}")
    return estimates, how


def run_process(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (CPU of the child: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _cli_question(path: Path, q: tuple[str, str, str | None, str | None]) -> list[str]:
    account, permission, project, issue = q
    where = ["--issue", issue] if issue else ["--project", project or ""]
    return [*jira_perms(), "explain", "--snapshot", str(path), "--account", account, "--permission", permission,
            *where]


def rows(quick: bool = False, path: Path | None = None, count: int | None = None, seed: int = 7) -> list[Row]:
    """The explain-with-fixes rows for ``benchmarks/run.py``."""
    path = site(path or SITE)
    snapshot = read_snapshot(path)
    index_for(snapshot)
    count = count or (60 if quick else 200)
    asked = ask_all(snapshot, questions(snapshot, count, seed))
    denials = [a for a in asked if a.answer.verdict is Verdict.DENIED]
    walls = [a.wall for a in asked]
    cpus = [a.cpu for a in asked]
    d_walls = [a.wall for a in denials]
    with_fixes = sum(1 for a in denials if a.answer.fixes)
    estimates, how = old_way(snapshot, denials, 0 if quick else 3)
    old = [estimates[a.question] for a in denials]
    out = [
        Row(f"explain with fixes, in process, p50 / p99 ({count} q.)", pct(walls, 0.5),
            text=f"{fmt(pct(walls, 0.5))} / {fmt(pct(walls, 0.99))}",
            baseline=statistics.median(old), baseline_text=f"~{fmt(statistics.median(old))} / ~{fmt(pct(old, 0.99))}",
            target="< 20 ms / < 300 ms", met=pct(walls, 0.5) < 0.02 and pct(walls, 0.99) < 0.3,
            note=f"{len(denials)} denials ({with_fixes} with proven fixes) and {count - len(denials)} other answers, "
                 f"seeded (seed {seed}); CPU p50 / p99 {fmt(pct(cpus, 0.5))} / {fmt(pct(cpus, 0.99))}, max wall "
                 f"{fmt(max(walls))}. Baseline: the per-cell way (benchmarks/naive_fixes.py) on the denials, "
                 f"ESTIMATED from the evaluations it would make ({how})"),
        Row("  the denials alone, p50 / p99", pct(d_walls, 0.5),
            text=f"{fmt(pct(d_walls, 0.5))} / {fmt(pct(d_walls, 0.99))}",
            note=f"CPU p50 / p99 {fmt(pct([a.cpu for a in denials], 0.5))} / "
                 f"{fmt(pct([a.cpu for a in denials], 0.99))}"),
    ]
    out.append(_whole_process(path, denials[: 2 if quick else 5], estimates))
    return out


def _whole_process(path: Path, sample: list[Asked], estimates: dict[tuple, float]) -> Row:
    if sample:  # a warm-up, as for a user's second run: bytecode cached, the file in the OS cache
        run_process(_cli_question(path, sample[0].question))
    runs = [run_process(_cli_question(path, a.question)) for a in sample]
    bare = [run_process([*_cli_question(path, a.question), "--no-fixes"]) for a in sample]
    walls = [w for w, _ in runs]
    baseline = [bare[i][0] + estimates[a.question] for i, a in enumerate(sample)]
    return Row("explain with fixes, whole process, 50k site", statistics.median(walls),
               baseline=statistics.median(baseline), target="< 1.2 s", met=statistics.median(walls) < 1.2,
               cpu=statistics.median(c for _, c in runs),
               text=f"{fmt(statistics.median(walls))} (max {fmt(max(walls))})",
               baseline_text=f"~{fmt(statistics.median(baseline))} (est.)",
               note=f"median of {len(sample)} denials from the same questions, one run each after a warm-up; CPU (user + system) "
                    f"median {fmt(statistics.median(c for _, c in runs))}. Baseline ESTIMATED: the same process "
                    f"with --no-fixes (median {fmt(statistics.median(w for w, _ in bare))}) plus the per-cell "
                    "way's fixes for that question")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--questions", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="60 questions, no full per-cell check, 2 processes")
    args = parser.parse_args(argv)
    as_installed()
    for row in rows(args.quick, args.site, args.questions, args.seed):
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
