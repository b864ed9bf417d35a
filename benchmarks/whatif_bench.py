"""What-if on the 50,000-account benchmark site: the effect of one change, in process and as a whole CLI run.

    python benchmarks/whatif_bench.py                      # generates benchmarks/big-site.jpsnap if needed
    python benchmarks/whatif_bench.py --site big.jpsnap --runs 5

Rows (issue 16 targets): a role change reaching ~40,000 accounts (the largest group added to, and removed
from, a role in one project) under 2 s; a single grant in a permission scheme used by 100 projects under
1 s (the most used scheme is first given 100 projects, by the same what-if machinery, since a generated site
need not have one that large); and, without targets, changes to one account (deactivation, a group
membership).  Each row is the median of ``--runs`` runs of ``what_if`` (the changed copy, its derived index,
the reach, the effect and the dangers); the whole-process row runs ``jira-perms whatif --snapshot`` (reading
and indexing the snapshot included).  :func:`rows` returns the rows for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_site import generate  # noqa: E402
from explorer.core.model import Snapshot  # noqa: E402
from explorer.core.replay.cache import index_for  # noqa: E402
from explorer.core.whatif.apply import apply_changes  # noqa: E402
from explorer.core.whatif.engine import parse_changes, what_if  # noqa: E402
from explorer.store.profiles import shipped_profiles  # noqa: E402
from explorer.store.snapshot_file import read_snapshot, write_snapshot  # noqa: E402

SITE = Path(__file__).resolve().parent / "big-site.jpsnap"


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


@dataclass(frozen=True)
class Row:
    name: str
    seconds: float  # wall clock
    target: str
    note: str = ""
    cpu: float | None = None  # this process's CPU time: what a quiet machine would take, near enough

    def line(self) -> str:
        cpu = f" (cpu {_fmt(self.cpu)})" if self.cpu is not None else ""
        return f"{self.name:<56} {_fmt(self.seconds):>8}{cpu:<16} target {self.target:<6} {self.note}"


def _median(snapshot: Snapshot, items: list[tuple[str, str]], runs: int) -> tuple[float, float, str]:
    changes = parse_changes(snapshot, items)
    profiles = tuple(shipped_profiles())
    times, cpus = [], []
    result = None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = what_if(snapshot, changes, profiles=profiles)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    effect = result.effects
    note = (f"{len(effect.accounts()):,} accounts, {effect.cells():,} answers move, "
            f"{result.scopes:,} places compared")
    return statistics.median(times), statistics.median(cpus), note


def _largest_group(snapshot: Snapshot):
    return max(snapshot.groups, key=lambda g: len(g.members))


def _role_change(snapshot: Snapshot) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Add the largest group to the role most granted in a company-managed project; and remove it again."""
    big = _largest_group(snapshot)
    roles = {r.id: r.name for r in snapshot.roles}
    schemes = {s.id: s for s in snapshot.permission_schemes}
    best = None
    for project in snapshot.projects:
        scheme = schemes.get(project.permission_scheme_id or "")
        if scheme is None or project.archived:
            continue
        granted = Counter(g.holder.parameter for g in scheme.grants if g.holder.type == "projectRole")
        for role_id, count in granted.most_common():
            actors = project.role_actors.get(role_id)
            if role_id in roles and (actors is None or big.name not in actors.groups):
                if best is None or count > best[0]:
                    best = (count, project.key, roles[role_id])
                break
        if best is not None and best[0] >= 20:
            break
    assert best is not None, "no company-managed project with a role in its scheme"
    _, key, role = best
    add = [("add-to-role", f"{key}: {role} += group {big.name}")]
    remove = [("remove-from-role", f"{key}: {role} -= group {big.name}")]
    return add, remove


def _scheme_of_100(snapshot: Snapshot) -> tuple[Snapshot, str, str]:
    """The most used scheme, given 100 projects (switched to it with set-scheme): (site, scheme id, note)."""
    used = Counter(p.permission_scheme_id for p in snapshot.projects
                   if p.permission_scheme_id and not (p.team_managed and p.permission_scheme_id is None))
    scheme_id, count = used.most_common(1)[0]
    movers = [p.key for p in snapshot.projects if p.permission_scheme_id not in (None, scheme_id)][:max(0, 100 - count)]
    changes = parse_changes(snapshot, [("set-scheme", f"{key} = {scheme_id}") for key in movers])
    site = apply_changes(snapshot, changes).after
    index_for(site, copy_of=snapshot)
    return site, scheme_id, f"{count} projects used it; {len(movers)} more switched to it first"


