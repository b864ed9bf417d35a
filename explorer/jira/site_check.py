"""Check a site+account+token with ``GET myself`` and name the likely cause of a failure.

Jira Cloud is asked ``/rest/api/3/myself`` with email and API token; Jira Data
Center ``/rest/api/2/myself`` with a username and password, or with a personal
access token (a bearer token) when there is no username.  An email means Cloud
unless that path is missing (then the site is asked as Data Center) or the
caller says otherwise.

Failures become one :class:`SiteCheckFailed` line whose ``cause`` is one of the
four the vendor guides list - authentication failed, permission denied, wrong
site, revoked credentials - ``wrong site or network down`` when nothing
answers, or ``site unavailable`` (rate limit, outage).  The check runs on the
same client as the sync (:class:`~explorer.jira.client.JiraClient`): one
request (two when an email meets Data Center), no retries, everything - connecting, headers and body - within
``timeout`` seconds, so a server that answers one byte per second cannot hang
``login`` or ``doctor``; the token is never logged and never in a message.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.model import Deployment
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
DC_MYSELF = "/rest/api/2/myself"
PAT_HELP = "your Jira profile > Personal Access Tokens"

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
    account_id: str  # Data Center: the user key
    display_name: str
    email: str | None
    elapsed_ms: int
    deployment: Deployment = Deployment.CLOUD
    username: str | None = None  # Data Center


def check_site(site_url: str, email: str | None, token: str, *, token_source: str = "prompt",
               timeout: float = 15.0, deployment: Deployment | None = None) -> Myself:
    """GET myself as ``email`` (Cloud), as a username (Data Center) or with a personal access token (``email``
    None or empty); :class:`SiteCheckFailed` (one line) when it does not work.

    ``token_source`` (``prompt``, ``env`` or ``keyring``) words a 401: a token
    that was verified and stored earlier and is now rejected was most likely
    revoked or has expired.  ``deployment`` says which dialect to ask.
    """
    return asyncio.run(_check(site_url, email or None, token, token_source, timeout, deployment))


async def _check(site: str, email: str | None, token: str, source: str, timeout: float,
                 deployment: Deployment | None) -> Myself:
    limits = Limits(connect_timeout=timeout, read_timeout=timeout, request_deadline=timeout, phase_deadline=timeout)
    loop = asyncio.get_running_loop()
    started = loop.time()
    # An email signs in to Cloud; a username or a personal access token (no email) to Data Center.  A Cloud
    # guess that meets a 404 (Data Center has no /rest/api/3) asks again as Data Center.
    kind = deployment or (Deployment.CLOUD if email and "@" in email else Deployment.DATA_CENTER)
    async with JiraClient(site, email, token, concurrency=1, limits=limits, retry=_ONCE) as client:
        try:
            try:
                body = await client.get(DC_MYSELF if kind is Deployment.DATA_CENTER else MYSELF)
            except NotFound:
                if deployment is not None or kind is Deployment.DATA_CENTER:
                    raise
                kind = Deployment.DATA_CENTER
                body = await client.get(DC_MYSELF)
        except JiraError as error:
            raise _failure(error, client, site, email, source, timeout, kind) from None
        scrub = client.scrub.text
    elapsed = int((loop.time() - started) * 1000)
    field = "key" if kind is Deployment.DATA_CENTER else "accountId"
    path = DC_MYSELF if kind is Deployment.DATA_CENTER else MYSELF
    if isinstance(body, dict) and kind is Deployment.DATA_CENTER and isinstance(body.get("accountId"), str):
        raise SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} is Jira Cloud: give --email EMAIL, the Atlassian "
                                                     "account the API token belongs to")
    if not isinstance(body, dict) or not isinstance(body.get(field), str) or not body[field]:
        raise SiteCheckFailed(WRONG_SITE, f"{site} answered, but not like Jira (no {field} from {path}); check the "
                                          "site URL")
    mail, name = body.get("emailAddress"), body.get("name")
    return Myself(scrub(body[field], 128), scrub(body.get("displayName") or body[field], 128),
                  scrub(mail, 254) if isinstance(mail, str) else None, elapsed, kind,
                  scrub(name, 255) if kind is Deployment.DATA_CENTER and isinstance(name, str) else None)


def _failure(error: JiraError, client: JiraClient, site: str, email: str | None, source: str,
             timeout: float, kind: Deployment | None = None) -> SiteCheckFailed:
    who = email or "the personal access token"
    login_again = f"run `jira-perms login --site {site}" + (f" --email {email}`" if email else "`")
    status = error.status
    if isinstance(error, AuthenticationFailed) and email is None and status != 403:
        cause = REVOKED if source == "keyring" else AUTHENTICATION_FAILED
        where = "" if kind is Deployment.DATA_CENTER else "if this is Jira Cloud, give --email EMAIL with the " \
                                                           "API token; if it is Jira Data Center, "
        return SiteCheckFailed(cause, f"{site} rejected the personal access token (HTTP 401): {where}it has "
                                      "expired, was revoked, or personal access tokens are disabled on the site; "
                                      f"create a new one under {PAT_HELP} and {login_again}")
    if isinstance(error, AuthenticationFailed) and kind is Deployment.DATA_CENTER and status != 403:
        return SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} rejected {email} with the password (HTTP 401); "
                                                      "check the username (on Data Center --email takes the "
                                                      "username) and the password, or leave --email out to use a "
                                                      "personal access token")
    if isinstance(error, PermissionDenied) and kind is Deployment.DATA_CENTER:
        return SiteCheckFailed(PERMISSION_DENIED, f"{who} signed in but may not use Jira on {site} (HTTP 403): the "
                                                  "account lacks Jira application access; ask a Jira administrator "
                                                  "(Administration > Applications > Application access)")
    if isinstance(error, AuthenticationFailed):
        if status == 403:
            return SiteCheckFailed(AUTHENTICATION_FAILED, f"{site} wants a CAPTCHA for {who} after failed "
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
