"""What-if on the 50,000-account benchmark site: whole ``jira-perms whatif`` processes, as users run them.

    python benchmarks/whatif_bench.py                      # generates benchmarks/big-site.jpsnap if needed
    python benchmarks/whatif_bench.py --site big.jpsnap --runs 5 --no-baseline

Rows (issue 16 targets, each a whole CLI process, reading and indexing the snapshot included): a role change
reaching ~40,000 accounts (the largest group added to, and removed from, a role in one project) under 2 s; a
single grant in a permission scheme used by 100 projects under 1 s (the generated site's most used scheme is
given 100 projects first, by the same what-if machinery, and that site written to a temporary file, since a
generated site need not have one that large); and, without targets, changes to one account (a team group, the
Administer Jira group, deactivation).  Each figure is the median of ``--runs`` runs after a warm-up, CPU (user +
system) beside it; the note gives the what-if part alone (``what_if`` and the text, in process).  Baseline (not
with ``--quick``): the way without what-if, ``jira-perms diff`` of the snapshot and a copy with the change
written into it (one run; writing the copy not counted).  :func:`rows` returns ``benchmarks.table.Row`` for
``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cli_bench import timed  # noqa: E402
from benchmarks.fixes_bench import run_process, site  # noqa: E402
from benchmarks.table import (  # noqa: E402
    Row,
    as_installed,
    fmt,
    header,
    jira_perms,  # noqa: E402
    render,
)
from explorer.core.model import Snapshot  # noqa: E402
from explorer.core.render.whatif import whatif_text  # noqa: E402
from explorer.core.replay.cache import index_for  # noqa: E402
from explorer.core.whatif.apply import apply_changes  # noqa: E402
from explorer.core.whatif.engine import parse_changes, what_if  # noqa: E402
from explorer.store.profiles import shipped_profiles  # noqa: E402
from explorer.store.snapshot_file import read_snapshot, write_snapshot  # noqa: E402

SITE = Path(__file__).resolve().parent / "big-site.jpsnap"
Items = list[tuple[str, str]]


def _in_process(snapshot: Snapshot, items: Items, runs: int) -> tuple[float, str]:
    """Median CPU seconds of the what-if part alone (``what_if`` and its text), and what moved."""
    changes = parse_changes(snapshot, items)
    profiles = tuple(shipped_profiles())
    cpus = []
    result = None
    for _ in range(runs):
        cpu = time.process_time()
        result = what_if(snapshot, changes, profiles=profiles)
        whatif_text(result, source="--snapshot SITE")
        cpus.append(time.process_time() - cpu)
    assert result is not None
    effect = result.effects
    return statistics.median(cpus), (f"{len(effect.accounts()):,} accounts, {effect.cells():,} answers move, "
                                     f"{result.scopes:,} places compared")


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


def _argv(path: Path, items: Items) -> list[str]:
    argv = [*jira_perms(), "whatif", "--snapshot", str(path)]
    for kind, text in items:
        argv += [f"--{kind}", text]
    return argv


def _row(name: str, path: Path, snapshot: Snapshot, items: Items, target: float | None, runs: int,
         baseline: bool, tmp: Path, extra: str = "") -> Row:
    """One whole-process row: ``jira-perms whatif --snapshot PATH CHANGE``, median of ``runs`` after a warm-up."""
    wall, low, cpu = timed(_argv(path, items), runs)
    part, moved = _in_process(snapshot, items, max(1, min(runs, 3)))
    diff = None
    if baseline:
        changed = tmp / "changed.jpsnap"
        write_snapshot(apply_changes(snapshot, parse_changes(snapshot, items)).after, changed)
        diff = run_process([*jira_perms(), "diff", str(path), str(changed)])[0]
    flags = " ".join(f"--{kind} '{text}'" for kind, text in items)
    how = (" Baseline: jira-perms diff of the snapshot and a copy with the change written into it, one run."
           if baseline else "")
    return Row(name, wall, baseline=diff, target=f"< {fmt(target)}" if target else "-",
               met=wall < target if target else None, cpu=cpu, text=f"{fmt(wall)} (min {fmt(low)}, cpu {fmt(cpu)})",
               note=f"{flags}: {moved}; median of {runs} run{'s' if runs != 1 else ''} after a warm-up; the what-if "
                    f"part alone (what_if and its text, in process) {fmt(part)} CPU, the rest is reading and "
                    f"indexing the snapshot and starting Python{extra}.{how}")


def rows(quick: bool = False, path: Path | None = None, runs: int | None = None,
         baseline: bool | None = None) -> list[Row]:
    """The what-if rows for ``benchmarks/run.py`` (whole processes on the 50k site)."""
    path = site(path or SITE)
    runs = runs or (1 if quick else 3)
    baseline = not quick if baseline is None else baseline
    snapshot = read_snapshot(path)
    index_for(snapshot)
    out = []
    with tempfile.TemporaryDirectory(prefix="whatif-bench-") as folder:
        tmp = Path(folder)
        add, remove = _role_change(snapshot)
        big = _largest_group(snapshot)
        out.append(_row(f"whatif: a {len(big.members):,}-account group joins a role", path, snapshot, add, 2.0,
                        runs, baseline, tmp))
        joined = apply_changes(snapshot, parse_changes(snapshot, add)).after
        joined_path = tmp / "joined.jpsnap"
        write_snapshot(joined, joined_path)
        index_for(joined, copy_of=snapshot)
        out.append(_row("whatif: that group leaves the role", joined_path, joined, remove, 2.0, runs, baseline,
                        tmp, extra="; on the site with the group in the role"))
        wide, scheme_id, how = _scheme_of_100(snapshot)
        wide_path = tmp / "scheme-of-100.jpsnap"
        write_snapshot(wide, wide_path)
        role = next(r.name for r in wide.roles)
        team = sorted(wide.groups, key=lambda g: len(g.members))[len(wide.groups) // 2]
        for text in (f"{scheme_id}: EDIT_ISSUES -> role {role}", f"{scheme_id}: BROWSE_PROJECTS -> group {team.name}"):
            permission = text.split(": ")[1].split("_")[0].capitalize()
            out.append(_row(f"whatif: a grant, 100-project scheme ({permission})", wide_path, wide,
                            [("add-grant", text)], 1.0, runs, baseline, tmp, extra=f"; {how}"))
        account = next(a for a in snapshot.accounts if a.active and a.account_type.value == "atlassian")
        actors = {g for p in snapshot.projects for a in p.role_actors.values() for g in a.groups}
        small = next(g for g in snapshot.groups if 5 <= len(g.members) <= 50
                     and account.account_id not in g.members and g.name in actors)
        out.append(_row("whatif: one account joins a team group", path, snapshot,
                        [("add-to-group", f"{small.name} += {account.account_id}")], None, runs, False, tmp))
        admins = next((g.group for g in snapshot.global_grants if g.permission == "ADMINISTER" and g.group), None)
        if admins is not None:
            out.append(_row("whatif: one account joins the Jira admins", path, snapshot,
                            [("add-to-group", f"{admins} += {account.account_id}")], None, runs, False, tmp))
        out.append(_row("whatif: one account deactivated", path, snapshot, [("deactivate", account.account_id)],
                        None, runs, False, tmp))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="what-if timings on the 50,000-account benchmark site")
    parser.add_argument("--site", default=str(SITE), help="snapshot to use (generated if absent)")
    parser.add_argument("--runs", type=int, default=3, help="runs per row (the median is shown)")
    parser.add_argument("--quick", action="store_true", help="one run per row, no diff baseline")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the jira-perms diff baseline")
    args = parser.parse_args(argv)
    as_installed()
    print("\n".join(header()))
    for row in rows(args.quick, Path(args.site), None if args.quick else args.runs,
                    False if args.no_baseline else None):
        print("\n".join(render(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
