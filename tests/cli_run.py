"""Run ``jira-perms`` for a test: in this process (:func:`run_cli`) or as a real child process (:func:`run_process`).

Both answer like ``subprocess.run(..., capture_output=True, text=True)``: a :class:`subprocess.CompletedProcess`
with the exit code and the decoded output.

Starting Python for each call costs about 0.4 s of CPU (the interpreter and the imports), and most CLI tests
only check what a command prints, writes and exits with.  :func:`run_cli` calls ``explorer.cli.main.main``
here instead, with what a fresh process would have, and puts everything back afterwards:

* stdin, stdout and stderr are pipes, not terminals (also as ``sys.__stdout__`` and friends, so a terminal
  width is never read from the test's own terminal); the output is decoded as ``text=True`` decodes it;
* the environment given (a value of None removes the variable) and the working folder;
* no keyring backend chosen yet (``PYTHON_KEYRING_BACKEND`` is read afresh), no earlier keyring timeout;
* Python's default warning filters and a root logger without handlers at level WARNING, so warnings and
  log records reach stderr as in a child (pytest would otherwise collect them); every logger as it was
  afterwards (``--debug`` adds a handler);
* ``SystemExit`` and an escaped exception end the call as they would end a process: its code, or a
  traceback on stderr and exit 1.

Keep :func:`run_process` where the process itself is the point: cold start, signals, peak RSS, what reaches
argv or a child's environment, the interpreter's own stream encodings (``run_cli`` refuses the variables
only a new interpreter reads).
"""

from __future__ import annotations

import contextlib
import io
import locale
import logging
import os
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

Env = Mapping[str, str | None]

PROCESS_ONLY_ENV = ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONPATH", "PYTHONHASHSEED", "LANG", "LC_ALL", "LC_CTYPE")
"""Variables a running interpreter has already read: a test that sets them needs :func:`run_process`."""


def run_cli(*args: str, env: Env | None = None, stdin: str = "", cwd: Path | str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """``jira-perms ARGS`` in this process, as a child with piped streams would run it."""
    from explorer.cli.main import main

    given = dict(env or {})
    late = sorted(k for k in given if k in PROCESS_ONLY_ENV)
    if late:
        raise ValueError(f"{', '.join(late)} only take effect in a new interpreter: use run_process")
    encoding = locale.getpreferredencoding(False)
    out, err = _pipe(b"", encoding), _pipe(b"", encoding)
    with pytest.MonkeyPatch.context() as mp, _fresh_keyring(), _loggers_kept(), warnings.catch_warnings():
        _default_warnings()
        for key, value in given.items():
            if value is None:
                mp.delenv(key, raising=False)
            else:
                mp.setenv(key, value)
        if cwd is not None:
            mp.chdir(cwd)
        for name, stream in (("stdin", _pipe(stdin.encode(encoding), encoding)), ("stdout", out), ("stderr", err)):
            mp.setattr(sys, name, stream)
            mp.setattr(sys, f"__{name}__", stream)
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = _exit_code(exit_.code)
        except BaseException:  # noqa: BLE001 - as the interpreter would: a traceback and exit 1
            traceback.print_exc()
            code = 1
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
    return subprocess.CompletedProcess(["jira-perms", *args], code, _text(out, encoding), _text(err, encoding))


def run_process(*args: str, env: Env | None = None, stdin: str | None = None, cwd: Path | str | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m explorer ARGS`` in a child process (stdin: the text given, else /dev/null)."""
    full = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, env=full,
                          cwd=cwd, timeout=timeout, input=stdin,
                          stdin=subprocess.DEVNULL if stdin is None else None)


def _pipe(data: bytes, encoding: str) -> io.TextIOWrapper:
    """A text stream like the one Python puts on a pipe (not a terminal, no fileno)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict")


def _text(stream: io.TextIOWrapper, encoding: str) -> str:
    """What ``subprocess.run(text=True)`` reads from the pipe: decoded, with universal newlines."""
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # SystemExit("message"): printed, exit 1
    return 1


def _default_warnings() -> None:
    """Python's own filters, as a child started without -W has them (pytest would otherwise record warnings)."""
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")


@contextlib.contextmanager
def _fresh_keyring() -> Iterator[None]:
    """No keyring backend chosen and no earlier timeout during the call; the test's own state after it."""
    from explorer.store import credentials

    core = sys.modules.get("keyring.core")
    before = getattr(core, "_keyring_backend", None)
    if core is not None:
        core._keyring_backend = None  # type: ignore[attr-defined]
    credentials.reset_keyring_state()
    try:
        yield
    finally:
        core = sys.modules.get("keyring.core")
        if core is not None:
            core._keyring_backend = before  # type: ignore[attr-defined]
        credentials.reset_keyring_state()


@contextlib.contextmanager
def _loggers_kept() -> Iterator[None]:
    """A fresh process's root logger (no handlers, WARNING) during the call; every logger as before after it."""
    def state() -> dict[logging.Logger, tuple[list[logging.Handler], int, bool]]:
        loggers = [logging.getLogger(), *(v for v in logging.Logger.manager.loggerDict.values()
                                          if isinstance(v, logging.Logger))]
        return {lg: (list(lg.handlers), lg.level, lg.propagate) for lg in loggers}

    before = state()
    root = logging.getLogger()
    root.handlers[:] = []
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger in state():
            handlers, level, propagate = before.get(logger, ([], logging.NOTSET, True))
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Bad input: exit 2, nothing on stdout, one line on stderr (no traceback) naming each of ``needles``."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]
