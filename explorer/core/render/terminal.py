"""Text that reaches a terminal: control characters shown visibly, never sent raw.

A snapshot or a server may put escape sequences (``ESC [``, OSC 52 clipboard
writes), BEL, CR, backspace or Unicode bidi overrides into names, group names,
site titles and messages.  :func:`visible` replaces each such character with a
visible escape (``\\x1b``, ``\\u202e``) so the terminal only ever receives
printable text.  Newlines are kept unless ``newlines=False`` (for one-line
fields such as a name in a table cell).
"""

from __future__ import annotations

import re

# C0 controls except newline, DEL and C1 controls, bidi embeddings/overrides/isolates and marks,
# zero-width characters, line/paragraph separators and the byte-order mark.
_UNSAFE = "\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_OR_NEWLINE_RE = re.compile(f"[{_UNSAFE}\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character replaced by a visible escape such as ``\\x1b``."""
    pattern = _UNSAFE_RE if newlines else _UNSAFE_OR_NEWLINE_RE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)
