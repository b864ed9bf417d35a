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
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from explorer import __version__
from explorer.core.errors import UserError
from explorer.core.model import (
    Account,
    ApplicationRole,
    Deployment,
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
from explorer.core.replay.references import reported_missing
from explorer.jira import shape
from explorer.jira.client import JiraClient, identify, path_segment
from explorer.jira.errors import AuthenticationFailed, BadResponse, NotFound, PermissionDenied, WrongSite
from explorer.jira.shape import Shape
from explorer.jira.sync import PARENT_DEPTH, SyncProgress, SyncRun, _id_order, _issue_order, _with_time
from explorer.jira.tasks import all_of

API = "/rest/api/2"

ADMIN_GLOBALS = frozenset({"ADMINISTER", "SYSTEM_ADMIN"})
USER_LIST_PAGE = 2000  # user/list's own default and maximum
USER_SEARCH_PAGE = 1000  # user/search's maximum
MEMBER_PAGE = 50  # group/member's maximum
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


class _DCSync(SyncRun):
    API = API
    NEEDED = NEEDED

    def __init__(self, client: JiraClient, info: dict, projects: list[str], issues: list[str],
                 progress: SyncProgress):
        super().__init__(client, progress)
        self.info = info
        self.want_projects = list(dict.fromkeys(projects))
        self.want_issues = list(dict.fromkeys(issues))
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

    def refuse(self, kind: FactKind, subject: str | None, endpoint: str) -> None:
        """An admin-only fact for a non-admin: recorded as refused, no request spent."""
        self.record(kind, subject, Status.FORBIDDEN, endpoint,
                    f"not asked: mypermissions says this account is not a Jira admin; needs {NEEDED[kind]}")

    def not_published(self, kind: FactKind, subject: str | None, endpoint: str = "") -> None:
        self.record(kind, subject, Status.NOT_PUBLISHED, endpoint, NOT_PUBLISHED[kind])

    def accounts_in(self, users: list, kind: FactKind, subject: str | None, endpoint: str) -> list[str]:
        """The keys of the users of an answer (each remembered); unusable users are left out and recorded."""
        keys: dict[str, None] = {}
        read, problem = shape.each(users, _account)
        for account in read:
            self.accounts.setdefault(account.account_id, account)
            if account.username:
                self.by_username.setdefault(account.username.lower(), account.account_id)
            keys[account.account_id] = None
        if problem:
            self.unusable(kind, subject, endpoint, f"some users were left out: {problem}")
        return list(keys)

    # ---- orchestration -------------------------------------------------------------------------
    async def run(self) -> Snapshot:
        self.progress.say("checking the account")
        async with self.c.phase("checking the account"):
            me = await identify(self.c, f"{API}/myself")
            if not isinstance(me, dict) or not isinstance(me.get("key"), str) or not isinstance(me.get("name"), str) \
                    or not me["key"] or not me["name"]:
                raise WrongSite(f"wrong site: {self.c.site} did not return the logged-in user for {API}/myself; "
                                "check the site URL", endpoint=f"GET {API}/myself")
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
        data = await identify(self.c, f"{API}/mypermissions")
        try:
            table = shape.obj(shape.obj(data, "the answer").get("permissions"), "the permission table")
            held = {shape.text(k, "a permission key") for k, v in table.items()
                    if shape.obj(v, f"permission {k}").get("type") == "GLOBAL" and v.get("havePermission") is True}
        except Shape as e:
            raise WrongSite(f"wrong site: {self.c.site} answered {API}/mypermissions unusably ({e}); check the site "
                            "URL", endpoint=endpoint) from None
        self.mine = frozenset(held)
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
        try:
            async with self.c.phase("reading accounts (user/list)"):
                endpoint = f"GET {API}/user/list"
                users: list | None = None
                if self.admin:
                    try:
                        users = await self.c.cursor_pages(f"{API}/user/list", page_size=USER_LIST_PAGE)
                    except (PermissionDenied, NotFound):
                        users = None  # DC before 9 has no user/list; the username search is what there is
                    except BadResponse as e:
                        users = await self.fetch(FactKind.ACCOUNTS, None, endpoint, _raise(e), partial=True)
                if users is None and (FactKind.ACCOUNTS, None) not in self.facts:
                    endpoint = f"GET {API}/user/search?username=."
                    users = await self.fetch(FactKind.ACCOUNTS, None, endpoint, self.c.offset_array(
                        f"{API}/user/search", [("username", "."), ("includeInactive", "true")],
                        page_size=USER_SEARCH_PAGE), partial=True)
                if users is not None:
                    self.listed = self.accounts_in(users, FactKind.ACCOUNTS, None, endpoint)
                    self.progress.done("accounts", len(self.listed))
                    if self.listed:
                        self.record(FactKind.ACCOUNTS, None, Status.COMPLETE, endpoint)
                    else:
                        self.record(FactKind.ACCOUNTS, None, Status.TRUNCATED, endpoint,
                                    f"no users were returned: needs {NEEDED[FactKind.ACCOUNTS]}")
        finally:
            self._accounts_ready.set()

    async def groups_part(self) -> None:
        self.progress.say("fetching groups")
        endpoint = f"GET {API}/groups/picker"
        async with self.c.phase("reading groups and their members"):
            data = await self.fetch(FactKind.GROUPS, None, endpoint, self.c.get(
                f"{API}/groups/picker", [("query", ""), ("maxResults", GROUP_PICKER_MAX)]))
            if data is None:
                return
            found = self.parse(FactKind.GROUPS, None, endpoint, _group_names, data)
            if found is None:
                return
            names, total = found
            if total is not None and total > len(names):
                self.record(FactKind.GROUPS, None, Status.TRUNCATED, endpoint,
                            f"groups/picker listed {len(names)} of {total} groups")
            else:
                self.record(FactKind.GROUPS, None, Status.COMPLETE, endpoint)
            self.not_published(FactKind.GROUP_NESTING, None)
            self.progress.expect("group members", len(names))
            await self._accounts_ready.wait()
            bound = self.members_bound(len(self.listed))
            members = await all_of([self.members_of(name, bound) for name in names])
            self.groups = [Group(name, "", tuple(m or ())) for name, m in zip(names, members)]

    async def members_of(self, name: str, bound: int | None) -> list[str] | None:
        endpoint = f"GET {API}/group/member"
        if not self.admin:
            self.refuse(FactKind.GROUP_MEMBERS, name, endpoint)
            return None
        users = await self.fetch(FactKind.GROUP_MEMBERS, name, endpoint, self.c.page_bean(
            f"{API}/group/member", [("groupname", name), ("includeInactiveUsers", "true")], page_size=MEMBER_PAGE,
            max_items=bound), partial=True)
        self.progress.done("group members")
        if users is None:
            return None
        return self.accounts_in(users, FactKind.GROUP_MEMBERS, name, endpoint)

    async def user_key(self, username: str) -> str | None:
        """The key of a username (role actors name users by username): the user list, else one lookup."""
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
        except (NotFound, PermissionDenied, BadResponse):
            return None
        keys = self.accounts_in([data], FactKind.ACCOUNTS, None, f"GET {API}/user")
        return keys[0] if keys else None

    # ---- products ------------------------------------------------------------------------------
    async def app_roles_part(self) -> None:
        endpoint = f"GET {API}/applicationrole"
        if not self.admin:
            self.refuse(FactKind.APPLICATION_ROLES, None, endpoint)
            return
        async with self.c.phase("reading products (applicationrole)"):
            roles = await self.fetch(FactKind.APPLICATION_ROLES, None, endpoint, self.c.get(f"{API}/applicationrole"))
        if roles is None:
            return
        found = self.parse(FactKind.APPLICATION_ROLES, None, endpoint, _application_roles, roles)
        if found is None:
            return
        self.app_roles = sorted(found, key=lambda r: r.key)
        self.record(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, endpoint)

    # ---- projects ------------------------------------------------------------------------------
    async def projects_part(self) -> None:
        self.progress.say("fetching projects")
        endpoint = f"GET {API}/project?includeArchived=true"
        async with self.c.phase("reading projects"):
            found = await self.c.get(f"{API}/project", [("includeArchived", "true"), ("expand", "lead")])
            listed = self.parse(FactKind.PROJECTS, None, endpoint, _project_list, found)
        if listed is None:
            raise WrongSite(f"wrong site: {self.c.site} answered {API}/project unusably ("
                            f"{self.facts[(FactKind.PROJECTS, None)].detail}); check the site URL", endpoint=endpoint)
        raw = dict(listed)
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
        ordered = [(k, raw[k]) for k in sorted(raw)]
        self.progress.expect("projects", len(ordered))
        async with self.c.phase("reading each project's schemes and roles"):
            self.projects = await all_of([self.project(key, data) for key, data in ordered])
        self.progress.say("fetching workflows")
        async with self.c.phase("reading workflow statuses"):
            await self.statuses_part()

    async def project(self, key: str, data: dict) -> Project:
        scheme_id, actors, security_id, workflow_scheme = await all_of([
            self.project_scheme(key), self.project_roles(key), self.project_security(key),
            self.project_workflow_scheme(key)])
        lead = data.get("lead") if isinstance(data.get("lead"), dict) else None
        lead_key = await self._key_of(lead) if lead else None
        self.progress.done("projects")
        kind = data.get("projectTypeKey")
        name = data.get("name")
        return Project(
            id=str(data["id"]), key=key, name=name if isinstance(name, str) and name else key,
            project_type=_PROJECT_TYPES.get(kind if isinstance(kind, str) else "software", ProjectType.SOFTWARE),
            archived=data.get("archived") is True, lead=lead_key,
            permission_scheme_id=scheme_id, issue_security_scheme_id=security_id,
            workflow_scheme_id=workflow_scheme,
            role_actors=frozen_map({k: v for k, v in (actors or {}).items() if v.users or v.groups}),
        )

    async def _key_of(self, user: dict) -> str | None:
        if isinstance(user.get("key"), str) and user["key"]:
            keys = self.accounts_in([user], FactKind.ACCOUNTS, None, f"GET {API}/project")
            return keys[0] if keys else None
        if isinstance(user.get("name"), str) and user["name"]:
            return await self.user_key(user["name"])
        return None

    async def project_scheme(self, key: str) -> str | None:
        path = f"{API}/project/{path_segment(key)}/permissionscheme"
        endpoint = f"GET {path}"
        data = await self.fetch(FactKind.PROJECT_PERMISSION_SCHEME, key, endpoint, self.c.get(path, [_SCHEME_EXPAND]))
        if data is None:
            return None
        scheme = self.parse(FactKind.PROJECT_PERMISSION_SCHEME, key, endpoint, _permission_scheme, data)
        if scheme is None:
            return None
        if scheme.grants or isinstance(data.get("permissions"), list):
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
        path = f"{API}/project/{path_segment(key)}/role"
        names = await self.fetch(FactKind.PROJECT_ROLES, key, f"GET {path}", self.c.get(path))
        if names is None:
            return None
        return self.parse(FactKind.PROJECT_ROLES, key, f"GET {path}", _role_ids, names)

    async def _all_roles(self) -> list[str] | None:
        try:
            found = await self.c.get(f"{API}/role")
        except (PermissionDenied, NotFound, BadResponse):
            return None
        try:
            roles = [_role(r) for r in shape.items(found, "the role list")]
        except Shape:
            return None
        for role in roles:
            self.roles.setdefault(role.id, role)
        return sorted({r.id for r in roles}, key=_id_order)

    async def project_roles(self, key: str) -> dict[str, RoleActors] | None:
        ids = await self.role_ids(key)
        if ids is None:
            return None
        paths = [f"{API}/project/{path_segment(key)}/role/{path_segment(rid)}" for rid in ids]
        details = await all_of([self.fetch(FactKind.PROJECT_ROLES, key, f"GET {API}/project/{key}/role/{{id}}",
                                           self.c.get(path)) for path in paths])
        actors: dict[str, RoleActors] = {}
        for rid, data in zip(ids, details):
            if data is None:
                continue
            parsed = self.parse(FactKind.PROJECT_ROLES, key, f"GET {API}/project/{key}/role/{rid}", _role_actors,
                                rid, data)
            if parsed is None:
                continue
            role, usernames, groups = parsed
            self.roles.setdefault(rid, role)
            users: list[str] = []
            for username in usernames:
                user = await self.user_key(username)
                if user is None:
                    self.record(FactKind.PROJECT_ROLES, key, Status.NOT_FOUND, f"GET {API}/user",
                                self.c.scrub.text(f"role {role.name} names user {username!r}, who could not be "
                                                  "found", 200))
                else:
                    users.append(user)
            actors[rid] = RoleActors(tuple(users), tuple(groups))
        return actors

    async def project_security(self, key: str) -> str | None:
        path = f"{API}/project/{path_segment(key)}/issuesecuritylevelscheme"
        endpoint = f"GET {path}"
        try:
            data = await self.c.get(path)
        except NotFound:
            return None  # the project is visible (it was listed), so 404 means it uses no issue security scheme
        except (PermissionDenied, AuthenticationFailed, BadResponse) as e:
            await self.fetch(FactKind.PROJECT_ISSUE_SECURITY, key, endpoint, _raise(e))
            return None
        scheme = self.parse(FactKind.PROJECT_ISSUE_SECURITY, key, endpoint, _security_scheme, data)
        if scheme is None:
            return None
        if scheme.id not in self.security:
            self.security[scheme.id] = scheme
            self.not_published(FactKind.ISSUE_SECURITY_SCHEME, scheme.id,
                               f"GET {API}/project/{{key}}/issuesecuritylevelscheme")
        return scheme.id

    async def project_workflow_scheme(self, key: str) -> str | None:
        path = f"{API}/project/{path_segment(key)}/workflowscheme"
        endpoint = f"GET {path}"
        if not self.admin:
            self.refuse(FactKind.PROJECT_WORKFLOWS, key, endpoint)
            return None
        data = await self.fetch(FactKind.PROJECT_WORKFLOWS, key, endpoint, self.c.get(path))
        if data is None:
            return None
        scheme = self.parse(FactKind.PROJECT_WORKFLOWS, key, endpoint, _workflow_scheme, data)
        if scheme is None:
            return None
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
            paths = [f"{API}/project/{path_segment(key)}/statuses" for key in batch]
            answers = await all_of([self.fetch(FactKind.PROJECT_WORKFLOWS, key, f"GET {path}", self.c.get(path))
                                    for key, path in zip(batch, paths)])
            for key, path, answer in zip(batch, paths, answers):
                if answer is None:
                    continue
                found = self.parse(FactKind.PROJECT_WORKFLOWS, key, f"GET {path}", _issue_type_statuses, answer)
                for type_id, statuses in found or []:
                    name = pending[key].workflow_for(type_id)
                    covered.add(name)
                    known = self.workflows.setdefault(name, {})
                    for status in statuses:
                        known.setdefault(status.id, status)
        for name in sorted(wanted):
            self.not_published(FactKind.WORKFLOW, name, f"GET {API}/project/{{key}}/statuses")
        self.progress.done("workflows", len(wanted))

    # ---- issues --------------------------------------------------------------------------------
    async def issues_part(self) -> None:
        if not self.want_issues:
            return
        self.progress.say("fetching issues")
        self.progress.expect("issues", len(self.want_issues))
        async with self.c.phase("reading issues"):
            await all_of([self.issue(key, parent_of=None, depth=0) for key in self.want_issues])
        if self.want_projects:
            for issue in self.issues.values():
                if issue.project_key not in self.want_projects:
                    self.want_projects.append(issue.project_key)

    async def issue(self, key: str, parent_of: str | None, depth: int) -> None:
        path = f"{API}/issue/{path_segment(key)}"
        endpoint = f"GET {path}"
        data = await self.fetch(FactKind.ISSUE, key, endpoint, self.c.get(path, [("expand", "schema")]))
        if parent_of is None:
            self.progress.done("issues")
        if data is None:
            return
        parsed = self.parse(FactKind.ISSUE, key, endpoint, _issue, data)
        if parsed is None:
            return
        issue, people = parsed
        self.accounts_in(people, FactKind.ISSUE, issue.key, endpoint)
        if issue.key != key and parent_of is None:
            self.record(FactKind.ISSUE, key, Status.COMPLETE, endpoint, f"Jira answered with issue {issue.key}")
        self.issues.setdefault(issue.key, issue)
        parent = issue.parent_key
        if parent and parent not in self.issues and parent not in self.want_issues:
            if depth >= PARENT_DEPTH:
                self.record(FactKind.ISSUE, parent, Status.NOT_FETCHED, f"GET {API}/issue/{path_segment(parent)}",
                            "the chain of parents was longer than Jira allows")
                return
            await self.issue(parent, parent_of=issue.key, depth=depth + 1)

    # ---- assembly ------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        info = self.info
        version, title = info.get("version"), info.get("serverTitle")
        site = Site(self.c.site, Deployment.DATA_CENTER, self.c.scrub.text(version, 60) if isinstance(version, str)
                    else "", self.c.scrub.text(title, 200) if isinstance(title, str) else "")
        used = {p.permission_scheme_id for p in self.projects if p.permission_scheme_id}
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
        snapshot = Snapshot(
            site=site,
            provenance=Provenance(taken_at="", taken_by=me, tool_version=__version__, note="; ".join(note)),
            accounts=tuple(self.accounts[k] for k in [*self.listed, *sorted(set(self.accounts) - set(self.listed))]),
            groups=tuple(self.groups),
            application_roles=tuple(self.app_roles),
            projects=tuple(self.projects),
            permission_schemes=tuple(self.schemes[k] for k in sorted(self.schemes, key=_id_order)),
            roles=tuple(sorted(self.roles.values(), key=lambda r: _id_order(r.id))),
            issue_security_schemes=tuple(self.security[k] for k in sorted(self.security, key=_id_order)),
            workflows=workflows,
            workflow_schemes=tuple(self.workflow_schemes[k] for k in sorted(self.workflow_schemes, key=_id_order)),
            account_global_permissions=frozen_map({me: self.mine}),
            issues=tuple(self.issues[k] for k in sorted(self.issues, key=_issue_order)),
        )
        # Groups and products the configuration names that DC's complete lists lack: reported missing.
        found = [*self.facts.values(), *reported_missing(snapshot, f"GET {API}/groups/picker",
                                                         f"GET {API}/applicationrole")]
        return replace(snapshot, facts=tuple(sorted(found, key=lambda f: (_KIND_ORDER[f.kind], f.subject or ""))))


async def _raise(error: BaseException) -> Any:
    raise error


# ---------------------------------------------------------------------------- converters (raise Shape)


def _account(user: Any) -> Account:
    u = shape.obj(user, "a user")
    key = shape.text(u.get("key"), "a user's key")
    name = shape.opt_text(u.get("name"), f"user {key}'s username")
    return Account(
        account_id=key,
        display_name=shape.opt_text(u.get("displayName"), f"user {key}'s name") or name or key,
        email=shape.opt_text(u.get("emailAddress"), f"user {key}'s email") or None,
        active=shape.flag(u.get("active"), f"user {key}'s active flag", True),
        username=name or None,
    )


def _group_names(data: Any) -> tuple[list[str], int | None]:
    d = shape.obj(data, "the answer")
    names = [shape.text(shape.obj(g, "a group").get("name"), "a group's name")
             for g in shape.items(d.get("groups"), "the groups")]
    total = d.get("total")
    return list(dict.fromkeys(names)), total if isinstance(total, int) and not isinstance(total, bool) else None


def _application_roles(data: Any) -> list[ApplicationRole]:
    out = []
    for role in shape.items(data, "the product list"):
        r = shape.obj(role, "a product")
        key = shape.text(r.get("key"), "a product's key")
        out.append(ApplicationRole(
            key, shape.opt_text(r.get("name"), f"product {key}'s name") or key,
            tuple(shape.text(g, f"a group of product {key}") for g in shape.items(r.get("groups"), key)),
            tuple(shape.text(g, f"a default group of product {key}")
                  for g in shape.items(r.get("defaultGroups"), key))))
    return out


def _project_list(data: Any) -> list[tuple[str, dict]]:
    out = []
    for item in shape.items(data, "the project list"):
        p = shape.obj(item, "a project")
        key = shape.text(p.get("key"), "a project's key").upper()
        shape.text(p.get("id"), f"project {key}'s id")
        out.append((key, p))
    return out


def _holder(data: Any, what: str) -> Holder:
    h = shape.obj(data, what)
    kind = shape.opt_text(h.get("type"), f"{what}'s type") or "unknown"
    parameter = shape.opt_text(h.get("parameter"), f"{what}'s parameter")
    user = shape.opt_obj(h.get("user"), f"{what}'s user")
    if kind == "user" and user and user.get("key"):
        parameter = shape.text(user.get("key"), f"{what}'s user key")  # DC names users by key in grants
    if kind == "group" and not parameter:
        group = shape.opt_obj(h.get("group"), f"{what}'s group")
        parameter = shape.opt_text(group.get("name"), f"{what}'s group name") if group else None
    return Holder(kind, parameter or None)  # a group without a group is "Group (Anyone)"


def _permission_scheme(data: Any) -> PermissionScheme:
    d = shape.obj(data, "the permission scheme")
    scheme_id = shape.text(d.get("id"), "the scheme's id")
    grants = []
    for n, item in enumerate(shape.items(d.get("permissions"), f"scheme {scheme_id}'s grants")):
        g = shape.obj(item, f"grant {n} of scheme {scheme_id}")
        permission = shape.opt_text(g.get("permission"), f"grant {n}'s permission")
        if permission:
            grants.append(Grant(shape.text(g.get("id"), f"grant {n}'s id"), permission,
                                _holder(g.get("holder"), f"grant {n}'s holder")))
    return PermissionScheme(scheme_id, shape.opt_text(d.get("name"), "the scheme's name") or scheme_id, tuple(grants),
                            shape.opt_text(d.get("description"), "the scheme's description") or "")


def _role(data: Any) -> Role:
    r = shape.obj(data, "a role")
    rid = shape.text(r.get("id"), "a role's id")
    return Role(rid, shape.opt_text(r.get("name"), f"role {rid}'s name") or f"role {rid}",
                shape.opt_text(r.get("description"), f"role {rid}'s description") or "")


def _role_ids(names: Any) -> list[str]:
    found = set()
    for url in shape.obj(names, "the role list").values():
        m = _ROLE_ID.search(url) if isinstance(url, str) else None
        if m:
            found.add(m.group(1))
    return sorted(found, key=_id_order)


def _role_actors(rid: str, data: Any) -> tuple[Role, list[str], list[str]]:
    """The role, the usernames and the group names among its actors in a project."""
    r = shape.obj(data, f"role {rid}")
    role = Role(rid, shape.opt_text(r.get("name"), f"role {rid}'s name") or f"role {rid}",
                shape.opt_text(r.get("description"), f"role {rid}'s description") or "")
    users: list[str] = []
    groups: list[str] = []
    for actor in shape.items(r.get("actors"), f"role {rid}'s actors"):
        a = shape.obj(actor, f"an actor of role {rid}")
        name = shape.opt_text(a.get("name"), f"an actor name of role {rid}")
        if not name:
            continue
        if a.get("type") == "atlassian-user-role-actor":
            users.append(name)
        elif a.get("type") == "atlassian-group-role-actor":
            groups.append(name)
    return role, list(dict.fromkeys(users)), list(dict.fromkeys(groups))


def _security_scheme(data: Any) -> IssueSecurityScheme:
    d = shape.obj(data, "the issue security scheme")
    scheme_id = shape.text(d.get("id"), "the scheme's id")
    levels = []
    for item in shape.items(d.get("levels"), f"scheme {scheme_id}'s levels"):
        lv = shape.obj(item, f"a level of scheme {scheme_id}")
        level_id = shape.text(lv.get("id"), "a level's id")
        levels.append(SecurityLevel(level_id, shape.opt_text(lv.get("name"), f"level {level_id}'s name") or level_id,
                                    (), shape.opt_text(lv.get("description"), f"level {level_id}'s description")
                                    or ""))
    default = d.get("defaultSecurityLevelId")
    default_id = shape.opt_text(default, "the default level") if default not in (None, -1) else None
    return IssueSecurityScheme(scheme_id, shape.opt_text(d.get("name"), "the scheme's name") or scheme_id,
                               tuple(levels), default_id)


def _workflow_scheme(data: Any) -> WorkflowScheme:
    d = shape.obj(data, "the workflow scheme")
    scheme_id = shape.opt_text(d.get("id"), "the workflow scheme's id") or "default"
    mappings = shape.opt_obj(d.get("issueTypeMappings"), "the issue type mappings") or {}
    return WorkflowScheme(
        scheme_id, shape.opt_text(d.get("name"), "the workflow scheme's name") or "Default Workflow Scheme",
        shape.opt_text(d.get("defaultWorkflow"), "the default workflow") or "jira",
        frozen_map({shape.text(k, "an issue type id"): shape.text(v, f"the workflow of issue type {k}")
                    for k, v in mappings.items()}))


def _issue_type_statuses(data: Any) -> list[tuple[str, list[WorkflowStatus]]]:
    out = []
    for item in shape.items(data, "the issue types"):
        t = shape.obj(item, "an issue type")
        type_id = shape.text(t.get("id"), "an issue type's id")
        statuses = []
        for st in shape.items(t.get("statuses"), f"issue type {type_id}'s statuses"):
            s = shape.obj(st, "a status")
            sid = shape.text(s.get("id"), "a status id")
            statuses.append(WorkflowStatus(sid, shape.opt_text(s.get("name"), f"status {sid}'s name") or sid))
        out.append((type_id, statuses))
    return out


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


def _issue(data: Any) -> tuple[Issue, list]:
    """The issue, and the users it names (to remember their usernames)."""
    d = shape.obj(data, "the issue")
    key = shape.text(d.get("key"), "the issue's key")
    fields = shape.opt_obj(d.get("fields"), f"issue {key}'s fields") or {}
    schema = shape.opt_obj(d.get("schema"), f"issue {key}'s schema") or {}
    issue_type = shape.opt_obj(fields.get("issuetype"), f"issue {key}'s type") or {}
    status = shape.opt_obj(fields.get("status"), f"issue {key}'s status") or {}
    project = shape.opt_obj(fields.get("project"), f"issue {key}'s project") or {}
    security = shape.opt_obj(fields.get("security"), f"issue {key}'s security level")
    parent = shape.opt_obj(fields.get("parent"), f"issue {key}'s parent")
    subtask = issue_type.get("subtask") is True
    user_fields: dict[str, tuple[str, ...]] = {}
    group_fields: dict[str, tuple[str, ...]] = {}
    people: list = []
    for fid, value in fields.items():
        if not fid.startswith("customfield_"):
            continue
        kind = _field_kind(schema.get(fid), value)
        values = value if isinstance(value, list) else [] if value is None else [value]
        if kind == "user":
            found = [shape.obj(v, f"a user in {fid}") for v in values]
            user_fields[fid] = tuple(shape.text(v.get("key"), f"a user key in {fid}") for v in found)
            people += found
        elif kind == "group":
            group_fields[fid] = tuple(shape.text(shape.obj(v, f"a group in {fid}").get("name"), f"a group in {fid}")
                                      for v in values)
    who: dict[str, str | None] = {}
    for role in ("reporter", "assignee"):
        person = shape.opt_obj(fields.get(role), f"issue {key}'s {role}")
        who[role] = shape.text(person.get("key"), f"issue {key}'s {role} key") if person else None
        if person:
            people.append(person)
    return Issue(
        key=key, id=shape.opt_text(d.get("id"), f"issue {key}'s id") or "",
        project_key=(shape.opt_text(project.get("key"), f"issue {key}'s project key") or key.rsplit("-", 1)[0]).upper(),
        issue_type=IssueType(shape.opt_text(issue_type.get("id"), f"issue {key}'s type id") or "",
                             shape.opt_text(issue_type.get("name"), f"issue {key}'s type name") or "", subtask),
        status_id=shape.opt_text(status.get("id"), f"issue {key}'s status id") or "",
        status_name=shape.opt_text(status.get("name"), f"issue {key}'s status name") or "",
        parent_key=shape.text(parent.get("key"), f"issue {key}'s parent key") if subtask and parent else None,
        security_level_id=shape.opt_text(security.get("id"), f"issue {key}'s level") if security else None,
        reporter=who["reporter"], assignee=who["assignee"],
        user_fields=frozen_map(user_fields), group_fields=frozen_map(group_fields),
        archived=bool(fields.get("archiveddate")),  # DC 8.1+: archived issues carry their archiving date
        summary=shape.opt_text(fields.get("summary"), f"issue {key}'s summary") or "",
    ), people


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
