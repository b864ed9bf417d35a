"""Neutralising hostile text: control characters shown, Markdown escaped, CSV cells safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from explorer.core.escape import csv_cell, is_safe, json_visible, md, text_lines, visible

HOSTILE = "Eve\x1b[31m RED\x1b]52;c;ZXZpbA==\x07\r✓ ALLOWED\u202eevil\u2066\x9b2J\x7f\u200bX\U000e0041\nsecond"


def test_escape_sequences_bel_cr_bidi_and_c1_are_shown_not_sent():
    shown = visible(HOSTILE)
    assert is_safe(shown)
    assert "\\x1b[31m" in shown and "\\x1b]52;c;" in shown and "\\x07" in shown
    assert "\\r✓ ALLOWED" in shown and "\\u202e" in shown and "\\u2066" in shown and "\\x9b" in shown
    assert "\\x7f" in shown and "\\u200bX" in shown and "\\U000e0041" in shown
    assert shown.endswith("\nsecond")  # line feeds stay unless one line is asked for
    assert visible(HOSTILE, one_line=True).endswith("\\nsecond")


def test_ordinary_text_is_untouched_and_odd_spaces_are_spaces():
    for text in ("Zoë Müller", "José (QA) — 日本語", "O'Brien & Sons", "plain"):
        assert visible(text, one_line=True) == text
    assert visible("Jean\u00a0Dupont") == "Jean Dupont"


def test_lines_cannot_smuggle_a_line_of_their_own():
    assert text_lines(["Name: Eve\n✓ ALLOWED", "next"]) == "Name: Eve\\n✓ ALLOWED\nnext\n"


@given(st.text())
def test_nothing_unsafe_survives(text):
    assert is_safe(visible(text, one_line=True), one_line=True)
    assert is_safe(visible(text))
    assert visible(text).count("\n") == text.count("\n")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=12))
def test_json_keeps_its_data_and_shows_nothing_to_a_terminal(data):
    for indent in (None, 2):
        text = json_visible(json.dumps(data, indent=indent, ensure_ascii=False))
        assert json.loads(text) == data
        assert is_safe(text) and visible(text) == text  # the CLI's output wrapper leaves it alone


def test_markdown_cannot_format_link_or_inject_html():
    text = md("[click](https://evil.example) *bold* <img src=x> &#x202e; ~~gone~~ `code` a|b\nnext")
    assert "\\[click\\]" in text and "\\*bold\\*" in text and "\\<img src=x\\>" in text
    assert "\\&#x202e;" in text and "\\~\\~gone\\~\\~" in text and "\\`code\\`" in text and "a\\|b" in text
    assert "\n" not in text and "\\nnext" in text


def test_csv_cells_that_a_spreadsheet_would_run_are_text():
    for cell in ("=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        safe = csv_cell(cell)
        assert safe.startswith("'"), safe
        assert is_safe(safe, one_line=True)
    assert csv_cell("Alice Admin") == "Alice Admin" and csv_cell(None) == "" and csv_cell("a=b") == "a=b"


def test_csv_rows_round_trip_through_a_reader():
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([csv_cell(v) for v in ("=1+1", "a,b", 'say "hi"', "x\ny")])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'=1+1", "a,b", 'say "hi"', "x\\ny"]
