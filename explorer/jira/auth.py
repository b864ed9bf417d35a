"""The Authorization header for a site, and every form of the secret it carries (for scrubbing).

Jira Cloud takes basic auth with ``email:API token``; Data Center takes basic
auth with ``username:password`` or a personal access token as ``Bearer``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass(frozen=True)
class Credentials:
    """``header`` is the Authorization value; ``secrets`` every text that must never be shown."""

    scheme: str  # "Basic" or "Bearer"
    header: str = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials({self.scheme}, <redacted>)"


class Sealed:
    """Text that holds a secret: usable as ``.value``, shown as ``<redacted>`` in any repr or traceback."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<redacted>"


def basic(user: str, secret: str) -> Credentials:
    """Basic auth: ``user:secret`` in base64 (Cloud: email and API token)."""
    encoded = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
    return Credentials("Basic", f"Basic {encoded}", _forms(secret, encoded, f"Basic {encoded}"))


def bearer(token: str) -> Credentials:
    """A bearer token (Data Center personal access tokens)."""
    return Credentials("Bearer", f"Bearer {token}", _forms(token, f"Bearer {token}"))


def for_account(user: str | None, secret: str) -> Credentials:
    """Basic auth when there is a user (email or username), else the secret as a bearer token."""
    return bearer(secret) if user is None else basic(user, secret)


def _forms(secret: str, *more: str) -> tuple[str, ...]:
    forms = {secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode("ascii"), *more}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))
