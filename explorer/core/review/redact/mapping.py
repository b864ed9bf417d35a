"""The owner's mapping back (pseudonym -> original) as a file, and revealing pseudonyms in text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from explorer.core.errors import UserError
from explorer.core.review.redact.result import Redaction

MAPPING_FORMAT = "jira-perms-redaction-mapping"
MAPPING_VERSION = 1


def mapping_document(redaction: Redaction, *, source: str = "") -> dict[str, Any]:
    """The owner's mapping (pseudonym → original) as a JSON-able document."""
    return {
        "format": MAPPING_FORMAT,
        "version": MAPPING_VERSION,
        "keyFingerprint": redaction.key_fingerprint,
        "source": source,
        "redactedSite": redaction.snapshot.site.url,
        "entries": {kind: dict(entries) for kind, entries in redaction.mapping.items()},
    }


def mapping_from_document(data: object, *, source: str = "the mapping file") -> dict[str, str]:
    """Pseudonym → original from a mapping document; raises a one-line :class:`UserError`."""
    if type(data) is not dict or data.get("format") != MAPPING_FORMAT:
        raise UserError(f"{source} is not a jira-perms redaction mapping (write one with jira-perms redact "
                        "--mapping FILE)")
    version = data.get("version")
    if type(version) is not int or version > MAPPING_VERSION:
        raise UserError(f"{source} has mapping version {version!r}; this jira-perms reads version "
                        f"{MAPPING_VERSION}: upgrade jira-perms")
    entries = data.get("entries")
    if type(entries) is not dict or not all(
            type(v) is dict and all(type(a) is str and type(b) is str for a, b in v.items()) for v in entries.values()):
        raise UserError(f"{source} is damaged: 'entries' must map each kind to pseudonym/original strings")
    out: dict[str, str] = {}
    for kind_entries in entries.values():
        out.update(kind_entries)
    return out


def reveal(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every pseudonym in ``text`` by its original (longest pseudonyms first)."""
    if not mapping or not text:
        return text
    shown = {p: o for p, o in mapping.items() if p}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(shown, key=lambda p: (-len(p), p))))
    return pattern.sub(lambda m: shown[m.group(0)], text)