def rows(snapshot: Snapshot, *, runs: int = 3) -> list[Row]:
    out = []
    add, remove = _role_change(snapshot)
    big = _largest_group(snapshot)
    seconds, cpu, note = _median(snapshot, add, runs)
    out.append(Row(f"what-if: {big.name} ({len(big.members):,}) joins a role", seconds, "< 2 s", note, cpu))
    site = apply_changes(snapshot, parse_changes(snapshot, add)).after
    index_for(site, copy_of=snapshot)
    seconds, cpu, note = _median(site, remove, runs)
    out.append(Row(f"what-if: {big.name} leaves that role", seconds, "< 2 s", note, cpu))
    wide, scheme_id, how = _scheme_of_100(snapshot)
    role = next(r.name for r in wide.roles)
    team = sorted(wide.groups, key=lambda g: len(g.members))[len(wide.groups) // 2]
    for text in (f"{scheme_id}: EDIT_ISSUES -> role {role}", f"{scheme_id}: BROWSE_PROJECTS -> group {team.name}"):
        seconds, cpu, note = _median(wide, [("add-grant", text)], runs)
        out.append(Row(f"what-if: a grant, scheme of 100 projects ({text.split(': ')[1].split(' ->')[0]})",
                       seconds, "< 1 s", f"{note}; {how}", cpu))
    account = next(a for a in snapshot.accounts if a.active and a.account_type.value == "atlassian")
    actors = {g for p in snapshot.projects for a in p.role_actors.values() for g in a.groups}
    small = next(g for g in snapshot.groups if 5 <= len(g.members) <= 50 and account.account_id not in g.members
                 and g.name in actors)
    seconds, cpu, note = _median(snapshot, [("add-to-group", f"{small.name} += {account.account_id}")], runs)
    out.append(Row(f"what-if: one account joins a team group ({small.name})", seconds, "-", note, cpu))
    admins = next((g.group for g in snapshot.global_grants if g.permission == "ADMINISTER" and g.group), None)
    if admins is not None:
        seconds, cpu, note = _median(snapshot, [("add-to-group", f"{admins} += {account.account_id}")], runs)
        out.append(Row(f"what-if: one account joins {admins} (Administer Jira)", seconds, "-", note, cpu))
    seconds, cpu, note = _median(snapshot, [("deactivate", account.account_id)], max(1, runs // 3))
    out.append(Row("what-if: one account deactivated", seconds, "-", note, cpu))
    return out


def whole_process(path: Path, items: list[tuple[str, str]]) -> Row:
    argv = [sys.executable, "-m", "explorer", "whatif", "--snapshot", str(path)]
    for kind, text in items:
        argv += [f"--{kind}", text]
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ}, timeout=600)
    took = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode in (0, 1), done.stderr
    return Row("whole process: jira-perms whatif --snapshot big (role)", took, "-",
               "reading and indexing the snapshot included",
               used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="what-if timings on the 50,000-account benchmark site")
    parser.add_argument("--site", default=str(SITE), help="snapshot to use (generated if absent)")
    parser.add_argument("--runs", type=int, default=3, help="runs per row (the median is shown)")
    args = parser.parse_args(argv)
    path = Path(args.site)
    if not path.exists():
        print(f"generating {path} (seeded) ...", file=sys.stderr)
        write_snapshot(generate(), path)
    start = time.perf_counter()
    snapshot = read_snapshot(path)
    index_for(snapshot)
    print(f"site: {len(snapshot.accounts):,} accounts, {len(snapshot.groups):,} groups, {len(snapshot.projects):,} "
          f"projects; read and indexed in {time.perf_counter() - start:.2f} s; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    for row in rows(snapshot, runs=args.runs):
        print(row.line())
    print(whole_process(path, _role_change(snapshot)[0]).line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
