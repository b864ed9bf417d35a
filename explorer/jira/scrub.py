"""Make server text safe to show: no secret, no control character, one line, bounded length.

A server (or a proxy) may echo the Authorization header in an error body, a
reason phrase or a response header, and may send escape sequences meant for
your terminal.  :class:`Scrubber` knows the client's secret forms (the token,
its ``email:token`` base64 form, the header value) and removes them - and any
fragment of 12 or more characters of them - plus any ``Basic``/``Bearer``
credential, then shows control characters visibly (``\\x1b``) and caps the
length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from explorer.core.escape import visible

REDACTED = "[redacted]"
FRAGMENT = 12  # a run this long of a secret is treated as the secret
_CREDENTIAL = re.compile(r"(?i)\b(basic|bearer)(\s*[:=]?\s+)(?=[A-Za-z0-9+/=._~%-]*\d)[A-Za-z0-9+/=._~%-]{16,}")
_SPACES = re.compile(r"\s+")
_SAFE_SPACES = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) as one space, then :func:`~explorer.core.escape.visible`."""
    if any(ch in _SAFE_SPACES for ch in text):
        text = _SPACES.sub(" ", text)
    return visible(text, one_line=True).strip()


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


class Scrubber:
    """Removes the given secrets from any text, then makes it one visible line of bounded length."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        self._grams = frozenset(s[i:i + FRAGMENT] for s in self._secrets if len(s) >= FRAGMENT
                                for i in range(len(s) - FRAGMENT + 1))
        # byte probes for a whole answer: each secret, and two 16-character pieces of the shortest (the token
        # itself) - an answer echoing the credentials echoes one of these
        probes = {x.encode() for x in self._secrets if len(x) >= 8}
        if self._secrets and len(self._secrets[-1]) >= 32:
            token = self._secrets[-1]
            probes |= {token[:16].encode(), token[-16:].encode()}
        self._probes = tuple(sorted(probes, key=len))

    def leaks(self, body: bytes) -> bool:
        """Might this answer hold a secret?  (JSON escapes could hide one: then it might.)"""
        if not self._probes:
            return False
        if b"\\u" in body or b"\\/" in body:
            return True
        return any(probe in body for probe in self._probes)

    def data(self, value: object) -> object:
        """Decoded JSON with every secret removed from every string (keys too); nothing else changed."""
        if isinstance(value, str):
            return self._redact(value) if len(value) >= 8 else value
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        return value

    def text(self, text: object, limit: int = 300) -> str:
        """Server (or any) text as one safe line of at most ``limit`` characters."""
        raw = str(text)[: limit * 4 + 64]  # bound the work; the cap below is what shows
        return clip(one_line(self._redact(raw)), limit)

    def headers(self, items: Iterable[tuple[str, str]], secret_names: frozenset[str]) -> dict[str, str]:
        """Headers for a debug line: credential headers and cookies redacted, every other value scrubbed."""
        return {self.text(k, 80): (REDACTED if k.lower() in secret_names else self.text(v, 200)) for k, v in items}

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if self._grams and len(text) >= FRAGMENT:
            text = self._fragments(text)
        return _CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)

    def _fragments(self, text: str) -> str:
        grams = self._grams
        hit = [False] * len(text)
        found = False
        for i in range(len(text) - FRAGMENT + 1):
            if text[i:i + FRAGMENT] in grams:
                found = True
                for j in range(i, i + FRAGMENT):
                    hit[j] = True
        if not found:
            return text
        out = []
        i = 0
        while i < len(text):
            if hit[i]:
                while i < len(text) and hit[i]:
                    i += 1
                out.append(REDACTED)
            else:
                out.append(text[i])
                i += 1
        return "".join(out)
