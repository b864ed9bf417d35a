"""Jira dialects: which REST API a site speaks, and the sync that reads it.

``GET /rest/api/2/serverInfo`` answers on Cloud and Data Center alike (and
anonymously); its ``deploymentType`` (``Cloud``, ``Server`` or ``DataCenter``)
picks the dialect, unless the user overrides it (``--deployment cloud|dc``).
Adding a dialect means one module here with a ``sync_site`` and one entry in
:data:`DIALECTS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from explorer.core.errors import UserError
from explorer.core.model import Deployment, Snapshot
from explorer.jira.client import JiraClient, identify
from explorer.jira.errors import WrongSite
from explorer.jira.sync import SyncProgress

SERVER_INFO = "/rest/api/2/serverInfo"
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
                    issues: Sequence[str] = (), progress: SyncProgress | None = None) -> Snapshot:
    """Read the site behind ``client`` with the dialect it speaks (or the one given)."""
    progress = progress or SyncProgress()
    progress.say("checking the site")
    info = await server_info(client)
    kind = deployment or detect(info, client.site)
    if kind is Deployment.DATA_CENTER:
        from explorer.jira.dialects import dc

        return await dc.sync_site(client, info, projects=projects, issues=issues, progress=progress)
    from explorer.jira import sync

    return await sync.sync_site(client, projects=projects, issues=issues, progress=progress)
