"""The transport to one Jira site: requests, retries, deadlines, bounds and safe errors.

This module knows HTTP and Jira's conventions shared by every dialect (status
codes, ``Retry-After``, ErrorCollection bodies), not which endpoints a sync
reads: Cloud REST v3 and Data Center REST v2 both run on it.

* HTTP/1.1 keep-alive connections (:mod:`explorer.jira.wire`), at most
  ``concurrency`` requests in flight.  Redirects are not followed, and paging
  never follows ``nextPage`` links, so credentials only go to this site;
  ``~/.netrc`` and proxy variables other than ``HTTPS_PROXY``/``NO_PROXY`` are
  ignored; ``SSL_CERT_FILE`` is honoured.
* Bounds (:class:`~explorer.jira.limits.Limits`): a deadline for each whole
  request and for each command phase (:meth:`JiraClient.phase`), the response
  size after decompression, the items of a paged list (:mod:`explorer.jira.paging`).
* 429 (and 503 with ``Retry-After``): wait as long as ``Retry-After`` (seconds
  or an HTTP date) or ``X-RateLimit-Reset`` says, and make every other request
  wait too, within a cap per wait and in total; 5xx and connection errors:
  exponential backoff with jitter, bounded.  A 401 is never retried.  All
  waiting is ``asyncio.sleep``, so cancelling (Ctrl-C) stops at once.
* Errors are :mod:`explorer.jira.errors` (one line, naming the likely cause).
  Every message and debug line goes through the client's
  :class:`~explorer.jira.scrub.Scrubber`: no token, no ``email:token`` form, no
  Authorization value, no control character, bounded length.  The debug log is
  logger ``explorer.jira`` (silent unless configured).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import json
import logging
import os
import random
import ssl
from array import array
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import msgspec

from explorer import __version__
from explorer.core.errors import UserError
from explorer.jira import wire
from explorer.jira.auth import Sealed, for_account
from explorer.jira.errors import (
    AuthenticationFailed,
    BadRequest,
    BadResponse,
    JiraError,
    JiraUnavailable,
    NetworkDown,
    NotFound,
    PermissionDenied,
    RateLimited,
    Redirected,
    TimedOut,
    WrongSite,
)
from explorer.jira.limits import Limits, RetryPolicy
from explorer.jira.paging import Paging, Params
from explorer.jira.scrub import REDACTED, Scrubber

log = logging.getLogger("explorer.jira")

API = "/rest/api/3"
USER_AGENT = f"jira-perms/{__version__}"
TOKEN_HELP = "https://id.atlassian.com/manage-profile/security/api-tokens"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "www-authenticate",
                            "proxy-authenticate"})
_JSON_TYPES = ("application/json", "text/json")  # anything ending in +json counts too


@dataclass
class ClientStats:
    """Counts for the progress display and the closing summary."""

    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0  # requests repeated after a 429, 5xx or connection error
    rate_limited: int = 0  # 429 answers
    waited: float = 0.0  # seconds every request was paused for Retry-After, in total
    in_flight: int = 0
    seconds: array = field(default_factory=lambda: array("d"))  # each request's time on the wire

    def latency(self) -> float | None:
        """The site's own latency: the time of the fastest 5% of answers (the rest includes queueing)."""
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[len(ordered) // 20]

    def lower_bound(self, concurrency: int) -> float | None:
        """The least time these requests could take at the site's latency with ``concurrency`` in flight."""
        latency = self.latency()
        return None if latency is None else self.requests * latency / concurrency


class JiraClient(Paging):
    """One site, one account.  Use as ``async with JiraClient(...) as client``.

    ``user`` is the Cloud account email (or a Data Center username) for basic
    auth; ``None`` sends ``token`` as a bearer token (Data Center personal access
    tokens).
    """

    def __init__(
        self,
        site_url: str,
        user: str | None,
        token: str,
        *,
        concurrency: int = 8,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if concurrency < 1:
            raise UserError("--concurrency must be at least 1")
        self.site = check_site_url(site_url)
        parts = urlsplit(self.site)
        self.host = parts.hostname or self.site
        self.concurrency = concurrency
        self.limits = limits or Limits()
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        credentials = for_account(user, token)
        self.scrub = Scrubber(credentials.secrets)
        self._base = parts.path
        self._sem = asyncio.Semaphore(concurrency)
        self._not_before = 0.0
        self._rng = random.Random()
        origin = wire.Origin.parse(self.site)
        self._head = Sealed(f"Host: {origin.authority}\r\nUser-Agent: {USER_AGENT}\r\nAccept: application/json\r\n"
                            f"Accept-Encoding: gzip, deflate\r\nAuthorization: {credentials.header}\r\n")
        self._shown_headers = {"Host": origin.authority, "User-Agent": USER_AGENT, "Accept": "application/json",
                               "Accept-Encoding": "gzip, deflate", "Authorization": REDACTED}
        self._pool = wire.Pool(origin, tls=ssl_context() if origin.scheme == "https" else None,
                               proxy=proxy_for(self.site), keep=concurrency,
                               connect_timeout=min(self.limits.connect_timeout, self.limits.request_deadline),
                               read_timeout=self.limits.read_timeout, max_body=self.limits.max_response_bytes)

    def __repr__(self) -> str:
        return f"JiraClient({self.site!r}, concurrency={self.concurrency})"

    async def __aenter__(self) -> JiraClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._pool.close()

    # ---- phases ------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def phase(self, name: str, seconds: float | None = None) -> AsyncIterator[None]:
        """Bound one phase of a command: past the deadline it stops with :class:`TimedOut` naming ``name``."""
        limit = seconds or self.limits.phase_deadline
        try:
            async with asyncio.timeout(limit):
                yield
        except TimeoutError:
            raise TimedOut(f"{name} on {self.host} took longer than {limit:g} s (the deadline for one phase, "
                           "--phase-timeout); the site is very slow or not answering properly: try again, or "
                           "raise --phase-timeout for a very large site") from None

    # ---- single requests -------------------------------------------------------------------

    async def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` (relative to the site, e.g. ``/rest/api/3/myself``) and return the decoded JSON."""
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: Any, params: Params | None = None) -> Any:
        return await self.request("POST", path, params=params, body=body)

    async def request(self, method: str, path: str, *, params: Params | None = None, body: Any = None) -> Any:
        endpoint = f"{method} {path}"
        query = urlencode([(k, _param(v)) for k, v in params]) if params else ""
        target = f"{self._base}{path}?{query}" if query else f"{self._base}{path}"
        head = f"{method} {target} HTTP/1.1\r\n{self._head.value}"
        if body is not None:
            payload = msgspec.json.encode(body)
            request = (f"{head}Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
                       ).encode() + payload
        else:
            request = f"{head}\r\n".encode()
        failures = 0  # 5xx and connection errors so far
        limited = 0  # 429s so far
        loop = asyncio.get_running_loop()
        while True:
            response: wire.Response | None = None
            error: wire.WireError | None = None
            async with self._sem:
                while (pause := self._not_before - loop.time()) > 0:
                    await asyncio.sleep(pause)
                stats = self.stats
                stats.requests += 1
                stats.in_flight += 1
                started = loop.time()
                try:
                    response = await self._pool.exchange(request, started + self.limits.request_deadline)
                except wire.WireError as e:
                    error = e
                finally:
                    stats.in_flight -= 1
                    stats.seconds.append(loop.time() - started)
                if log.isEnabledFor(logging.DEBUG):
                    self._log(method, target, response, error, loop.time() - started)

            if response is None:
                assert error is not None
                if isinstance(error, wire.DeadlineExceeded):
                    raise TimedOut(f"{endpoint} on {self.host} did not finish within "
                                   f"{self.limits.request_deadline:g} s (the deadline for one request, --timeout); "
                                   "the site is very slow or not answering properly", endpoint=endpoint)
                if not _retryable(error) or failures >= self.retry.max_retries:
                    raise self._network_error(error, endpoint, failures + 1)
                await self._backoff(failures)
                failures += 1
                continue

            status = response.status
            if 200 <= status < 300:
                return self._decode(response, endpoint)
            if status == 429 or (status == 503 and "retry-after" in response.headers):
                limited += 1
                stats.rate_limited += status == 429
                wait = _retry_after(response.headers)
                if wait is None:
                    wait = self._delay(limited - 1)
                self._check_wait(endpoint, status, limited, wait)
                self._pause_all(wait)
                stats.retries += 1
                await asyncio.sleep(wait)
                continue
            if status >= 500:
                if failures >= self.retry.max_retries:
                    raise JiraUnavailable(
                        f"Jira at {self.host} kept failing: {endpoint} answered HTTP {status} {self._reason(response)} "
                        f"{failures + 1} times; try again later (status: https://status.atlassian.com)",
                        status=status, endpoint=endpoint)
                await self._backoff(failures)
                failures += 1
                continue
            raise self._status_error(response, endpoint)

    # ---- rate limits and backoff -------------------------------------------------------------

    def _check_wait(self, endpoint: str, status: int, limited: int, wait: float) -> None:
        """Give up when Jira asks for too many retries, too long a wait, or more waiting than the total cap."""
        r = self.retry
        now = asyncio.get_running_loop().time()
        extra = max(0.0, now + wait - max(now, self._not_before))
        why = None
        if limited > r.max_rate_limit_retries:
            why = f"still answered HTTP {status} after {limited} attempts"
        elif wait > r.max_wait:
            why = f"asked to wait {wait:.0f} s, longer than the {r.max_wait:g} s jira-perms waits at once"
        elif self.stats.waited + extra > r.max_total_wait:
            why = (f"asked to wait {wait:.0f} s more after {self.stats.waited:.0f} s of waiting in all, beyond the "
                   f"{r.max_total_wait:g} s jira-perms waits in total")
        if why:
            raise RateLimited(f"rate limited by {self.host}: {endpoint} {why}; try again later or with a lower "
                              "--concurrency", status=status, endpoint=endpoint)

    def _pause_all(self, seconds: float) -> None:
        """After a 429, no request goes out until Jira's wait is over."""
        now = asyncio.get_running_loop().time()
        until = now + seconds
        self.stats.waited += max(0.0, until - max(now, self._not_before))
        self._not_before = max(self._not_before, until)

    def _delay(self, attempt: int) -> float:
        ceiling = min(self.retry.max_delay, self.retry.base_delay * (2 ** attempt))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"

    async def _backoff(self, attempt: int) -> None:
        self.stats.retries += 1
        await asyncio.sleep(self._delay(attempt))

    # ---- answers -----------------------------------------------------------------------------

    def _decode(self, response: wire.Response, endpoint: str) -> Any:
        body = response.body
        if response.status == 204 or not body:
            return None
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        json_typed = not kind or kind in _JSON_TYPES or kind.endswith("+json")
        try:
            data = _decode_json(body)
            # a server may echo the credentials into the data itself: keep them out of snapshots and screens
            return self.scrub.data(data) if self.scrub.leaks(body) else data
        except (ValueError, RecursionError, msgspec.MsgspecError) as e:
            if not json_typed:
                raise WrongSite(
                    f"wrong site: {self.site} did not answer like Jira ({endpoint} gave {self.scrub.text(kind, 60)}, "
                    "not JSON); check the site URL (Jira Cloud sites look like https://your-domain.atlassian.net)",
                    status=response.status, endpoint=endpoint) from None
            raise BadResponse(f"{endpoint} on {self.host} answered with JSON jira-perms cannot read "
                              f"({_json_problem(e, body)})", status=response.status, endpoint=endpoint) from None

    def shape_error(self, endpoint: str, expected: str) -> BadResponse:
        """A well-formed answer of the wrong shape (e.g. an object where a list belongs)."""
        return BadResponse(f"{endpoint} on {self.host} answered with something other than {expected}",
                           endpoint=endpoint)

    def _reason(self, response: wire.Response) -> str:
        return self.scrub.text(response.reason, 60)

    def _status_error(self, response: wire.Response, endpoint: str) -> JiraError:
        status = response.status
        said = self._jira_message(response)
        said = f" (Jira said: {said})" if said else ""
        if status == 401:
            return AuthenticationFailed(
                f"authentication failed on {self.host} (HTTP 401 for {endpoint}): the email or API token is wrong, "
                f"or the token was revoked or has expired; create a new token at {TOKEN_HELP} and run "
                f"jira-perms login again", status=status, endpoint=endpoint)
        if status == 403:
            if "AUTHENTICATION_DENIED" in response.headers.get("x-seraph-loginreason", ""):
                return AuthenticationFailed(
                    f"authentication failed on {self.host}: Jira wants a CAPTCHA after failed logins; log in once "
                    "in a browser, then try again", status=status, endpoint=endpoint)
            return PermissionDenied(f"permission denied by {self.host} (HTTP 403 for {endpoint}){said}",
                                    status=status, endpoint=endpoint)
        if status == 404:
            return NotFound(f"not found on {self.host} (HTTP 404 for {endpoint}){said}", status=status,
                            endpoint=endpoint)
        if 300 <= status < 400:
            target = self.scrub.text(urlsplit(response.headers.get("location", "")).hostname or "another page", 80)
            return Redirected(
                f"wrong site: {self.site} redirected {endpoint} to {target}; check the site URL (Jira Cloud sites "
                "look like https://your-domain.atlassian.net)", target, status=status, endpoint=endpoint)
        return BadRequest(f"Jira at {self.host} refused {endpoint} (HTTP {status}){said}", status=status,
                          endpoint=endpoint)

    def _jira_message(self, response: wire.Response) -> str:
        """Jira's own error text from an ErrorCollection body: scrubbed, one line, at most 200 characters."""
        try:
            data = json.loads(response.body[:65536]) if response.body else None
        except (ValueError, RecursionError):
            return ""
        messages: list[str] = []
        if isinstance(data, dict):
            listed = data.get("errorMessages")
            messages += [str(m) for m in (listed if isinstance(listed, list) else [])[:10] if m]
            errors = data.get("errors")
            if isinstance(errors, dict):
                messages += [f"{k}: {v}" for k, v in list(errors.items())[:10]]
            if isinstance(data.get("message"), str):
                messages.append(data["message"])
        return self.scrub.text("; ".join(messages), 200) if messages else ""

    def _network_error(self, error: wire.WireError, endpoint: str, attempts: int) -> JiraError:
        text = self.scrub.text(error, 200)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if isinstance(error, wire.TLSFailed) and error.certificate:
            return WrongSite(f"wrong site: {text}; check the site URL, or set SSL_CERT_FILE for a corporate proxy",
                             endpoint=endpoint)
        if isinstance(error, wire.ConnectFailed) and error.unresolved:
            return WrongSite(f"wrong site, or the network is down: {self.host} does not resolve; check the site "
                             "URL and the network", endpoint=endpoint)
        if isinstance(error, wire.Malformed | wire.TooLarge):
            return BadResponse(f"{endpoint} on {self.host}: {text}", endpoint=endpoint)
        if isinstance(error, wire.Silent):
            return NetworkDown(f"network down or {self.host} not answering: {endpoint} sent nothing for "
                               f"{self.limits.read_timeout:g} s{tries}; check the network and try again",
                               endpoint=endpoint)
        return NetworkDown(f"network down or {self.host} unreachable: {text}{tries}; check the network and the "
                           "site URL", endpoint=endpoint, reason=text)

    def _log(self, method: str, target: str, response: wire.Response | None, error: Exception | None,
             seconds: float) -> None:
        where = self.scrub.text(f"{method} {self.site.split('://')[0]}://{self._shown_headers['Host']}{target}", 400)
        sent = self._shown_headers
        if response is None:
            log.debug("%s failed after %.0f ms: %s; request headers %s", where, seconds * 1000,
                      self.scrub.text(error, 200), sent)
        else:
            log.debug("%s -> HTTP %s in %.0f ms; request headers %s; response headers %s", where, response.status,
                      seconds * 1000, sent, self.scrub.headers(response.raw_headers, SECRET_HEADERS))


# ---------------------------------------------------------------------------- module helpers


async def identify(client: JiraClient, path: str) -> Any:
    """GET a path every Jira answers (serverInfo, myself): a 404 or an unusable answer there means the URL is
    not a Jira site of this kind, said as :class:`WrongSite`."""
    try:
        return await client.get(path)
    except NotFound as e:
        raise WrongSite(f"wrong site: {client.site} has no Jira REST API at {path} (HTTP 404); check the site URL "
                        "(Jira Cloud sites look like https://your-domain.atlassian.net)", status=404,
                        endpoint=e.endpoint) from None
    except BadResponse as e:
        raise WrongSite(f"wrong site: {client.site} did not answer like Jira ({e}); check the site URL",
                        endpoint=e.endpoint) from None


def path_segment(value: object) -> str:
    """A value from the server (a project key, an issue key, an id) made safe as one URL path segment."""
    return quote(str(value), safe="")


def check_site_url(url: str) -> str:
    """The site's base URL without a trailing slash; https, or http on a loopback host only."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise UserError(f"{url!r} is not a site URL: give one like https://your-domain.atlassian.net")
    if parts.scheme == "http" and not _is_loopback(host):
        raise UserError(f"{url} uses http: Jira sites need https (http is accepted for 127.0.0.1, localhost and ::1)")
    if parts.username or parts.password:
        raise UserError("the site URL must not contain credentials: give the email with --email and the token "
                        "through jira-perms login or JIRA_API_TOKEN")
    if parts.query or parts.fragment or any(ch in parts.path for ch in "%\\ ") or not parts.path.isprintable():
        raise UserError(f"{url!r} is not a site URL: give one like https://your-domain.atlassian.net")
    if not url.strip().isascii():
        raise UserError("the site URL must be ASCII: give an international domain name in its punycode form "
                        "(xn--...)")
    return f"{parts.scheme}://{parts.netloc.split('@')[-1]}{parts.path.rstrip('/')}"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for a log line, with credentials and cookies replaced by ``[redacted]``, the rest scrubbed."""
    return Scrubber().headers(headers, SECRET_HEADERS)


def _param(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _retry_after(headers: dict[str, str]) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``X-RateLimit-Reset`` (ISO 8601)."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value[:9])
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            when = datetime.fromisoformat(reset.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def _retryable(error: wire.WireError) -> bool:
    if isinstance(error, wire.TLSFailed | wire.Malformed | wire.TooLarge):
        return False
    return not (isinstance(error, wire.ConnectFailed) and error.unresolved)


_decode_json = msgspec.json.Decoder().decode  # about twice json.loads' speed on Jira's pages


def _json_problem(error: BaseException, body: bytes) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, msgspec.ValidationError):
        return "a number too long to read"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return f"malformed: {str(error)[:60]}"


def ssl_context() -> ssl.SSLContext:
    cafile = os.environ.get("SSL_CERT_FILE")
    context = ssl.create_default_context(cafile=cafile if cafile and os.path.isfile(cafile) else None)
    context.set_alpn_protocols(["http/1.1"])
    return context


def proxy_for(site: str) -> wire.Proxy | None:
    """``HTTPS_PROXY`` for an https site unless ``NO_PROXY`` names its host (the rest of the env is ignored)."""
    parts = urlsplit(site)
    if parts.scheme != "https":
        return None
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    if not proxy:
        return None
    host = (parts.hostname or "").lower()
    for entry in (os.environ.get("NO_PROXY") or os.environ.get("no_proxy") or "").split(","):
        entry = entry.strip().lower().lstrip(".")
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return None
    try:
        return wire.Proxy.parse(proxy)
    except ValueError as e:
        raise UserError(f"HTTPS_PROXY is not usable: {e}") from None
