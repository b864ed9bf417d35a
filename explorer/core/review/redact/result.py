"""What redaction returns: the redacted snapshot and, for its owner only, the way back."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from explorer.core.model import Snapshot


@dataclass(frozen=True)
class Redaction:
    """A redacted snapshot and, for its owner only, the way back."""

    snapshot: Snapshot
    mapping: Mapping[str, Mapping[str, str]]  # kind -> pseudonym -> original
    key_fingerprint: str
    account_ids: Mapping[str, str]  # original accountId -> redacted one
    project_keys: Mapping[str, str] = field(default_factory=dict)  # original project key -> redacted one

    @property
    def count(self) -> int:
        return sum(len(m) for m in self.mapping.values())

    def account_id(self, original: str) -> str:
        """The redacted accountId of an original one (``anonymous`` stays)."""
        return self.account_ids.get(original, original)

    def project_key(self, original: str) -> str:
        """The redacted key of an original project key (unchanged when keys were kept)."""
        return self.project_keys.get(original, original)

    def issue_key(self, original: str) -> str:
        """The redacted key of an original issue key."""
        prefix, dash, number = original.rpartition("-")
        return f"{self.project_key(prefix)}-{number}" if dash and prefix else original


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of a redaction key (to tell which key made a mapping)."""
    return hmac.new(key, b"jira-perms redaction key fingerprint", hashlib.sha256).hexdigest()[:16]
