"""The answer of an explanation as wrapped lines: every check, then the fixes, each readable whole.

Lines wrap at the view's width with a hanging indent (the symbol stays in its
column), so no proof or fix line is ever cut, at 80 columns or at 200.  The view
scrolls like a pager (j/k, space/b, g/G) and finds text (``/``, ``n``, ``N``):
matches are shown reversed, and the line of the current match is marked in the
left gutter with ``▶``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from explorer.core.render.explain import grant_block_heading, grant_block_label, proof_blocks, rules_cited
from explorer.core.replay.decisions import RULES_DOC
from explorer.core.replay.explanation import KIND_LABELS, Check, Explanation, Kind, Verdict
from explorer.tui.text import plain

STYLE = {True: "", False: "bold", None: "italic"}
GUTTER = 2  # "▶ " marks the current match
MATCH_STYLE = "reverse"


@dataclass(frozen=True, slots=True)
class ProofLine:
    """One logical line: ``prefix`` (a symbol, kept in its column) then ``body`` (wrapped)."""

    body: Text
    prefix: str = ""
    indent: int = 0
    style: str = ""


def _symbol_line(symbol: str, label: str, body: str, passed: bool | None, indent: int) -> ProofLine:
    text = Text()
    if label:
        text.append_text(plain(f"{label}: ", "bold"))
    text.append_text(plain(body, STYLE[passed]))
    return ProofLine(text, f"{symbol} ", indent)


def _heading(text: str, indent: int = 0) -> ProofLine:
    return ProofLine(plain(text, "bold underline"), "", indent)


def proof_lines(exp: Explanation, fixes_pending: bool = False) -> list[ProofLine]:
    """Every line of the answer below the verdict banner, in Jira's order, then fixes, gaps and decisions."""
    out: list[ProofLine] = [_heading("What Jira checks, in order")]
    for kind, lines in proof_blocks(exp):
        if kind is Kind.GRANT:
            symbol, heading = grant_block_heading(exp, lines)
            passed = {"✓": True, "✗": False, "?": None}[symbol]
            out.append(_symbol_line(symbol, grant_block_label(lines), heading, passed, 0))
            for line in lines:
                _check(out, line, "", 2)
            continue
        _check(out, lines[0], KIND_LABELS[lines[0].kind], 0)
    if exp.verdict is Verdict.DENIED and exp.project_key is not None:
        out.append(ProofLine(Text("")))
        if fixes_pending:
            out.append(_heading("How to fix it"))
            out.append(ProofLine(plain("⟳ finding the smallest changes and proving each… (the status bar shows "
                                       "the time so far)", "italic"), "", 2))
        elif exp.fixes:
            out.append(_heading("How to fix it (smallest change first, each proved by replaying the check)"))
            for n, fix in enumerate(exp.fixes, 1):
                out.append(ProofLine(plain(f"{fix.summary}."), f"{n}. ", 0))
                out.append(ProofLine(plain(f"Blast radius: {fix.blast_summary}.", "italic"), "", 3))
                if len(fix.changes) > 1:
                    for change in fix.changes:
                        out.append(ProofLine(plain(change.summary), "• ", 3))
                if fix.note:
                    out.append(ProofLine(plain(fix.note), "", 3))
        else:
            out.append(ProofLine(plain("No single change found that would allow it (see the failed checks).",
                                       "italic")))
    if exp.verdict is Verdict.UNKNOWN and exp.missing_facts:
        out.append(ProofLine(Text("")))
        out.append(_heading("Missing from the snapshot (what would give a definite answer)"))
        for fact in exp.missing_facts:
            out.append(ProofLine(plain(f"{fact.describe()}; {fact.remedy()}"), "? ", 0))
    rules = rules_cited(exp)
    if rules:
        out.append(ProofLine(Text("")))
        out.append(_heading(f"Rules cited ({RULES_DOC}; jira-perms rules {rules[0].topic})"))
        for rule in rules:
            out.append(ProofLine(plain(f"{rule.label.capitalize()} (#{rule.anchor}): {rule.text}"), "• ", 0))
    return out


_BULLETS = ("⚠ ", "+ ", "- ", "✓ ", "✗ ", "? ", "• ", "! ")


def text_lines(text: str) -> list[ProofLine]:
    """Lines of a text report (a diff, an audit) as view lines: indentation and a leading symbol kept, so a long
    line wraps under its own start."""
    out = []
    for raw in text.rstrip("\n").split("\n"):
        body = raw.lstrip(" ")
        indent = len(raw) - len(body)
        prefix = next((b for b in _BULLETS if body.startswith(b)), "")
        out.append(ProofLine(plain(body[len(prefix):]), prefix, indent))
    return out


