"""The Jira Data Center dialect: read a DC (or Server) site through REST v2 into a :class:`Snapshot`.

Endpoints (docs/data-center.md explains each): serverInfo, myself, mypermissions;
user/list (cursor paging; user/search?username=. where user/list is missing or
refused); groups/picker; group/member (a group *and its subgroups*);
applicationrole; role (the site's roles, once); project?includeArchived=true;
per project permissionscheme?expand=permissions (the scheme with its grants),
role/{id} (each role's actors), issuesecuritylevelscheme, workflowscheme and
statuses (only as many projects as cover every workflow); issue/{key}.

What DC's REST API does not publish is recorded as ``not_published`` gaps with
the reason, for the admin to supply by hand (``jira-perms supply``): who holds
the global permissions (only the syncing account's own come from
mypermissions), the members of issue security levels, workflow status
properties, and which groups are nested in which (group/member already lists
nested members, so membership is exact; only the proof's "via nested group
X > Y" needs the nesting).

Users are identified by their key (``accountId`` in the snapshot) and carry
their username.  Admin-only endpoints are not asked when mypermissions says
the account is not a Jira admin: their facts are recorded as refused without
spending a request each.  The transport (bounded concurrency, retries,
Retry-After, scrubbed errors) is :class:`~explorer.jira.client.JiraClient`'s.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from explorer import __version__
from explorer.core.errors import UserError
from explorer.core.model import (
    Account,
    ApplicationRole,
    Deployment,
    Fact,
    FactKind,
    Grant,
    Group,
    Holder,
    Issue,
    IssueSecurityScheme,
    IssueType,
    PermissionScheme,
    Project,
    ProjectType,
    Provenance,
    Role,
    RoleActors,
    SecurityLevel,
    Site,
    Snapshot,
    Status,
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)
from explorer.jira.client import JiraClient, identify
from explorer.jira.errors import AuthenticationFailed, NotFound, PermissionDenied, WrongSite
from explorer.jira.sync import SyncProgress, _id_order, _issue_order, _with_time
from explorer.jira.tasks import all_of

API = "/rest/api/2"
T = TypeVar("T")

ADMIN_GLOBALS = frozenset({"ADMINISTER", "SYSTEM_ADMIN"})
USER_LIST_PAGE = 2000  # user/list's own default and maximum
USER_SEARCH_PAGE = 1000  # user/search's maximum
MEMBER_PAGE = 50  # group/member's maximum
MAX_CURSOR_PAGES = 10_000  # 20 million users: a cursor that never ends is a broken server
GROUP_PICKER_MAX = 100_000
_ROLE_ID = re.compile(r"/role/(\d+)/?$")
_PROJECT_TYPES = {t.value: t for t in ProjectType}
_SCHEME_EXPAND = ("expand", "permissions,user,group,projectRole,field")
_KIND_ORDER = {kind: i for i, kind in enumerate(FactKind)}

NEEDED: dict[FactKind, str] = {
    FactKind.ACCOUNTS: "Administer Jira (user/list), or Browse Users for the username search",
    FactKind.GROUPS: "a logged-in account",
    FactKind.GROUP_MEMBERS: "Administer Jira or System Administrator (group/member)",
    FactKind.APPLICATION_ROLES: "Administer Jira",
    FactKind.PROJECTS: "Browse Projects in the project",
    FactKind.PROJECT_PERMISSION_SCHEME: "Administer Projects in the project, or Administer Jira",
    FactKind.PERMISSION_SCHEME: "Administer Projects in a project using it, or Administer Jira",
    FactKind.PROJECT_ROLES: "Administer Projects in the project, or Administer Jira",
    FactKind.PROJECT_ISSUE_SECURITY: "Administer Projects in the project, or Administer Jira",
    FactKind.PROJECT_WORKFLOWS: "Administer Jira",
    FactKind.ISSUE: "Browse Projects in the issue's project and clearance for its security level",
}
NOT_PUBLISHED: dict[FactKind, str] = {
    FactKind.GLOBAL_PERMISSIONS: "Jira Data Center's REST API does not list who holds global permissions (the "
                                 "syncing account's own come from mypermissions); see Administration > System > "
                                 "Global permissions",
    FactKind.ISSUE_SECURITY_SCHEME: "Jira Data Center's REST API has no endpoint for security level members; see "
                                    "Issues > Issue security schemes",
    FactKind.WORKFLOW: "Jira Data Center's REST API does not publish workflow status properties; see Issues > "
                       "Workflows > View > a step's Properties",
    FactKind.GROUP_NESTING: "Jira Data Center's REST API does not say which groups are nested in which; "
                            "group/member lists nested members, so membership is exact and only the wording "
                            "'via nested group' needs it; see User management > Groups",
}


async def sync_site(client: JiraClient, info: dict, *, projects: Sequence[str] = (), issues: Sequence[str] = (),
                    progress: SyncProgress | None = None, now=None) -> Snapshot:
    """Read the DC site behind ``client`` (``info`` is its serverInfo) into a snapshot."""
    run = _DCSync(client, info, [p.upper() for p in projects], [i.upper() for i in issues],
                  progress or SyncProgress())
    snapshot = await run.run()
    taken = (now or (lambda: datetime.now(UTC)))()
    return _with_time(snapshot, taken)


class _DCSync:
    def __init__(self, client: JiraClient, info: dict, projects: list[str], issues: list[str],
                 progress: SyncProgress):
        self.c = client
        self.info = info
        self.want_projects = list(dict.fromkeys(projects))
        self.want_issues = list(dict.fromkeys(issues))
        self.progress = progress
        self.facts: dict[tuple[FactKind, str | None], Fact] = {}
        self.me: dict = {}
        self.admin = False
        self.mine: frozenset[str] = frozenset()
        self.accounts: dict[str, Account] = {}  # key -> account, from every answer that named a user
        self.listed: list[str] = []  # keys in the order the user list gave them
        self.by_username: dict[str, str] = {}  # lower-cased username -> key
        self.groups: list[Group] = []
        self.app_roles: list[ApplicationRole] = []
        self.schemes: dict[str, PermissionScheme] = {}
        self.projects: list[Project] = []
        self.roles: dict[str, Role] = {}
        self.security: dict[str, IssueSecurityScheme] = {}
        self.workflow_schemes: dict[str, WorkflowScheme] = {}
        self.workflows: dict[str, dict[str, WorkflowStatus]] = {}  # name -> status id -> status
        self.issues: dict[str, Issue] = {}
        self._accounts_ready = asyncio.Event()
        self._lookups: dict[str, asyncio.Task[str | None]] = {}
        self._site_roles: asyncio.Task[list[str] | None] | None = None

    # ---- facts -------------------------------------------------------------------------------
    def record(self, kind: FactKind, subject: str | None, status: Status, endpoint: str, detail: str = "") -> None:
        old = self.facts.get((kind, subject))
        if old is not None and old.status is not Status.COMPLETE:
            return  # the first problem found is the one reported
        self.facts[(kind, subject)] = Fact(kind, subject, status, endpoint, detail)

    def refuse(self, kind: FactKind, subject: str | None, endpoint: str) -> None:
        """An admin-only fact for a non-admin: recorded as refused, no request spent."""
        self.record(kind, subject, Status.FORBIDDEN, endpoint,
                    f"not asked: mypermissions says this account is not a Jira admin; needs {NEEDED[kind]}")

    async def fetch(self, kind: FactKind, subject: str | None, endpoint: str, call: Awaitable[T]) -> T | None:
        """Run ``call``; a 403/404 (or a 401 for an account that is otherwise logged in) becomes a recorded gap."""
        try:
            return await call
        except PermissionDenied:
            self.record(kind, subject, Status.FORBIDDEN, endpoint, f"HTTP 403: needs {NEEDED[kind]}")
        except NotFound:
            self.record(kind, subject, Status.NOT_FOUND, endpoint, "HTTP 404: not found, or not visible to this account")
        except AuthenticationFailed:
            if not await self._still_logged_in():
                raise
            self.record(kind, subject, Status.FORBIDDEN, endpoint, f"HTTP 401 while logged in: needs {NEEDED[kind]}")
        return None

    async def _still_logged_in(self) -> bool:
        try:
            await self.c.get(f"{API}/myself")
            return True
        except AuthenticationFailed:
            return False

    def not_published(self, kind: FactKind, subject: str | None, endpoint: str = "") -> None:
        self.record(kind, subject, Status.NOT_PUBLISHED, endpoint, NOT_PUBLISHED[kind])

    # ---- orchestration -------------------------------------------------------------------------
    async def run(self) -> Snapshot:
        self.progress.say("checking the account")
        me = await identify(self.c, f"{API}/myself")
        if not isinstance(me, dict) or not me.get("key") or not me.get("name"):
            raise WrongSite(f"wrong site: {self.c.site} did not return the logged-in user for {API}/myself; check "
                            "the site URL", endpoint=f"GET {API}/myself")
        self.me = me
        await self.global_part()
        self.progress.say("reading the site")
        if self.want_projects and self.want_issues:
            await self.issues_part()  # their projects join the project list
            await all_of([self.people_part(), self.projects_part(), self.app_roles_part()])
        else:
            await all_of([self.people_part(), self.projects_part(), self.app_roles_part(), self.issues_part()])
        self.progress.say("done")
        return self.snapshot()

    # ---- the syncing account's global permissions ----------------------------------------------
    async def global_part(self) -> None:
        endpoint = f"GET {API}/mypermissions"
        data = await self.c.get(f"{API}/mypermissions")
        table = data.get("permissions") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            raise WrongSite(f"wrong site: {self.c.site} answered {API}/mypermissions without a permission table; "
                            "check the site URL", endpoint=endpoint)
        self.mine = frozenset(str(k) for k, v in table.items()
                              if isinstance(v, dict) and v.get("type") == "GLOBAL" and v.get("havePermission") is True)
        self.admin = bool(ADMIN_GLOBALS & self.mine)
        self.not_published(FactKind.GLOBAL_PERMISSIONS, None, endpoint)

    # ---- accounts and groups -------------------------------------------------------------------
    async def people_part(self) -> None:
        try:
            await all_of([self.accounts_part(), self.groups_part()])
        finally:
            self._accounts_ready.set()

    async def accounts_part(self) -> None:
        self.progress.say("fetching accounts")
        endpoint = f"GET {API}/user/list"
        users: list | None = None
        if self.admin:
            try:
                users = await self._cursor_pages(f"{API}/user/list", USER_LIST_PAGE)
            except (PermissionDenied, NotFound):
                users = None  # older DC without user/list, or refused: the username search is what there is
        if users is None:
            endpoint = f"GET {API}/user/search?username=."
            users = await self.fetch(FactKind.ACCOUNTS, None, endpoint, self.c.offset_array(
                f"{API}/user/search", [("username", "."), ("includeInactive", "true")], page_size=USER_SEARCH_PAGE))
        if users is not None:
            for user in users:
                account = self._remember(user)
                if account is not None:
                    self.listed.append(account.account_id)
            self.listed = list(dict.fromkeys(self.listed))
            self.progress.done("accounts", len(self.listed))
            if self.listed:
                self.record(FactKind.ACCOUNTS, None, Status.COMPLETE, endpoint)
            else:
                self.record(FactKind.ACCOUNTS, None, Status.TRUNCATED, endpoint,
                            f"no users were returned: needs {NEEDED[FactKind.ACCOUNTS]}")
        self._accounts_ready.set()

    async def _cursor_pages(self, path: str, size: int) -> list:
        """Every ``values`` item of a cursor-paged endpoint (``nextCursor``/``isLast``), in order, bounded."""
        items: list = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_CURSOR_PAGES):
            params: list[tuple[str, str | int | bool]] = [("maxResults", size)]
            if cursor is not None:
                params.append(("cursor", cursor))
            data = await self.c.get(path, params)
            if not isinstance(data, dict):
                raise WrongSite(f"wrong site: {self.c.site} answered {path} with something other than a page object; "
                                "check the site URL", endpoint=path)
            items.extend(v for v in data.get("values") or [] if isinstance(v, dict))
            nxt = data.get("nextCursor")
            if data.get("isLast") is True or nxt in (None, "") or not data.get("values"):
                return items
            cursor = str(nxt)
            if cursor in seen:
                raise JiraPagingError(f"{self.c.site} repeated the cursor {cursor[:20]!r} of {path}: the list would "
                                      "never end; try again later")
            seen.add(cursor)
        raise JiraPagingError(f"{self.c.site} kept paging {path} past {MAX_CURSOR_PAGES} pages; try again later")

    def _remember(self, user: Any) -> Account | None:
        account = _account(user)
        if account is None:
            return None
        self.accounts.setdefault(account.account_id, account)
        if account.username:
            self.by_username.setdefault(account.username.lower(), account.account_id)
        return self.accounts[account.account_id]

    async def groups_part(self) -> None:
        self.progress.say("fetching groups")
        endpoint = f"GET {API}/groups/picker"
        data = await self.fetch(FactKind.GROUPS, None, endpoint, self.c.get(
            f"{API}/groups/picker", [("query", ""), ("maxResults", GROUP_PICKER_MAX)]))
        if not isinstance(data, dict):
            return
        names = list(dict.fromkeys(str(g["name"]) for g in data.get("groups") or []
                                   if isinstance(g, dict) and g.get("name")))
        total = data.get("total")
        if isinstance(total, int) and total > len(names):
            self.record(FactKind.GROUPS, None, Status.TRUNCATED, endpoint,
                        f"groups/picker listed {len(names)} of {total} groups")
        else:
            self.record(FactKind.GROUPS, None, Status.COMPLETE, endpoint)
        self.not_published(FactKind.GROUP_NESTING, None)
        self.progress.expect("group members", len(names))
        members = await all_of([self.members_of(name) for name in names])
        self.groups = [Group(name, "", tuple(m or ())) for name, m in zip(names, members)]

    async def members_of(self, name: str) -> list[str] | None:
        endpoint = f"GET {API}/group/member"
        if not self.admin:
            self.refuse(FactKind.GROUP_MEMBERS, name, endpoint)
            return None
        users = await self.fetch(FactKind.GROUP_MEMBERS, name, endpoint, self.c.page_bean(
            f"{API}/group/member", [("groupname", name), ("includeInactiveUsers", "true")], page_size=MEMBER_PAGE))
        self.progress.done("group members")
        if users is None:
            return None
        keys = []
        for user in users:
            account = self._remember(user)
            if account is not None:
                keys.append(account.account_id)
        return list(dict.fromkeys(keys))

    async def user_key(self, username: str) -> str | None:
        """The key of a username (role actors name users by username): the account list, else one lookup."""
        await self._accounts_ready.wait()
        found = self.by_username.get(username.lower())
        if found is not None:
            return found
        task = self._lookups.get(username.lower())
        if task is None:
            task = asyncio.ensure_future(self._lookup(username))
            self._lookups[username.lower()] = task
        return await asyncio.shield(task)

    async def _lookup(self, username: str) -> str | None:
        try:
            data = await self.c.get(f"{API}/user", [("username", username)])
        except (NotFound, PermissionDenied):
            return None
        account = self._remember(data)
        return account.account_id if account else None

    # ---- products ------------------------------------------------------------------------------
    async def app_roles_part(self) -> None:
        endpoint = f"GET {API}/applicationrole"
        if not self.admin:
            self.refuse(FactKind.APPLICATION_ROLES, None, endpoint)
            return
        roles = await self.fetch(FactKind.APPLICATION_ROLES, None, endpoint, self.c.get(f"{API}/applicationrole"))
        if roles is None:
            return
        for role in roles if isinstance(roles, list) else []:
            if isinstance(role, dict) and role.get("key"):
                self.app_roles.append(ApplicationRole(
                    str(role["key"]), str(role.get("name") or role["key"]),
                    tuple(str(g) for g in role.get("groups") or [] if g),
                    tuple(str(g) for g in role.get("defaultGroups") or [] if g)))
        self.app_roles.sort(key=lambda r: r.key)
        self.record(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, endpoint)

    # ---- projects ------------------------------------------------------------------------------
    async def projects_part(self) -> None:
        self.progress.say("fetching projects")
        endpoint = f"GET {API}/project?includeArchived=true"
        found = await self.c.get(f"{API}/project", [("includeArchived", "true"), ("expand", "lead")])
        if not isinstance(found, list):
            raise WrongSite(f"wrong site: {self.c.site} answered {API}/project with something other than a list; "
                            "check the site URL", endpoint=endpoint)
        raw = {str(p["key"]).upper(): p for p in found if isinstance(p, dict) and p.get("key") and p.get("id")}
        if self.want_projects:
            missing = [k for k in self.want_projects if k not in raw]
            if missing:
                raise UserError(f"project {', '.join(missing)} is not on {self.c.site} or not visible to this "
                                "account: check the key (without --project the sync reads every visible project)")
            raw = {k: raw[k] for k in self.want_projects}
            self.record(FactKind.PROJECTS, None, Status.TRUNCATED, endpoint,
                        "only the projects asked for: " + ", ".join(self.want_projects))
        elif not self.admin:
            self.record(FactKind.PROJECTS, None, Status.TRUNCATED, endpoint,
                        "only the projects this account can browse; a Jira admin's sync lists every project")
        else:
            self.record(FactKind.PROJECTS, None, Status.COMPLETE, endpoint)
        ordered = [raw[k] for k in sorted(raw)]
        self.progress.expect("projects", len(ordered))
        self.projects = await all_of([self.project(p) for p in ordered])
        self.progress.say("fetching workflows")
        await self.statuses_part()

    async def project(self, data: dict) -> Project:
        key = str(data["key"]).upper()
        scheme_id, actors, security_id, workflow_scheme = await all_of([
            self.project_scheme(key), self.project_roles(key), self.project_security(key),
            self.project_workflow_scheme(key)])
        lead = data.get("lead") if isinstance(data.get("lead"), dict) else {}
        lead_key = await self._key_of(lead) if lead else None
        self.progress.done("projects")
        return Project(
            id=str(data["id"]), key=key, name=str(data.get("name") or key),
            project_type=_PROJECT_TYPES.get(str(data.get("projectTypeKey") or "software"), ProjectType.SOFTWARE),
            archived=data.get("archived") is True, lead=lead_key,
            permission_scheme_id=scheme_id, issue_security_scheme_id=security_id,
            workflow_scheme_id=workflow_scheme,
            role_actors=frozen_map({k: v for k, v in (actors or {}).items() if v.users or v.groups}),
        )

    async def _key_of(self, user: dict) -> str | None:
        if user.get("key"):
            self._remember(user)
            return str(user["key"])
        if user.get("name"):
            return await self.user_key(str(user["name"]))
        return None

    async def project_scheme(self, key: str) -> str | None:
        endpoint = f"GET {API}/project/{key}/permissionscheme"
        data = await self.fetch(FactKind.PROJECT_PERMISSION_SCHEME, key, endpoint,
                                self.c.get(f"{API}/project/{key}/permissionscheme", [_SCHEME_EXPAND]))
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        scheme = _permission_scheme(data)
        if isinstance(data.get("permissions"), list):
            self.schemes.setdefault(scheme.id, scheme)
            self.record(FactKind.PERMISSION_SCHEME, scheme.id, Status.COMPLETE,
                        f"GET {API}/project/{{key}}/permissionscheme?expand=permissions")
        return scheme.id

    async def role_ids(self, key: str) -> list[str] | None:
        """The project roles: DC's are site-wide, so an admin reads them once (GET role), others per project."""
        if self.admin:
            if self._site_roles is None:
                self._site_roles = asyncio.ensure_future(self._all_roles())
            found = await asyncio.shield(self._site_roles)
            if found is not None:
                return found
        endpoint = f"GET {API}/project/{key}/role"
        names = await self.fetch(FactKind.PROJECT_ROLES, key, endpoint, self.c.get(f"{API}/project/{key}/role"))
        if not isinstance(names, dict):
            return None
        return sorted({m.group(1) for url in names.values() if isinstance(url, str) and (m := _ROLE_ID.search(url))},
                      key=_id_order)

    async def _all_roles(self) -> list[str] | None:
        try:
            found = await self.c.get(f"{API}/role")
        except (PermissionDenied, NotFound):
            return None
        ids = []
        for role in found if isinstance(found, list) else []:
            if isinstance(role, dict) and role.get("id") is not None:
                rid = str(role["id"])
                ids.append(rid)
                self.roles.setdefault(rid, Role(rid, str(role.get("name") or f"role {rid}"),
                                                str(role.get("description") or "")))
        return sorted(set(ids), key=_id_order)

    async def project_roles(self, key: str) -> dict[str, RoleActors] | None:
        ids = await self.role_ids(key)
        if ids is None:
            return None
        details = await all_of([self.fetch(FactKind.PROJECT_ROLES, key, f"GET {API}/project/{key}/role/{{id}}",
                                           self.c.get(f"{API}/project/{key}/role/{rid}")) for rid in ids])
        actors: dict[str, RoleActors] = {}
        for rid, role in zip(ids, details):
            if not isinstance(role, dict):
                continue
            self.roles.setdefault(rid, Role(rid, str(role.get("name") or f"role {rid}"),
                                            str(role.get("description") or "")))
            users: list[str] = []
            groups: list[str] = []
            for actor in role.get("actors") or []:
                if not isinstance(actor, dict) or not actor.get("name"):
                    continue
                if actor.get("type") == "atlassian-user-role-actor":
                    user = await self.user_key(str(actor["name"]))
                    if user is None:
                        self.record(FactKind.PROJECT_ROLES, key, Status.NOT_FOUND, f"GET {API}/user",
                                    f"role {role.get('name')} names user {str(actor['name'])[:60]!r}, who could "
                                    "not be found")
                    else:
                        users.append(user)
                elif actor.get("type") == "atlassian-group-role-actor":
                    groups.append(str(actor["name"]))
            actors[rid] = RoleActors(tuple(users), tuple(groups))
        return actors

    async def project_security(self, key: str) -> str | None:
        endpoint = f"GET {API}/project/{key}/issuesecuritylevelscheme"
        try:
            data = await self.c.get(f"{API}/project/{key}/issuesecuritylevelscheme")
        except NotFound:
            return None  # the project is visible (it was listed), so 404 means it uses no issue security scheme
        except (PermissionDenied, AuthenticationFailed) as e:
            await self.fetch(FactKind.PROJECT_ISSUE_SECURITY, key, endpoint, _raise(e))
            return None
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        scheme_id = str(data["id"])
        if scheme_id not in self.security:
            levels = tuple(SecurityLevel(str(lv["id"]), str(lv.get("name") or lv["id"]), (),
                                         str(lv.get("description") or ""))
                           for lv in data.get("levels") or [] if isinstance(lv, dict) and lv.get("id") is not None)
            default = data.get("defaultSecurityLevelId")
            self.security[scheme_id] = IssueSecurityScheme(scheme_id, str(data.get("name") or scheme_id), levels,
                                                           str(default) if default is not None and default != -1
                                                           else None)
            self.not_published(FactKind.ISSUE_SECURITY_SCHEME, scheme_id, f"GET {API}/project/{{key}}/"
                               "issuesecuritylevelscheme")
        return scheme_id

    async def project_workflow_scheme(self, key: str) -> str | None:
        endpoint = f"GET {API}/project/{key}/workflowscheme"
        if not self.admin:
            self.refuse(FactKind.PROJECT_WORKFLOWS, key, endpoint)
            return None
        data = await self.fetch(FactKind.PROJECT_WORKFLOWS, key, endpoint,
                                self.c.get(f"{API}/project/{key}/workflowscheme"))
        if not isinstance(data, dict):
            return None
        scheme = _workflow_scheme(data)
        self.workflow_schemes.setdefault(scheme.id, scheme)
        return scheme.id

    async def statuses_part(self) -> None:
        """Each workflow's statuses, from the issue types of as few projects as cover every workflow in use.

        A project's statuses cover at most the workflows of its workflow scheme, so each round asks, at once,
        one project of each scheme a greedy set cover picks for the workflows still uncovered; a project that
        lacks an issue type leaves its workflow for the next round.
        """
        pending = {p.key: self.workflow_schemes[p.workflow_scheme_id] for p in self.projects
                   if p.workflow_scheme_id in self.workflow_schemes}
        wanted = {n for s in pending.values() for n in _workflow_names(s)}
        covered: set[str] = set()
        asked: set[str] = set()
        while True:
            batch = _cover(pending, wanted - covered, asked)
            if not batch:
                break
            asked.update(batch)
            answers = await all_of([self.fetch(FactKind.PROJECT_WORKFLOWS, key, f"GET {API}/project/{key}/statuses",
                                               self.c.get(f"{API}/project/{key}/statuses")) for key in batch])
            for key, answer in zip(batch, answers):
                for issue_type in answer if isinstance(answer, list) else []:
                    if not isinstance(issue_type, dict) or issue_type.get("id") is None:
                        continue
                    name = pending[key].workflow_for(str(issue_type["id"]))
                    covered.add(name)
                    statuses = self.workflows.setdefault(name, {})
                    for st in issue_type.get("statuses") or []:
                        if isinstance(st, dict) and st.get("id") is not None:
                            statuses.setdefault(str(st["id"]), WorkflowStatus(str(st["id"]),
                                                                              str(st.get("name") or st["id"])))
        for name in sorted(wanted):
            self.not_published(FactKind.WORKFLOW, name, f"GET {API}/project/{{key}}/statuses")
        self.progress.done("workflows", len(wanted))

    # ---- issues --------------------------------------------------------------------------------
    async def issues_part(self) -> None:
        if not self.want_issues:
            return
        self.progress.say("fetching issues")
        self.progress.expect("issues", len(self.want_issues))
        await all_of([self.issue(key, parent_of=None) for key in self.want_issues])
        if self.want_projects:
            for issue in self.issues.values():
                if issue.project_key not in self.want_projects:
                    self.want_projects.append(issue.project_key)

    async def issue(self, key: str, parent_of: str | None) -> None:
        endpoint = f"GET {API}/issue/{key}"
        data = await self.fetch(FactKind.ISSUE, key, endpoint, self.c.get(f"{API}/issue/{key}", [("expand", "schema")]))
        if parent_of is None:
            self.progress.done("issues")
        if not isinstance(data, dict) or not data.get("key"):
            return
        issue = _issue(data, self._remember)
        if issue.key != key and parent_of is None:
            self.record(FactKind.ISSUE, key, Status.COMPLETE, endpoint, f"Jira answered with issue {issue.key}")
        self.issues.setdefault(issue.key, issue)
        if issue.parent_key and issue.parent_key not in self.issues and issue.parent_key not in self.want_issues:
            await self.issue(issue.parent_key, parent_of=issue.key)

    # ---- assembly ------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        info = self.info
        site = Site(self.c.site, Deployment.DATA_CENTER, str(info.get("version") or ""),
                    str(info.get("serverTitle") or ""))
        projects = self.projects
        used = {p.permission_scheme_id for p in projects if p.permission_scheme_id}
        for scheme_id in sorted(used - set(self.schemes), key=_id_order):
            if (FactKind.PERMISSION_SCHEME, scheme_id) not in self.facts:
                self.record(FactKind.PERMISSION_SCHEME, scheme_id, Status.FORBIDDEN, "",
                            f"no project's scheme could be read with its grants; needs "
                            f"{NEEDED[FactKind.PERMISSION_SCHEME]}")
        note = []
        if self.want_projects:
            note.append("projects: " + ", ".join(self.want_projects))
        if self.want_issues:
            note.append("issues: " + ", ".join(self.want_issues))
        me = str(self.me.get("key"))
        workflows = tuple(Workflow(name, tuple(self.workflows.get(name, {}).values()))
                          for name in sorted({f.subject for f in self.facts.values()
                                              if f.kind is FactKind.WORKFLOW and f.subject}))
        facts = sorted(self.facts.values(), key=lambda f: (_KIND_ORDER[f.kind], f.subject or ""))
        return Snapshot(
            site=site,
            provenance=Provenance(taken_at="", taken_by=me, tool_version=__version__, note="; ".join(note)),
            accounts=tuple(self.accounts[k] for k in [*self.listed, *sorted(set(self.accounts) - set(self.listed))]),
            groups=tuple(self.groups),
            application_roles=tuple(self.app_roles),
            projects=tuple(projects),
            permission_schemes=tuple(self.schemes[k] for k in sorted(self.schemes, key=_id_order)),
            roles=tuple(sorted(self.roles.values(), key=lambda r: _id_order(r.id))),
            issue_security_schemes=tuple(self.security[k] for k in sorted(self.security, key=_id_order)),
            workflows=workflows,
            workflow_schemes=tuple(self.workflow_schemes[k] for k in sorted(self.workflow_schemes, key=_id_order)),
            account_global_permissions=frozen_map({me: self.mine}),
            issues=tuple(self.issues[k] for k in sorted(self.issues, key=_issue_order)),
            facts=tuple(facts),
        )


