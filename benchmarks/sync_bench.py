"""Sync benchmark (issue 12): the 50,000-account site of gen_site.py, synced from the fake Jira Cloud server.

    python benchmarks/sync_bench.py                 # the 50k site (generates it: about a minute)
    python benchmarks/sync_bench.py --scale 0.1     # a smaller site of the same shape
    python benchmarks/sync_bench.py --quick         # scale 0.05, for a smoke run

The fake server runs in its own process, as Jira would, so the client's process does only the client's work.
Three measures, each beside the old way where it can be measured in the same run:

* **requests** on the site, with global permissions inferred from group grants (then verified) vs asked once
  per distinct group set (the old way, ``infer_globals=False``), and whether both snapshots hold the same
  content (same verdicts);
* **wall time at 20 ms added latency** against the lower bound ``requests x latency / concurrency``;
* **requests per second with no added latency**, and the client's own CPU per request.

``rows(quick)`` returns the rows ``benchmarks/run.py`` prints; ``python benchmarks/sync_bench.py`` prints them too.
The old client (httpx) is gone from the tree, so its figures are the ones measured in issue 12 on this machine:
96,621 requests, 1.47x the bound at 20 ms, ~270 requests/s, ~3.7 ms of client CPU per request.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_site import generate  # noqa: E402
from explorer.core.snapshot.codec import snapshot_to_dict  # noqa: E402
from explorer.jira.client import JiraClient  # noqa: E402
from explorer.jira.sync import sync_site  # noqa: E402
from explorer.jira.tasks import all_of, run  # noqa: E402

EMAIL = "bench-admin@example.test"
TOKEN = "ATATT3xFfGF0-benchmark-admin-token-00000001"
LATENCY = 0.020
CONCURRENCY = 8
ISSUE_12 = {"requests": 96_621, "ratio": 1.47, "rate": 270.0, "cpu_ms": 3.7}  # the old client, issue 12


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table: a measure, its value now, the old way's, and the target."""

    measure: str
    now: str
    before: str
    target: str
    met: bool
    note: str = ""

    def text(self) -> str:
        mark = "ok " if self.met else "MISSED"
        note = f"  ({self.note})" if self.note else ""
        return f"{self.measure:<44} {self.now:>12}  before {self.before:>14}  target {self.target:<10} {mark}{note}"


@dataclass(frozen=True)
class Run:
    requests: int
    wall: float
    cpu: float
    content: dict
    detail: str


def _admin(site) -> str:
    admins = next(g.group for g in site.global_grants if g.permission == "ADMINISTER")
    members = next(g.members for g in site.groups if g.name == admins)
    active = {a.account_id for a in site.accounts if a.active and a.account_type.value == "atlassian"}
    return next(m for m in members if m in active)


def _serve(conn, scale: float) -> None:
    """The server process: generate the site once, serve it; ``("latency", s)`` changes the added latency."""
    from tests.fake_jira import FakeJira, Faults

    site = generate(seed=42, scale=scale)
    with FakeJira(site, users={EMAIL: (TOKEN, _admin(site))}, faults=Faults(), record=False) as fake:
        conn.send((fake.url, len(site.accounts), len(site.groups), len(site.projects)))
        while (message := conn.recv()) != "stop":
            if message == "cpu":
                conn.send(time.process_time())
                continue
            fake.faults.latency = message[1]
            conn.send(fake.total_requests)


def _content(snapshot) -> dict:
    doc = snapshot_to_dict(snapshot)
    doc["provenance"].pop("takenAt", None)
    doc["completeness"] = [f for f in doc["completeness"] if f["kind"] != "global_permissions"]  # the detail differs
    return doc


def _sync(url: str, *, infer: bool) -> Run:
    async def go():
        async with JiraClient(url, EMAIL, TOKEN, concurrency=CONCURRENCY) as client:
            wall, cpu = time.perf_counter(), time.process_time()
            snapshot = await sync_site(client, infer_globals=infer)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            detail = next((f.detail for f in snapshot.facts if f.kind.value == "global_permissions"), "")
            return Run(client.stats.requests, wall, cpu, _content(snapshot), detail)

    return run(go())


def _pipeline(url: str, n: int = 1600) -> float:
    """Requests per second of the same client and server for the smallest answer (GET myself): the ceiling
    this machine allows right now, beside which the sync's own rate and ratio can be read."""

    async def go():
        async with JiraClient(url, EMAIL, TOKEN, concurrency=CONCURRENCY) as client:
            started = time.perf_counter()
            await all_of([client.get("/rest/api/3/myself") for _ in range(n)])
            return n / (time.perf_counter() - started)

    return run(go())


