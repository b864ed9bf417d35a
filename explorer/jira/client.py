"""A resilient async client for the Jira Cloud REST API.

* ``httpx.AsyncClient`` with connection reuse, explicit timeouts, a
  ``User-Agent`` naming the tool and basic auth set as a header: the
  environment is not trusted (``trust_env=False``), so ``~/.netrc`` is never
  read; ``HTTPS_PROXY``/``NO_PROXY`` and ``SSL_CERT_FILE`` are honoured
  explicitly.  Redirects are not followed, and ``nextPage`` links are never
  followed either (paging is computed from ``startAt``), so the credentials
  only ever go to the configured site.
* Bounded concurrency: at most ``concurrency`` requests in flight.
* 429 (and 503 with ``Retry-After``): wait as long as ``Retry-After`` (seconds
  or an HTTP date) or ``X-RateLimit-Reset`` (ISO 8601) says, and make every
  other request wait too; 5xx and connection errors: exponential backoff with
  jitter; both bounded, then a clear one-line error.  A 401 is never retried.
  All waiting is ``asyncio.sleep``, so cancelling (Ctrl-C) stops at once.
* Every paging style of Jira's API: PageBean (``isLast``; pages are fetched
  concurrently once ``total`` is known, and a short page never ends the list),
  bare arrays (until an empty page), unpaged lists and JSM ``start``/``limit``.
* Errors are :class:`JiraError` (a :class:`UserError`): one line naming the
  likely cause, never the token or the Authorization header.  The debug log
  (logger ``explorer.jira``, silent unless configured) redacts both.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import ipaddress
import json
import logging
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from explorer import __version__
from explorer.core.errors import UserError

log = logging.getLogger("explorer.jira")

API = "/rest/api/3"
USER_AGENT = f"jira-perms/{__version__}"
TOKEN_HELP = "https://id.atlassian.com/manage-profile/security/api-tokens"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

Params = Sequence[tuple[str, str | int | bool]]


# ---------------------------------------------------------------------------- errors


class JiraError(UserError):
    """A request that failed for good.  ``str()`` is one line and holds no secret."""

    cause = "request failed"

    def __init__(self, message: str, *, status: int | None = None, endpoint: str = "") -> None:
        super().__init__(" ".join(message.split()))
        self.status = status
        self.endpoint = endpoint


class AuthenticationFailed(JiraError):
    cause = "authentication failed"


class PermissionDenied(JiraError):
    cause = "permission denied"


class NotFound(JiraError):
    cause = "not found"


class WrongSite(JiraError):
    cause = "wrong site"


class NetworkDown(JiraError):
    cause = "network down"


class JiraUnavailable(JiraError):
    cause = "Jira unavailable"


class RateLimited(JiraUnavailable):
    cause = "rate limited"


class BadRequest(JiraError):
    cause = "request refused"


# ---------------------------------------------------------------------------- settings and counters


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up."""

    max_retries: int = 5  # 5xx and connection errors, per request
    max_rate_limit_retries: int = 8  # 429s, per request
    base_delay: float = 0.5  # first backoff, seconds (doubles each time, with jitter)
    max_delay: float = 30.0  # longest backoff
    max_wait: float = 300.0  # longest Retry-After honoured; beyond it, give up


@dataclass
class ClientStats:
    """Counts for the progress display."""

    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0  # requests repeated after a 429, 5xx or connection error
    rate_limited: int = 0  # 429 answers
    in_flight: int = 0


@dataclass(frozen=True)
class _Page:
    items: list
    last: bool
    total: int | None = None


@dataclass(frozen=True)
class _Chunk:
    items: list
    ended: bool


# ---------------------------------------------------------------------------- the client


