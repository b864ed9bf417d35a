"""What the TUI has open: sites (configured ones, opened files, the demo) and their snapshots.

No Textual here.  Loading a snapshot file is slow for big sites, so the app
calls :meth:`SnapshotRef.load` from a worker thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.model import Snapshot

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_when(iso: str) -> dt.datetime | None:
    if not iso:
        return None
    try:
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def age_words(taken_at: str, now: dt.datetime) -> tuple[str, bool]:
    """("3 days old", is_old): old means more than :data:`OLD_AFTER`."""
    when = parse_when(taken_at)
    if when is None:
        return "age unknown", True
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return "taken in the future?", True
    minutes = int(seconds // 60)
    if minutes < 1:
        text = "just taken"
    elif minutes < 60:
        text = f"{minutes} min old"
    elif minutes < 48 * 60:
        text = f"{minutes // 60} h old"
    else:
        text = f"{minutes // (24 * 60)} days old"
    return text, seconds > OLD_AFTER.total_seconds()


OLD_AFTER = dt.timedelta(days=7)
"""A snapshot older than this is flagged in the status bar: permissions drift."""


@dataclass(eq=False)
class SnapshotRef:
    """One snapshot of a site: a file, the bundled demo, or one just synced."""

    label: str
    path: Path | None = None
    source: str = "file"  # "file" | "demo" | "demo-dc" | "synced"
    snapshot: Snapshot | None = None
    error: str | None = None

    def load(self) -> Snapshot:
        """Read it (once).  Raises UserError with one line."""
        if self.snapshot is not None:
            return self.snapshot
        from explorer.store.snapshot_file import load_demo, read_snapshot

        try:
            if self.source in ("demo", "demo-dc"):
                self.snapshot = load_demo(data_center=self.source == "demo-dc")
            else:
                self.snapshot = read_snapshot(self.path)  # type: ignore[arg-type]
        except UserError as e:
            self.error = str(e)
            raise
        self.error = None
        return self.snapshot


@dataclass(eq=False)
class SiteEntry:
    """A site in the tree."""

    url: str
    kind: str  # "configured" | "file" | "demo"
    email: str | None = None  # Data Center: the username, or "" for a personal access token
    snapshots: list[SnapshotRef] = field(default_factory=list)
    deployment: str = ""  # as in the config: "dc" for a Data Center site, "" for Cloud

    @property
    def name(self) -> str:
        return self.url.split("://", 1)[-1]

    @property
    def latest(self) -> SnapshotRef | None:
        return self.snapshots[0] if self.snapshots else None


@dataclass
class Workspace:
    sites: list[SiteEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: config unreadable, ...

    def add_file(self, path: Path) -> SiteEntry:
        """Open a snapshot file offline (its site is learnt when it loads)."""
        ref = SnapshotRef(path.name, path, "file")
        entry = SiteEntry(str(path), "file", None, [ref])
        self.sites.append(entry)
        return entry

    def add_demo(self, *, data_center: bool = False) -> SiteEntry:
        """The bundled demo site (the Data Center one with ``data_center``), opened once."""
        url = "https://jira.initech.example" if data_center else "https://acme-demo.atlassian.net"
        for site in self.sites:
            if site.kind == "demo" and site.url == url:
                return site
        source = "demo-dc" if data_center else "demo"
        entry = SiteEntry(url, "demo", None, [SnapshotRef("demo snapshot", None, source)])
        self.sites.append(entry)
        return entry

    def add_configured(self, url: str, email: str | None, deployment: str = "") -> SiteEntry:
        for site in self.sites:
            if site.kind == "configured" and site.url == url and site.email == email:
                site.snapshots = site_snapshots(url)
                site.deployment = deployment
                return site
        entry = SiteEntry(url, "configured", email, site_snapshots(url), deployment)
        self.sites.append(entry)
        return entry

    def first_ref(self) -> tuple[SiteEntry, SnapshotRef] | None:
        for site in self.sites:
            if site.latest is not None:
                return site, site.latest
        return None


def site_snapshots(url: str) -> list[SnapshotRef]:
    """The snapshot files of a configured site, newest first."""
    try:
        from explorer.store.config import site_snapshot_dir
    except ImportError:  # pragma: no cover - the store ships config.py
        return []
    try:
        folder = site_snapshot_dir(url)
        files = sorted(folder.glob("*.jpsnap"), key=lambda p: p.name, reverse=True)
    except (OSError, UserError):
        return []
    return [SnapshotRef(_file_label(p), p, "file") for p in files]


def _file_label(path: Path) -> str:
    stem = path.stem
    if stem.startswith("snapshot-") and len(stem) >= 25:
        t = stem[len("snapshot-"):]
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]} {t[9:11]}:{t[11:13]} UTC"
    return path.name


def configured_workspace() -> Workspace:
    """The configured sites with their snapshot files (a broken config file becomes a problem line)."""
    ws = Workspace()
    try:
        from explorer.store.config import load_config
    except ImportError:  # pragma: no cover
        return ws
    try:
        config = load_config()
    except UserError as e:
        ws.problems.append(str(e))
        return ws
    for site in config.sites:
        ws.add_configured(site.url, site.email, site.deployment)
    return ws


def load_keymap() -> tuple[dict[str, str], str | None]:
    """The ``[keymap]`` table of the config file, and a problem line if it could not be read."""
    try:
        from explorer.store.config import load_config
    except ImportError:  # pragma: no cover
        return {}, None
    try:
        return dict(load_config().keymap), None
    except UserError as e:
        return {}, str(e)
