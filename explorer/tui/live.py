"""The TUI's live side: credentials state, sync in a worker, verify against Jira.

Keyring calls block (the store bounds them with a timeout), so they run in
thread workers; the sync itself is async (explorer.jira) and runs as an async worker on
the app's loop, so input is never blocked and Esc cancels it cleanly (no
snapshot is written unless the sync finished).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict

API = "/rest/api/3"


def token_state(url: str, email: str | None) -> str:
    """"ready" when a token can be found without asking (JIRA_API_TOKEN or the keyring), else why not.

    A token is not a connection: whether the site answers is known only from a real
    request (the app records each one with ``record_reach``).
    """
    if not email:
        return "no email configured"
    from explorer.store.credentials import find_token

    try:
        found = find_token(url, email, interactive=False)
    except UserError as e:
        if "keyring is not usable" in str(e):
            return "no keyring; set JIRA_API_TOKEN"
        return "no token (JIRA_API_TOKEN or the keyring)"
    return "ready" if found.source in ("env", "keyring") else "no token (JIRA_API_TOKEN or the keyring)"


def reach_of(error: BaseException | None) -> tuple[bool, str] | None:
    """What a finished request says about reaching the site: (reached, detail), or None when none was made."""
    if error is None:
        return True, ""
    from explorer.jira.client import JiraError, JiraUnavailable, NetworkDown, WrongSite

    if isinstance(error, NetworkDown | JiraUnavailable | WrongSite):
        return False, error.cause
    if isinstance(error, JiraError):
        return True, error.cause  # the site answered (sign-in refused, forbidden, ...)
    return None


# ---------------------------------------------------------------- sync

async def run_sync(site, progress, *, now=None):
    """Token lookup (in a thread, bounded by the store), then the sync; returns (snapshot, path written)."""
    from explorer.jira.client import JiraClient
    from explorer.jira.dialects import sync_site
    from explorer.store.config import new_snapshot_path
    from explorer.store.credentials import find_token
    from explorer.store.paths import make_private_dirs
    from explorer.store.snapshot_file import write_snapshot

    progress.say("looking up the API token")
    found = await asyncio.to_thread(find_token, site.url, site.email, interactive=False)
    progress.say("connecting")
    async with JiraClient(site.url, site.email or None, found.token) as client:
        snapshot = await sync_site(client, deployment=_deployment(site), progress=progress,
                                   has_user=bool(site.email), now=now)
    path = new_snapshot_path(site.url)
    make_private_dirs(path.parent)
    await asyncio.to_thread(write_snapshot, snapshot, path)
    return snapshot, path


def _deployment(site):
    """The dialect a configured site was added with (a Data Center site says so); Cloud sites are detected."""
    from explorer.core.model import Deployment
    from explorer.store.config import DC

    return Deployment.DATA_CENTER if site.deployment == DC else None


def progress_fraction(progress) -> float | None:
    done = sum(d for d, _ in progress.counts.values())
    expected = sum(e for _, e in progress.counts.values())
    if expected <= 0:
        return None
    return min(1.0, done / expected)


def progress_words(progress) -> str:
    parts = [f"{label} {d}/{e}" for label, (d, e) in progress.counts.items() if e]
    return f"{progress.phase}" + (f" — {', '.join(parts[-4:])}" if parts else "")


# ---------------------------------------------------------------- verify

@dataclass(frozen=True)
class JiraAnswer:
    verdict: Verdict
    agrees: bool
    text: str


async def verify_with_jira(url: str, email: str, snap, account_id: str, permission: str, project_key: str | None,
                           issue_key: str | None, local: Verdict) -> JiraAnswer:
    """Jira's own answer for one question (the CLI's ``verify``), compared with the local replay."""
    from explorer.jira.client import JiraClient
    from explorer.jira.dialects import verify_one
    from explorer.store.credentials import find_token

    found = await asyncio.to_thread(find_token, url, email, interactive=False)
    async with JiraClient(url, email or None, found.token) as client:
        comparison = await verify_one(client, snap, account_id, permission,
                                      None if issue_key else project_key, issue_key)
    granted = comparison.jira
    jira = Verdict.ALLOWED if granted else Verdict.DENIED
    agrees = local is jira or local is Verdict.UNKNOWN
    where = issue_key or project_key or "the site"
    text = f"Jira says {jira.symbol} {jira.words} for {catalogue.display_name(permission)} in {where}; the replay " \
           f"says {local.symbol} {local.words}: " + ("they agree." if local is jira else
                                                      "the replay could not tell; Jira's answer settles it." if
                                                      local is Verdict.UNKNOWN else
                                                      "they DISAGREE — the snapshot may be stale: sync (s) and "
                                                      "compare again.")
    return JiraAnswer(jira, agrees, text)
