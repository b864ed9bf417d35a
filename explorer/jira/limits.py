"""How long and how much: the bounds every Jira request and command phase runs under.

A hostile or broken server must not hang a command or exhaust memory
(docs/security.md).  These defaults are far above what a real Jira Cloud or
Data Center site needs; the CLI exposes them as options.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Deadlines and sizes for one client."""

    connect_timeout: float = 15.0  # to open a connection (TCP and TLS)
    read_timeout: float = 30.0  # silence between two reads of one response
    request_deadline: float = 120.0  # one whole request: connect, send, headers and body (slowloris)
    phase_deadline: float = 3600.0  # one phase of a command: signing in, reading accounts, groups, ...
    max_response_bytes: int = 64 * MB  # one response body after decompression
    max_items: int = 250_000  # one paged list (the largest Cloud sites hold 150,000 users)
    max_total_items: int = 4_000_000  # every paged list of one client together

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "request_deadline", "phase_deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.max_response_bytes < 1024 or self.max_items < 1:
            raise ValueError("size limits must be positive")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up."""

    max_retries: int = 5  # 5xx and connection errors, per request
    max_rate_limit_retries: int = 8  # 429s, per request
    base_delay: float = 0.5  # first backoff, seconds (doubles each time, with jitter)
    max_delay: float = 30.0  # longest backoff
    max_wait: float = 300.0  # longest single Retry-After honoured; beyond it, give up
    max_total_wait: float = 600.0  # all rate-limit pauses of one client together; beyond it, give up
