"""TUI timings in a real terminal: key-to-repaint in tmux, and pick-to-verdict for explain with fixes.

    python benchmarks/tui_bench.py                      # the demo, and the 50k site if it exists
    python benchmarks/tui_bench.py --big benchmarks/big-site.jpsnap --repeat 3
    python benchmarks/tui_bench.py --quick              # fewer keys, the demo only

The real ``jira-perms`` runs in a tmux pane of 80x24 (TERM=xterm-256color, its own config and data
folders).  For each measured key the script reads the pane (``tmux capture-pane -p``), sends the key
(``tmux send-keys``) and polls the pane until it differs: that time is what a user waits between
pressing a key and seeing the screen answer.  It includes the terminal round trip and the polling
resolution (one capture costs about a millisecond, reported as "poll"), not Pilot's overhead.

Measured, on the demo and on the 50,000-account site (``benchmarks/gen_site.py``):

* **filter**: each character typed into the tree filter (``/`` then a name), the tree narrowing;
* **open explain**: ``e`` on an account, until the explain view (and its first picker) shows;
* **matrix scroll**: ``l`` and ``j`` in a project's matrix (on the big site, a 40,000-row project);
* **pick to verdict** (50k site): in explain, Enter on the last picker (the project) until the verdict
  banner of that question shows; and until its proven fixes are in the answer ("to fixes": the status bar
  stops saying ``⟳ finding fixes``).  Questions are seeded denials found with the core first (the same
  account, permission and project as ``explain`` would get).

``rows(quick)`` returns the figures for ``benchmarks/run.py`` as ``benchmarks.table.Row``; key-to-repaint
rows carry as baseline the same measure on a one-input Textual app in the same terminal (the floor).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.table import jira_perms  # noqa: E402

BIG = ROOT / "benchmarks" / "big-site.jpsnap"
SIZE = (80, 24)
TIMEOUT = 60.0  # seconds to wait for any one screen change (a load, a matrix of 50,000 rows)


class Pane:
    """One tmux session running jira-perms at 80x24; keys in, screen text out."""

    def __init__(self, args: list[str], home: Path, size: tuple[int, int] = SIZE):
        self.name = f"tui-bench-{os.getpid()}-{int(time.monotonic() * 1000) % 100000}"
        env = {"TERM": "xterm-256color", "JIRA_PERMS_CONFIG_DIR": str(home / "config"),
               "JIRA_PERMS_DATA_DIR": str(home / "data"), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
               "COLORTERM": "truecolor"}
        command = " ".join(f"{k}={_quote(v)}" for k, v in env.items()) + " " + " ".join(_quote(a) for a in args)
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                        f"cd {_quote(str(ROOT))} && exec env {command}"], check=True)
        self.polls: list[float] = []
        self.first_seen = 0.0
        self.last_cpu = 0.0  # CPU seconds the app used during the last key_to_repaint
        self._pid: int | None = None

    def cpu(self) -> float:
        """CPU seconds the app's process has used so far, all threads (10 ms ticks): what load inflates least."""
        if self._pid is None:
            out = subprocess.run(["tmux", "display-message", "-p", "-t", self.name, "#{pane_pid}"],
                                 capture_output=True, text=True).stdout
            self._pid = int(out.strip())
        fields = Path(f"/proc/{self._pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def screen(self) -> str:
        t = time.perf_counter()
        out = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout
        self.polls.append(time.perf_counter() - t)
        return out

    def send(self, *keys: str, literal: bool = False) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)

    def type(self, text: str) -> None:
        self.send(text, literal=True)

    def wait_for(self, predicate, timeout: float = TIMEOUT, steady: float = 0.0) -> str:
        """Poll until ``predicate(screen)`` holds (for ``steady`` seconds on end); ``first_seen`` is when it began."""
        end = time.monotonic() + timeout
        since = None
        while time.monotonic() < end:
            text = self.screen()
            if not predicate(text):
                since = None
            else:
                if since is None:
                    since = time.perf_counter()
                if time.perf_counter() - since >= steady:
                    self.first_seen = since
                    return text
            time.sleep(0.02)
        raise TimeoutError(f"the screen never showed what was expected; last screen:\n{self.screen()}")

    def settle(self, quiet: float = 0.3, timeout: float = TIMEOUT) -> str:
        """Wait until nothing changes for ``quiet`` seconds and no background work shows in the status bar."""
        end = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.03)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet and "⟳" not in now.splitlines()[-2:][0]:
                return now
        return last

    def key_to_repaint(self, key: str, literal: bool = False, until=None) -> float:
        """Seconds from sending ``key`` until the screen differs (and, if given, ``until(screen)`` holds)."""
        before = self.screen()
        cpu = self.cpu()
        start = time.perf_counter()
        self.send(key, literal=literal)
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            now = self.screen()
            if now != before and (until is None or until(now)):
                took = time.perf_counter() - start
                self.last_cpu = self.cpu() - cpu
                return took
        raise TimeoutError(f"no repaint after {key!r}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass
class Figures:
    site: str
    keys: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # the app's CPU seconds for each of ``keys``
    polls: list[float] = field(default_factory=list)

    def add(self, what: str, seconds: float, cpu: float | None = None) -> None:
        self.keys.setdefault(what, []).append(seconds)
        if cpu is not None:
            self.cpu.setdefault(what, []).append(cpu)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- flows


def _browse_ready(text: str) -> bool:
    return "Snapshot" in text and "Projects" in text and "gaps" in text


def measure_site(args: list[str], label: str, query: str, matrix_project: str, repeat: int,
                 home: Path) -> Figures:
    figures = Figures(label)
    pane = Pane(jira_perms() + args, home)
    try:
        pane.wait_for(_browse_ready)
        pane.settle()
        for _ in range(repeat):
            # filter: each character, then each backspace
            pane.send("/")
            pane.settle(0.2)
            for ch in query:
                figures.add("filter", pane.key_to_repaint(ch, literal=True), pane.last_cpu)
                pane.settle(0.15)
            for _ in query:
                figures.add("filter", pane.key_to_repaint("BSpace"), pane.last_cpu)
                pane.settle(0.15)
            pane.send("Escape")
            pane.settle()
            # open explain on an account found by the filter
            pane.send("/")
            pane.type(query)
            pane.send("Enter")
            pane.settle()
            figures.add("open explain", pane.key_to_repaint("e", literal=True), pane.last_cpu)
            pane.settle()
            pane.send("Escape")
            pane.settle(0.2)
            pane.send("Escape")
            pane.settle()
            pane.send("Escape")  # clear the filter
            pane.settle()
        # the project matrix: one project's every account
        pane.send("/")
        pane.type(matrix_project)
        pane.send("Enter")
        pane.settle()
        pane.send("m")
        pane.wait_for(lambda s: " rows" in s and "Working it out" not in s)
        pane.settle()
        for _ in range(repeat):
            for key in ("l",) * 8 + ("j",) * 8 + ("h",) * 8 + ("k",) * 8:
                figures.add("matrix scroll", pane.key_to_repaint(key, literal=True), pane.last_cpu)
                pane.settle(0.1)
        pane.send("Escape")
        pane.settle()
    finally:
        figures.polls = pane.polls
        pane.close()
    return figures


@dataclass(frozen=True)
class Question:
    account: str
    permission: str
    project: str


def seeded_denials(path: Path, count: int, seed: int = 7) -> list[Question]:
    """Denied questions with proven fixes, found with the core (what the TUI will be asked)."""
    sys.path.insert(0, str(ROOT))
    from explorer.core.replay.catalogue import PROJECT_PERMISSIONS
    from explorer.core.replay.explanation import Verdict
    from explorer.core.replay.fixes import explain
    from explorer.store.snapshot_file import read_snapshot

    snap = read_snapshot(path)
    rng = random.Random(seed)
    active = [a for a in snap.accounts if a.active and a.account_type.value == "atlassian"]
    out: list[Question] = []
    for _ in range(count * 40):
        if len(out) >= count:
            break
        account, project = rng.choice(active), rng.choice(snap.projects)
        permission = rng.choice(PROJECT_PERMISSIONS).key
        exp = explain(snap, account.account_id, permission, project.key)
        if exp.verdict is Verdict.DENIED and exp.fixes:
            out.append(Question(account.account_id, permission, project.key))
    return out


def _fixes_done(screen: str) -> bool:
    """The proven fixes are in the answer: no "finding the smallest changes" placeholder, no work in the status bar.

    (At 80x24 the fixes are below the proof, out of sight; the status bar's ``⟳ finding fixes`` is what a user sees.)
    """
    lines = screen.rstrip("\n").splitlines()
    status = lines[-2] if len(lines) >= 2 else ""
    return "⟳" not in status and "finding the smallest" not in screen


def measure_pick_to_verdict(path: Path, questions: list[Question], home: Path) -> Figures:
    """Enter on the last pick (the project) until the verdict of that question shows, and until its fixes do."""
    out = Figures("50k")
    pane = Pane(jira_perms() + ["tui", "--snapshot", str(path)], home)
    try:
        pane.wait_for(_browse_ready)
        pane.settle()
        first = True
        for q in questions:
            if first:
                pane.send("e")  # on the site node: the account picker opens at once
            else:
                pane.send("1")
            pane.wait_for(lambda s: "type to search" in s or "shown of" in s)
            pane.settle(0.2)
            pane.type(q.account)
            pane.wait_for(lambda s: " 1 shown of" in s or "1 of " in s)
            pane.send("Enter")
            pane.settle()
            if first:
                pane.wait_for(lambda s: "Which permission" in s)
            else:
                pane.send("2")
                pane.wait_for(lambda s: "Which permission" in s)
            pane.type(q.permission)
            pane.settle(0.2)
            pane.send("Enter")
            pane.settle()
            if not first:
                pane.send("3")
            pane.wait_for(lambda s: "Where?" in s)
            pane.type(q.project)
            pane.settle(0.2)
            banner = f"· project {q.project}"
            cpu = pane.cpu()
            start = time.perf_counter()
            pane.send("Enter")
            pane.wait_for(lambda s, b=banner: b in s and "✗ DENIED" in s)
            out.add("pick to verdict", time.perf_counter() - start, pane.cpu() - cpu)
            pane.wait_for(_fixes_done, steady=0.06)
            out.add("pick to fixes", pane.first_seen - start, pane.cpu() - cpu)
            pane.settle()
            first = False
    finally:
        pane.close()
    return out


# ---------------------------------------------------------------- reporting

FLOOR_APP = """
from textual.app import App
from textual.widgets import Input


class Floor(App):
    def compose(self):
        yield Input()


Floor().run()
"""


def measure_floor(home: Path, keys: int) -> list[float]:
    """Key-to-repaint of a one-input Textual app in the same terminal: what no TUI can beat here."""
    script = home / "floor.py"
    script.write_text(FLOOR_APP)
    pane = Pane([sys.executable, str(script)], home)
    try:
        pane.settle(0.5)
        out = []
        for n in range(keys):
            out.append(pane.key_to_repaint("abcdefghij"[n % 10], literal=True))
            pane.settle(0.1)
        return out
    finally:
        pane.close()


TARGETS = {("demo", "filter"): 0.050, ("demo", "open explain"): 0.050, ("demo", "matrix scroll"): 0.050,
           ("50k", "filter"): 0.100, ("50k", "open explain"): 0.100, ("50k", "matrix scroll"): 0.100,
           ("50k", "pick to verdict"): 0.5}
BEFORE = {"demo": "102 ms (first key, issue 12)", "pick to verdict": "~60 s (issue 12)"}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _row(figures: Figures, what: str, floor: list[float]):
    """One row: wall clock in the terminal, and beside it (``cpu``) the app's own CPU time at the same
    percentile, which tells a loaded machine from slow code."""
    from benchmarks.table import Row

    site, values = figures.site, figures.keys[what]
    pick = what.startswith("pick")
    target = TARGETS.get((site, what))
    q = 0.5 if pick else 0.95
    figure = pct(values, q)
    cpu = pct(figures.cpu[what], q) if figures.cpu.get(what) else None
    text = f"p50 {_ms(pct(values, 0.5))} / p95 {_ms(pct(values, 0.95))}" + (f" (cpu {_ms(cpu)})" if cpu else "")
    if pick:
        note = f"tmux 80x24: Enter on the last pick (the project) until the screen shows it; {len(values)} seeded " \
               "denials with fixes"
        return Row(f"TUI {what}, {site} (p50)", figure, target=f"< {_ms(target)}" if target else "", note=note,
                   text=text, baseline_text=BEFORE["pick to verdict"] if what == "pick to verdict" else "",
                   cpu=cpu, met=figure < target if target else None)
    floor_p95 = pct(floor, 0.95) if floor else None
    note = f"tmux 80x24, send a key, poll capture-pane until the screen changes; n={len(values)}; baseline: a " \
           "one-input Textual app in the same terminal (the floor)"
    return Row(f"TUI key to repaint: {what}, {site} (p95)", figure, baseline=floor_p95,
               target=f"< {_ms(target)}" if target else "", note=note, text=text, cpu=cpu,
               met=figure < target if target else None)


def rows(quick: bool = False, big: Path | None = None, repeat: int | None = None) -> list:
    """The TUI figures as rows for benchmarks/run.py (quick: the demo only, one round)."""
    from benchmarks.table import Row

    if shutil.which("tmux") is None:
        return [Row("TUI key to repaint", None, note="not measured: tmux is not installed")]
    big = big if big is not None else (BIG if BIG.exists() else None)
    repeat = repeat or (1 if quick else 3)
    out: list = []
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        home = Path(tmp)
        floor = measure_floor(home, 10 if quick else 30)
        demo = measure_site(["demo"], "demo", "backbone", "HELP", repeat, home)
        out += [_row(demo, what, floor) for what in demo.keys]
        if big is not None and not quick:
            query, project = _big_names(big)
            site = measure_site(["tui", "--snapshot", str(big)], "50k", query, project, repeat, home)
            out += [_row(site, what, floor) for what in site.keys]
            questions = seeded_denials(big, 5 * repeat)
            picks = measure_pick_to_verdict(big, questions, home)
            out += [_row(picks, what, floor) for what in picks.keys]
        elif big is None and not quick:
            out.append(Row("TUI on the 50k site", None, note="not measured: no benchmarks/big-site.jpsnap"))
        poll = statistics.median(demo.polls) if demo.polls else None
        out.append(Row("tmux capture-pane (poll resolution)", poll, note="part of every key-to-repaint figure"))
    return out


def _big_names(path: Path) -> tuple[str, str]:
    """A filter query that narrows the accounts, and the project with the most accounts in its matrix."""
    sys.path.insert(0, str(ROOT))
    from explorer.store.snapshot_file import read_snapshot

    snap = read_snapshot(path)
    name = sorted(a.display_name for a in snap.accounts if a.active)[len(snap.accounts) // 3]
    return name.split()[0].lower()[:6], snap.projects[0].key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", help="the large snapshot (default benchmarks/big-site.jpsnap when present)")
    parser.add_argument("--repeat", type=int, default=None, help="rounds per measure (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="the demo only, one round")
    args = parser.parse_args()
    big = Path(args.big) if args.big else None
    if big is not None and not big.exists():
        raise SystemExit(f"{big} does not exist: python benchmarks/gen_site.py -o {big}")
    from benchmarks.table import render

    for row in rows(args.quick, big, args.repeat):
        for line in render(row):
            print(line)


if __name__ == "__main__":
    main()
