"""The TUI's redaction: the core's redacted snapshot plus the accountId mapping both ways.

The TUI shows (and copies) everything from the redacted twin of a snapshot made
by :func:`explorer.core.review.redact.redact` with the user's redaction key, so every
sentence the core writes is redacted, and the pseudonyms on screen are the ones
``jira-perms redact`` writes with the same key.  The explain/who-can/matrix
screens remember the question in original accountIds and translate with
:meth:`Redaction.to_view` / :meth:`Redaction.to_original`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.core.model import Snapshot
from explorer.core.review.redact import redact


@dataclass
class Redaction:
    snapshot: Snapshot  # the redacted twin
    ids: dict[str, str] = field(default_factory=dict)  # original accountId -> hashed
    back: dict[str, str] = field(default_factory=dict)  # hashed -> original
    source: Snapshot | None = None  # the original

    def to_view(self, account_id: str) -> str:
        return self.ids.get(account_id, account_id)

    def to_original(self, account_id: str) -> str:
        return self.back.get(account_id, account_id)


def redact_snapshot(snapshot: Snapshot, key: bytes) -> Redaction:
    # On screen, project and issue keys stay: the engineer navigates by them, and questions keep their keys
    # when redaction is turned on or off.  Files written with `jira-perms redact` hide the keys too.
    red = redact(snapshot, key, keep_keys=True)
    ids = dict(red.account_ids)
    return Redaction(red.snapshot, ids, {v: k for k, v in ids.items()}, snapshot)


def real_strings(snapshot: Snapshot) -> set[str]:
    """Every personal string redaction must hide (names, emails, usernames, accountIds, group names)."""
    out: set[str] = set()
    for account in snapshot.accounts:
        out.add(account.display_name)
        if account.email:
            out.add(account.email)
        if account.username:
            out.add(account.username)
        out.add(account.account_id)
    for group in snapshot.groups:
        out.add(group.name)
    return {s for s in out if s}
