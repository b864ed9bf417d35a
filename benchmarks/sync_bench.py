"""Sync benchmark: a generated site served by the fake Jira server with added latency.

    python benchmarks/sync_bench.py            # 200 projects, 5,000 accounts, 500 groups, 50 ms per request

Prints the requests made, the wall time, the ratio of wall time to the lower
bound ``requests x latency / concurrency`` (target: at most 1.5) and the same
sync done one request at a time (target: at least 5x slower).  It also checks
that both syncs produced the same snapshot content.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.snapshot.codec import snapshot_to_dict  # noqa: E402
from explorer.jira.client import JiraClient  # noqa: E402
from explorer.jira.sync import sync_site  # noqa: E402
from tests.fake_jira import ADMIN_EMAIL, ADMIN_TOKEN, USERS, FakeJira, Faults, generate_site  # noqa: E402


def timed_sync(url: str, concurrency: int):
    async def go():
        async with JiraClient(url, ADMIN_EMAIL, ADMIN_TOKEN, concurrency=concurrency) as client:
            started = time.perf_counter()
            snap = await sync_site(client)
            return snap, time.perf_counter() - started, client.stats

    return asyncio.run(go())


def serve(conn, args: argparse.Namespace) -> None:
    """The child process: generate the same site and serve it until told to stop."""
    site = generate_site(seed=1, projects=args.projects, accounts=args.accounts, groups=args.groups)
    with FakeJira(site, users=USERS, faults=Faults(latency=args.latency)) as fake:
        conn.send(fake.url)
        conn.recv()


def content(snap) -> dict:
    doc = snapshot_to_dict(snap)
    doc["provenance"].pop("takenAt", None)
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=200)
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--groups", type=int, default=500)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer (default 0.05)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--skip-serial", action="store_true", help="skip the one-request-at-a-time comparison")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    site = generate_site(seed=1, projects=args.projects, accounts=args.accounts, groups=args.groups)
    print(f"site: {len(site.projects)} projects, {len(site.accounts)} accounts, {len(site.groups)} groups "
          f"(team groups + jira-admins + jira-software-users), {len(site.permission_schemes)} permission schemes; "
          f"generated in {time.perf_counter() - started:.1f}s")
    # The fake server runs in its own process, as Jira would: the client's process does only the client's work.
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child, args), daemon=True)
    server.start()
    url = parent.recv()
    try:
        snap, wall, stats = timed_sync(url, args.concurrency)
        bound = stats.requests * args.latency / args.concurrency
        ratio = wall / bound
        print(f"concurrency {args.concurrency}: {stats.requests} requests ({stats.retries} retries), "
              f"wall {wall:.2f}s, lower bound {bound:.2f}s, ratio {ratio:.2f} (target <= 1.5)")
        print(f"  snapshot: {len(snap.accounts)} accounts, {len(snap.groups)} groups, {len(snap.projects)} projects, "
              f"{len(snap.account_global_permissions)} accounts' global permissions, {len(snap.gaps)} gaps")
        ok = ratio <= 1.5
        if not args.skip_serial:
            serial, serial_wall, serial_stats = timed_sync(url, 1)
            speedup = serial_wall / wall
            print(f"concurrency 1: {serial_stats.requests} requests, wall {serial_wall:.2f}s; "
                  f"concurrency {args.concurrency} is {speedup:.1f}x faster (target >= 5x)")
            same = content(serial) == content(snap)
            print(f"  same snapshot content: {same}")
            ok = ok and speedup >= 5 and same
    finally:
        parent.send("stop")
        server.join(timeout=10)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
