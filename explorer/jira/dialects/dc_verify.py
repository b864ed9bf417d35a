"""Verify on Jira Data Center: compare the replay with what DC's REST API can tell.

DC has no ``permissions/check``.  What it has, and what jira-perms asks:

* the syncing account's own permissions: ``GET mypermissions`` (global, or in a
  project or on an issue: ``projectKey`` / ``issueKey``);
* another account's project permission: ``GET user/permission/search`` with
  ``username``, ``permissions`` and ``projectKey`` or ``issueKey`` (needs
  Administer Projects there, or Administer Jira).  DC looks at the first 1,000
  users matching the username filter and only then at permissions, so a search
  without a username would miss accounts on a large site: jira-perms always
  asks by username and keeps only the exact username;
* another account's Browse Projects on an issue, for a caller without
  Administer Projects: ``GET user/viewissue/search`` (needs Browse Users);
* another account's global permissions: nothing.  Such a question is refused
  with one line saying so.

Each comparison says which endpoint answered (``Comparison.asked``).
"""

from __future__ import annotations

import random

from explorer.core.errors import UserError
from explorer.core.model import Account, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.resolve import resolve_account
from explorer.jira.client import JiraClient, NotFound, PermissionDenied
from explorer.jira.tasks import all_of
from explorer.jira.verify import Comparison, VerifyReport

API = "/rest/api/2"
USER_SEARCH_CAP = 1000


async def verify_one(client: JiraClient, snapshot: Snapshot, account: str, permission: str,
                     project: str | None = None, issue: str | None = None, *, caller: str | None = None) -> Comparison:
    """Compare the replay with DC for one question; ``caller`` is the username the client signs in as."""
    acc = resolve_account(snapshot, account)
    key = catalogue.resolve_permission(permission)
    if acc.is_anonymous:
        raise UserError("Jira Data Center cannot be asked about a logged-out visitor: choose an account")
    if catalogue.is_project_permission(key) and project is None and issue is None:
        raise UserError(f"{catalogue.display_name(key)} is a project permission: give --project KEY or --issue KEY")
    local = evaluate(snapshot, acc, key, project, issue)
    me = await _me(client, caller)
    if catalogue.is_global_permission(key):
        if (acc.username or "").lower() != me.lower():
            raise UserError(f"Jira Data Center tells global permissions only for the signed-in account ({me}), "
                            f"through mypermissions; sign in as {acc.username or acc.account_id} to verify "
                            f"{catalogue.display_name(key)} for them")
        held = await _my_permissions(client, [])
        return Comparison(acc, key, None, None, local.verdict, held.get(key, False), local.headline,
                            f"GET {API}/mypermissions")
    answer, asked = await _ask(client, me, acc, key, local.project_key, local.issue_key)
    return Comparison(acc, key, local.project_key, local.issue_key, local.verdict, answer, local.headline, asked)


async def verify_sample(client: JiraClient, snapshot: Snapshot, n: int, *, seed: int | None = None,
                        caller: str | None = None) -> VerifyReport:
    """Compare the replay with DC for ``n`` random (active account, project permission, project) triples."""
    if n < 1:
        raise UserError("--sample needs a positive number of checks")
    accounts = [a for a in snapshot.accounts if a.active and a.username and not a.is_anonymous]
    projects = [p for p in snapshot.projects if not p.archived]
    if not accounts or not projects:
        raise UserError("the snapshot has no active accounts with a username, or no projects to check")
    seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    permissions = [p.key for p in catalogue.PROJECT_PERMISSIONS]
    triples = sorted({(rng.choice(accounts).account_id, rng.choice(permissions), rng.choice(projects).key)
                      for _ in range(n * 3)})
    rng.shuffle(triples)
    by_id = {a.account_id: a for a in accounts}
    me = await _me(client, caller)

    async def one(account_id: str, permission: str, project: str) -> Comparison:
        acc = by_id[account_id]
        local = evaluate(snapshot, acc, permission, project)
        answer, asked = await _ask(client, me, acc, permission, project, None)
        return Comparison(acc, permission, project, None, local.verdict, answer, local.headline, asked)

    results = await all_of([one(*t) for t in triples[:n]])
    comparisons = sorted(results, key=lambda c: (c.account.display_name.lower(), c.project or "", c.permission))
    return VerifyReport(tuple(comparisons), seed)


# ---------------------------------------------------------------------------- DC's side


async def _me(client: JiraClient, caller: str | None) -> str:
    if caller:
        return caller
    data = await client.get(f"{API}/myself")
    if not isinstance(data, dict) or not data.get("name"):
        raise UserError(f"{client.site} did not say who is signed in ({API}/myself); check the site URL")
    return str(data["name"])


async def _my_permissions(client: JiraClient, context: list[tuple[str, str | int | bool]]) -> dict[str, bool]:
    data = await client.get(f"{API}/mypermissions", context)
    table = data.get("permissions") if isinstance(data, dict) else None
    return {str(k): v.get("havePermission") is True for k, v in (table or {}).items() if isinstance(v, dict)}


async def _ask(client: JiraClient, me: str, account: Account, permission: str, project: str | None,
               issue: str | None) -> tuple[bool, str]:
    """(does DC say ``account`` has ``permission`` there, the endpoint asked)."""
    scope: list[tuple[str, str | int | bool]] = [("issueKey", issue)] if issue else [("projectKey", project or "")]
    if (account.username or "").lower() == me.lower():
        held = await _my_permissions(client, scope)
        return held.get(permission, False), f"GET {API}/mypermissions"
    if not account.username:
        raise UserError(f"{account.display_name} has no username in the snapshot, so Jira cannot be asked about them")
    try:
        found = await client.get(f"{API}/user/permission/search", [
            ("username", account.username), ("permissions", permission), *scope, ("maxResults", USER_SEARCH_CAP)])
        return _named(found, account), f"GET {API}/user/permission/search"
    except PermissionDenied:
        if not (issue and permission == catalogue.BROWSE):
            raise PermissionDenied(f"permission denied by {client.host}: asking Jira Data Center about another "
                                   "account's project permissions (user/permission/search) needs Administer "
                                   "Projects in that project, or Administer Jira", status=403,
                                   endpoint=f"GET {API}/user/permission/search") from None
    try:
        found = await client.get(f"{API}/user/viewissue/search", [("username", account.username), *scope,
                                                                  ("maxResults", 100)])
    except NotFound:
        return False, f"GET {API}/user/viewissue/search"
    return _named(found, account), f"GET {API}/user/viewissue/search"


def _named(found: object, account: Account) -> bool:
    """Whether the search answer lists exactly this account (the username filter also matches prefixes)."""
    wanted = (account.username or "").lower()
    return any(isinstance(u, dict) and (str(u.get("name") or "").lower() == wanted or u.get("key") == account.account_id)
               for u in found or []) if isinstance(found, list) else False
