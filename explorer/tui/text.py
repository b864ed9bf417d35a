"""Text that is not ours (names, server messages, paths) on screen: never markup, never raw control characters.

Textual and Rich read ``[bold]`` or ``[@click=...]`` in a plain ``str`` as
markup (Static, Label, Button, DataTable cells, Tree labels, Rich table cells,
toasts).  Every string the TUI shows goes through :func:`plain` (a Rich
``Text``, which is never parsed) or :func:`one_line`, and control characters
become visible escapes (:func:`explorer.core.escape.visible`).
"""

from __future__ import annotations

from rich.text import Text

from explorer.core.escape import visible


def plain(text: str, style: str = "", *, newlines: bool = True) -> Text:
    """``text`` as a Rich Text that is shown exactly (no markup), with control characters made visible."""
    return Text(visible(text, one_line=not newlines), style=style)


def one_line(text: str) -> str:
    """``text`` for a one-line place (a cell, a label): newlines and control characters made visible."""
    return visible(text, one_line=True)


def assemble(*parts: str | tuple[str, str]) -> Text:
    """Like ``Text.assemble``, with every part made safe (parts are plain text; a tuple is (text, style))."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(visible(part[0]), style=part[1])
        else:
            out.append(visible(part))
    return out
