"""Check a site+account+token with ``GET /rest/api/3/myself`` and name the likely cause of a failure.

Failures become one :class:`SiteCheckFailed` line whose ``cause`` is one of the
four the vendor guides list - authentication failed, permission denied, wrong
site, revoked credentials - ``wrong site or network down`` when nothing
answers, or ``site unavailable`` (rate limit, outage).  The check runs on the
same client as the sync (:class:`~explorer.jira.client.JiraClient`): one
request, no retries, everything - connecting, headers and body - within
``timeout`` seconds, so a server that answers one byte per second cannot hang
``login`` or ``doctor``; the token is never logged and never in a message.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.jira.client import JiraClient
from explorer.jira.errors import (
    AuthenticationFailed,
    BadResponse,
    JiraError,
    JiraUnavailable,
    NotFound,
    PermissionDenied,
    Redirected,
    TimedOut,
    WrongSite,
)
from explorer.jira.limits import Limits, RetryPolicy
from explorer.store.credentials import TOKEN_HELP_URL

MYSELF = "/rest/api/3/myself"

AUTHENTICATION_FAILED = "authentication failed"
PERMISSION_DENIED = "permission denied"
WRONG_SITE = "wrong site"
REVOKED = "revoked credentials"
UNREACHABLE = "wrong site or network down"
UNAVAILABLE = "site unavailable"

_ONCE = RetryPolicy(max_retries=0, max_rate_limit_retries=0)


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
    return asyncio.run(_check(site_url, email, token, token_source, timeout))


async def _check(site: str, email: str, token: str, source: str, timeout: float) -> Myself:
    limits = Limits(connect_timeout=timeout, read_timeout=timeout, request_deadline=timeout, phase_deadline=timeout)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with JiraClient(site, email, token, concurrency=1, limits=limits, retry=_ONCE) as client:
        try:
            body = await client.get(MYSELF)
        except JiraError as error:
            raise _failure(error, client, site, email, source, timeout) from None
        scrub = client.scrub.text
    elapsed = int((loop.time() - started) * 1000)
    if not isinstance(body, dict) or not isinstance(body.get("accountId"), str) or not body["accountId"]:
        raise SiteCheckFailed(WRONG_SITE, f"{site} answered, but not like Jira Cloud (no accountId from "
                                          f"{MYSELF}); check the site URL")
    mail = body.get("emailAddress")
    return Myself(scrub(body["accountId"], 128), scrub(body.get("displayName") or body["accountId"], 128),
                  scrub(mail, 254) if isinstance(mail, str) else None, elapsed)


def _failure(error: JiraError, client: JiraClient, site: str, email: str, source: str,
             timeout: float) -> SiteCheckFailed:
    login_again = f"run `jira-perms login --site {site} --email {email}`"
    status = error.status
    if isinstance(error, AuthenticationFailed):
        if status == 403:
            return SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} wants a CAPTCHA for {email} after failed "
                                                          f"logins; log in once in a browser, then {login_again}")
        if source == "keyring":
            return SiteCheckFailed(REVOKED, f"{site} rejected the stored API token for {email} (revoked or "
                                            f"expired?); create a new one at {TOKEN_HELP_URL} and {login_again}")
        what = "JIRA_API_TOKEN" if source == "env" else "the API token"
        return SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} rejected {email} with {what} (HTTP 401); check the "
                                                      "email of the Atlassian account and the token, or create a "
                                                      f"new token at {TOKEN_HELP_URL}")
    if isinstance(error, PermissionDenied):
        return SiteCheckFailed(PERMISSION_DENIED, f"{email} signed in but may not use Jira on {site} (HTTP 403); "
                                                  "ask a site admin to give the account Jira access")
    if isinstance(error, NotFound) or status == 410:
        return SiteCheckFailed(WRONG_SITE, f"{site} has no Jira REST API (HTTP {status}); check the site URL "
                                           "(like https://your-site.atlassian.net)")
    if isinstance(error, Redirected):
        return SiteCheckFailed(WRONG_SITE, f"{site} redirects to {error.target} (HTTP {status}); use the site's "
                                           "own URL")
    if isinstance(error, JiraUnavailable):
        why = "rate limited" if status == 429 else "server error"
        return SiteCheckFailed(UNAVAILABLE, f"{site} answered HTTP {status} ({why}); try again later "
                                            "(status.atlassian.com)")
    if isinstance(error, TimedOut) or "sent nothing for" in str(error):
        return SiteCheckFailed(UNREACHABLE, f"{site} did not answer within {timeout:g} s; check the site URL, "
                                            "the network and any firewall or proxy")
    if isinstance(error, BadResponse) or (isinstance(error, WrongSite) and status is not None):
        return SiteCheckFailed(WRONG_SITE, f"{site} answered, but not like Jira Cloud ({error}); check the site "
                                           "URL")
    if isinstance(error, WrongSite) and "does not resolve" in str(error):
        return SiteCheckFailed(UNREACHABLE, f"cannot connect to {site} (the host name does not resolve); check the "
                                            "site URL (like https://your-site.atlassian.net) and the network")
    if isinstance(error, WrongSite):
        return SiteCheckFailed(WRONG_SITE, str(error))
    if status is not None:
        return SiteCheckFailed(WRONG_SITE, f"{site} answered HTTP {status} to {MYSELF}; check the site URL")
    why = error.reason or client.scrub.text(error, 160)
    if "refused" in why:
        why = "connection refused"
    return SiteCheckFailed(UNREACHABLE, f"cannot connect to {site} ({why}); check the site URL "
                                        "(like https://your-site.atlassian.net) and the network")
