"""Jira dialects: which REST API a site speaks, and the sync that reads it.

``GET /rest/api/2/serverInfo`` answers on Cloud and Data Center alike (and
anonymously); its ``deploymentType`` (``Cloud``, ``Server`` or ``DataCenter``)
picks the dialect, unless the user overrides it (``--deployment cloud|dc``).
Adding a dialect means its modules (a sync and a verify) and one entry in
:data:`DIALECTS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from explorer.core.errors import UserError
from explorer.core.model import Deployment, Snapshot
from explorer.jira.client import JiraClient, identify
from explorer.jira.errors import AuthenticationFailed, WrongSite
from explorer.jira.sync import SyncProgress

SERVER_INFO = "/rest/api/2/serverInfo"


@dataclass(frozen=True)
class Dialect:
    """Where a dialect's code lives (imported only when a site speaks it).

    ``sync`` names a module with ``async sync_site(client, info, *, projects, issues, progress, now)``;
    ``verify`` one with ``async verify_one(...)`` and ``async verify_sample(...)``.
    """

    sync: str
    verify: str


DIALECTS: dict[Deployment, Dialect] = {
    Deployment.CLOUD: Dialect("explorer.jira.sync", "explorer.jira.verify"),
    Deployment.DATA_CENTER: Dialect("explorer.jira.dialects.dc", "explorer.jira.dialects.dc_verify"),
}
NAMES = {"cloud": Deployment.CLOUD, "dc": Deployment.DATA_CENTER, "datacenter": Deployment.DATA_CENTER,
         "server": Deployment.DATA_CENTER, "data-center": Deployment.DATA_CENTER}


def deployment_named(text: str) -> Deployment:
    """``cloud`` or ``dc`` (also ``datacenter``, ``server``) as a :class:`Deployment`; one line when neither."""
    found = NAMES.get(text.strip().lower())
    if found is None:
        raise UserError(f"--deployment must be cloud or dc, not {text[:40]!r}")
    return found


def detect(info: Any, site: str) -> Deployment:
    """The dialect a serverInfo answer names (Server and DataCenter both speak the Data Center dialect)."""
    if not isinstance(info, dict) or not (info.get("baseUrl") or info.get("version")):
        raise WrongSite(f"wrong site: {site} did not describe itself like Jira ({SERVER_INFO}); check the site URL",
                        endpoint=f"GET {SERVER_INFO}")
    kind = str(info.get("deploymentType") or "").strip().lower()
    if kind in ("server", "datacenter", "data center", "data_center"):
        return Deployment.DATA_CENTER
    return Deployment.CLOUD


async def server_info(client: JiraClient) -> dict:
    """The site's serverInfo (a 404 means the URL is not a Jira site)."""
    info = await identify(client, SERVER_INFO)
    detect(info, client.site)
    return info


async def sync_site(client: JiraClient, *, deployment: Deployment | None = None, projects: Sequence[str] = (),
                    issues: Sequence[str] = (), progress: SyncProgress | None = None,
                    has_user: bool = True, now: Callable[[], datetime] | None = None) -> Snapshot:
    """Read the site behind ``client`` with the dialect it speaks (or the one given).

    ``has_user`` is False when the client signs in with a bearer token alone (a Data Center personal access
    token); a Cloud site then needs its account email, which is said in one line.
    """
    progress = progress or SyncProgress()
    progress.say("checking the site")
    async with client.phase("checking the site"):
        try:
            info = await server_info(client)
        except AuthenticationFailed as e:
            if has_user:
                raise
            raise AuthenticationFailed(
                f"authentication failed on {client.host} (HTTP 401 for {SERVER_INFO}): on Jira Data Center the "
                "personal access token has expired, was revoked, or personal access tokens are disabled; on Jira "
                "Cloud give --email EMAIL with the API token", status=401, endpoint=e.endpoint) from None
    kind = deployment or detect(info, client.site)
    if kind is Deployment.CLOUD and not has_user:
        raise UserError(f"{client.site} is Jira Cloud: give --email EMAIL (a Cloud API token is used with the "
                        "account's email; a token without --email is a Data Center personal access token)")
    module = importlib.import_module(DIALECTS[kind].sync)
    return await module.sync_site(client, info, projects=projects, issues=issues, progress=progress, now=now)


def _verifier(snapshot: Snapshot) -> Any:
    return importlib.import_module(DIALECTS[snapshot.site.deployment].verify)


async def verify_one(client: JiraClient, snapshot: Snapshot, account: str, permission: str,
                     project: str | None = None, issue: str | None = None):
    """Ask the snapshot's site (in its own dialect) about one question and compare with the replay."""
    return await _verifier(snapshot).verify_one(client, snapshot, account, permission, project, issue)


async def verify_sample(client: JiraClient, snapshot: Snapshot, n: int, *, seed: int | None = None):
    """Ask the snapshot's site (in its own dialect) about ``n`` random questions and compare with the replay."""
    return await _verifier(snapshot).verify_sample(client, snapshot, n, seed=seed)