class JiraPagingError(UserError):
    """A server whose paging never ends."""


async def _raise(error: BaseException) -> Any:
    raise error


# ---------------------------------------------------------------------------- converters


def _account(user: Any) -> Account | None:
    if not isinstance(user, dict) or not user.get("key"):
        return None
    email = user.get("emailAddress")
    name = user.get("name")
    return Account(
        account_id=str(user["key"]),
        display_name=str(user.get("displayName") or name or user["key"]),
        email=str(email) if email else None,
        active=user.get("active") is not False,
        username=str(name) if name else None,
    )


def _holder(data: Any) -> Holder:
    if not isinstance(data, dict):
        return Holder("unknown")
    kind = str(data.get("type") or "unknown")
    parameter = data.get("parameter")
    user = data.get("user") if isinstance(data.get("user"), dict) else None
    if kind == "user" and user and user.get("key"):
        parameter = user["key"]  # DC names users by key in grants; the user object says which
    if kind == "group" and not parameter:
        group = data.get("group") if isinstance(data.get("group"), dict) else None
        parameter = group.get("name") if group else None  # still None: "Group (Anyone)"
    return Holder(kind, str(parameter) if parameter not in (None, "") else None)


def _permission_scheme(data: dict) -> PermissionScheme:
    grants = tuple(
        Grant(str(g.get("id")), str(g.get("permission")), _holder(g.get("holder")))
        for g in data.get("permissions") or [] if isinstance(g, dict) and g.get("permission"))
    return PermissionScheme(str(data["id"]), str(data.get("name") or data["id"]), grants,
                            str(data.get("description") or ""))


