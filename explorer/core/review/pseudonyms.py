"""Stable, keyed pseudonyms for names, emails, groups and ids (redaction).

The same key and the same original always give the same pseudonym, so a
redacted screen, a redacted copy and a redacted snapshot (``jira-perms redact``)
agree with each other.  Without the key a pseudonym cannot be traced back; the
owner of the key (and of the original snapshot) can rebuild the mapping.

Pseudonyms are readable ("Amber Falcon 3f", "group-olive-heron-7a") because a
support engineer reads them aloud on a call.
"""

from __future__ import annotations

import hashlib
import hmac

_ADJECTIVES = (
    "Amber", "Azure", "Bold", "Brisk", "Calm", "Cedar", "Coral", "Crisp", "Dusky", "Ember", "Fern", "Frost", "Gentle",
    "Golden", "Hazel", "Indigo", "Ivory", "Jade", "Keen", "Lunar", "Maple", "Misty", "Noble", "Olive", "Pearl",
    "Quiet", "Rapid", "Rosy", "Russet", "Sable", "Silver", "Solar", "Stone", "Swift", "Teal", "Tidal", "Umber",
    "Velvet", "Violet", "Warm", "Willow", "Wintry",
)
_ANIMALS = (
    "Badger", "Bison", "Crane", "Dolphin", "Egret", "Falcon", "Ferret", "Finch", "Fox", "Gecko", "Heron", "Ibis",
    "Jackal", "Koala", "Lark", "Lemur", "Lynx", "Marten", "Moose", "Newt", "Ocelot", "Orca", "Otter", "Owl",
    "Panda", "Puffin", "Quail", "Raven", "Robin", "Salmon", "Seal", "Stork", "Swan", "Tapir", "Tern", "Toucan",
    "Trout", "Viper", "Walrus", "Wolf", "Wren", "Yak",
)

_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


class Pseudonymizer:
    """Maps originals to pseudonyms with an HMAC key.

    ``kind`` separates name spaces, so a group and a person with the same name
    get unrelated pseudonyms.
    """

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("a redaction key needs at least 16 bytes")
        self._key = key

    def _digest(self, kind: str, original: str) -> bytes:
        return hmac.new(self._key, f"{kind}\x00{original}".encode(), hashlib.sha256).digest()

    def _words(self, kind: str, original: str) -> tuple[str, str, str]:
        d = self._digest(kind, original)
        return _ADJECTIVES[d[0] % len(_ADJECTIVES)], _ANIMALS[d[1] % len(_ANIMALS)], d[2:4].hex()

    def person(self, original: str) -> str:
        """A display name: ``Amber Falcon 3f9a``."""
        adjective, animal, tag = self._words("person", original)
        return f"{adjective} {animal} {tag}"

    def email(self, original: str) -> str:
        adjective, animal, tag = self._words("email", original.lower())
        return f"{adjective.lower()}.{animal.lower()}.{tag}@redacted.invalid"

    def username(self, original: str) -> str:
        """A Data Center login name: ``amber.falcon.3f9a``."""
        adjective, animal, tag = self._words("username", original.lower())
        return f"{adjective.lower()}.{animal.lower()}.{tag}"

    def group(self, original: str) -> str:
        adjective, animal, tag = self._words("group", original)
        return f"group-{adjective.lower()}-{animal.lower()}-{tag}"

    def account_id(self, original: str) -> str:
        """A hashed accountId (keyed, so it cannot be looked up in a table)."""
        return "r-" + self._digest("accountId", original)[:12].hex()

    def text(self, kind: str, original: str) -> str:
        """Free text (issue summaries, custom-field values): ``[redacted summary 3f9a1c]``."""
        return f"[redacted {kind} {self._digest(kind, original)[:3].hex()}]"

    def site(self, url: str) -> str:
        """A site URL: ``https://amber-falcon-3f9a.redacted.invalid``."""
        adjective, animal, tag = self._words("site", url.rstrip("/").lower())
        return f"https://{adjective.lower()}-{animal.lower()}-{tag}.redacted.invalid"

    def label(self, what: str, original: str) -> str:
        """A site-defined name (role, status, workflow, scheme, ...): ``Role Amber Falcon 3f9a``."""
        adjective, animal, tag = self._words(what.lower(), original.strip().lower())
        return f"{what} {adjective} {animal} {tag}"

    def project_key(self, original: str) -> str:
        """A project key, still shaped like one (so issue keys read ``QZKRT-12``): ``Q`` and four letters."""
        d = self._digest("projectKey", original.upper())
        return "Q" + "".join(_KEY_LETTERS[b % len(_KEY_LETTERS)] for b in d[:4])

    def opaque(self, kind: str, original: str) -> str:
        """An opaque id (group ids and the like): ``g-3f9a1c2b4d5e``."""
        return f"{kind[:1]}-{self._digest(kind, original)[:6].hex()}"
