"""Citations of the rules document ("decision 2", "rules section 11") found in an output, with where to read them.

Every renderer that can show a citation ends with a "Rules cited" list naming,
for each, its place in ``docs/permission-rules.md`` (``#decision-2``,
``#section-11``) and its text or title, so a reader can look it up there or
with ``jira-perms rules``.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from explorer.core.escape import md
from explorer.core.replay.decisions import DECISIONS, RULES_DOC, SECTIONS

CITATION = re.compile(r"\b(decision|rules section) (\d+(?:\.\d+)*)\b", re.IGNORECASE)
"""How outputs cite the rules: "decision 2", "rules section 11", "rules section 3.2"."""

WIDTH = 80


@dataclass(frozen=True, slots=True, order=True)
class Rule:
    """One cited rule: a binding decision or a numbered section of the rules document."""

    kind: str  # "decision" | "section" (decisions sort first)
    number: tuple[int, ...]

    @property
    def key(self) -> str:
        return ".".join(str(n) for n in self.number)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.key}"

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{'-'.join(str(n) for n in self.number)}"

    @property
    def link(self) -> str:
        return f"{RULES_DOC}#{self.anchor}"

    @property
    def exists(self) -> bool:
        if self.kind == "decision":
            return len(self.number) == 1 and self.number[0] in DECISIONS
        return self.key in SECTIONS

    @property
    def text(self) -> str:
        """The decision's statement, or the section's title ("" for a rule the document lacks)."""
        if self.kind == "decision":
            return DECISIONS.get(self.number[0], "") if len(self.number) == 1 else ""
        return SECTIONS.get(self.key, "")

    @property
    def topic(self) -> str:
        """What to give ``jira-perms rules`` to print it."""
        return self.key if self.kind == "decision" else f'"section {self.key}"'


def rule(kind: str, number: str | int) -> Rule:
    return Rule(kind, tuple(int(part) for part in str(number).split(".")))


def cited(text: str, decisions: Iterable[int] = ()) -> list[Rule]:
    """The rules ``text`` cites, plus the given decision numbers, in order (decisions first)."""
    found = {rule("decision" if m.group(1).lower() == "decision" else "section", m.group(2))
             for m in CITATION.finditer(text)}
    found.update(rule("decision", n) for n in decisions)
    return sorted(found)


def footer_text(rules: Iterable[Rule]) -> list[str]:
    """The "Rules cited" lines of a text output, wrapped at 80 columns (none when nothing is cited)."""
    rules = list(rules)
    if not rules:
        return []
    out = ["", f"Rules cited (full text: jira-perms rules {rules[0].topic}, or {RULES_DOC}):"]
    for r in rules:
        text = r.text.rstrip(".") + "." if r.text else "(not in the rules document)"
        out += textwrap.wrap(f"{r.label} ({r.link}): {text}", WIDTH, initial_indent="  ", subsequent_indent="    ",
                             break_on_hyphens=False, break_long_words=False)
    return out


def footer_markdown(rules: Iterable[Rule]) -> list[str]:
    rules = list(rules)
    if not rules:
        return []
    out = ["", f"**Rules cited** (in `{RULES_DOC}`, or `jira-perms rules {rules[0].topic}`)", ""]
    for r in rules:
        text = md(r.text.rstrip(".") + ".") if r.text else "(not in the rules document)"
        out.append(f"- {r.label.capitalize()} (`{r.link}`): {text}")
    return out


def rules_footer(lines: Iterable[str], *, markdown: bool = False) -> list[str]:
    """The "Rules cited" lines for an output whose lines are ``lines`` (none when they cite nothing)."""
    rules = cited("\n".join(lines))
    return footer_markdown(rules) if markdown else footer_text(rules)


def rules_json(rules: Iterable[Rule]) -> list[dict]:
    return [{"cite": r.label, "kind": r.kind, "number": r.key, "link": r.link, "text": r.text} for r in rules]