def _workflow_scheme(data: dict) -> WorkflowScheme:
    scheme_id = str(data["id"]) if data.get("id") is not None else "default"
    mappings = data.get("issueTypeMappings") if isinstance(data.get("issueTypeMappings"), dict) else {}
    return WorkflowScheme(scheme_id, str(data.get("name") or "Default Workflow Scheme"),
                          str(data.get("defaultWorkflow") or "jira"),
                          frozen_map({str(k): str(v) for k, v in mappings.items()}))


def _cover(pending: dict[str, WorkflowScheme], uncovered: set[str], asked: set[str]) -> list[str]:
    """Projects (one per scheme, not asked before) whose schemes together cover ``uncovered``, greedily."""
    by_scheme: dict[str, tuple[str, set[str]]] = {}
    for key in sorted(pending):
        scheme = pending[key]
        if key not in asked and scheme.id not in by_scheme:
            by_scheme[scheme.id] = (key, set(_workflow_names(scheme)))
    left = set(uncovered)
    batch: list[str] = []
    while left and by_scheme:
        best = max(sorted(by_scheme), key=lambda sid: len(by_scheme[sid][1] & left))
        key, names = by_scheme.pop(best)
        if not names & left:
            break
        batch.append(key)
        left -= names
    return batch


def _workflow_names(scheme: WorkflowScheme) -> list[str]:
    return list(dict.fromkeys((scheme.default_workflow, *scheme.issue_type_workflows.values())))


