"""benchmarks/load_bench.py keeps working as the code under it changes (what it measures is not asserted)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.load_bench import rows

DEMO = Path(__file__).resolve().parent.parent / "explorer" / "data" / "demo-site.jpsnap"


def test_the_load_benchmark_measures_both_ways_on_the_demo():
    found = rows(DEMO, repeat=1)
    assert [r.name.split(" (")[0] for r in found] == [
        "snapshot read + index", "  of which read", "  of which index"]
    assert all(r.seconds > 0 and r.baseline and r.baseline > 0 for r in found)
    assert "accounts" in found[0].name and "now: read" in found[0].note and "before: read" in found[0].note
