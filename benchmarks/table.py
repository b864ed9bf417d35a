"""One row of the benchmark table, and how ``benchmarks/run.py`` prints any module's rows.

A benchmark module plugs into ``run.py`` by exposing ``rows(quick: bool) -> list[Row]`` (see
``benchmarks/README.md``).  :class:`Row` is the preferred shape; a dict or object with the same field
names works too, and so do the older spellings ``measure`` (for ``name``), ``now`` (for ``text``) and
``before`` (for ``baseline_text``).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """A measure, its value now, the naive or current way's value measured in the same run, and the target."""

    name: str
    seconds: float | None  # the figure (wall clock); None: not measured (say why in ``note``)
    baseline: float | None = None  # the naive or current way, same run (None: see baseline_text)
    target: str = ""  # e.g. "< 20 ms"
    note: str = ""  # how it was measured: sample sizes, what was scaled or estimated, why not measured
    text: str = ""  # shown instead of ``seconds`` when the figure is not one time (p50 / p99, counts, ratios)
    baseline_text: str = ""  # shown instead of ``baseline``
    cpu: float | None = None  # CPU seconds of the measured work: what a busy machine inflates least
    met: bool | None = None  # whether the target holds (None: not judged here)


def jira_perms() -> list[str]:
    """The jira-perms command of this checkout: its venv's when there is one, else the installed one, else
    ``python -m explorer``."""
    local = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "jira-perms"
    if local.exists():
        return [str(local)]
    found = shutil.which("jira-perms")
    return [found] if found else [sys.executable, "-m", "explorer"]


def as_installed() -> None:
    """Let the processes a benchmark starts cache bytecode, as an installed package has it.

    With ``PYTHONDONTWRITEBYTECODE`` set (some shells and CI images set it), every whole-process run would
    compile each module it imports from source again, which no installed ``jira-perms`` does (pip compiles
    at install time): tens of milliseconds per start, hundreds for a command that loads the replay core.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def normalize(found: object) -> Row:
    """A Row from a Row, a dict, or an object with Row's field names (or their older spellings)."""
    if isinstance(found, Row):
        return found

    def get(*names: str, default=None):
        for name in names:
            value = found.get(name) if isinstance(found, dict) else getattr(found, name, None)
            if value is not None:
                return value
        return default

    seconds = get("seconds")
    baseline = get("baseline")
    text = get("text")
    if callable(text):  # a method that prints the whole row: use the figure instead
        text = None
    return Row(
        name=str(get("name", "measure", default="?")),
        seconds=seconds if isinstance(seconds, int | float) else None,
        baseline=baseline if isinstance(baseline, int | float) else None,
        target=str(get("target", default="")),
        note=str(get("note", default="")),
        text=str(text if text is not None else get("now", default="")),
        baseline_text=str(get("baseline_text", "before", default="")),
        cpu=get("cpu"),
        met=get("met"),
    )


def render(row: Row, width: int = 46) -> list[str]:
    """The row as printed lines: the figures on one, the note (wrapped) below."""
    now = row.text or (fmt(row.seconds) if row.seconds is not None else "not measured")
    if row.cpu is not None and not row.text:
        now += f" (cpu {fmt(row.cpu)})"
    base = row.baseline_text or (fmt(row.baseline) if row.baseline is not None else "-")
    speedup = ""
    if row.seconds and row.baseline:
        speedup = f"{row.baseline / row.seconds:,.0f}x" if row.baseline >= row.seconds else \
            f"{row.seconds / row.baseline:.1f}x slower"
    mark = {True: "ok", False: "MISSED", None: ""}[row.met]
    lines = [f"{row.name:<{width}} {now:>24}  {base:>24} {speedup:>8}  {row.target:<20} {mark}"]
    if row.note:
        lines += _wrap(row.note, indent=4)
    return lines


def _wrap(text: str, indent: int, width: int = 118) -> list[str]:
    words, lines, line = text.split(), [], " " * indent
    for word in words:
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = " " * indent
        line += word + " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


def header(width: int = 46) -> list[str]:
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    busy = f"load average {load:.1f} on {cpus} CPUs" + (
        ": BUSY, wall-clock figures are inflated (CPU times beside them are steadier)" if load > cpus else "")
    return [busy, "",
            f"{'measure':<{width}} {'now':>24}  {'baseline (same run)':>24} {'':>8}  {'target':<20}",
            "-" * (width + 84)]
