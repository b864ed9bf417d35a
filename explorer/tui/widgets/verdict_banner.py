"""The verdict banner: allowed / denied / cannot determine, in words and symbols."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Explanation, Verdict
from explorer.tui.text import plain

WORDS = {
    Verdict.ALLOWED: "✓ ALLOWED",
    Verdict.DENIED: "✗ DENIED",
    Verdict.UNKNOWN: "? CANNOT DETERMINE",
}
CLASSES = {Verdict.ALLOWED: "-allowed", Verdict.DENIED: "-denied", Verdict.UNKNOWN: "-unknown"}


class VerdictBanner(Static):
    """Shows one explanation's verdict; the colour only repeats what the words say."""

    def show_message(self, message: str) -> None:
        self.remove_class(*CLASSES.values())
        self.update(plain(message, "italic"))

    def show(self, exp: Explanation) -> None:
        self.remove_class(*CLASSES.values())
        self.add_class(CLASSES[exp.verdict])
        where = f"issue {exp.issue_key}" if exp.issue_key else (f"project {exp.project_key}" if exp.project_key
                                                                 else "the site")
        text = Text()
        text.append(f" {WORDS[exp.verdict]} ", style="bold reverse")
        text.append_text(plain(f"  {exp.account.display_name} · {catalogue.display_name(exp.permission)} · {where}",
                               "bold", newlines=False))
        text.append("\n")
        text.append_text(plain(exp.headline))
        self.update(text)
