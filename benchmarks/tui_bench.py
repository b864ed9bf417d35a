"""TUI timings: opening the demo, and each keystroke of the tree filter (target: under 50 ms each).

    .venv/bin/python benchmarks/tui_bench.py [--big benchmarks/big-site.jpsnap] [--runs 5]

"open" is from creating the app to the first full paint of the browse screen (Pilot, headless,
80x24), with the demo already read (reading a file is the store's cost, reported apart).
"keystroke" is one key pressed in the filter until the tree is rebuilt and painted: the filter
re-runs over the open levels and the sections that hold matches (each cut to 200 rows).
With --big it does the same on a large snapshot (e.g. 50,000 accounts, 2,000 projects).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERY = "backbone"


WORK: list[float] = []  # SiteTree.set_filter: narrowing every open level and rebuilding the shown nodes


def _instrument() -> None:
    from explorer.tui.widgets.site_tree import SiteTree

    original = SiteTree.set_filter

    def timed(self, text: str) -> None:
        t = time.perf_counter()
        original(self, text)
        WORK.append(time.perf_counter() - t)

    SiteTree.set_filter = timed  # type: ignore[method-assign]


async def baseline() -> float:
    """What a keystroke costs in a one-widget Textual app under Pilot on this machine (the floor)."""
    from textual.app import App
    from textual.widgets import Input

    class Tiny(App):
        def compose(self):
            yield Input()

    times = []
    async with Tiny().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for ch in "abcdefghij":
            t = time.perf_counter()
            await pilot.press(ch)
            await pilot.pause()
            times.append(time.perf_counter() - t)
    return statistics.median(times)


async def one_run(load, query: str) -> tuple[float, list[float]]:
    from explorer.tui.app import JiraPermsApp
    from explorer.tui.workspace import Workspace

    ws = load()
    started = time.perf_counter()
    app = JiraPermsApp(ws, redaction_key=b"b" * 32, blink=False)
    keys: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        opened = time.perf_counter() - started
        await pilot.press("slash")
        await pilot.pause()
        for ch in query:
            t = time.perf_counter()
            await pilot.press(ch)
            await pilot.pause()
            keys.append(time.perf_counter() - t)
        for _ in query:
            t = time.perf_counter()
            await pilot.press("backspace")
            await pilot.pause()
            keys.append(time.perf_counter() - t)
    del Workspace
    return opened, keys


def _demo():
    from explorer.tui.workspace import Workspace

    ws = Workspace()
    ws.add_demo().snapshots[0].load()
    return ws


def _file(path: Path):
    from explorer.tui.workspace import Workspace

    ws = Workspace()
    entry = ws.add_file(path)
    entry.snapshots[0].load()
    return ws


def report(name: str, runs: list[tuple[float, list[float]]]) -> None:
    work = sorted(w * 1000 for w in WORK)
    WORK.clear()
    print(f"{name}: filter work per keystroke (narrow + rebuild the tree) median {statistics.median(work):.1f} ms, "
          f"p95 {work[int(0.95 * (len(work) - 1))]:.1f}, max {max(work):.1f}")
    opens = [o * 1000 for o, _ in runs]
    keys = sorted(k * 1000 for _, ks in runs for k in ks)
    p95 = keys[int(0.95 * (len(keys) - 1))]
    print(f"{name}: open median {statistics.median(opens):.1f} ms (max {max(opens):.1f}); "
          f"filter keystroke median {statistics.median(keys):.1f} ms, p95 {p95:.1f}, max {max(keys):.1f} "
          f"({len(keys)} keystrokes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big", help="also time a large snapshot file")
    parser.add_argument("--query", default=QUERY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["JIRA_PERMS_CONFIG_DIR"] = os.path.join(home, "config")
        os.environ["JIRA_PERMS_DATA_DIR"] = os.path.join(home, "data")
        _instrument()
        print(f"Pilot floor: a keystroke in a one-Input app takes {asyncio.run(baseline()) * 1000:.1f} ms here")
        t = time.perf_counter()
        _demo()
        print(f"reading the demo snapshot: {(time.perf_counter() - t) * 1000:.1f} ms")
        report("demo", [asyncio.run(one_run(_demo, args.query)) for _ in range(args.runs)])
        if args.big:
            path = Path(args.big)
            t = time.perf_counter()
            _file(path)
            print(f"reading {path.name}: {(time.perf_counter() - t) * 1000:.0f} ms (store, not the TUI)")
            report(path.name, [asyncio.run(one_run(lambda: _file(path), "user 0499")) for _ in range(max(1, args.runs // 2))])


if __name__ == "__main__":
    main()
