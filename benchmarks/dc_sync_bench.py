"""Data Center sync benchmark (issue 15): the benchmark-sized site as Jira DC would hold it, synced by a whole
``jira-perms sync`` process from the fake DC server over HTTP.

    python benchmarks/dc_sync_bench.py                 # the 50,000-account site of gen_site.py
    python benchmarks/dc_sync_bench.py --scale 0.05    # a smaller site of the same shape
    python benchmarks/dc_sync_bench.py --quick         # scale 0.05

The site is ``benchmarks/gen_site.py``'s (50,000 accounts, 5,000 groups, 2,000 projects, 20 roles) turned
into a DC site (usernames and keys, nested groups, Group (Anyone), DC holder types).  The fake DC server runs
in its own process, as Jira would; the sync is what a user runs: ``JIRA_API_TOKEN=<PAT> jira-perms sync
--site URL -o FILE`` (the personal access token sent as Bearer, 8 requests in flight).  Two measures:

* **requests** the server answered, beside the lower bound
  (``tests.fake_jira_dc.expected.request_lower_bound``: fewer requests cannot read the site through DC's
  REST v2), and whether the snapshot holds every account, group and project;
* **wall time at 20 ms added latency** against ``requests x latency / concurrency``.

``rows(quick)`` returns the rows ``benchmarks/run.py`` prints (section ``dc``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.table import Row, as_installed, render  # noqa: E402

PAT = "NjQ5MTE2ODk5NzYyOrZ3xBenchmarkAdminPat01"
LATENCY = 0.020
CONCURRENCY = 8


@dataclass(frozen=True)
class _Site:
    url: str
    accounts: int
    groups: int
    nested: int
    projects: int
    bound: int


@dataclass(frozen=True)
class _Sync:
    requests: int
    per_endpoint: Counter
    wall: float
    cpu: float
    complete: bool  # every account, group and project of the site is in the snapshot
    summary: str  # the CLI's own summary line of requests


def _site_for(scale: float):
    from benchmarks.gen_site import generate
    from tests.fake_jira_dc import as_data_center

    return as_data_center(generate(seed=42, scale=scale), nest=True, url="https://jira.big-corp.example")


def _admin_key(site) -> str:
    admins = next(g.group for g in site.global_grants if g.permission == "ADMINISTER")
    return next(g.members[0] for g in site.groups if g.name == admins)


def _serve(conn, scale: float) -> None:
    """The server process: build the DC site once and serve it; ``("latency", s)`` sets the added latency and
    answers the requests served so far by endpoint."""
    from tests.fake_jira.server import Faults
    from tests.fake_jira_dc import FakeJiraDC
    from tests.fake_jira_dc.expected import request_lower_bound

    site = _site_for(scale)
    with FakeJiraDC(site, pats={PAT: _admin_key(site)}, faults=Faults(), record=False) as fake:
        conn.send(_Site(fake.url, len(site.accounts), len(site.groups), sum(1 for g in site.groups if g.subgroups),
                        len(site.projects), request_lower_bound(site)))
        while (message := conn.recv()) != "stop":
            fake.faults.latency = message[1]
            conn.send(Counter(fake.requests))


def _cli_sync(conn, site: _Site, folder: Path, latency: float) -> _Sync:
    """One whole ``jira-perms sync`` process against the fake, as a user runs it with a PAT in the environment."""
    from explorer.store.snapshot_file import read_snapshot

    conn.send(("latency", latency))
    before = conn.recv()
    out = folder / f"dc-{latency}.jpsnap"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIRA_")}
    env.update(JIRA_API_TOKEN=PAT, JIRA_PERMS_CONFIG_DIR=str(folder / "config"),
               JIRA_PERMS_DATA_DIR=str(folder / "data"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    ran = subprocess.run([sys.executable, "-m", "explorer", "sync", "--site", site.url, "-o", str(out),
                          "--concurrency", str(CONCURRENCY)], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=3600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if ran.returncode != 0:
        raise RuntimeError(f"jira-perms sync ended with {ran.returncode}: {ran.stderr.strip()[-300:]}")
    conn.send(("latency", 0.0))
    per = conn.recv()
    per.subtract(before)
    snap = read_snapshot(out)
    complete = (len(snap.accounts), len(snap.groups), len(snap.projects)) == (site.accounts, site.groups,
                                                                              site.projects)
    summary = next((line.strip() for line in ran.stdout.splitlines() if re.search(r"\d requests, ", line)), "")
    return _Sync(sum(per.values()), +per, wall, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
                 complete, summary)


def _endpoints(per: Counter, top: int = 3) -> str:
    names: Counter = Counter()
    for endpoint, count in per.items():
        parts = endpoint.split(" ", 1)[-1].removeprefix("/rest/api/2/").split("/")
        if parts[0] == "project" and len(parts) > 1:  # project/{key}/..., project/{key}/role/{id}
            parts = ["project", "{key}", *("{id}" if p.isdigit() else p for p in parts[2:])]
        names["/".join(parts)] += count
    return ", ".join(f"{n:,} {name}" for name, n in names.most_common(top))


def measure(scale: float, *, latency: bool = True, say=print) -> list[Row]:
    """Serve the DC site at ``scale``, sync it with the CLI (and again at 20 ms added latency)."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(child, scale), daemon=True)
    server.start()
    site: _Site = parent.recv()
    say(f"DC site: {site.accounts:,} accounts, {site.groups:,} groups ({site.nested:,} nesting others), "
        f"{site.projects:,} projects (gen_site scale {scale}); request lower bound {site.bound:,}")
    try:
        with tempfile.TemporaryDirectory(prefix="dc-sync-bench-") as tmp:
            local = _cli_sync(parent, site, Path(tmp), 0.0)
            say(f"sync: {local.requests:,} requests in {local.wall:.1f}s (CLI CPU {local.cpu:.1f}s); "
                f"the CLI said: {local.summary}")
            slow = _cli_sync(parent, site, Path(tmp), LATENCY) if latency else None
    finally:
        parent.send("stop")
        server.join(timeout=60)
    ratio = local.requests / site.bound
    rows = [Row(
        f"DC sync requests ({site.accounts:,}-account DC site)", local.wall, target="<= 1.05x the bound",
        text=f"{local.requests:,} req", baseline_text=f"bound {site.bound:,}", cpu=local.cpu,
        met=ratio <= 1.05 and local.complete,
        note=f"{ratio:.4f}x the lower bound ({local.requests - site.bound:,} over it); whole jira-perms sync process, PAT as Bearer, {CONCURRENCY} in flight, "
             f"{local.wall:.1f} s wall, {local.cpu:.1f} s CPU; "
             f"{'every account, group and project in the snapshot' if local.complete else 'SNAPSHOT INCOMPLETE'}; "
             f"most asked: {_endpoints(local.per_endpoint)}")]
    if slow is not None:
        floor = slow.requests * LATENCY / CONCURRENCY
        rows.append(Row(
            f"DC sync at {LATENCY * 1000:.0f} ms latency / lower bound", slow.wall, target="<= 1.2x",
            text=f"{slow.wall / floor:.2f}x", baseline_text=f"bound {floor:.0f} s", cpu=slow.cpu,
            met=slow.wall / floor <= 1.2 and slow.complete if scale == 1.0 else None,
            note=f"{slow.wall:.0f} s for {slow.requests:,} requests; bound = requests x {LATENCY * 1000:.0f} ms / "
                 f"{CONCURRENCY} in flight" + ("" if scale == 1.0 else "; not judged below the 50k site (the "
                                               "process's start-up and writing weigh more on a small one)")))
    return rows


def rows(quick: bool = False) -> list[Row]:
    """The rows for ``benchmarks/run.py``: the 50k site as DC, or (quick) a site 5% of its size."""
    return measure(0.05 if quick else 1.0, say=lambda _: None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="gen_site scale (1.0 = 50,000 accounts)")
    ap.add_argument("--quick", action="store_true", help="scale 0.05")
    ap.add_argument("--no-latency", action="store_true", help="skip the sync at 20 ms added latency")
    args = ap.parse_args(argv)
    as_installed()
    table = measure(0.05 if args.quick else args.scale, latency=not args.no_latency)
    print()
    for row in table:
        print("\n".join(render(row)))
    return 0 if all(r.met for r in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
