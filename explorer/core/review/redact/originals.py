"""Finding original strings inside free text, word by word, for scrubbing and for the final leak check.

An original ("Alice Admin", "alice@acme.example", "ENG", "falcon-team") is found
where its words appear in a text as whole words in the same order with the same
characters between them (case-insensitive): "ENG" is found in "ENG-12" and in
"/project/ENG/roles", not in "ENGINE".  Matching works on words rather than one
huge regular expression, so a 50,000-account site costs a dictionary look-up per
word of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script

MIN_LENGTH = 2
"""Originals shorter than this are not searched for (one letter would match everywhere); nor are numbers alone."""


@dataclass(frozen=True, slots=True)
class Original:
    words: tuple[str, ...]  # lowercased
    core: str  # lowercased text from its first word to its last
    replacement: str
    kind: str


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    original: Original


class Originals:
    """Original strings, each with its replacement and its kind (``person``, ``projectKey``, ...)."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[Original]] = {}
        self._sorted = True

    def add(self, original: str | None, replacement: str | None, kind: str) -> None:
        if not original or replacement is None or len(original.strip()) < MIN_LENGTH:
            return
        words = [m for m in _WORD.finditer(original)]
        if not words or all(w.group().isdigit() for w in words):
            return  # numbers alone name nobody, and they would be "found" in every issue key and id
        core = original[words[0].start():words[-1].end()].lower()
        entry = Original(tuple(w.group().lower() for w in words), core, replacement, kind)
        bucket = self._by_first.setdefault(entry.words[0], [])
        if any(e.core == core for e in bucket):
            return  # the first one added wins (originals are added in a stable order)
        bucket.append(entry)
        self._sorted = False

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def _prepare(self) -> None:
        if not self._sorted:
            for bucket in self._by_first.values():
                bucket.sort(key=lambda e: -len(e.words))  # the longest original wins
            self._sorted = True

    def hits(self, text: str) -> list[Hit]:
        """Every original in ``text``, left to right, not overlapping."""
        if not text or not self._by_first:
            return []
        self._prepare()
        words = list(_WORD.finditer(text))
        found: list[Hit] = []
        i = 0
        while i < len(words):
            first = words[i]
            hit = None
            for entry in self._by_first.get(first.group().lower(), ()):
                n = len(entry.words)
                if i + n > len(words):
                    continue
                last = words[i + n - 1]
                if text[first.start():last.end()].lower() == entry.core:
                    hit = Hit(first.start(), last.end(), entry)
                    i += n
                    break
            if hit is None:
                i += 1
            else:
                found.append(hit)
        return found

    def replace(self, text: str) -> str:
        """``text`` with every original replaced by its replacement."""
        hits = self.hits(text)
        if not hits:
            return text
        out: list[str] = []
        pos = 0
        for hit in hits:
            out.append(text[pos:hit.start])
            out.append(hit.original.replacement)
            pos = hit.end
        out.append(text[pos:])
        return "".join(out)
