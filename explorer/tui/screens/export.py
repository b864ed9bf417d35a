"""Export the current answer to a file: the extension picks the format."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from explorer.core.errors import UserError
from explorer.store.paths import write_private
from explorer.tui.text import plain


class ExportScreen(ModalScreen[Path | None]):
    """Asks for a path (prefilled, cursor at the end, nothing selected); writes atomically with mode 0600.

    An existing file is replaced only after a second Enter on the same path.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, markdown: str, name: str, formats: dict[str, str] | None = None) -> None:
        super().__init__()
        self.formats = dict(formats or {})
        self.formats.setdefault(".md", markdown)
        self.name_stem = name
        self.confirmed: Path | None = None  # the existing file the user agreed to replace

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Static("Export to a file", id="export-title")
            yield Input(str(Path.cwd() / f"{self.name_stem}.md"), id="export-path", select_on_focus=False)
            yield Static(f"Formats by extension: {', '.join(sorted(self.formats))}. Enter writes, Esc cancels.",
                         id="export-help")
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        self.set_focus(box)
        box.cursor_position = len(box.value)  # Backspace edits the extension, it does not wipe the path
        self.app.tune_inputs(self)  # type: ignore[attr-defined]

    def _error(self, text: str) -> None:
        self.query_one("#export-error", Static).update(plain(text))

    @on(Input.Changed, "#export-path")
    def _changed(self) -> None:
        self.confirmed = None
        self._error("")

    @on(Input.Submitted, "#export-path")
    def _write(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        text = self.formats.get(path.suffix.lower())
        if text is None:
            self._error(f"Unknown extension {path.suffix or '(none)'}: use one of {', '.join(sorted(self.formats))}")
            return
        if path.is_dir():
            self._error(f"{path} is a folder: give a file name")
            return
        if path.exists() and self.confirmed != path:
            self.confirmed = path
            self._error(f"⚠ {path.name} exists. Enter again replaces it; or change the name.")
            return
        try:
            write_private(path, text.encode("utf-8"))
        except UserError as e:
            self._error(str(e))
            return
        self.app.notify(f"Exported to {path}" + (" (redacted)" if getattr(self.app, "redacted", False) else ""),
                        title="Exported")
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
