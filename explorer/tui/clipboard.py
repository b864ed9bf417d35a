"""Copy for the ticket: OSC 52 to the terminal, and always a file as the fallback.

A program cannot tell whether the terminal accepted an OSC 52 sequence (tmux
drops it unless ``set-clipboard`` is on; some terminals ignore it), so every
copy is also written to a private file whose path the TUI shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from explorer.store.paths import data_dir, write_private

COPY_FILE = "last-copy.md"


def copies_dir() -> Path:
    return data_dir() / "copies"


def save_copy(text: str) -> Path:
    """Write the copied text to ``<data dir>/copies/last-copy.md`` (0600, atomic) and return the path."""
    return write_private(copies_dir() / COPY_FILE, text.encode("utf-8"))


def tmux_hint() -> str:
    """A hint for tmux users, whose OSC 52 needs ``set -g set-clipboard on``."""
    return " (in tmux: set -g set-clipboard on)" if os.environ.get("TMUX") else ""


def export_name(*parts: str | None) -> str:
    """A safe file stem from the question's parts."""
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "jira-perms"
