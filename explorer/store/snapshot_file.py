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
import io
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.model import Snapshot
from explorer.core.snapshot.codec import (
    SnapshotFormatError,
    snapshot_from_dict,
    snapshot_from_json,
    snapshot_to_dict,
)
from explorer.store.paths import write_private

SUFFIX = ".jpsnap"
DEMO_RESOURCE = "demo-site.jpsnap"
"""The bundled demo snapshot, in the ``explorer/data`` folder of the package."""
DEMO_DC_RESOURCE = "demo-dc-site.jpsnap"
"""The bundled Data Center demo snapshot (built by ``scripts/build_demo_dc.py``)."""

LIMIT_ENV = "JIRA_PERMS_MAX_SNAPSHOT_MB"
DEFAULT_LIMIT = 1 << 30
"""The most a snapshot may inflate to (1 GB; the 50,000-account benchmark site is 32 MB)."""
MAX_RATIO = 100
RATIO_FLOOR = 32 << 20
"""Past this many decompressed bytes, a file may inflate at most :data:`MAX_RATIO` times its compressed size."""

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # gzip header and trailer, CRC and length checked
_CHUNK = 1 << 20  # compressed bytes read at a time
_STEP = 16 << 20  # decompressed bytes produced at a time
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


def snapshot_limit() -> int | None:
    """The decompressed-size cap set with ``JIRA_PERMS_MAX_SNAPSHOT_MB``, or None for the default guard."""
    raw = os.environ.get(LIMIT_ENV, "").strip()
    if not raw:
        return None
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0 or megabytes != megabytes or megabytes > 1 << 30:
        raise SnapshotError(f"{LIMIT_ENV}={_show(raw[:40])} is not a positive number of megabytes: "
                            f"unset it (default {DEFAULT_LIMIT >> 20} MB) or give one like 2048")
    return int(megabytes * (1 << 20))


def read_snapshot(path: str | os.PathLike[str], *, limit: int | None = None) -> Snapshot:
    """Read a snapshot file (any name); raises SnapshotError with one line.

    The file is decompressed as a stream and refused, without inflating the rest, once it passes the
    decompressed-size limit (:func:`inflate`): ``limit`` bytes, else ``JIRA_PERMS_MAX_SNAPSHOT_MB``, else the
    default guard against decompression bombs.
    """
    p = Path(path)
    name = _show(p)
    if p.is_dir():
        raise SnapshotError(f"{name} is a directory, not a snapshot file: give the path of a {SUFFIX} file")
    try:
        with p.open("rb") as handle:
            text = inflate(handle.read, name, limit)
    except FileNotFoundError:
        raise SnapshotError(f"{name} does not exist: check the path") from None
    except PermissionError:
        raise SnapshotError(f"{name} cannot be read (permission denied): check the file's owner and mode") from None
    except OSError as e:
        raise SnapshotError(f"{name} cannot be read ({e.strerror or e}): check the path") from None
    return _decode_document(text, name)


def decode_snapshot(raw: bytes, name: str, *, limit: int | None = None) -> Snapshot:
    """Parse a snapshot file's bytes; ``name`` says which file in the error line."""
    return _decode_document(inflate(io.BytesIO(raw).read, name, limit), name)


def inflate(read: Callable[[int], bytes], name: str, limit: int | None = None) -> bytearray:
    """The gzip stream from ``read`` decompressed, in bounded steps, or a one-line SnapshotError.

    With ``limit`` (or ``JIRA_PERMS_MAX_SNAPSHOT_MB``) the output may not pass that many bytes.  Without, it may
    not pass :data:`DEFAULT_LIMIT`, nor :data:`MAX_RATIO` times the compressed bytes read once past
    :data:`RATIO_FLOOR`: real snapshots inflate 3 to 10 times, a decompression bomb about 1,000 times, so a
    bomb is refused after a few tens of megabytes whatever it would grow to.  Memory stays under the limit
    plus one step; a file with several gzip members (``cat a.gz b.gz``) is read whole, as gzip does.
    """
    explicit = limit if limit is not None else snapshot_limit()
    cap = explicit if explicit is not None else DEFAULT_LIMIT
    data = read(_CHUNK)
    if not data:
        raise SnapshotError(f"{name} is empty: {_AGAIN}")
    if data[:2] != _GZIP_MAGIC:
        raise SnapshotError(f"{name} {_NOT_OURS}")
    consumed = len(data)
    out = bytearray()
    member = zlib.decompressobj(_GZIP_WBITS)
    try:
        while True:
            ceiling = cap if explicit is not None else min(cap, max(RATIO_FLOOR, MAX_RATIO * consumed))
            out += member.decompress(data, min(_STEP, ceiling - len(out) + 1))
            if len(out) > ceiling:
                raise SnapshotError(_too_big(name, len(out), consumed, cap, explicit is not None))
            if member.unconsumed_tail:
                data = member.unconsumed_tail
                continue
            if member.eof:
                data = member.unused_data.lstrip(b"\0")  # gzip allows zero padding after a member
                while not data:
                    more = read(_CHUNK)
                    if not more:
                        return out
                    consumed += len(more)
                    data = more.lstrip(b"\0")
                member = zlib.decompressobj(_GZIP_WBITS)  # another member follows
                continue
            data = read(_CHUNK)
            consumed += len(data)
            if not data:
                raise SnapshotError(f"{name} is truncated (the compressed data ends early): {_AGAIN}")
            if consumed > cap:
                raise SnapshotError(_too_big(name, len(out), consumed, cap, explicit is not None))
    except zlib.error as e:
        raise SnapshotError(f"{name} is damaged (bad gzip data: {_show(str(e))}): {_AGAIN}") from None


def _too_big(name: str, inflated: int, consumed: int, cap: int, explicit: bool) -> str:
    if explicit or inflated > cap or consumed > cap:
        return (f"{name} inflates to more than {cap >> 20} MB, the limit for a snapshot: if you trust the file, "
                f"raise it with {LIMIT_ENV} (nothing was loaded)")
    return (f"{name} inflates to more than {MAX_RATIO} times its compressed size (a decompression bomb, not a "
            f"snapshot written by jira-perms): refused after {inflated >> 20} MB; if you trust the file, set "
            f"{LIMIT_ENV} to the size it may reach")


def _decode_document(text: bytes | bytearray, name: str) -> Snapshot:
    """The snapshot in a decompressed document, or a one-line SnapshotError naming the file.

    The cyclic garbage collector is paused while the model is built (hundreds of thousands of new objects
    would trigger collections that rescan all of them) and the result is then frozen out of its sight: a
    loaded snapshot lives as long as the process.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        snapshot = snapshot_from_json(text) or _decode_checked(text, name)
    finally:
        if paused:
            gc.enable()
    gc.freeze()
    return snapshot


def _decode_checked(text: bytes | bytearray, name: str) -> Snapshot:
    """The slow path for a document the typed decoder refused: the exact complaint, or the snapshot."""
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
        raw = _bundled(resource)
    except OSError:
        raise SnapshotError(f"{where} is missing: reinstall jira-perms, or in a checkout run "
                            f"scripts/{script}") from None
    return decode_snapshot(raw, where)


def _bundled(resource: str) -> bytes:
    """A file of ``explorer/data``: read beside the package (an installed or checked-out copy), else through
    the package's loader (a zipped install).  importlib.resources costs more to import than the demo to read."""
    try:
        return (Path(__file__).resolve().parent.parent / "data" / resource).read_bytes()
    except OSError:
        from importlib import resources

        return (resources.files("explorer") / "data" / resource).read_bytes()
