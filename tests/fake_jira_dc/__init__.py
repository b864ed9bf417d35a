"""A fake Jira Data Center server on 127.0.0.1 (REST v2, PATs and basic auth, nested groups), for DC tests."""

from tests.fake_jira_dc.server import FakeJiraDC
from tests.fake_jira_dc.sitegen import (
    ADMIN_KEY,
    ADMIN_USERNAME,
    DEV_KEY,
    DEV_USERNAME,
    as_data_center,
    generate_dc_site,
)

ADMIN_PASSWORD = "correct-horse-battery-staple"
ADMIN_PAT = "NjQ5MTE2ODk5NzYyOrZ3xFakeAdminPat0001"
DEV_PASSWORD = "dev-password-7e1f"
DEV_PAT = "MzI1NDQ2NTk4OTgxOkFakeDevPat000000002"
EXPIRED_PAT = "OTg3NjU0MzIxMDk4OkFakeExpiredPat00003"
PASSWORDS = {ADMIN_USERNAME: (ADMIN_PASSWORD, ADMIN_KEY), DEV_USERNAME: (DEV_PASSWORD, DEV_KEY)}
PATS = {ADMIN_PAT: ADMIN_KEY, DEV_PAT: DEV_KEY}


def client(url: str, secret: str, user: str | None = None, **kw):
    """A JiraClient for the fake: basic auth as ``user``, or the personal access token ``secret`` when no user."""
    from explorer.jira.client import JiraClient

    return JiraClient(url, user, secret, **kw)


def serve(site, **kw) -> FakeJiraDC:
    """A fake DC server for ``site`` knowing the admin's and the developer's passwords and PATs."""
    return FakeJiraDC(site, users=PASSWORDS, pats=PATS, expired_pats=frozenset({EXPIRED_PAT}), **kw)


__all__ = ["ADMIN_KEY", "ADMIN_PASSWORD", "ADMIN_PAT", "ADMIN_USERNAME", "DEV_KEY", "DEV_PASSWORD", "DEV_PAT",
           "DEV_USERNAME", "EXPIRED_PAT", "client", "PASSWORDS", "PATS", "FakeJiraDC", "as_data_center", "generate_dc_site",
           "serve"]
