"""Text from a snapshot or a server made safe to show: control characters visible, Markdown and CSV escaped.

Display names, group names, site titles and every other string a snapshot or a
server supplies may hold terminal escape sequences (colours, OSC 52 clipboard
writes, window titles), BEL, carriage returns, bidi overrides that reorder what
a reader sees, or invisible characters that make two names look alike.
:func:`visible` shows every character Python does not call printable as an
escape (``\\x1b``, ``\\r``, ``\\u202e``); other spaces become a plain space.
:func:`json_visible` does the same to JSON text with JSON's own escapes, so the
data is unchanged.  :func:`md` and :func:`csv_cell` add the rules of Markdown
and of spreadsheets (OWASP CSV injection: a cell starting with ``= + - @``,
tab or CR is prefixed with ``'``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _SHORT:
        return _SHORT[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _shown(ch: str) -> str:
    if ch.isprintable():
        return ch
    return " " if unicodedata.category(ch) == "Zs" else _escape(ch)


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


def _printable_lines(text: str) -> bool:
    """Is every character printable or a line feed?  (Checked in C: the usual case costs little.)"""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.replace("\n", "").isprintable()


def _line(text: str) -> str:
    return text if text.isprintable() else "".join(map(_shown, text))


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with every non-printable character (controls, bidi and other format characters,
    line separators) shown as an escape.

    Line feeds are kept unless ``one_line`` (use that for a value inside a line:
    a name must not be able to start a line of its own).
    """
    if one_line:
        return _line(text)
    if _printable_lines(text):
        return text
    return "\n".join(map(_line, text.split("\n")))


def text_lines(lines: Iterable[str]) -> str:
    """Join output lines, each made visible as one line, with a final newline."""
    lines = list(lines)
    if "".join(lines).isprintable():  # the usual case, checked in C
        return "\n".join(lines) + "\n"
    return "".join(_line(line) + "\n" for line in lines)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every non-printable character inside its
    strings written as a ``\\uXXXX`` escape: the same data, nothing for a terminal to act on."""
    if _printable_lines(text):
        return text
    return "\n".join(line if line.isprintable() else
                     "".join(ch if ch.isprintable() else _json_escape(ch) for ch in line)
                     for line in text.split("\n"))


_MARKDOWN = str.maketrans({ch: "\\" + ch for ch in "\\*_`|<>[]&~"})


def md(text: str) -> str:
    """Escape what Markdown would read as formatting, links, HTML or entities; one line, controls visible."""
    return _line(text.translate(_MARKDOWN))


CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet may read as a formula (OWASP CSV injection)."""


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: formula triggers prefixed with ``'``, controls visible."""
    text = "" if value is None else str(value)
    safe = _line(text)
    return "'" + safe if text.startswith(CSV_TRIGGERS) else safe


def is_safe(text: str, *, one_line: bool = False) -> bool:
    """Would :func:`visible` leave ``text`` unchanged (nothing a terminal could act on)?"""
    return all(part.isprintable() for part in ([text] if one_line else text.split("\n")))
