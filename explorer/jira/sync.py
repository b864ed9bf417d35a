"""Sync: read one Jira Cloud site's permission configuration into a :class:`Snapshot`.

Only these Cloud REST v3 endpoints are used (docs/sync.md explains each):
serverInfo, myself; project/search (live and archived); project/{key}/permissionscheme;
permissionscheme?expand=all; project/{key}/role and project/{key}/role/{id}; users/search;
group/bulk; group/member?includeInactiveUsers=true; applicationrole;
project/{key}/issuesecuritylevelscheme; issuesecurityschemes/{id}; issuesecurityschemes/level/member;
permissions; POST permissions/check (global permissions per account); issue/{key};
workflowscheme/project and POST workflows.

Work runs concurrently (the client bounds it); each scheme and workflow is
fetched once however many projects share it.  A 403 or 404 on one fact is
recorded in the snapshot's completeness list and the sync goes on; only a
failure that makes everything unreadable (authentication, wrong site, network)
ends it.  Nothing is written here: the caller writes the returned snapshot, so
a cancelled or failed sync leaves no file.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from explorer import __version__
from explorer.core.errors import UserError
from explorer.core.model import (
    Account,
    AccountType,
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
from explorer.jira.client import API, AuthenticationFailed, JiraClient, NotFound, PermissionDenied, WrongSite

T = TypeVar("T")

# What would let the syncing account read each kind of fact (for the summary of gaps).
NEEDED: dict[FactKind, str] = {
    FactKind.ACCOUNTS: "the global permission Browse users and groups",
    FactKind.GROUPS: "the global permission Browse users and groups",
    FactKind.GROUP_MEMBERS: "Browse users and groups or Administer Jira",
    FactKind.APPLICATION_ROLES: "Administer Jira",
    FactKind.PROJECTS: "Browse Projects in the project",
    FactKind.PROJECT_PERMISSION_SCHEME: "Administer Projects in the project, or Administer Jira",
    FactKind.PERMISSION_SCHEME: "access to Jira",
    FactKind.PROJECT_ROLES: "Administer Projects in the project, or Administer Jira",
    FactKind.PROJECT_ISSUE_SECURITY: "Administer Projects in the project, or Administer Jira",
    FactKind.ISSUE_SECURITY_SCHEME: "Administer Jira",
    FactKind.PROJECT_WORKFLOWS: "Administer Jira",
    FactKind.WORKFLOW: "Administer Jira",
    FactKind.GLOBAL_PERMISSIONS: "Administer Jira (to ask Jira about accounts other than your own)",
    FactKind.ISSUE: "Browse Projects in the issue's project and clearance for its security level",
    FactKind.TEAM_ROLES: "nothing: Jira's REST API does not publish team-managed role permissions",
}

_KIND_ORDER = {kind: i for i, kind in enumerate(FactKind)}
_PROJECT_TYPES = {t.value: t for t in ProjectType}
_ACCOUNT_TYPES = {"atlassian": AccountType.ATLASSIAN, "app": AccountType.APP, "customer": AccountType.CUSTOMER}
_ROLE_ID = re.compile(r"/role/(\d+)/?$")
_WORKFLOW_BATCH = 25  # workflow names per POST /workflows
_PROJECT_ID_BATCH = 100  # projectId values per workflowscheme/project (the API's maximum)
_KEY_BATCH = 50  # keys per project/search (the API's maximum)


# ---------------------------------------------------------------------------- progress


@dataclass
class SyncProgress:
    """What the sync is doing, for a progress display (the CLI reads it; nothing here prints)."""

    phase: str = "starting"
    counts: dict[str, list[int]] = field(default_factory=dict)  # label -> [done, expected]

    def expect(self, label: str, n: int) -> None:
        self.counts.setdefault(label, [0, 0])[1] += n

    def done(self, label: str, n: int = 1) -> None:
        self.counts.setdefault(label, [0, 0])[0] += n

    def say(self, phase: str) -> None:
        self.phase = phase


# ---------------------------------------------------------------------------- entry point


async def sync_site(
    client: JiraClient,
    *,
    projects: Sequence[str] = (),
    issues: Sequence[str] = (),
    progress: SyncProgress | None = None,
    now: Callable[[], datetime] | None = None,
) -> Snapshot:
    """Read the site behind ``client`` into a snapshot.

    ``projects`` limits the sync to those project keys (the project list is then
    recorded as truncated); ``issues`` adds those issues (and the parents of
    sub-tasks).  Raises :class:`UserError` (one line) when the site cannot be
    read at all; forbidden or missing facts are recorded, not raised.
    """
    run = _Sync(client, [p.upper() for p in projects], [i.upper() for i in issues], progress or SyncProgress())
    snapshot = await run.run()
    taken = (now or (lambda: datetime.now(UTC)))()
    return _with_time(snapshot, taken)


def gap_summary(snapshot: Snapshot) -> list[str]:
    """One line per kind of missing fact, with what would give it (for the sync's closing summary)."""
    by_kind: dict[tuple[FactKind, Status], list[Fact]] = {}
    for fact in snapshot.gaps:
        by_kind.setdefault((fact.kind, fact.status), []).append(fact)
    lines = []
    for (kind, status), facts in sorted(by_kind.items(), key=lambda kv: (_KIND_ORDER[kv[0][0]], kv[0][1].value)):
        what = kind.value.replace("_", " ")
        subjects = [f.subject for f in facts if f.subject is not None]
        shown = ", ".join(subjects[:5]) + (f" and {len(subjects) - 5} more" if len(subjects) > 5 else "")
        head = f"{what} ({shown})" if shown else what
        if status is Status.FORBIDDEN:
            lines.append(f"{head}: refused; needs {NEEDED[kind]}")
        elif status is Status.NOT_FOUND:
            lines.append(f"{head}: not found (or not visible to this account; needs {NEEDED[kind]})")
        else:
            detail = facts[0].detail
            lines.append(f"{head}: {status.value.replace('_', ' ')}" + (f" ({detail})" if detail else ""))
    return lines


# ---------------------------------------------------------------------------- the run


class _Sync:
    def __init__(self, client: JiraClient, projects: list[str], issues: list[str], progress: SyncProgress):
        self.c = client
        self.want_projects = list(dict.fromkeys(projects))
        self.want_issues = list(dict.fromkeys(issues))
        self.progress = progress
        self.facts: dict[tuple[FactKind, str | None], Fact] = {}
        self._auth_lock = asyncio.Lock()
        self._logged_in: bool | None = None
        self._security: dict[str, asyncio.Task[IssueSecurityScheme | None]] = {}
        # results
        self.site: Site | None = None
        self.me: dict = {}
        self.accounts: list[Account] = []
        self.groups: list[Group] = []
        self.app_roles: list[ApplicationRole] = []
        self.schemes: list[PermissionScheme] | None = []
        self.projects: list[Project] = []
        self.roles: dict[str, Role] = {}
        self.workflows: dict[str, Workflow] = {}
        self.workflow_schemes: dict[str, WorkflowScheme] = {}
        self.global_perms: dict[str, frozenset[str]] = {}
        self.issues: dict[str, Issue] = {}
        self._accounts_ready = asyncio.Event()
        self._members_ready = asyncio.Event()
        self._extra_accounts: dict[str, Account] = {}

    # ---- facts -------------------------------------------------------------------------------

    def record(self, kind: FactKind, subject: str | None, status: Status, endpoint: str, detail: str = "") -> None:
        key = (kind, subject)
        old = self.facts.get(key)
        if old is not None and old.status is not Status.COMPLETE:
            return  # the first problem found is the one reported
        self.facts[key] = Fact(kind, subject, status, endpoint, detail)

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
            # Some endpoints (POST /workflows, project roles) answer 401 to a logged-in account lacking permission.
            self.record(kind, subject, Status.FORBIDDEN, endpoint, f"HTTP 401 while logged in: needs {NEEDED[kind]}")
        return None

    async def _still_logged_in(self) -> bool:
        """After a 401 mid-sync: do the credentials still work (then the 401 meant "not allowed")?"""
        async with self._auth_lock:
            if self._logged_in is None:
                try:
                    await self.c.get(f"{API}/myself")
                    self._logged_in = True
                except AuthenticationFailed:
                    self._logged_in = False
            return self._logged_in

    # ---- orchestration -------------------------------------------------------------------------

    async def run(self) -> Snapshot:
        self.progress.say("checking the site and the account")
        # one after the other, so a failure always names the same endpoint: the site first, then the account
        info, = await all_of([self.c.get(f"{API}/serverInfo")], wrong_site=self.c.site)
        me, = await all_of([self.c.get(f"{API}/myself")], wrong_site=self.c.site)
        self.site = _site(self.c.site, info)
        if not isinstance(me, dict) or not me.get("accountId"):
            raise WrongSite(f"wrong site: {self.c.site} did not return the logged-in account for "
                            f"{API}/myself; check the site URL")
        self.me = me
        self.progress.say("reading the site")
        try:
            if self.want_projects and self.want_issues:
                await self.issues_part()  # their projects join the project list
                await all_of([self.people_part(), self.projects_part(), self.app_roles_part(),
                              self.schemes_part(), self.global_part()])
            else:
                await all_of([self.people_part(), self.projects_part(), self.app_roles_part(),
                              self.schemes_part(), self.global_part(), self.issues_part()])
        finally:
            pending = [t for t in self._security.values() if not t.done()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._security.values(), return_exceptions=True)
        self.progress.say("done")
        return self.snapshot()

    # ---- accounts and groups -------------------------------------------------------------------

    async def people_part(self) -> None:
        try:
            await all_of([self.accounts_part(), self.groups_part()])
        finally:
            self._accounts_ready.set()
            self._members_ready.set()

    async def accounts_part(self) -> None:
        endpoint = f"GET {API}/users/search"
        self.progress.say("fetching accounts")
        users = await self.fetch(FactKind.ACCOUNTS, None, endpoint,
                                 self.c.offset_array(f"{API}/users/search", page_size=1000))
        if users is not None:
            self.accounts = [_account(u) for u in users if isinstance(u, dict) and u.get("accountId")]
            self.progress.done("accounts", len(self.accounts))
            if self.accounts:
                self.record(FactKind.ACCOUNTS, None, Status.COMPLETE, endpoint)
            else:
                self.record(FactKind.ACCOUNTS, None, Status.TRUNCATED, endpoint,
                            f"users/search returned no accounts: needs {NEEDED[FactKind.ACCOUNTS]}")
        self._accounts_ready.set()

    async def groups_part(self) -> None:
        endpoint = f"GET {API}/group/bulk"
        self.progress.say("fetching groups")
        found = await self.fetch(FactKind.GROUPS, None, endpoint, self.c.page_bean(f"{API}/group/bulk", page_size=50))
        if found is None:
            return
        details = [(str(g.get("name")), str(g.get("groupId") or "")) for g in found if isinstance(g, dict)
                   and g.get("name")]
        self.record(FactKind.GROUPS, None, Status.COMPLETE, endpoint)
        self.progress.expect("group members", len(details))
        members = await all_of([self.members_of(name, gid) for name, gid in details])
        self.groups = [Group(name, gid, tuple(m or ())) for (name, gid), m in zip(details, members)]
        self._members_ready.set()

    async def members_of(self, name: str, group_id: str) -> list[str] | None:
        params: list[tuple[str, str | int | bool]] = [("groupId", group_id)] if group_id else [("groupname", name)]
        params.append(("includeInactiveUsers", "true"))
        users = await self.fetch(FactKind.GROUP_MEMBERS, name, f"GET {API}/group/member",
                                 self.c.page_bean(f"{API}/group/member", params, page_size=50))
        self.progress.done("group members")
        if users is None:
            return None
        ids = []
        for user in users:
            if isinstance(user, dict) and user.get("accountId"):
                ids.append(str(user["accountId"]))
                self._extra_accounts.setdefault(str(user["accountId"]), _account(user))
        return ids

    # ---- products and schemes ------------------------------------------------------------------

    async def app_roles_part(self) -> None:
        endpoint = f"GET {API}/applicationrole"
        roles = await self.fetch(FactKind.APPLICATION_ROLES, None, endpoint, self.c.get(f"{API}/applicationrole"))
        if roles is None:
            return
        for role in roles if isinstance(roles, list) else []:
            if not isinstance(role, dict) or not role.get("key"):
                continue
            groups = _group_names(role.get("groupDetails"), role.get("groups"))
            defaults = _group_names(role.get("defaultGroupsDetails"), role.get("defaultGroups"))
            self.app_roles.append(ApplicationRole(str(role["key"]), str(role.get("name") or role["key"]),
                                                  groups, defaults))
        self.app_roles.sort(key=lambda r: r.key)
        self.record(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, endpoint)

    async def schemes_part(self) -> None:
        self.progress.say("fetching permission schemes")
        try:
            data = await self.c.get(f"{API}/permissionscheme", [("expand", "all")])
        except (PermissionDenied, NotFound) as e:
            self.schemes = None  # recorded per project once the projects are known
            self._schemes_error = f"HTTP {e.status}: needs {NEEDED[FactKind.PERMISSION_SCHEME]}"
            return
        found = data.get("permissionSchemes", []) if isinstance(data, dict) else []
        self.schemes = sorted((_permission_scheme(s) for s in found if isinstance(s, dict) and "id" in s),
                              key=lambda s: _id_order(s.id))
        self.progress.done("permission schemes", len(self.schemes))

    # ---- projects ------------------------------------------------------------------------------

    async def projects_part(self) -> None:
        endpoint = f"GET {API}/project/search?status=live&status=archived"
        self.progress.say("fetching projects")
        base: list[tuple[str, str | int | bool]] = [("status", "live"), ("status", "archived"), ("expand", "lead")]
        if self.want_projects:
            batches = [self.want_projects[i:i + _KEY_BATCH] for i in range(0, len(self.want_projects), _KEY_BATCH)]
            pages = await all_of([self.c.page_bean(f"{API}/project/search", [*base, *[("keys", k) for k in b]],
                                                   page_size=100) for b in batches])
            found = [p for page in pages for p in page]
        else:
            found = await self.c.page_bean(f"{API}/project/search", base, page_size=100)
        raw = {str(p["key"]).upper(): p for p in found if isinstance(p, dict) and p.get("key") and p.get("id")}
        if self.want_projects:
            missing = [k for k in self.want_projects if k not in raw]
            if missing:
                raise UserError(f"project {', '.join(missing)} is not on {self.c.site} or not visible to this "
                                "account: check the key (without --project the sync reads every visible project)")
            self.record(FactKind.PROJECTS, None, Status.TRUNCATED, endpoint,
                        "only the projects asked for: " + ", ".join(self.want_projects))
        else:
            self.record(FactKind.PROJECTS, None, Status.COMPLETE, endpoint)
        ordered = [raw[k] for k in sorted(raw)]
        self.progress.expect("projects", len(ordered))
        self.projects = await all_of([self.project(p) for p in ordered])
        self.progress.say("fetching workflows")
        await self.workflows_part()

    async def project(self, data: dict) -> Project:
        key = str(data["key"]).upper()
        team_managed = data.get("style") == "next-gen" or data.get("simplified") is True
        scheme_id, actors, security_id = await all_of([self.project_scheme(key), self.project_roles(key),
                                                       self.project_security(key)])
        if team_managed and scheme_id is None and (FactKind.PROJECT_PERMISSION_SCHEME, key) not in self.facts:
            self.record(FactKind.TEAM_ROLES, key, Status.NOT_FETCHED, "", NEEDED[FactKind.TEAM_ROLES])
        project_type = _PROJECT_TYPES.get(str(data.get("projectTypeKey") or "software"), ProjectType.SOFTWARE)
        customer_role = None
        if project_type is ProjectType.SERVICE_DESK:
            customer_role = next((rid for rid in actors or {} if self.roles.get(rid) and
                                  self.roles[rid].name == "Service Desk Customers"), None)
        lead = data.get("lead") if isinstance(data.get("lead"), dict) else {}
        self.progress.done("projects")
        return Project(
            id=str(data["id"]), key=key, name=str(data.get("name") or key), project_type=project_type,
            team_managed=team_managed, archived=data.get("archived") is True,
            lead=str(lead["accountId"]) if lead.get("accountId") else None,
            permission_scheme_id=scheme_id, issue_security_scheme_id=security_id,
            role_actors=frozen_map({k: v for k, v in (actors or {}).items() if v.users or v.groups}),
            customer_role_id=customer_role,
        )

    async def project_scheme(self, key: str) -> str | None:
        data = await self.fetch(FactKind.PROJECT_PERMISSION_SCHEME, key, f"GET {API}/project/{key}/permissionscheme",
                                self.c.get(f"{API}/project/{key}/permissionscheme"))
        if isinstance(data, dict) and data.get("id") is not None:
            return str(data["id"])
        return None

    async def project_roles(self, key: str) -> dict[str, RoleActors] | None:
        endpoint = f"GET {API}/project/{key}/role"
        names = await self.fetch(FactKind.PROJECT_ROLES, key, endpoint, self.c.get(f"{API}/project/{key}/role"))
        if not isinstance(names, dict):
            return None
        ids = sorted({m.group(1) for url in names.values() if isinstance(url, str) and (m := _ROLE_ID.search(url))},
                     key=_id_order)
        details = await all_of([self.fetch(FactKind.PROJECT_ROLES, key, f"GET {API}/project/{key}/role/{{id}}",
                                           self.c.get(f"{API}/project/{key}/role/{rid}")) for rid in ids])
        actors: dict[str, RoleActors] = {}
        for rid, role in zip(ids, details):
            if not isinstance(role, dict):
                continue
            if rid not in self.roles:
                self.roles[rid] = Role(rid, str(role.get("name") or f"role {rid}"), str(role.get("description") or ""))
            users, groups = [], []
            for actor in role.get("actors") or []:
                if not isinstance(actor, dict):
                    continue
                user = actor.get("actorUser") if isinstance(actor.get("actorUser"), dict) else {}
                group = actor.get("actorGroup") if isinstance(actor.get("actorGroup"), dict) else {}
                if user.get("accountId"):
                    users.append(str(user["accountId"]))
                elif group.get("name") or group.get("displayName"):
                    groups.append(str(group.get("name") or group.get("displayName")))
            actors[rid] = RoleActors(tuple(users), tuple(groups))
        return actors

    async def project_security(self, key: str) -> str | None:
        endpoint = f"GET {API}/project/{key}/issuesecuritylevelscheme"
        try:
            data = await self.c.get(f"{API}/project/{key}/issuesecuritylevelscheme")
        except NotFound:
            # The project is visible (project/search listed it), so 404 means it uses no issue security scheme.
            return None
        except (PermissionDenied, AuthenticationFailed) as e:
            await self.fetch(FactKind.PROJECT_ISSUE_SECURITY, key, endpoint, _raise(e))
            return None
        if not isinstance(data, dict) or data.get("id") is None:
            return None
        scheme_id = str(data["id"])
        if scheme_id not in self._security:
            self._security[scheme_id] = asyncio.ensure_future(self.security_scheme(scheme_id))
        await asyncio.shield(self._security[scheme_id])
        return scheme_id

    async def security_scheme(self, scheme_id: str) -> IssueSecurityScheme | None:
        kind = FactKind.ISSUE_SECURITY_SCHEME
        scheme, members = await all_of([
            self.fetch(kind, scheme_id, f"GET {API}/issuesecurityschemes/{scheme_id}",
                       self.c.get(f"{API}/issuesecurityschemes/{scheme_id}")),
            self.fetch(kind, scheme_id, f"GET {API}/issuesecurityschemes/level/member",
                       self.c.page_bean(f"{API}/issuesecurityschemes/level/member", [("schemeId", scheme_id)],
                                        page_size=50)),
        ])
        if not isinstance(scheme, dict) or members is None:
            return None  # levels without their members would read as "nobody": leave the scheme out, gap recorded
        by_level: dict[str, list[Holder]] = {}
        for member in members or []:
            if isinstance(member, dict) and isinstance(member.get("holder"), dict):
                by_level.setdefault(str(member.get("issueSecurityLevelId")), []).append(_holder(member["holder"]))
        levels = tuple(
            SecurityLevel(str(lv["id"]), str(lv.get("name") or lv["id"]), tuple(by_level.get(str(lv["id"]), ())),
                          str(lv.get("description") or ""))
            for lv in scheme.get("levels") or [] if isinstance(lv, dict) and lv.get("id") is not None)
        default = scheme.get("defaultSecurityLevelId")
        self.progress.done("issue security schemes")
        return IssueSecurityScheme(scheme_id, str(scheme.get("name") or scheme_id), levels,
                                   str(default) if default is not None else None)

    # ---- workflows -----------------------------------------------------------------------------

    async def workflows_part(self) -> None:
        endpoint = f"GET {API}/workflowscheme/project"
        classic = [p for p in self.projects if not p.team_managed]
        for p in self.projects:
            if p.team_managed:
                self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.NOT_FETCHED, endpoint,
                            "team-managed project: workflowscheme/project does not cover it")
        batches = [classic[i:i + _PROJECT_ID_BATCH] for i in range(0, len(classic), _PROJECT_ID_BATCH)]
        answers = await all_of([self._workflow_schemes(batch) for batch in batches])
        scheme_of: dict[str, str] = {}
        for batch, answer in zip(batches, answers):
            if answer is None:
                for p in batch:
                    self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.FORBIDDEN, endpoint,
                                f"HTTP 403: needs {NEEDED[FactKind.PROJECT_WORKFLOWS]}")
                continue
            for item in answer.get("values") or [] if isinstance(answer, dict) else []:
                scheme = _workflow_scheme(item.get("workflowScheme") or {})
                self.workflow_schemes.setdefault(scheme.id, scheme)
                for pid in item.get("projectIds") or []:
                    scheme_of[str(pid)] = scheme.id
            for p in batch:
                if p.id not in scheme_of:
                    self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.NOT_FOUND, endpoint,
                                "Jira returned no workflow scheme for the project")
        self.projects = [_with_workflow_scheme(p, scheme_of.get(p.id)) for p in self.projects]
        names = sorted({n for s in self.workflow_schemes.values()
                        for n in (s.default_workflow, *s.issue_type_workflows.values())})
        self.progress.expect("workflows", len(names))
        batches_n = [names[i:i + _WORKFLOW_BATCH] for i in range(0, len(names), _WORKFLOW_BATCH)]
        await all_of([self._workflows(batch) for batch in batches_n])

    async def _workflow_schemes(self, batch: list[Project]) -> Any:
        try:
            return await self.c.get(f"{API}/workflowscheme/project", [("projectId", p.id) for p in batch])
        except (PermissionDenied, NotFound):
            return None
        except AuthenticationFailed:
            if not await self._still_logged_in():
                raise
            return None

    async def _workflows(self, names: list[str]) -> None:
        endpoint = f"POST {API}/workflows"
        try:
            data = await self.c.post(f"{API}/workflows", {"workflowNames": names})
        except (PermissionDenied, NotFound, AuthenticationFailed) as e:
            if isinstance(e, AuthenticationFailed) and not await self._still_logged_in():
                raise
            status = Status.NOT_FOUND if isinstance(e, NotFound) else Status.FORBIDDEN
            for name in names:
                self.record(FactKind.WORKFLOW, name, status, endpoint,
                            f"HTTP {e.status}: needs {NEEDED[FactKind.WORKFLOW]}")
            return
        data = data if isinstance(data, dict) else {}
        statuses = {}
        for s in data.get("statuses") or []:
            if isinstance(s, dict) and s.get("id") is not None:
                statuses[str(s.get("statusReference") or s["id"])] = (str(s["id"]), str(s.get("name") or s["id"]))
        for wf in data.get("workflows") or []:
            if not isinstance(wf, dict) or not wf.get("name") or wf["name"] not in names:
                continue
            listed = []
            for st in wf.get("statuses") or []:
                if not isinstance(st, dict) or st.get("statusReference") is None:
                    continue
                ref = str(st["statusReference"])
                sid, sname = statuses.get(ref, (ref, ref))
                props = {str(k): _string(v) for k, v in (st.get("properties") or {}).items()}
                listed.append(WorkflowStatus(sid, sname, frozen_map(props)))
            self.workflows[str(wf["name"])] = Workflow(str(wf["name"]), tuple(listed))
        for name in names:
            if name not in self.workflows:
                self.record(FactKind.WORKFLOW, name, Status.NOT_FOUND, endpoint, "Jira did not return this workflow")
        self.progress.done("workflows", len(names))

    # ---- global permissions --------------------------------------------------------------------

    async def global_part(self) -> None:
        endpoint = f"POST {API}/permissions/check"
        data = await self.fetch(FactKind.GLOBAL_PERMISSIONS, None, f"GET {API}/permissions",
                                self.c.get(f"{API}/permissions"))
        table = data.get("permissions") if isinstance(data, dict) else None
        keys = sorted(k for k, v in (table or {}).items() if isinstance(v, dict) and v.get("type") == "GLOBAL")
        if not keys:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.NOT_FETCHED, f"GET {API}/permissions",
                        "Jira listed no global permissions")
            return
        me = str(self.me["accountId"])
        mine = await self._check_globals(keys, None)
        self.global_perms[me] = mine
        if "ADMINISTER" not in mine:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.FORBIDDEN, endpoint,
                        f"only the syncing account's own global permissions are known; needs "
                        f"{NEEDED[FactKind.GLOBAL_PERMISSIONS]}")
            return
        await self._accounts_ready.wait()
        await self._members_ready.wait()
        groups_of: dict[str, set[str]] = {}
        for group in self.groups:
            for member in group.members:
                groups_of.setdefault(member, set()).add(group.name)
        classes: dict[tuple[frozenset[str], AccountType], list[str]] = {}
        for account in self._all_accounts():
            if account.active:
                kind = (frozenset(groups_of.get(account.account_id, ())), account.account_type)
                classes.setdefault(kind, []).append(account.account_id)
        asks: list[tuple[str, list[str]]] = []
        for members in classes.values():
            members.sort()
            asks.append((me if me in members else members[0], members))
        self.progress.expect("global permission checks", sum(1 for who, _ in asks if who != me))

        async def ask(who: str, members: list[str]) -> None:
            held = mine if who == me else await self._check_globals(keys, who)
            if who != me:
                self.progress.done("global permission checks")
            for account_id in members:
                self.global_perms[account_id] = held

        try:
            await all_of([ask(who, members) for who, members in asks])
        except PermissionDenied:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.FORBIDDEN, endpoint,
                        f"HTTP 403: needs {NEEDED[FactKind.GLOBAL_PERMISSIONS]}")
            self.global_perms = {me: mine}
            return
        unknown = [g.name for g in self.groups if (FactKind.GROUP_MEMBERS, g.name) in self.facts]
        detail = (f"asked Jira for {len(asks)} accounts, one per distinct set of groups and account type; the "
                  "others in each set share its answer")
        if unknown or (FactKind.GROUPS, None) not in self.facts:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.TRUNCATED, endpoint,
                        detail + "; group members were not all readable, so accounts may have been grouped wrongly")
        else:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.COMPLETE, endpoint, detail)

    async def _check_globals(self, keys: list[str], account_id: str | None) -> frozenset[str]:
        body: dict[str, Any] = {"globalPermissions": keys, "projectPermissions": []}
        if account_id is not None:
            body["accountId"] = account_id
        data = await self.c.post(f"{API}/permissions/check", body)
        granted = data.get("globalPermissions") if isinstance(data, dict) else None
        return frozenset(str(k) for k in granted or [])

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
        data = await self.fetch(FactKind.ISSUE, key, endpoint,
                                self.c.get(f"{API}/issue/{key}", [("expand", "schema")]))
        if parent_of is None:
            self.progress.done("issues")
        if not isinstance(data, dict) or not data.get("key"):
            return
        issue = _issue(data)
        if issue.key != key and parent_of is None:
            self.record(FactKind.ISSUE, key, Status.COMPLETE, endpoint, f"Jira answered with issue {issue.key}")
        self.issues.setdefault(issue.key, issue)
        if issue.parent_key and issue.parent_key not in self.issues and issue.parent_key not in self.want_issues:
            await self.issue(issue.parent_key, parent_of=issue.key)

    # ---- assembly ------------------------------------------------------------------------------

    def _all_accounts(self) -> list[Account]:
        known = {a.account_id for a in self.accounts}
        extra = [a for aid, a in sorted(self._extra_accounts.items()) if aid not in known]
        return [*self.accounts, *extra]

    def snapshot(self) -> Snapshot:
        assert self.site is not None
        schemes = self.schemes
        if schemes is None:
            for p in self.projects:
                if p.permission_scheme_id is not None:
                    self.record(FactKind.PERMISSION_SCHEME, p.permission_scheme_id, Status.FORBIDDEN,
                                f"GET {API}/permissionscheme?expand=all", getattr(self, "_schemes_error", ""))
            schemes = []
        me = str(self.me.get("accountId") or "")
        listed = self.facts.get((FactKind.PROJECTS, None))
        if me in self.global_perms and "ADMINISTER" not in self.global_perms[me] and listed is not None \
                and listed.status is Status.COMPLETE:
            self.facts[(FactKind.PROJECTS, None)] = Fact(
                FactKind.PROJECTS, None, Status.TRUNCATED, listed.endpoint,
                "only the projects this account can browse; a Jira admin's sync lists every project")
        security = [t.result() for _, t in sorted(self._security.items(), key=lambda kv: _id_order(kv[0]))
                    if t.done() and not t.cancelled() and t.exception() is None and t.result() is not None]
        note = []
        if self.want_projects:
            note.append("projects: " + ", ".join(self.want_projects))
        if self.want_issues:
            note.append("issues: " + ", ".join(self.want_issues))
        facts = sorted(self.facts.values(), key=lambda f: (_KIND_ORDER[f.kind], f.subject or ""))
        return Snapshot(
            site=self.site,
            provenance=Provenance(taken_at="", taken_by=str(self.me.get("accountId") or ""),
                                  tool_version=__version__, note="; ".join(note)),
            accounts=tuple(self._all_accounts()),
            groups=tuple(self.groups),
            application_roles=tuple(self.app_roles),
            projects=tuple(self.projects),
            permission_schemes=tuple(schemes),
            roles=tuple(sorted(self.roles.values(), key=lambda r: _id_order(r.id))),
            issue_security_schemes=tuple(security),
            workflows=tuple(self.workflows[n] for n in sorted(self.workflows)),
            workflow_schemes=tuple(self.workflow_schemes[k] for k in sorted(self.workflow_schemes, key=_id_order)),
            account_global_permissions=frozen_map(dict(sorted(self.global_perms.items()))),
            issues=tuple(self.issues[k] for k in sorted(self.issues, key=_issue_order)),
            facts=tuple(facts),
        )