def measure(scale: float, *, plain: bool = True, say=print) -> list[Row]:
    """Serve the site at ``scale`` and run the syncs; ``plain`` also runs the old way (global checks per set)."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(child, scale), daemon=True)
    server.start()
    url, accounts, groups, projects = parent.recv()
    say(f"site: {accounts:,} accounts, {groups:,} groups, {projects:,} projects (gen_site scale {scale})")
    try:
        parent.send(("latency", 0.0))
        parent.recv()
        parent.send("cpu")
        server_cpu = parent.recv()
        ceiling = _pipeline(url)
        local = _sync(url, infer=True)
        parent.send("cpu")
        server_cpu = parent.recv() - server_cpu
        say(f"machine now: {ceiling:,.0f} requests/s for the smallest answer")
        say(f"local: {local.requests:,} requests in {local.wall:.1f}s = {local.requests / local.wall:,.0f}/s, "
            f"client CPU {local.cpu / local.requests * 1000:.2f} ms per request, fake server CPU "
            f"{server_cpu / local.requests * 1000:.2f} ms per request")
        old = None
        if plain:
            old = _sync(url, infer=False)
            say(f"old way (a check per group set): {old.requests:,} requests in {old.wall:.1f}s; "
                f"same content: {old.content == local.content}")
        parent.send(("latency", LATENCY))
        parent.recv()
        floor = _pipeline(url)
        floor_ratio = CONCURRENCY / LATENCY / floor
        say(f"machine now at {LATENCY * 1000:.0f} ms: {floor:,.0f} requests/s for the smallest answer, "
            f"{floor_ratio:.2f}x the bound")
        slow = _sync(url, infer=True)
        bound = slow.requests * LATENCY / CONCURRENCY
        say(f"at {LATENCY * 1000:.0f} ms: {slow.requests:,} requests in {slow.wall:.1f}s, bound {bound:.1f}s, "
            f"ratio {slow.wall / bound:.2f}")
    finally:
        parent.send("stop")
        server.join(timeout=30)
    full = scale == 1.0
    ratio = slow.wall / bound
    rate = local.requests / local.wall
    rows = [
        Row(f"sync requests ({accounts:,}-account site)", f"{local.requests:,}",
            f"{old.requests:,}" if old else (f"{ISSUE_12['requests']:,}" if full else "-"), "< 65,000",
            local.requests < 65_000 and (old is None or old.content == local.content),
            "; ".join(part for part in (
                "" if old is None else "same content as the old way" if old.content == local.content
                else "CONTENT DIFFERS from the old way", local.detail.split(":")[0]) if part)),
        Row(f"sync at {LATENCY * 1000:.0f} ms latency / lower bound", f"{ratio:.2f}x", f"{ISSUE_12['ratio']:.2f}x",
            "<= 1.2x", ratio <= 1.2, f"{slow.wall:.0f} s for {slow.requests:,} requests, bound {bound:.0f} s; the "
                                     f"smallest answers reach {floor_ratio:.2f}x on this machine now"),
        Row("sync requests per second, no latency", f"{rate:,.0f}/s", f"~{ISSUE_12['rate']:.0f}/s", ">= 900/s",
            rate >= 900, f"client CPU {local.cpu / local.requests * 1000:.2f} ms per request, was "
                         f"~{ISSUE_12['cpu_ms']} ms; the smallest answers reach {ceiling:,.0f}/s on this machine now"),
    ]
    return rows


def rows(quick: bool = False) -> list[Row]:
    """The rows for ``benchmarks/run.py``: the 50k site, or (quick) a site 5% of its size without the old way."""
    return measure(0.05 if quick else 1.0, plain=not quick, say=lambda _: None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="gen_site scale (1.0 = 50,000 accounts)")
    ap.add_argument("--quick", action="store_true", help="scale 0.05, without the old way")
    ap.add_argument("--no-plain", action="store_true", help="skip the old way (a check per group set)")
    args = ap.parse_args(argv)
    scale = 0.05 if args.quick else args.scale
    table = measure(scale, plain=not (args.quick or args.no_plain))
    print()
    for row in table:
        print(row.text())
    return 0 if all(r.met for r in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
