"""Set evaluation on the large site (issue 7's figures), each beside the naive one-account-at-a-time scan.

    python benchmarks/sets_bench.py [--questions 1000]

explain without fixes (p50 / p99 over random questions); who-can for one permission in one project and the
median over 20 projects; one account's full matrix; one project's matrix for every account; peak memory.
The naive baseline is the same evaluator reading the snapshot by scanning lists (``benchmarks/naive.py``),
one account at a time; where it would take minutes it runs on a sample and is scaled, and the row says so.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fixes_bench import SITE, pct, site  # noqa: E402
from benchmarks.naive import ScanIndex  # noqa: E402
from benchmarks.table import Row, render  # noqa: E402
from explorer.core.model import ANONYMOUS, Snapshot  # noqa: E402
from explorer.core.replay.cache import index_for  # noqa: E402
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS  # noqa: E402
from explorer.core.replay.evaluator import evaluate_in  # noqa: E402
from explorer.core.replay.queries import account_matrix, project_matrix, who_can  # noqa: E402
from explorer.store.snapshot_file import read_snapshot  # noqa: E402

KEYS = [p.key for p in PROJECT_PERMISSIONS]


def _t(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def rows(quick: bool = False, snapshot: Snapshot | None = None, count: int | None = None, seed: int = 7) -> list[Row]:
    snapshot = snapshot or read_snapshot(site(SITE))
    ix = index_for(snapshot)
    naive = ScanIndex(snapshot)
    rng = random.Random(seed)
    count = count or (200 if quick else 1000)
    accounts = len(snapshot.accounts) + 1
    questions = []
    for _ in range(count):
        account, permission = rng.choice(snapshot.accounts), rng.choice(KEYS)
        if rng.random() < 0.5:
            questions.append((account, permission, None, rng.choice(snapshot.issues).key))
        else:
            questions.append((account, permission, rng.choice(snapshot.projects).key, None))
    fast = [_t(lambda q=q: evaluate_in(ix, *q))[0] for q in questions]
    slow = [_t(lambda q=q: evaluate_in(naive, *q))[0] for q in questions[:200]]
    out = [Row(f"explain without fixes, p50 ({count} q.)", pct(fast, 0.5), baseline=pct(slow, 0.5), target="< 1 ms",
               met=pct(fast, 0.5) < 1e-3, note="naive: the first 200 questions"),
           Row("explain without fixes, p99", pct(fast, 0.99), baseline=pct(slow, 0.99))]

    project = rng.choice([p for p in snapshot.projects if not p.archived and not p.team_managed]).key
    permission = "EDIT_ISSUES"
    who, result = _t(lambda: who_can(snapshot, permission, project))
    sample = snapshot.accounts[: 500 if quick else 2000]
    naive_sample, _ = _t(lambda: [evaluate_in(naive, a, permission, project) for a in sample])
    out.append(Row(f"who-can {permission} in {project}", who, baseline=naive_sample * accounts / len(sample),
                   target="< 200 ms", met=who < 0.2,
                   note=f"{len(result.allowed):,} allowed; naive scaled from {len(sample):,} accounts"))
    others = rng.sample([p.key for p in snapshot.projects if not p.archived], 5 if quick else 20)
    times = [_t(lambda k=k: who_can(snapshot, permission, k))[0] for k in others]
    naive_one, _ = _t(lambda: [evaluate_in(naive, a, permission, others[0]) for a in sample])
    out.append(Row(f"who-can, median of {len(others)} projects", statistics.median(times),
                   baseline=naive_one * accounts / len(sample), target="< 200 ms",
                   met=statistics.median(times) < 0.2, note=f"max {max(times) * 1e3:.0f} ms"))

    account = next(a for a in snapshot.accounts if a.active)
    mat, _ = _t(lambda: account_matrix(snapshot, account))
    some = snapshot.projects[:50]
    naive_some, _ = _t(lambda: [evaluate_in(naive, account, k, p.key) for p in some for k in KEYS])
    out.append(Row(f"account matrix ({len(KEYS)} x {len(snapshot.projects):,})", mat,
                   baseline=naive_some * len(snapshot.projects) / len(some), target="< 1 s", met=mat < 1,
                   note=f"naive scaled from {len(some)} projects"))
    pm, matrix = _t(lambda: project_matrix(snapshot, project, include_inactive=True))
    few = snapshot.accounts[:300]
    naive_few, _ = _t(lambda: [evaluate_in(naive, a, k, project) for a in (ANONYMOUS, *few) for k in KEYS])
    out.append(Row(f"project matrix ({len(matrix.rows):,} x {len(KEYS)})", pm,
                   baseline=naive_few * accounts / (len(few) + 1), target="< 5 s", met=pm < 5,
                   note=f"naive scaled from {len(few)} accounts"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.append(Row("peak memory of this run (max RSS)", None, text=f"{peak:,.0f} MB", target="< 1.5 GB",
                   met=peak < 1536, note="includes the naive scans and everything run before in the process"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    for row in rows(args.quick, count=args.questions):
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
