"""The CLI's output boundary: everything a command prints goes through here.

* :func:`visible_stdout` wraps standard output for the length of a command so that
  every character a terminal could act on (escape sequences, OSC 52, BEL, CR,
  bidi controls) is shown as an escape, whatever text a snapshot or a server
  slipped into a name (``explorer.core.escape``);
* :func:`out` and :func:`json_out` write text and JSON (the JSON with JSON's own
  escapes, so it parses to the same data);
* :func:`warn` writes one visible warning line on stderr;
* :func:`output_file` checks where a command is asked to write, the same way for
  every command: an existing folder, not a directory.

Light on purpose (standard library and ``explorer.core.escape`` only): ``--help`` goes through it.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from explorer.core.errors import UserError
from explorer.core.escape import json_visible, visible


class VisibleStream(io.TextIOBase):
    """A text stream that writes :func:`~explorer.core.escape.visible` text to the stream it wraps."""

    def __init__(self, stream):
        super().__init__()
        self.raw_stream = stream

    def write(self, text: str) -> int:
        self.raw_stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.raw_stream.flush()

    def isatty(self) -> bool:
        return self.raw_stream.isatty()

    def fileno(self) -> int:
        return self.raw_stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw_stream, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw_stream, "errors", None)


@contextlib.contextmanager
def visible_stdout() -> Iterator[None]:
    """Standard output made visible for the block (restored after, so nested calls and tests stay sane)."""
    original = sys.stdout
    if isinstance(original, VisibleStream) or original is None:
        yield
        return
    sys.stdout = VisibleStream(original)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        sys.stdout = original


def out(text: str) -> None:
    """Write command output (made visible by :func:`visible_stdout`, which ``main`` puts around every command)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def json_out(data: object) -> None:
    """Write JSON whose strings show every non-printable character as a JSON escape (so the wrapper need not)."""
    stream = getattr(sys.stdout, "raw_stream", sys.stdout)
    stream.write(json_visible(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    stream.flush()


def warn(message: str) -> None:
    """One warning line on stderr: ``jira-perms: warning: ...``, controls visible."""
    line = visible(" ".join(message.split()), one_line=True)
    print(f"jira-perms: warning: {line}", file=sys.stderr)


def output_file(value: str, command: str, option: str = "-o") -> Path:
    """The file a command will write: its folder must exist and it must not be a directory (one line if not).

    Every command that writes a file checks the same way: nothing creates folders on its own, so a typo in
    a path is an error, not a new folder somewhere.
    """
    path = Path(value)
    shown = visible(str(path), one_line=True)
    if path.is_dir():
        raise UserError(f"jira-perms {command}: {option} {shown} is a directory; give a file name in it")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UserError(f"jira-perms {command}: cannot write {shown}: the folder {visible(str(folder), one_line=True)} "
                        f"{what} (create it first)")
    return path
