"""Measure jira-perms on a large generated site, each figure beside the naive way, in one run.

    python benchmarks/run.py                 # generates the 50,000-account site first if needed
    python benchmarks/run.py --site big.jpsnap --questions 1000

Figures: snapshot file size and load time; explain p50/p99 over random questions; who-can for one
permission in one project; one account's full matrix (every permission x every project); one project's
matrix for every account; peak memory (max RSS).  The naive baseline is the same evaluator reading the
snapshot by scanning lists (benchmarks/naive.py), one account at a time.  Where the naive way would take
minutes, it is measured on a sample and scaled up, and the output says so.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_site import generate  # noqa: E402
from benchmarks.naive import ScanIndex  # noqa: E402
from explorer.core.model import ANONYMOUS  # noqa: E402
from explorer.core.replay.cache import index_for  # noqa: E402
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS  # noqa: E402
from explorer.core.replay.evaluator import evaluate_in  # noqa: E402
from explorer.core.replay.queries import account_matrix, project_matrix, who_can  # noqa: E402
from explorer.store.snapshot_file import read_snapshot, write_snapshot  # noqa: E402

KEYS = [p.key for p in PROJECT_PERMISSIONS]


def _t(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _row(name: str, indexed: float, naive: float | None, target: str, note: str = "") -> None:
    speedup = f"{naive / indexed:7.0f}x" if naive else "      -"
    naive_s = _fmt(naive) if naive else "-"
    print(f"{name:<34} {_fmt(indexed):>10}   naive {naive_s:>10}  {speedup}   target {target}{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="jira-perms benchmarks on a large generated site")
    parser.add_argument("--site", default="benchmarks/big-site.jpsnap", help="snapshot to use (generated if absent)")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    path = Path(args.site)
    if not path.exists():
        print(f"generating {path} (seeded) ...", file=sys.stderr)
        write_snapshot(generate(), path)
    size = path.stat().st_size

    load, snapshot = _t(lambda: read_snapshot(path))
    index_time, ix = _t(lambda: index_for(snapshot))
    naive = ScanIndex(snapshot)
    rng = random.Random(args.seed)
    print(f"site: {len(snapshot.accounts):,} accounts, {len(snapshot.groups):,} groups, "
          f"{len(snapshot.projects):,} projects, {len(snapshot.permission_schemes)} schemes, "
          f"{len(snapshot.issues):,} issues; file {size / 1e6:.1f} MB (target < 50 MB); "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    _row("load snapshot (read + index)", load + index_time, None, "< 2 s",
         f"   (read {_fmt(load)}, index {_fmt(index_time)})")

    # explain: random questions, half on a project, half on an issue
    questions = []
    for _ in range(args.questions):
        account = rng.choice(snapshot.accounts)
        permission = rng.choice(KEYS)
        if rng.random() < 0.5:
            questions.append((account, permission, None, rng.choice(snapshot.issues).key))
        else:
            questions.append((account, permission, rng.choice(snapshot.projects).key, None))
    fast, slow = [], []
    for q in questions:
        fast.append(_t(lambda q=q: evaluate_in(ix, *q))[0])
    for q in questions[:200]:
        slow.append(_t(lambda q=q: evaluate_in(naive, *q))[0])
    p50, p99 = statistics.median(fast), sorted(fast)[int(len(fast) * 0.99) - 1]
    n50 = statistics.median(slow)
    _row(f"explain p50 ({args.questions} questions)", p50, n50, "< 1 ms", "   (naive: 200 questions)")
    _row("explain p99", p99, sorted(slow)[int(len(slow) * 0.99) - 1], "-")

    # who-can: one permission in one project
    project = rng.choice([p for p in snapshot.projects if not p.archived and not p.team_managed]).key
    permission = "EDIT_ISSUES"
    who, result = _t(lambda: who_can(snapshot, permission, project))
    sample = snapshot.accounts[:2000]
    naive_sample, _ = _t(lambda: [evaluate_in(naive, a, permission, project) for a in sample])
    naive_who = naive_sample * (len(snapshot.accounts) + 1) / len(sample)
    _row(f"who-can {permission} in {project}", who, naive_who, "< 200 ms",
         f"   ({len(result.allowed)} allowed; naive scaled from {len(sample):,} accounts)")

    others = rng.sample([p.key for p in snapshot.projects if not p.archived], 20)
    times = [_t(lambda k=k: who_can(snapshot, permission, k))[0] for k in others]
    naive_one, _ = _t(lambda: [evaluate_in(naive, a, permission, others[0]) for a in sample])
    _row("who-can, median of 20 projects", statistics.median(times),
         naive_one * (len(snapshot.accounts) + 1) / len(sample), "< 200 ms", f"   (max {_fmt(max(times))})")

    # one account's full matrix
    account = next(a for a in snapshot.accounts if a.active)
    mat, _ = _t(lambda: account_matrix(snapshot, account))
    some = snapshot.projects[:50]
    naive_some, _ = _t(lambda: [evaluate_in(naive, account, k, p.key) for p in some for k in KEYS])
    naive_mat = naive_some * len(snapshot.projects) / len(some)
    _row(f"account matrix ({len(KEYS)} x {len(snapshot.projects):,})", mat, naive_mat, "< 1 s",
         f"   (naive scaled from {len(some)} projects)")

    # one project's matrix for every account
    pm, matrix = _t(lambda: project_matrix(snapshot, project, include_inactive=True))
    few = snapshot.accounts[:300]
    naive_few, _ = _t(lambda: [evaluate_in(naive, a, k, project) for a in (ANONYMOUS, *few) for k in KEYS])
    naive_pm = naive_few * (len(snapshot.accounts) + 1) / (len(few) + 1)
    _row(f"project matrix ({len(matrix.rows):,} x {len(KEYS)})", pm, naive_pm, "< 5 s",
         f"   (naive scaled from {len(few)} accounts)")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (max RSS)':<34} {peak:>7.0f} MB   target < 1.5 GB (includes the naive runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