def _check(out: list[ProofLine], check: Check, label: str, indent: int) -> None:
    body = check.summary
    if check.decision and f"decision {check.decision}" not in body:
        body += f" (decision {check.decision})"
    if check.conflict:
        body += f" Note: {check.conflict}"
    out.append(_symbol_line(check.symbol, label, body, check.passed, indent))
    for child in check.children:
        _check(out, child, "", indent + 2)


class ProofView(ScrollView, can_focus=True):
    """A pager of :class:`ProofLine` rows, wrapped to the width, with find."""

    BINDINGS = [
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines: list[ProofLine] = []
        self.rows: list[Text] = []  # wrapped, one per screen row
        self.row_of_line: list[int] = []  # first row of each logical line
        self.search = ""
        self.matches: list[int] = []  # logical lines that match
        self.current = -1  # index into matches
        self._width = 0

    # ------------------------------------------------------------------ content
    def show_lines(self, lines: list[ProofLine], keep_scroll: bool = False) -> None:
        self.lines = lines
        self._find()
        self._wrap(keep_scroll)

    def clear(self) -> None:
        self.show_lines([])

    @property
    def text(self) -> str:
        """Every logical line as plain text (tests and the screen's search count)."""
        return "\n".join(" " * line.indent + line.prefix + line.body.plain for line in self.lines)

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._wrap(keep_scroll=True)

    def _wrap(self, keep_scroll: bool = False) -> None:
        width = max(20, self.scrollable_content_region.width or self.app.size.width - 1)
        self._width = self.scrollable_content_region.width
        console = self.app.console
        pattern = re.compile(re.escape(self.search), re.IGNORECASE) if self.search else None
        current_line = self.matches[self.current] if 0 <= self.current < len(self.matches) else -1
        rows: list[Text] = []
        firsts: list[int] = []
        for n, line in enumerate(self.lines):
            firsts.append(len(rows))
            body = line.body.copy()
            if line.style:
                body.stylize(line.style)
            if pattern is not None:
                body.highlight_regex(pattern, MATCH_STYLE)
            room = max(10, width - GUTTER - line.indent - len(line.prefix))
            wrapped = body.wrap(console, room) if body.plain else [Text("")]
            for m, part in enumerate(wrapped):
                row = Text()
                row.append("▶ " if n == current_line and m == 0 else "  ", style="bold")
                row.append(" " * line.indent)
                row.append(line.prefix if m == 0 else " " * len(line.prefix), style="bold")
                row.append_text(part)
                rows.append(row)
        self.rows = rows
        self.row_of_line = firsts
        y = self.scroll_offset.y if keep_scroll else 0
        self.virtual_size = Size(width, len(rows))
        self.scroll_to(y=min(y, max(0, len(rows) - self.scrollable_content_region.height)), animate=False,
                       force=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        segments = list(self.rows[index].render(self.app.console))
        strip = Strip([s for s in segments if s.text != "\n"] or [Segment("")])
        return strip.crop_extend(0, width, Style()).apply_style(self.rich_style)

    # ------------------------------------------------------------------ find
    def set_search(self, text: str) -> int:
        """Highlight ``text`` (any case) and go to its first match at or below the top; returns the count."""
        self.search = text.strip()
        top = self.scroll_offset.y
        self._find()
        self.current = -1
        if self.matches:
            after = [n for n, line in enumerate(self.matches) if self.row_of_line[line] >= top] if self.row_of_line \
                else []
            self.current = after[0] if after else 0
        self._wrap(keep_scroll=True)
        self._show_current()
        return len(self.matches)

    def _find(self) -> None:
        needle = self.search.lower()
        self.matches = [n for n, line in enumerate(self.lines) if needle and needle in line.body.plain.lower()]
        if self.current >= len(self.matches):
            self.current = len(self.matches) - 1

    def step(self, delta: int) -> None:
        """Go to the next (1) or previous (-1) match, wrapping around."""
        if not self.matches:
            return
        self.current = (self.current + delta) % len(self.matches)
        self._wrap(keep_scroll=True)
        self._show_current()

    def _show_current(self) -> None:
        if not (0 <= self.current < len(self.matches)):
            return
        row = self.row_of_line[self.matches[self.current]]
        height = self.scrollable_content_region.height
        if not (self.scroll_offset.y <= row < self.scroll_offset.y + height):
            self.scroll_to(y=max(0, row - 2), animate=False, force=True)
