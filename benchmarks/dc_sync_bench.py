"""Data Center sync benchmark: the benchmark-sized site as Jira DC would hold it, synced from the fake DC server.

    python benchmarks/dc_sync_bench.py                 # the 50,000-account site of gen_site.py
    python benchmarks/dc_sync_bench.py --scale 0.05    # a smaller site of the same shape

The site is ``benchmarks/gen_site.py``'s (50,000 accounts, 5,000 groups, 2,000
projects on 300 schemes, 20 roles) turned into a DC site (usernames and keys,
nested groups, DC holder types).  The fake DC server runs in its own process;
the sync signs in with a personal access token.  Prints the requests the sync
made next to the lower bound (``tests.fake_jira_dc.expected.request_lower_bound``:
fewer requests cannot read the site through DC's REST v2), each endpoint's
count, the wall time and the ratio of wall time to ``requests x latency /
concurrency`` when ``--latency`` is set.
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

from benchmarks.gen_site import generate  # noqa: E402
from explorer.jira.client import JiraClient  # noqa: E402
from explorer.jira.dialects import sync_site  # noqa: E402
from explorer.jira.sync import gap_summary  # noqa: E402
from tests.fake_jira.server import Faults  # noqa: E402
from tests.fake_jira_dc import FakeJiraDC, as_data_center  # noqa: E402
from tests.fake_jira_dc.expected import request_lower_bound  # noqa: E402

PAT = "NjQ5MTE2ODk5NzYyOrZ3xBenchmarkAdminPat01"


def site_for(scale: float):
    cloud = generate(seed=42, scale=scale)
    return as_data_center(cloud, nest=True, url="https://jira.big-corp.example")


def admin_key(site) -> str:
    admins = next(g.group for g in site.global_grants if g.permission == "ADMINISTER")
    return next(g.members[0] for g in site.groups if g.name == admins)


def serve(conn, scale: float, latency: float) -> None:
    site = site_for(scale)
    with FakeJiraDC(site, pats={PAT: admin_key(site)}, faults=Faults(latency=latency)) as fake:
        conn.send(fake.url)
        conn.recv()
        conn.send(dict(fake.requests))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="gen_site scale (1.0 = 50,000 accounts)")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds the fake adds to every answer")
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args(argv)

    started = time.perf_counter()
    site = site_for(args.scale)
    bound = request_lower_bound(site)
    print(f"site: {len(site.accounts)} accounts, {len(site.groups)} groups "
          f"({sum(1 for g in site.groups if g.subgroups)} with nested groups), {len(site.projects)} projects, "
          f"{len(site.permission_schemes)} permission schemes, {len(site.roles)} roles; built in "
          f"{time.perf_counter() - started:.1f}s")
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child, args.scale, args.latency), daemon=True)
    server.start()
    url = parent.recv()
    try:
        async def go():
            async with JiraClient(url, None, PAT, concurrency=args.concurrency) as client:  # no user: Bearer PAT
                t = time.perf_counter()
                snap = await sync_site(client)
                return snap, time.perf_counter() - t, client.stats

        snap, wall, stats = asyncio.run(go())
    finally:
        parent.send("stop")
        served = parent.recv()
        server.join(timeout=30)
    print(f"DC sync (PAT, concurrency {args.concurrency}): {stats.requests} requests ({stats.retries} retries), "
          f"lower bound {bound}; wall {wall:.1f}s")
    if args.latency:
        floor = stats.requests * args.latency / args.concurrency
        print(f"  time lower bound {floor:.1f}s (requests x latency / concurrency), ratio {wall / floor:.2f}")
    per: dict[str, int] = {}
    for endpoint, count in served.items():
        parts = endpoint.split("/")
        name = "/".join("{key}" if p.startswith("P") and p[1:].isdigit() else "{id}" if p.isdigit() and
                        parts[i - 1] == "role" else p for i, p in enumerate(parts))
        per[name] = per.get(name, 0) + count
    for name, count in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"  {count:>7}  {name}")
    print(f"snapshot: {len(snap.accounts)} accounts, {len(snap.groups)} groups, {len(snap.projects)} projects, "
          f"{len(snap.permission_schemes)} schemes, {len(snap.workflows)} workflows; gaps:")
    for line in gap_summary(snap):
        print(f"  - {line[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
