"""Snapshot files: gzip-compressed JSON (format in ``docs/snapshot-format.md``), never pickle.

Files are conventionally named ``*.jpsnap``; reading does not look at the name.
Writes are atomic (a 0600 temporary file in the same directory, fsync, then
``os.replace``), so a reader never sees half a file and a failed write leaves
the previous file untouched.  Every problem becomes a one-line
:class:`SnapshotError` naming the file and what to do.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import zlib
from importlib import resources
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.model import Snapshot
from explorer.core.snapshot.codec import SnapshotFormatError, snapshot_from_dict, snapshot_to_dict
from explorer.store.paths import write_private

SUFFIX = ".jpsnap"
DEMO_RESOURCE = "demo-site.jpsnap"
"""The bundled demo snapshot, in the ``explorer/data`` folder of the package."""
DEMO_DC_RESOURCE = "demo-dc-site.jpsnap"
"""The bundled Data Center demo snapshot (built by ``scripts/build_demo_dc.py``)."""

_GZIP_MAGIC = b"\x1f\x8b"
_AGAIN = "re-run the sync or ask for the file again"
_NOT_OURS = "is not a jira-perms snapshot (expected a gzip-compressed JSON file written by jira-perms)"


class SnapshotError(UserError):
    """A snapshot file that cannot be written or read; ``str()`` is one line."""


def _show(path: Path | str) -> str:
    return str(path).replace("\n", "\\n").replace("\r", "\\r")


def encode_snapshot(snap: Snapshot) -> bytes:
    """The file's bytes: deterministic (sorted keys, compact, gzip mtime 0)."""
    text = json.dumps(snapshot_to_dict(snap), separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode("ascii"), compresslevel=6, mtime=0)


def write_snapshot(snap: Snapshot, path: str | os.PathLike[str]) -> Path:
    """Write ``snap`` to ``path`` atomically with mode 0600 and return the path."""
    target = Path(path)
    return write_private(target, encode_snapshot(snap), error=SnapshotError, make_parents=False)


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot file (any name); raises SnapshotError with one line."""
    p = Path(path)
    name = _show(p)
    if p.is_dir():
        raise SnapshotError(f"{name} is a directory, not a snapshot file: give the path of a {SUFFIX} file")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{name} does not exist: check the path") from None
    except PermissionError:
        raise SnapshotError(f"{name} cannot be read (permission denied): check the file's owner and mode") from None
    except OSError as e:
        raise SnapshotError(f"{name} cannot be read ({e.strerror or e}): check the path") from None
    snapshot = decode_snapshot(raw, name)
    # A loaded snapshot lives as long as the process: keep the cyclic garbage collector from
    # rescanning its (on large sites, millions of) objects at every full collection.
    gc.freeze()
    return snapshot


def decode_snapshot(raw: bytes, name: str) -> Snapshot:
    """Parse a snapshot file's bytes; ``name`` says which file in the error line."""
    if not raw:
        raise SnapshotError(f"{name} is empty: {_AGAIN}")
    if raw[:2] != _GZIP_MAGIC:
        raise SnapshotError(f"{name} {_NOT_OURS}")
    try:
        text = gzip.decompress(raw)
    except EOFError:
        raise SnapshotError(f"{name} is truncated (the compressed data ends early): {_AGAIN}") from None
    except (OSError, zlib.error) as e:
        raise SnapshotError(f"{name} is damaged (bad gzip data: {_show(str(e))}): {_AGAIN}") from None
    try:
        data = json.loads(text)
    except UnicodeDecodeError:
        raise SnapshotError(f"{name} {_NOT_OURS}") from None
    except json.JSONDecodeError as e:
        if e.pos >= len(e.doc.rstrip()) or e.msg.startswith("Unterminated string"):
            raise SnapshotError(f"{name} is truncated (the JSON document ends early): {_AGAIN}") from None
        raise SnapshotError(f"{name} {_NOT_OURS}") from None
    except RecursionError:
        raise SnapshotError(f"{name} {_NOT_OURS}") from None
    try:
        return snapshot_from_dict(data, source=name)
    except SnapshotFormatError as e:
        if e.problem == "not_snapshot":
            raise SnapshotError(f"{name} {_NOT_OURS}") from None
        if e.problem == "damaged":
            raise SnapshotError(f"{e}; {_AGAIN}") from None
        raise SnapshotError(str(e)) from None


def load_demo(*, data_center: bool = False) -> Snapshot:
    """The bundled demo snapshot (``explorer/data/demo-site.jpsnap``; the Data Center one with ``data_center``)."""
    resource, script = (DEMO_DC_RESOURCE, "build_demo_dc.py") if data_center else (DEMO_RESOURCE, "build_demo.py")
    where = f"the bundled demo snapshot (explorer/data/{resource})"
    try:
        raw = (resources.files("explorer") / "data" / resource).read_bytes()
    except OSError:
        raise SnapshotError(f"{where} is missing: reinstall jira-perms, or in a checkout run "
                            f"scripts/{script}") from None
    return decode_snapshot(raw, where)
