"""Where jira-perms keeps its files, and the small private files it owns.

* config: ``platformdirs.user_config_path("jira-perms")`` (sites, keymap, the
  redaction key); override with ``JIRA_PERMS_CONFIG_DIR``;
* data: ``platformdirs.user_data_path("jira-perms")`` (snapshots per site);
  override with ``JIRA_PERMS_DATA_DIR``.

Secrets never live here: API tokens stay in the OS keyring.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from explorer.core.errors import UserError

APP = "jira-perms"
REDACTION_KEY_FILE = "redaction.key"


def config_dir() -> Path:
    override = os.environ.get("JIRA_PERMS_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs  # only when no override: offline commands start faster without it

    return platformdirs.user_config_path(APP)


def data_dir() -> Path:
    override = os.environ.get("JIRA_PERMS_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path(APP)


def make_private_dirs(folder: Path) -> Path:
    """Create ``folder`` and any missing parents with mode 0700 (``mkdir(parents=True)`` makes parents 0755).

    Folders that already exist keep their mode.  Raises OSError like ``mkdir``.
    """
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=0o700)
            os.chmod(part, 0o700)  # mkdir's mode is masked by the umask; never wider than 0700 either way
    return folder


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def check_replaceable(path: Path, error: type[UserError] = UserError) -> None:
    """Refuse an existing target that is not a regular file (or a symlink to one, which a write replaces).

    Writing over ``/dev/full`` as root, or over a FIFO, would replace the device or the pipe with a regular
    file; a dangling symlink counts as absent.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise error(f"cannot write {_show(path)}: {e.strerror or e}: check the path") from e
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise error(f"cannot write {_show(path)}: it is {kind}, not a regular file; give the name of a new or an "
                "existing regular file (nothing was written)")


def write_private(path: Path, payload: bytes, error: type[UserError] = UserError, *,
                  make_parents: bool = True) -> Path:
    """Write a file atomically with mode 0600: a temp file in the same folder, fsync, rename, fsync the folder.

    A failure raises ``error`` (one line naming the file); the previous file, if any, is left unchanged and
    no temp file remains.  An existing target that is not a regular file is refused (:func:`check_replaceable`);
    missing parent folders are created 0700 when ``make_parents``.
    """
    check_replaceable(path, error)
    try:
        if make_parents:
            make_private_dirs(path.parent)
        import tempfile  # here, not at the top: commands that only read start faster

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise error(f"cannot write {_show(path)}: {e.strerror or e}: check that the folder exists and is "
                    "writable") from e
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise error(f"cannot write {_show(path)}: {e.strerror or e}: check the path and free space "
                        "(the previous file, if any, is unchanged)") from e
        raise
    _fsync_dir(path.parent)
    return path


def _show(path: Path) -> str:
    return str(path).replace("\n", "\\n").replace("\r", "\\r")


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_small_text(path: str | Path, limit: int, what: str, error: type[UserError] = UserError,
                    label: str | None = None) -> str:
    """The text of a small UTF-8 file (a profile, a changes file), at most ``limit`` bytes read; otherwise a one-line
    ``error`` that starts with ``label`` (default: the path) and names ``what`` the file should be."""
    target = Path(path)
    shown = label or str(target).replace("\n", "\\n")
    try:
        if target.is_dir():
            raise error(f"{shown}: is a folder; expected {what}")
        with target.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{shown}: no such file") from None
    except PermissionError:
        raise error(f"{shown}: not readable (permission denied)") from None
    except OSError as e:
        raise error(f"{shown}: cannot read it: {e.strerror or e}") from None
    if len(raw) > limit:
        raise error(f"{shown}: larger than {limit // 1024} KiB; expected {what}, which is small") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{shown}: not UTF-8 text; expected {what}") from None


def redaction_key(create: bool = True) -> bytes:
    """The user's redaction key (32 random bytes, 0600), created on first use.

    The TUI's redaction toggle and ``jira-perms redact`` both use it, so their
    pseudonyms agree.
    """
    path = config_dir() / REDACTION_KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    except FileNotFoundError:
        pass
    except OSError as e:
        raise UserError(f"cannot read the redaction key {path}: {e.strerror or e}") from e
    if not create:
        raise UserError(f"no redaction key at {path}")
    import secrets

    key = secrets.token_bytes(32)
    write_private(path, key)
    return key
