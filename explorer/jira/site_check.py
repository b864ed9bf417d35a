"""Check a site+email+token with ``GET /rest/api/3/myself`` and name the likely cause of a failure.

Failures become one :class:`SiteCheckFailed` line whose ``cause`` is one of the
four the vendor guides list - authentication failed, permission denied, wrong
site, revoked credentials - ``wrong site or network down`` when nothing answers, or ``site unavailable``
(rate limit, outage).  The token
travels only in an explicit basic-auth header (``trust_env=False``: no
``~/.netrc``, no environment proxies), is never logged, and never appears in a
message.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from explorer import __version__
from explorer.core.errors import UserError
from explorer.jira.client import proxy_for, ssl_context
from explorer.store.credentials import TOKEN_HELP_URL

MYSELF = "/rest/api/3/myself"
USER_AGENT = f"jira-perms/{__version__} (jira-permission-explorer; httpx)"
log = logging.getLogger("explorer.site_check")

AUTHENTICATION_FAILED = "authentication failed"
PERMISSION_DENIED = "permission denied"
WRONG_SITE = "wrong site"
REVOKED = "revoked credentials"
UNREACHABLE = "wrong site or network down"
UNAVAILABLE = "site unavailable"


class SiteCheckFailed(UserError):
    def __init__(self, cause: str, message: str):
        super().__init__(f"{cause}: {message}")
        self.cause = cause
        self.detail = message


@dataclass(frozen=True)
class Myself:
    account_id: str
    display_name: str
    email: str | None
    elapsed_ms: int


def check_site(site_url: str, email: str, token: str, *, token_source: str = "prompt",
               timeout: float = 15.0) -> Myself:
    """GET /myself as ``email`` with ``token``; :class:`SiteCheckFailed` (one line) when it does not work.

    ``token_source`` (``prompt``, ``env`` or ``keyring``) words a 401: a token
    that was verified and stored earlier and is now rejected was most likely
    revoked or has expired.
    """
    url = site_url + MYSELF
    started = time.monotonic()
    try:
        with httpx.Client(auth=httpx.BasicAuth(email, token), trust_env=False, follow_redirects=False,
                          verify=ssl_context(), proxy=proxy_for(site_url),
                          timeout=httpx.Timeout(timeout), headers={"User-Agent": USER_AGENT,
                                                                   "Accept": "application/json"}) as client:
            response = client.get(url)
    except httpx.TimeoutException:
        raise SiteCheckFailed(UNREACHABLE, f"{site_url} did not answer within {timeout:g} s; check the site URL, "
                                          "the network and any firewall or proxy") from None
    except httpx.ConnectError as error:
        raise SiteCheckFailed(UNREACHABLE, f"cannot connect to {site_url} ({_why(error)}); check the site URL "
                                          "(like https://your-site.atlassian.net) and the network") from None
    except httpx.HTTPError as error:
        raise SiteCheckFailed(UNREACHABLE, f"talking to {site_url} failed ({_why(error)}); check the site URL "
                                          "and the network") from None
    elapsed = int((time.monotonic() - started) * 1000)
    log.debug("GET %s -> %s in %d ms (Authorization: [redacted])", url, response.status_code, elapsed)
    return _verdict(response, site_url, email, token_source, elapsed)


def _verdict(response: httpx.Response, site: str, email: str, source: str, elapsed: int) -> Myself:
    status = response.status_code
    login_again = f"run `jira-perms login --site {site} --email {email}`"
    if status == 401:
        if source == "keyring":
            raise SiteCheckFailed(REVOKED, f"{site} rejected the stored API token for {email} (revoked or "
                                           f"expired?); create a new one at {TOKEN_HELP_URL} and {login_again}")
        what = "JIRA_API_TOKEN" if source == "env" else "the API token"
        raise SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} rejected {email} with {what} (HTTP 401); check the "
                                                     "email of the Atlassian account and the token, or create a "
                                                     f"new token at {TOKEN_HELP_URL}")
    if status == 403:
        if "AUTHENTICATION_DENIED" in response.headers.get("X-Seraph-LoginReason", ""):
            raise SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} wants a CAPTCHA for {email} after failed logins; "
                                                         f"log in once in a browser, then {login_again}")
        raise SiteCheckFailed(PERMISSION_DENIED, f"{email} signed in but may not use Jira on {site} (HTTP 403); "
                                                 "ask a site admin to give the account Jira access")
    if status == 404 or status == 410:
        raise SiteCheckFailed(WRONG_SITE, f"{site} has no Jira REST API (HTTP {status}); check the site URL "
                                          "(like https://your-site.atlassian.net)")
    if 300 <= status < 400:
        target = response.headers.get("Location", "elsewhere")
        target = httpx.URL(target).host if target.startswith(("http://", "https://")) else target
        raise SiteCheckFailed(WRONG_SITE, f"{site} redirects to {target[:80]} (HTTP {status}); use the site's "
                                          "own URL")
    if status == 429 or status >= 500:
        raise SiteCheckFailed(UNAVAILABLE, f"{site} answered HTTP {status} ({'rate limited' if status == 429 else 'server error'}); "
                                           "try again later (status.atlassian.com)")
    if status != 200:
        raise SiteCheckFailed(WRONG_SITE, f"{site} answered HTTP {status} to {MYSELF}; check the site URL")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("accountId"), str):
        raise SiteCheckFailed(WRONG_SITE, f"{site} answered, but not like Jira Cloud (no accountId from "
                                          f"{MYSELF}); check the site URL")
    return Myself(body["accountId"], str(body.get("displayName") or body["accountId"]),
                  body.get("emailAddress") if isinstance(body.get("emailAddress"), str) else None, elapsed)


def _why(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered \
            or "getaddrinfo" in lowered or "no address associated" in lowered:
        return "the host name does not resolve"
    if "connection refused" in lowered:
        return "connection refused"
    if "certificate" in lowered or "ssl" in lowered:
        return "TLS certificate problem"
    return text[:120]
