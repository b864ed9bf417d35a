"""The status bar: one line of segments that always fit (each has shorter forms for narrow terminals).

A segment is a function of the app returning a :class:`Piece` (or None to stay
hidden).  The app keeps its segments in ``app.status_segments`` (see
:mod:`explorer.tui.status`); a new mode adds its own with one append.  When the
line is too wide, pieces step down to shorter forms (lowest ``shrink`` first),
then the elastic piece (the site name) is cut with an ellipsis, so no segment
ever disappears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

SEPARATOR = " │ "


@dataclass(frozen=True, slots=True)
class Piece:
    forms: tuple[Text, ...]  # widest first
    shrink: int = 5  # lower steps down to a shorter form earlier
    elastic: bool = False  # may be cut with an ellipsis (down to min_width) when nothing else helps
    min_width: int = 8


Segment = Callable[[object], "Piece | None"]


def fit(pieces: list[Piece], width: int) -> Text:
    """The pieces on one line of at most ``width`` cells, each in the widest form that lets all fit."""
    chosen = [0] * len(pieces)

    def total() -> int:
        return sum(p.forms[i].cell_len for p, i in zip(pieces, chosen)) + len(SEPARATOR) * max(0, len(pieces) - 1) + 1

    while total() > width:
        candidates = [n for n, p in enumerate(pieces) if chosen[n] + 1 < len(p.forms)]
        if not candidates:
            break
        n = min(candidates, key=lambda k: (pieces[k].shrink, k))
        chosen[n] += 1
    texts = [p.forms[i].copy() for p, i in zip(pieces, chosen)]
    excess = total() - width
    for n, p in enumerate(pieces):
        if excess <= 0:
            break
        if p.elastic:
            keep = max(p.min_width, texts[n].cell_len - excess)
            if keep < texts[n].cell_len:
                excess -= texts[n].cell_len - keep
                texts[n].truncate(keep, overflow="ellipsis")
    line = Text(" ", no_wrap=True, overflow="ellipsis")
    for n, text in enumerate(texts):
        if n:
            line.append(SEPARATOR, style="dim")
        line.append_text(text)
    line.truncate(width, overflow="ellipsis")
    return line


class StatusBar(Static):
    """One line; meaning never depends on colour alone (words and symbols)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.pieces: list[Piece] = []
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "status_version", self.refresh_status, init=True)

    def on_resize(self) -> None:
        self._draw()

    def refresh_status(self, _version: int = 0) -> None:
        segments = getattr(self.app, "status_segments", ())
        self.pieces = [p for p in (segment(self.app) for segment in segments) if p is not None]
        self._draw()

    def _draw(self) -> None:
        width = self.size.width or self.app.size.width
        line = fit(self.pieces, width)
        if line != self._shown:  # one line, always: no layout pass (it would redraw the whole screen)
            self._shown = line
            self.update(line, layout=False)

    @property
    def plain(self) -> str:
        return fit(self.pieces, self.size.width or 80).plain
