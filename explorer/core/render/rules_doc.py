"""The rules document (``docs/permission-rules.md``) as topics to look up and print in a terminal.

The document marks each topic with an anchor line (``<a id="decision-2"></a>``,
``<a id="section-3-2"></a>``) followed by its heading; sources are list items
``- <a id="s3"></a>S3. Title <URL>``.  :class:`RulesDocument` finds a topic by
number, anchor or words, and prints it as plain text with the sources it cites.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.replay.decisions import RULES_DOC

_ANCHOR_LINE = re.compile(r'^<a id="([^"]+)"></a>\s*$')
_ANCHOR_TAG = re.compile(r'<a id="[^"]*"></a>')
_HEADING = re.compile(r"^(#{2,3}) (.+?)\s*$")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.? (.+)$")
_DECISION = re.compile(r"^Decision (\d+): (.+)$")
_LOCAL_LINK = re.compile(r"\[([^\]]+)\]\(#[^)]*\)")
_URL = re.compile(r"<(https?://[^>]+)>")
_SOURCE_ITEM = re.compile(r'^- <a id="(s\d+)"></a>(S\d+)\. (.*)$')
_SOURCE_CITE = re.compile(r"\[(S\d+)\]")
WIDTH = 80


@dataclass(frozen=True, slots=True)
class Topic:
    """A decision, a section or a subsection of the rules document."""

    anchor: str  # "decision-2", "section-3-2", "decisions"
    kind: str  # "decision" | "section" | "other"
    number: str  # "2", "3.2", "" for other
    title: str  # the heading without its number
    level: int  # 2 for "##", 3 for "###"
    lines: tuple[str, ...]  # the heading and the body, as Markdown

    @property
    def label(self) -> str:
        if self.kind == "decision":
            return f"Decision {self.number}"
        return f"Section {self.number}" if self.kind == "section" else self.title


class RulesDocument:
    """The parsed document: its topics in order and its sources by id (``S3``)."""

    def __init__(self, text: str):
        lines = text.splitlines()
        self.topics: list[Topic] = []
        starts: list[tuple[int, str, int, str]] = []  # (line index of the heading, anchor, level, heading)
        pending: str | None = None
        for i, line in enumerate(lines):
            anchor = _ANCHOR_LINE.match(line)
            if anchor:
                pending = anchor.group(1)
                continue
            heading = _HEADING.match(line)
            if heading:
                if pending:
                    starts.append((i, pending, len(heading.group(1)), heading.group(2)))
                pending = None
            elif line.strip():
                pending = None
        headings = [i for i, line in enumerate(lines) if _HEADING.match(line) or line.startswith("# ")]
        for index, anchor, level, heading in starts:
            end = next((j for j in headings if j > index and _level(lines[j]) <= level), len(lines))
            body = tuple(line for line in lines[index:end] if not _ANCHOR_LINE.match(line))
            self.topics.append(_topic(anchor, level, heading, _trim(body)))
        self.sources = _sources(lines)

    # ---------------------------------------------------------------- lookup

    def by_anchor(self, anchor: str) -> Topic | None:
        return next((t for t in self.topics if t.anchor == anchor), None)

    def decision(self, number: str) -> Topic | None:
        return self.by_anchor(f"decision-{number}")

    def section(self, number: str) -> Topic | None:
        return self.by_anchor(f"section-{number.replace('.', '-')}")

    def find(self, query: str) -> list[Topic]:
        """The topics ``query`` names: a number (a decision; a section if no decision has it), "section N",
        "decision N", an anchor or link (``#decision-2``), or words of a title (else of a body)."""
        q = " ".join(query.strip().lower().split())
        q = q.removeprefix("rules ").strip()
        if "#" in q:
            q = q.rsplit("#", 1)[1]
        if m := re.fullmatch(r"(?:decision|dec|d)\s*(\d+)", q):
            return _one(self.decision(m.group(1)))
        if m := re.fullmatch(r"(?:rules section|section|sec|s|§)\s*(\d+(?:\.\d+)*)", q):
            return _one(self.section(m.group(1)))
        if re.fullmatch(r"\d+(?:\.\d+)+", q):
            return _one(self.section(q))
        if q.isdigit():
            return _one(self.decision(q) or self.section(q))
        if found := self.by_anchor(q):
            return [found]
        words = _words(q)
        if not words:
            return []
        titled = [t for t in self.topics if words in _words(f"{t.label} {t.title}")]
        if titled:
            return titled
        return [t for t in self.topics if t.kind != "other" and words in _words(" ".join(t.lines[1:]))]

    # ---------------------------------------------------------------- printing

    def render(self, topic: Topic) -> str:
        """The topic as plain text, then the sources it cites with their URLs."""
        heading = _plain(topic.lines[0])
        out = [heading, "=" * len(heading), *(_plain(line) for line in topic.lines[1:])]
        if topic.anchor != "section-17":
            cites = list(dict.fromkeys(_SOURCE_CITE.findall("\n".join(topic.lines))))
            known = [self.sources[c] for c in cites if c in self.sources]
            if known:
                out += ["", "Sources:"]
                for title, urls in known:
                    out += textwrap.wrap(title, WIDTH, initial_indent="  ", subsequent_indent="      ")
                    out += [f"      {url}" for url in urls]
        out += ["", f"({RULES_DOC}#{topic.anchor})"]
        return "\n".join(out) + "\n"

    def listing(self) -> str:
        """Every decision and section, with how to print one."""
        out = [f"The rules jira-perms follows ({RULES_DOC}, shipped with it).",
               'Print one with: jira-perms rules 2, jira-perms rules "section 11",',
               "jira-perms rules team-managed.", "",
               "Decisions (where Jira's documentation is silent or conflicting):"]
        out += [f"  {t.number:>4}  {t.title}" for t in self.topics if t.kind == "decision"]
        out += ["", "Sections:"]
        for t in self.topics:
            if t.kind == "section":
                indent = "  " * t.number.count(".")
                out.append(f"  {t.number:>4}  {indent}{t.title}")
        return "\n".join(out) + "\n"

    def choices(self, topics: list[Topic], query: str) -> str:
        """Several topics match ``query``: name them, with how to print each."""
        out = [f"{len(topics)} rules match {query.strip()!r}; print one with jira-perms rules TOPIC:"]
        for t in topics:
            topic = t.number if t.kind == "decision" else f'"section {t.number}"' if t.kind == "section" else t.anchor
            out.append(f"  {t.label}: {t.title}  (jira-perms rules {topic})")
        return "\n".join(out) + "\n"

    def lookup(self, query: str) -> list[Topic]:
        """:meth:`find`, or a one-line :class:`UserError` saying what exists."""
        found = self.find(query)
        if found:
            return found
        decisions = [t.number for t in self.topics if t.kind == "decision"]
        span = f"decisions {decisions[0]}-{decisions[-1]}" if decisions else "no decisions"
        raise UserError(f"jira-perms rules: nothing in the rules matches {query.strip()!r} ({span}, sections 0-17); "
                        "run jira-perms rules to list them")


def _topic(anchor: str, level: int, heading: str, lines: tuple[str, ...]) -> Topic:
    if m := _DECISION.match(heading):
        return Topic(anchor, "decision", m.group(1), m.group(2), level, lines)
    if anchor.startswith("section-") and (m := _NUMBERED.match(heading)):
        return Topic(anchor, "section", m.group(1), m.group(2), level, lines)
    return Topic(anchor, "other", "", heading, level, lines)


def _level(line: str) -> int:
    return len(line) - len(line.lstrip("#"))


def _trim(lines: tuple[str, ...]) -> tuple[str, ...]:
    items = list(lines)
    while items and not items[-1].strip():
        items.pop()
    return tuple(items)


def _plain(line: str) -> str:
    if _HEADING.match(line):
        line = line.lstrip("#").strip()
    line = _ANCHOR_TAG.sub("", line)
    line = _LOCAL_LINK.sub(r"\1", line)
    return _URL.sub(r"\1", line)


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9.]+", " ", text.lower()).split()) + " "


def _one(topic: Topic | None) -> list[Topic]:
    return [topic] if topic else []


def _sources(lines: list[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """``S3`` -> ("S3. Cloud: ...", (its URLs)), from a list item and its continuation lines."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        m = _SOURCE_ITEM.match(line)
        if m:
            current = found.setdefault(m.group(2), [f"{m.group(2)}. {m.group(3).strip()}"])
        elif current is not None and line.startswith("  ") and line.strip():
            current.append(line.strip())
        else:
            current = None
    sources = {}
    for key, parts in found.items():
        text = " ".join(parts)
        urls = tuple(_URL.findall(text))
        sources[key] = (" ".join(_URL.sub("", text).split()), urls)
    return sources
