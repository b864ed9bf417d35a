"""The Jira adapter's errors: one line each, naming the likely cause, never holding a secret.

Every message that can hold server text is built by the client through its
scrubber (:mod:`explorer.jira.scrub`), so ``str(error)`` is safe to print.
"""

from __future__ import annotations

from explorer.core.errors import UserError


class JiraError(UserError):
    """A request that failed for good.  ``str()`` is one line and holds no secret."""

    cause = "request failed"

    def __init__(self, message: str, *, status: int | None = None, endpoint: str = "", reason: str = "") -> None:
        super().__init__(" ".join(message.split()))
        self.status = status
        self.endpoint = endpoint
        self.reason = reason  # the underlying cause in a few words (network errors), scrubbed


class AuthenticationFailed(JiraError):
    cause = "authentication failed"


class PermissionDenied(JiraError):
    cause = "permission denied"


class NotFound(JiraError):
    cause = "not found"


class WrongSite(JiraError):
    cause = "wrong site"


class Redirected(WrongSite):
    """A 3xx answer (redirects are never followed); ``target`` is the host it pointed to, scrubbed."""

    def __init__(self, message: str, target: str, *, status: int | None = None, endpoint: str = "") -> None:
        super().__init__(message, status=status, endpoint=endpoint)
        self.target = target


class NetworkDown(JiraError):
    cause = "network down"


class TimedOut(NetworkDown):
    """A request or a command phase ran past its deadline (never retried)."""

    cause = "timed out"


class JiraUnavailable(JiraError):
    cause = "Jira unavailable"


class RateLimited(JiraUnavailable):
    cause = "rate limited"


class BadRequest(JiraError):
    cause = "request refused"


class BadResponse(JiraError):
    """An answer jira-perms cannot use: malformed or wrong-typed JSON, a corrupt encoding, too large.

    The sync records the fact it was reading as a gap (with this message as the reason) and goes on.
    """

    cause = "unusable answer"


class PagingStopped(BadResponse):
    """A paged list that made no progress or outgrew its bound; ``items`` holds what was read before."""

    cause = "list cut short"

    def __init__(self, message: str, items: list, *, endpoint: str = "") -> None:
        super().__init__(message, endpoint=endpoint)
        self.items = items