def _issue(data: dict, remember) -> Issue:
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    schema = data.get("schema") if isinstance(data.get("schema"), dict) else {}
    issue_type = fields.get("issuetype") if isinstance(fields.get("issuetype"), dict) else {}
    status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
    project = fields.get("project") if isinstance(fields.get("project"), dict) else {}
    security = fields.get("security") if isinstance(fields.get("security"), dict) else None
    parent = fields.get("parent") if isinstance(fields.get("parent"), dict) else None
    subtask = issue_type.get("subtask") is True
    user_fields: dict[str, tuple[str, ...]] = {}
    group_fields: dict[str, tuple[str, ...]] = {}
    for fid, value in fields.items():
        if not fid.startswith("customfield_"):
            continue
        kind = _field_kind(schema.get(fid), value)
        values = value if isinstance(value, list) else [] if value is None else [value]
        if kind == "user":
            user_fields[fid] = tuple(str(v["key"]) for v in values if isinstance(v, dict) and v.get("key"))
        elif kind == "group":
            group_fields[fid] = tuple(str(v["name"]) for v in values if isinstance(v, dict) and v.get("name"))
    people = {}
    for role in ("reporter", "assignee"):
        person = fields.get(role)
        if isinstance(person, dict) and person.get("key"):
            remember(person)
            people[role] = str(person["key"])
    return Issue(
        key=str(data["key"]), id=str(data.get("id") or ""),
        project_key=str(project.get("key") or str(data["key"]).rsplit("-", 1)[0]).upper(),
        issue_type=IssueType(str(issue_type.get("id") or ""), str(issue_type.get("name") or ""), subtask),
        status_id=str(status.get("id") or ""), status_name=str(status.get("name") or ""),
        parent_key=str(parent["key"]) if subtask and parent and parent.get("key") else None,
        security_level_id=str(security["id"]) if security and security.get("id") is not None else None,
        reporter=people.get("reporter"), assignee=people.get("assignee"),
        user_fields=frozen_map(user_fields), group_fields=frozen_map(group_fields),
        archived=bool(fields.get("archiveddate")),  # DC 8.1+: archived issues carry their archiving date
        summary=str(fields.get("summary") or ""),
    )


def _field_kind(schema: Any, value: Any) -> str | None:
    """``user`` or ``group`` for user/group picker fields (from the field schema, else from the value's shape)."""
    if isinstance(schema, dict):
        kind = schema.get("items") if schema.get("type") == "array" else schema.get("type")
        if kind in ("user", "group"):
            return str(kind)
        if kind is not None:
            return None
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(sample, dict):
        link = str(sample.get("self") or "")
        if sample.get("key") and sample.get("name") and "/user" in link:
            return "user"
        if sample.get("name") and "/group" in link:
            return "group"
    return None