class JiraClient:
    """One site, one account.  Use as ``async with JiraClient(...) as client``."""

    def __init__(
        self,
        site_url: str,
        email: str,
        token: str,
        *,
        concurrency: int = 8,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if concurrency < 1:
            raise UserError("--concurrency must be at least 1")
        self.site = check_site_url(site_url)
        self.host = urlsplit(self.site).hostname or self.site
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        self._sem = asyncio.Semaphore(concurrency)
        self._not_before = 0.0
        self._rng = random.Random()
        credentials = base64.b64encode(f"{email}:{token}".encode()).decode("ascii")
        headers = {
            "Authorization": f"Basic {credentials}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        self._http = httpx.AsyncClient(
            base_url=self.site,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            trust_env=False,
            follow_redirects=False,
            transport=transport,
            verify=ssl_context() if transport is None else True,
            proxy=proxy_for(self.site) if transport is None else None,
        )

    def __repr__(self) -> str:
        return f"JiraClient({self.site!r}, concurrency={self.concurrency})"

    async def __aenter__(self) -> JiraClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ---- single requests -------------------------------------------------------------------

    async def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` (relative to the site, e.g. ``/rest/api/3/myself``) and return the decoded JSON."""
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: Any, params: Params | None = None) -> Any:
        return await self.request("POST", path, params=params, body=body)

    async def request(self, method: str, path: str, *, params: Params | None = None, body: Any = None) -> Any:
        endpoint = f"{method} {path}"
        failures = 0  # 5xx and connection errors so far
        limited = 0  # 429s so far
        while True:
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            async with self._sem:
                await self._respect_pause()
                self.stats.requests += 1
                self.stats.in_flight += 1
                started = time.monotonic()
                try:
                    response = await self._http.request(method, path, params=list(params or ()),
                                                        json=body if body is not None else None)
                except httpx.TransportError as e:
                    error = e
                finally:
                    self.stats.in_flight -= 1
                self._log(method, path, params, response, error, started)

            if response is None:
                assert error is not None
                if not _retryable(error) or failures >= self.retry.max_retries:
                    raise self._network_error(error, endpoint, failures + 1) from None
                await self._backoff(failures)
                failures += 1
                continue

            status = response.status_code
            if 200 <= status < 300:
                return self._decode(response, endpoint)
            if status == 429 or (status == 503 and "retry-after" in response.headers):
                limited += 1
                self.stats.rate_limited += status == 429
                wait = _retry_after(response.headers)
                if wait is None:
                    wait = self._delay(limited - 1)
                if limited > self.retry.max_rate_limit_retries or wait > self.retry.max_wait:
                    raise RateLimited(
                        f"rate limited by {self.host}: {endpoint} still answered HTTP {status} after {limited} "
                        f"attempts (Jira asked to wait {wait:.0f}s); try again later or with a lower --concurrency",
                        status=status, endpoint=endpoint)
                self._pause_all(wait)
                self.stats.retries += 1
                await asyncio.sleep(wait)
                continue
            if status >= 500:
                if failures >= self.retry.max_retries:
                    raise JiraUnavailable(
                        f"Jira at {self.host} kept failing: {endpoint} answered HTTP {status} {_reason(response)} "
                        f"{failures + 1} times; try again later (status: https://status.atlassian.com)",
                        status=status, endpoint=endpoint)
                await self._backoff(failures)
                failures += 1
                continue
            raise self._status_error(response, endpoint)

    # ---- paging ------------------------------------------------------------------------------

    async def page_bean(self, path: str, params: Params = (), *, page_size: int = 50) -> list:
        """Every ``values`` item of a PageBean endpoint, in order (ends on ``isLast``, not on a short page)."""

        async def fetch(start: int, size: int) -> _Page:
            data = await self.get(path, [*params, ("startAt", start), ("maxResults", size)])
            if not isinstance(data, dict):
                raise self._shape_error(path, "a page object")
            values = data.get("values") or []
            total = data.get("total") if isinstance(data.get("total"), int) else None
            last = data.get("isLast")
            if not isinstance(last, bool):  # no isLast: a next page link, or the total, tells
                last = not data.get("nextPage") and total is not None and start + len(values) >= total
            return _Page(list(values), last, total)

        return await self._offset_list(fetch, page_size, bean=True)

    async def offset_array(self, path: str, params: Params = (), *, page_size: int = 100) -> list:
        """Every item of a bare-array endpoint (``users/search``): pages until an empty one."""

        async def fetch(start: int, size: int) -> _Page:
            data = await self.get(path, [*params, ("startAt", start), ("maxResults", size)])
            if not isinstance(data, list):
                raise self._shape_error(path, "a JSON array")
            return _Page(data, False)

        return await self._offset_list(fetch, page_size, bean=False)

    async def jsm_pages(self, path: str, params: Params = (), *, limit: int = 50) -> list:
        """Every ``values`` item of a Jira Service Management endpoint (``start``/``limit``/``isLastPage``)."""
        items: list = []
        start = 0
        while True:
            data = await self.get(path, [*params, ("start", start), ("limit", limit)])
            if not isinstance(data, dict):
                raise self._shape_error(path, "a page object")
            values = data.get("values") or []
            items.extend(values)
            if data.get("isLastPage") is True or not values:
                return items
            start += len(values)

    async def _offset_list(self, fetch: Callable[[int, int], Awaitable[_Page]], page_size: int, *,
                           bean: bool) -> list:
        first = await fetch(0, page_size)
        items = list(first.items)
        if first.last or not first.items:
            return items
        step = len(first.items)  # the page size the server really uses
        if bean and first.total is not None and first.total > len(items):
            starts = range(len(items), first.total, step)
            chunks = await asyncio.gather(*(self._fill(fetch, s, min(s + step, first.total), step, bean)
                                            for s in starts))
            for chunk in chunks:
                items.extend(chunk.items)
                if chunk.ended:
                    return items
            tail = await self._fill(fetch, first.total, None, step, bean)  # the total was low: keep going
            items.extend(tail.items)
            return items
        position = len(items)
        width = 1
        while True:  # no total: fetch a window of pages at once (1, 2, 4, ... pages wide), stop at the end
            window = [(position + i * step, position + (i + 1) * step) for i in range(width)]
            chunks = await asyncio.gather(*(self._fill(fetch, s, e, step, bean) for s, e in window))
            for chunk in chunks:
                items.extend(chunk.items)
                if chunk.ended:
                    return items
            position = window[-1][1]
            width = min(width * 2, self.concurrency)

    @staticmethod
    async def _fill(fetch: Callable[[int, int], Awaitable[_Page]], start: int, end: int | None, step: int,
                    bean: bool) -> _Chunk:
        """Items ``start..end`` (to the end when ``end`` is None), however short the pages come back."""
        items: list = []
        position = start
        while end is None or position < end:
            size = step if end is None else min(step, end - position)
            page = await fetch(position, size)
            items.extend(page.items)
            position += len(page.items)
            if not page.items or (bean and page.last):
                return _Chunk(items, True)
        return _Chunk(items, False)

    # ---- helpers -----------------------------------------------------------------------------

    async def _respect_pause(self) -> None:
        loop = asyncio.get_running_loop()
        while (remaining := self._not_before - loop.time()) > 0:
            await asyncio.sleep(remaining)

    def _pause_all(self, seconds: float) -> None:
        """After a 429, no request goes out until Jira's wait is over."""
        until = asyncio.get_running_loop().time() + seconds
        self._not_before = max(self._not_before, until)

    def _delay(self, attempt: int) -> float:
        ceiling = min(self.retry.max_delay, self.retry.base_delay * (2 ** attempt))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)  # "equal jitter"

    async def _backoff(self, attempt: int) -> None:
        self.stats.retries += 1
        await asyncio.sleep(self._delay(attempt))

    def _decode(self, response: httpx.Response, endpoint: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            raise WrongSite(
                f"wrong site: {self.site} did not answer like Jira Cloud ({endpoint} gave {kind}, not JSON); "
                "check the site URL (Jira Cloud sites look like https://your-domain.atlassian.net)",
                status=response.status_code, endpoint=endpoint) from None

    def _shape_error(self, path: str, expected: str) -> JiraError:
        return WrongSite(f"wrong site: {self.site} answered {path} with something other than {expected}; "
                         "check the site URL (is it a Jira Cloud site?)", endpoint=path)

    def _status_error(self, response: httpx.Response, endpoint: str) -> JiraError:
        status = response.status_code
        said = _jira_message(response)
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
            target = urlsplit(response.headers.get("location", "")).hostname or "another page"
            return WrongSite(
                f"wrong site: {self.site} redirected {endpoint} to {target}; check the site URL (Jira Cloud sites "
                "look like https://your-domain.atlassian.net)", status=status, endpoint=endpoint)
        return BadRequest(f"Jira at {self.host} refused {endpoint} (HTTP {status}){said}", status=status,
                          endpoint=endpoint)

    def _network_error(self, error: httpx.TransportError, endpoint: str, attempts: int) -> JiraError:
        text = _root_text(error)
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if _has_cause(error, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
            return WrongSite(f"wrong site: the TLS certificate of {self.host} could not be verified ({text}); "
                             "check the site URL, or set SSL_CERT_FILE for a corporate proxy", endpoint=endpoint)
        if any(s in text for s in ("Name or service not known", "nodename nor servname", "getaddrinfo failed",
                                    "No address associated")):
            return WrongSite(f"wrong site, or the network is down: {self.host} does not resolve; check the site "
                             "URL and the network", endpoint=endpoint)
        if isinstance(error, httpx.TimeoutException):
            return NetworkDown(f"network down or {self.host} not answering: {endpoint} timed out{tries}; check "
                               "the network and try again", endpoint=endpoint)
        return NetworkDown(f"network down or {self.host} unreachable: {text or type(error).__name__}{tries}; "
                           "check the network and the site URL", endpoint=endpoint)

    def _log(self, method: str, path: str, params: Params | None, response: httpx.Response | None,
             error: Exception | None, started: float) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        ms = (time.monotonic() - started) * 1000
        query = "&".join(f"{k}={v}" for k, v in (params or ()))
        where = f"{method} {self.site}{path}{'?' + query if query else ''}"
        sent = redact_headers(self._http.headers)
        if response is None:
            log.debug("%s failed after %.0f ms: %s; request headers %s", where, ms, type(error).__name__, sent)
        else:
            log.debug("%s -> HTTP %s in %.0f ms; request headers %s; response headers %s", where,
                      response.status_code, ms, sent, redact_headers(response.headers))


# ---------------------------------------------------------------------------- module helpers


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
    return f"{parts.scheme}://{parts.netloc.split('@')[-1]}{parts.path.rstrip('/')}"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redact_headers(headers: Iterable[tuple[str, str]] | httpx.Headers) -> dict[str, str]:
    """Headers for a log line, with credentials and cookies replaced by ``<redacted>``."""
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers
    return {k: ("<redacted>" if k.lower() in _SECRET_HEADERS else v) for k, v in items}


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``X-RateLimit-Reset`` (ISO 8601)."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
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


def _retryable(error: httpx.TransportError) -> bool:
    if _has_cause(error, ssl.SSLCertVerificationError):
        return False
    text = _root_text(error)
    return "Name or service not known" not in text and "nodename nor servname" not in text


def _has_cause(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _root_text(error: BaseException) -> str:
    texts = []
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            break
        if str(seen):
            texts.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    return " ".join(" ".join(texts[-1:] or [type(error).__name__]).split())[:200]


def _reason(response: httpx.Response) -> str:
    return response.reason_phrase or ""


def _jira_message(response: httpx.Response) -> str:
    """Jira's own error text from an ErrorCollection body, shortened to one line."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    messages: list[str] = []
    if isinstance(data, dict):
        messages += [str(m) for m in data.get("errorMessages") or [] if m]
        errors = data.get("errors")
        if isinstance(errors, dict):
            messages += [f"{k}: {v}" for k, v in errors.items()]
        if isinstance(data.get("message"), str):
            messages.append(data["message"])
    return " ".join("; ".join(messages).split())[:200]


def ssl_context() -> ssl.SSLContext | bool:
    cafile = os.environ.get("SSL_CERT_FILE")
    if cafile and os.path.isfile(cafile):
        return ssl.create_default_context(cafile=cafile)
    return True


def proxy_for(site: str) -> str | None:
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
    return proxy
