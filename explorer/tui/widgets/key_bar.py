"""The key bar: the most useful keys of the current screen that work right now, and always "? keys".

Each screen lists its key-bar items in ``KEY_BAR`` (most useful first).  An item
whose action cannot run here (``check_action`` says no: no snapshot open, no
answer to copy) is left out.  At most :data:`MAX_ITEMS` are shown; when an item
does not fit the width, the last item reads "? more keys" instead of cutting a
word in half, so nothing is ever dropped silently.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from explorer.tui.actions import APP, ActionSpec, Hint, KeyBarItem, spec_by_id

MAX_ITEMS = 8
GAP = "  "


def spec_keys(app, spec: ActionSpec) -> list[str]:
    """The keys bound to ``spec`` after the user's ``[keymap]``, as shown (``?``, ``^p``, ``esc``)."""
    keymap = getattr(app, "_keymap", {}) or {}
    keys = keymap.get(spec.id, spec.keys)
    return [app.get_key_display(Binding(k.strip(), spec.action)) for k in keys.split(",") if k.strip()]


def offered(app, target, spec: ActionSpec) -> bool:
    """Whether ``spec`` is worth offering now on ``target`` (the app or a screen): ``offers()``, else ``check_action``."""
    if target is None:
        return False
    action = spec.action
    if action.startswith("app."):
        target, action = app, action[4:]
    try:
        offers = getattr(target, "offers", None)
        return bool(offers(action)) if offers is not None else bool(target.check_action(action, ()))
    except Exception:  # noqa: BLE001 - a screen's check must never break the bar
        return False


def _available(app, screen, spec: ActionSpec) -> bool:
    return offered(app, app if spec in APP.specs else screen, spec)


def items_for(app, screen) -> list[tuple[str, str]]:
    """(keys, label) of the screen's key-bar items that work now, in the screen's order."""
    out: list[tuple[str, str]] = []
    for item in getattr(screen, "KEY_BAR", ()):
        ids, label = _ids(item)
        specs = [s for s in (spec_by_id(i) for i in ids) if s is not None and _available(app, screen, s)]
        if not specs:
            continue
        keys = " ".join(spec_keys(app, s)[0] for s in specs if spec_keys(app, s))
        out.append((keys, label or specs[0].label))
    return out


def _ids(item: KeyBarItem) -> tuple[tuple[str, ...], str]:
    if isinstance(item, Hint):
        return item.ids, item.label
    return (item,), ""


def layout(items: list[tuple[str, str]], help_keys: str, width: int) -> Text:
    """The bar's line: as many items as fit (at most MAX_ITEMS), then the help item."""
    def piece(keys: str, label: str) -> Text:
        text = Text()
        text.append(keys, style="bold reverse")
        text.append(f" {label}")
        return text

    shown: list[Text] = []
    full = piece(help_keys, "keys")
    more = piece(help_keys, "more keys")
    for n, (keys, label) in enumerate(items):
        candidate = piece(keys, label)
        last = n == len(items) - 1
        tail = full if last else more
        used = sum(t.cell_len + len(GAP) for t in shown)
        if len(shown) >= MAX_ITEMS - 1 or used + candidate.cell_len + len(GAP) + tail.cell_len > width:
            break
        shown.append(candidate)
    tail = full if len(shown) == len(items) else more
    line = Text(no_wrap=True, overflow="ellipsis")
    for text in shown:
        line.append_text(text)
        line.append(GAP)
    line.append_text(tail)
    line.truncate(width, overflow="ellipsis")
    return line


class KeyBar(Static):
    """Bottom line of every screen (replaces Textual's Footer, which cut keys silently at 80 columns)."""

    _shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "status_version", self.refresh_keys, init=False)
        self.watch(self.screen, "focused", self.refresh_keys, init=False)
        self.call_after_refresh(self.refresh_keys)

    def on_resize(self) -> None:
        self.refresh_keys()

    def on_screen_resume(self) -> None:
        self.refresh_keys()

    def refresh_keys(self, *_args) -> None:
        app = self.app
        help_spec = spec_by_id("app.help")
        help_keys = spec_keys(app, help_spec)[0] if help_spec is not None else "?"
        width = self.size.width or app.size.width
        line = layout(items_for(app, self.screen), help_keys, width)
        if line != self._shown:  # one line, always: no layout pass (it would redraw the whole screen)
            self._shown = line
            self.update(line, layout=False)
