"""Control characters from snapshots and servers are shown visibly, never sent to the terminal raw."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from explorer.core.render.terminal import visible


def test_escape_sequences_bell_cr_and_bidi_become_visible():
    assert visible("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07"
    assert visible("\x1b]52;c;ZXZpbA==\x07") == "\\x1b]52;c;ZXZpbA==\\x07"  # OSC 52 clipboard write
    assert visible("over\rwrite") == "over\\x0dwrite"
    assert visible("abc\u202edcba") == "abc\\u202edcba"
    assert visible("\x9b2J") == "\\x9b2J"  # C1 CSI
    assert visible("two\nlines") == "two\nlines"
    assert visible("two\nlines", newlines=False) == "two\\x0alines"


def test_ordinary_text_is_unchanged():
    for text in ("Backbone Sync", "Ünïcödé — ✓ ✗ ?", "[bold]x[/]", "", "日本語"):
        assert visible(text) is text or visible(text) == text


@given(st.text())
def test_no_control_or_bidi_character_survives(text):
    out = visible(text, newlines=False)
    for ch in out:
        assert unicodedata.category(ch) not in ("Cc",), repr(ch)
        assert unicodedata.bidirectional(ch) not in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")