# ---------------------------------------------------------------------------- concurrency helper


async def all_of(calls: Iterable[Awaitable[Any]], *, wrong_site: str | None = None) -> list[Any]:
    """Run awaitables concurrently and return their results in order.

    The first failure cancels the others and is raised as it is (not as an
    exception group), so a :class:`UserError` stays one line.  With
    ``wrong_site``, a 404 means the URL is not a Jira Cloud site.
    """
    tasks = [asyncio.ensure_future(c) for c in calls]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                error = task.exception()
                if wrong_site and isinstance(error, NotFound):
                    raise WrongSite(f"wrong site: {wrong_site} has no Jira Cloud REST API ({error.endpoint} answered "
                                    "HTTP 404); check the site URL (Jira Cloud sites look like "
                                    "https://your-domain.atlassian.net)", status=404, endpoint=error.endpoint)
                assert error is not None
                raise error
        return [t.result() for t in tasks]
    finally:
        pending = [t for t in tasks if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for task in tasks:  # mark every failure as seen: only the first is raised
            if not task.cancelled():
                task.exception()


async def _raise(error: BaseException) -> Any:
    raise error


# ---------------------------------------------------------------------------- converters


def _with_time(snapshot: Snapshot, taken: datetime) -> Snapshot:
    stamp = taken.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return replace(snapshot, provenance=replace(snapshot.provenance, taken_at=stamp))


def _site(url: str, info: Any) -> Site:
    if not isinstance(info, dict) or not (info.get("baseUrl") or info.get("version")):
        raise WrongSite(f"wrong site: {url} did not describe itself like Jira ({API}/serverInfo); check the site URL")
    kind = str(info.get("deploymentType") or "Cloud")
    if kind.lower() != "cloud":
        raise UserError(f"{url} is Jira {kind}: jira-perms sync reads Jira Cloud sites only")
    return Site(url=url, deployment=Deployment.CLOUD, server_version=str(info.get("version") or ""),
                title=str(info.get("serverTitle") or ""))


def _account(user: dict) -> Account:
    email = user.get("emailAddress")
    return Account(
        account_id=str(user["accountId"]),
        display_name=str(user.get("displayName") or user["accountId"]),
        email=str(email) if email is not None else None,
        active=user.get("active") is not False,
        account_type=_ACCOUNT_TYPES.get(str(user.get("accountType") or "atlassian"), AccountType.ATLASSIAN),
    )


def _group_names(details: Any, names: Any) -> tuple[str, ...]:
    if isinstance(details, list) and details:
        return tuple(str(d["name"]) for d in details if isinstance(d, dict) and d.get("name"))
    return tuple(str(n) for n in names or [] if n)


def _holder(data: dict) -> Holder:
    parameter = data.get("parameter")
    value = data.get("value")
    return Holder(str(data.get("type") or "unknown"), str(parameter) if parameter is not None else None,
                  str(value) if value is not None else None)


def _permission_scheme(data: dict) -> PermissionScheme:
    grants = tuple(
        Grant(str(g.get("id")), str(g.get("permission")), _holder(g.get("holder") or {}))
        for g in data.get("permissions") or [] if isinstance(g, dict) and g.get("permission"))
    return PermissionScheme(str(data["id"]), str(data.get("name") or data["id"]), grants,
                            str(data.get("description") or ""))


def _workflow_scheme(data: dict) -> WorkflowScheme:
    scheme_id = str(data["id"]) if data.get("id") is not None else "default"
    mappings = data.get("issueTypeMappings") if isinstance(data.get("issueTypeMappings"), dict) else {}
    return WorkflowScheme(scheme_id, str(data.get("name") or "Default Workflow Scheme"),
                          str(data.get("defaultWorkflow") or "jira"),
                          frozen_map({str(k): str(v) for k, v in mappings.items()}))


def _with_workflow_scheme(project: Project, scheme_id: str | None) -> Project:
    return replace(project, workflow_scheme_id=scheme_id) if scheme_id else project


def _issue(data: dict) -> Issue:
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
        kind = _field_kind(schema.get(fid), value)  # an empty user/group field is recorded empty, not left out
        values = value if isinstance(value, list) else [] if value is None else [value]
        if kind == "user":
            user_fields[fid] = tuple(str(v["accountId"]) for v in values if isinstance(v, dict) and v.get("accountId"))
        elif kind == "group":
            group_fields[fid] = tuple(str(v["name"]) for v in values if isinstance(v, dict) and v.get("name"))
    return Issue(
        key=str(data["key"]), id=str(data.get("id") or ""),
        project_key=str(project.get("key") or str(data["key"]).rsplit("-", 1)[0]).upper(),
        issue_type=IssueType(str(issue_type.get("id") or ""), str(issue_type.get("name") or ""), subtask),
        status_id=str(status.get("id") or ""), status_name=str(status.get("name") or ""),
        parent_key=str(parent["key"]) if subtask and parent and parent.get("key") else None,
        security_level_id=str(security["id"]) if security and security.get("id") is not None else None,
        reporter=_account_id(fields.get("reporter")), assignee=_account_id(fields.get("assignee")),
        user_fields=frozen_map(user_fields), group_fields=frozen_map(group_fields),
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
        if sample.get("accountId"):
            return "user"
        if sample.get("groupId") or (sample.get("name") and "self" in sample and "/group" in str(sample["self"])):
            return "group"
    return None


def _account_id(value: Any) -> str | None:
    return str(value["accountId"]) if isinstance(value, dict) and value.get("accountId") else None


def _string(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _id_order(value: str) -> tuple[int, int | str]:
    return (0, int(value)) if value.isdigit() else (1, value)


def _issue_order(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return (project, int(number)) if number.isdigit() else (key, 0)
