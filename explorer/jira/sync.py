"""Sync: read one Jira Cloud site's permission configuration into a :class:`Snapshot`.

Only these Cloud REST v3 endpoints are used (docs/sync.md explains each):
serverInfo, myself; project/search (live and archived); project/{key}/permissionscheme;
permissionscheme?expand=all; project/{key}/role and project/{key}/role/{id}; users/search;
group/bulk; group/member?includeInactiveUsers=true; applicationrole;
project/{key}/issuesecuritylevelscheme; issuesecurityschemes/{id}; issuesecurityschemes/level/member;
permissions; POST permissions/check (global permissions, see :mod:`explorer.jira.global_check`);
issue/{key}; workflowscheme/project and POST workflows.

Work runs concurrently (the client bounds it); each scheme and workflow is
fetched once however many projects share it.  A 403 or 404 on one fact, an
answer jira-perms cannot use (malformed or wrong-typed JSON, a corrupt
encoding, too large) or a list cut short is recorded in the snapshot's
completeness list with the reason, and the sync goes on; an object with a
malformed part is left out whole, so answers that depend on it say "cannot
determine".  Only a failure that makes everything unreadable (authentication,
wrong site, network, a deadline) ends it.  Nothing is written here: the caller
writes the returned snapshot, so a cancelled or failed sync leaves no file.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
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
from explorer.core.replay.references import reported_missing
from explorer.jira import shape
from explorer.jira.client import API, JiraClient, identify, path_segment
from explorer.jira.errors import (
    AuthenticationFailed,
    BadResponse,
    NotFound,
    PagingStopped,
    PermissionDenied,
    WrongSite,
)
from explorer.jira.global_check import GlobalCheck
from explorer.jira.scrub import clip, one_line
from explorer.jira.shape import Shape
from explorer.jira.tasks import all_of

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
_ROLE_ID = re.compile(r"/role/(\d{1,18})/?$")
_WORKFLOW_BATCH = 25  # workflow names per POST /workflows
_PROJECT_ID_BATCH = 100  # projectId values per workflowscheme/project (the API's maximum)
_KEY_BATCH = 50  # keys per project/search (the API's maximum)
PARENT_DEPTH = 3  # sub-task -> parent is one step in Jira; a longer chain is a misbehaving server
_UNUSABLE = "Jira's answer was unusable"


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
    info: dict | None = None,
    *,
    projects: Sequence[str] = (),
    issues: Sequence[str] = (),
    progress: SyncProgress | None = None,
    now: Callable[[], datetime] | None = None,
    infer_globals: bool = True,
) -> Snapshot:
    """Read the site behind ``client`` into a snapshot (``info``, its serverInfo, is not needed on Cloud).

    ``projects`` limits the sync to those project keys (the project list is then
    recorded as truncated); ``issues`` adds those issues (and the parents of
    sub-tasks).  Raises :class:`UserError` (one line) when the site cannot be
    read at all; forbidden, missing or unusable facts are recorded, not raised.
    ``infer_globals=False`` asks Jira about one account per group set instead of
    inferring global permission grants (the plain way, for comparison).
    """
    run = _Sync(client, [p.upper() for p in projects], [i.upper() for i in issues], progress or SyncProgress(),
                infer_globals)
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
        subjects = [clip(one_line(f.subject), 40) for f in facts if f.subject is not None]  # server text
        shown = ", ".join(subjects[:5]) + (f" and {len(subjects) - 5} more" if len(subjects) > 5 else "")
        head = f"{what} ({shown})" if shown else what
        if status is Status.FORBIDDEN:
            lines.append(f"{head}: refused; needs {_needs(facts[0])}")
        elif status is Status.NOT_FOUND:
            lines.append(f"{head}: not found (or not visible to this account; needs {_needs(facts[0])})")
        else:
            detail = clip(one_line(facts[0].detail), 300)
            lines.append(f"{head}: {status.value.replace('_', ' ')}" + (f" ({detail})" if detail else ""))
    return lines


def _needs(fact: Fact) -> str:
    """What would let the account read a refused fact: as the dialect's sync recorded it, else Cloud's rule."""
    at = fact.detail.find("needs ")
    return fact.detail[at + len("needs "):] if at >= 0 else NEEDED.get(fact.kind, "Administer Jira")


# ---------------------------------------------------------------------------- the run


class SyncRun:
    """What every dialect's sync shares: the completeness records, and turning a refusal, an unusable answer
    or a list cut short into a recorded gap.  ``API`` is the dialect's REST prefix, ``NEEDED`` what would let
    the syncing account read each kind of fact."""

    API = API
    NEEDED: dict[FactKind, str] = NEEDED

    def __init__(self, client: JiraClient, progress: SyncProgress):
        self.c = client
        self.progress = progress
        self.facts: dict[tuple[FactKind, str | None], Fact] = {}
        self._auth_lock = asyncio.Lock()
        self._logged_in: bool | None = None

    # ---- facts -------------------------------------------------------------------------------

    def record(self, kind: FactKind, subject: str | None, status: Status, endpoint: str, detail: str = "") -> None:
        key = (kind, subject)
        old = self.facts.get(key)
        if old is not None and old.status is not Status.COMPLETE:
            return  # the first problem found is the one reported
        self.facts[key] = Fact(kind, subject, status, endpoint, detail)

    def members_bound(self, accounts: int) -> int | None:
        """A group cannot hold more members than the site's ``accounts`` (when the account list is complete)."""
        fact = self.facts.get((FactKind.ACCOUNTS, None))
        return accounts + 1000 if fact is not None and fact.status is Status.COMPLETE else None

    def unusable(self, kind: FactKind, subject: str | None, endpoint: str, reason: object) -> None:
        """Record a fact whose answer could not be used, with the reason (scrubbed: it may quote the server)."""
        self.record(kind, subject, Status.TRUNCATED, endpoint, self.c.scrub.text(f"{_UNUSABLE}: {reason}", 300))

    async def fetch(self, kind: FactKind, subject: str | None, endpoint: str, call: Awaitable[T], *,
                    partial: bool = False) -> T | None:
        """Run ``call``; a 403/404 (or a 401 for an account that is otherwise logged in), an unusable answer or
        a list cut short becomes a recorded gap.  With ``partial``, a list cut short returns what was read."""
        try:
            return await call
        except PermissionDenied:
            self.record(kind, subject, Status.FORBIDDEN, endpoint, f"HTTP 403: needs {self.NEEDED[kind]}")
        except NotFound:
            self.record(kind, subject, Status.NOT_FOUND, endpoint, "HTTP 404: not found, or not visible to this account")
        except AuthenticationFailed:
            if not await self._still_logged_in():
                raise
            # Some endpoints (POST /workflows, project roles) answer 401 to a logged-in account lacking permission.
            self.record(kind, subject, Status.FORBIDDEN, endpoint, f"HTTP 401 while logged in: needs {self.NEEDED[kind]}")
        except PagingStopped as e:
            self.record(kind, subject, Status.TRUNCATED, endpoint, str(e))
            return e.items if partial else None  # type: ignore[return-value]
        except BadResponse as e:
            self.record(kind, subject, Status.TRUNCATED, endpoint, str(e))
        return None

    def parse(self, kind: FactKind, subject: str | None, endpoint: str, convert: Callable[..., T],
              *args: Any) -> T | None:
        """``convert(*args)`` on server JSON; a wrong shape becomes a recorded gap (and None)."""
        try:
            return convert(*args)
        except Shape as e:
            self.unusable(kind, subject, endpoint, e)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as e:
            self.unusable(kind, subject, endpoint, f"unexpected shape ({type(e).__name__})")
        return None

    async def _still_logged_in(self) -> bool:
        """After a 401 mid-sync: do the credentials still work (then the 401 meant "not allowed")?"""
        async with self._auth_lock:
            if self._logged_in is None:
                try:
                    await self.c.get(f"{self.API}/myself")
                    self._logged_in = True
                except AuthenticationFailed:
                    self._logged_in = False
            return self._logged_in


class _Sync(SyncRun):
    def __init__(self, client: JiraClient, projects: list[str], issues: list[str], progress: SyncProgress,
                 infer_globals: bool = True):
        super().__init__(client, progress)
        self.infer_globals = infer_globals
        self.want_projects = list(dict.fromkeys(projects))
        self.want_issues = list(dict.fromkeys(issues))
        self._security: dict[str, asyncio.Task[IssueSecurityScheme | None]] = {}
        # results
        self.site: Site | None = None
        self.me: dict = {}
        self.accounts: list[Account] = []
        self.groups: list[Group] = []
        self.app_roles: list[ApplicationRole] = []
        self.schemes: list[PermissionScheme] | None = []
        self._schemes_error = ""
        self._schemes_status = Status.FORBIDDEN
        self.projects: list[Project] = []
        self.roles: dict[str, Role] = {}
        self.workflows: dict[str, Workflow] = {}
        self.workflow_schemes: dict[str, WorkflowScheme] = {}
        self.global_perms: dict[str, frozenset[str]] = {}
        self.issues: dict[str, Issue] = {}
        self._accounts_ready = asyncio.Event()
        self._members_ready = asyncio.Event()
        self._extra_accounts: dict[str, Account] = {}
        self._known_ids: set[str] = set()  # the accounts users/search listed

    # ---- orchestration -------------------------------------------------------------------------

    async def run(self) -> Snapshot:
        self.progress.say("checking the site and the account")
        # one after the other, so a failure always names the same endpoint: the site first, then the account
        async with self.c.phase("checking the site and the account"):
            info = await identify(self.c, f"{API}/serverInfo")
            me = await identify(self.c, f"{API}/myself")
        self.site = _site(self.c.site, info, self.c.scrub.text)
        if not isinstance(me, dict) or not isinstance(me.get("accountId"), str) or not me["accountId"]:
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
        try:
            async with self.c.phase("reading accounts (users/search)"):
                users = await self.fetch(FactKind.ACCOUNTS, None, endpoint,
                                         self.c.offset_array(f"{API}/users/search", page_size=1000), partial=True)
            if users is not None:
                accounts: dict[str, Account] = {}
                read, problem = shape.each(users, _account)
                for account in read:
                    accounts.setdefault(account.account_id, account)
                if problem:
                    self.unusable(FactKind.ACCOUNTS, None, endpoint, f"some accounts were left out: {problem}")
                self.accounts = list(accounts.values())
                self._known_ids = set(accounts)
                self.progress.done("accounts", len(self.accounts))
                if self.accounts:
                    self.record(FactKind.ACCOUNTS, None, Status.COMPLETE, endpoint)
                else:
                    self.record(FactKind.ACCOUNTS, None, Status.TRUNCATED, endpoint,
                                f"users/search returned no accounts: needs {NEEDED[FactKind.ACCOUNTS]}")
        finally:
            self._accounts_ready.set()

    async def groups_part(self) -> None:
        endpoint = f"GET {API}/group/bulk"
        self.progress.say("fetching groups")
        async with self.c.phase("reading groups and their members"):
            found = await self.fetch(FactKind.GROUPS, None, endpoint,
                                     self.c.page_bean(f"{API}/group/bulk", page_size=50), partial=True)
            if found is None:
                return
            details: dict[str, str] = {}
            problem = ""
            for group in found:
                try:
                    g = shape.obj(group, "a group")
                    details.setdefault(shape.text(g.get("name"), "a group's name"),
                                       shape.opt_text(g.get("groupId"), "a group's id") or "")
                except Shape as e:
                    problem = problem or str(e)
            if problem:
                self.unusable(FactKind.GROUPS, None, endpoint, f"some groups were left out: {problem}")
            self.record(FactKind.GROUPS, None, Status.COMPLETE, endpoint)
            self.progress.expect("group members", len(details))
            await self._accounts_ready.wait()
            bound = self.members_bound(len(self.accounts))
            members = await all_of([self.members_of(name, gid, bound) for name, gid in details.items()])
            self.groups = [Group(name, gid, tuple(m or ())) for (name, gid), m in zip(details.items(), members)]
        self._members_ready.set()

    async def members_of(self, name: str, group_id: str, bound: int | None) -> list[str] | None:
        params: list[tuple[str, str | int | bool]] = [("groupId", group_id)] if group_id else [("groupname", name)]
        params.append(("includeInactiveUsers", "true"))
        endpoint = f"GET {API}/group/member"
        users = await self.fetch(FactKind.GROUP_MEMBERS, name, endpoint,
                                 self.c.page_bean(f"{API}/group/member", params, page_size=50, max_items=bound),
                                 partial=True)
        self.progress.done("group members")
        if users is None:
            return None
        ids: dict[str, None] = {}
        problem = ""
        known = self._known_ids
        for user in users:
            try:
                aid = _member_id(user)
                if aid not in known and aid not in self._extra_accounts:
                    self._extra_accounts[aid] = _account(user)
            except Shape as e:
                problem = problem or str(e)
                continue
            ids[aid] = None
        if problem:
            self.unusable(FactKind.GROUP_MEMBERS, name, endpoint, f"some members were left out: {problem}")
        return list(ids)

    # ---- products and schemes ------------------------------------------------------------------

    async def app_roles_part(self) -> None:
        endpoint = f"GET {API}/applicationrole"
        async with self.c.phase("reading products (applicationrole)"):
            roles = await self.fetch(FactKind.APPLICATION_ROLES, None, endpoint, self.c.get(f"{API}/applicationrole"))
        if roles is None:
            return
        found = self.parse(FactKind.APPLICATION_ROLES, None, endpoint, _application_roles, roles)
        if found is None:
            return
        self.app_roles = sorted(found, key=lambda r: r.key)
        self.record(FactKind.APPLICATION_ROLES, None, Status.COMPLETE, endpoint)

    async def schemes_part(self) -> None:
        self.progress.say("fetching permission schemes")
        endpoint = f"GET {API}/permissionscheme?expand=all"
        try:
            async with self.c.phase("reading permission schemes"):
                data = await self.c.get(f"{API}/permissionscheme", [("expand", "all")])
        except (PermissionDenied, NotFound, BadResponse) as e:
            self.schemes = None  # recorded per project once the projects are known
            refused = isinstance(e, PermissionDenied | NotFound)
            self._schemes_error = f"HTTP {e.status}: needs {NEEDED[FactKind.PERMISSION_SCHEME]}" if refused else str(e)
            self._schemes_status = Status.FORBIDDEN if refused else Status.TRUNCATED
            return
        listed = self.parse(FactKind.PERMISSION_SCHEME, None, endpoint, lambda: shape.items(
            shape.obj(data, "the answer").get("permissionSchemes"), "permissionSchemes"))
        if listed is None:
            self.schemes = None
            self._schemes_error = self.facts.pop((FactKind.PERMISSION_SCHEME, None)).detail
            self._schemes_status = Status.TRUNCATED
            return
        schemes = {}
        for n, item in enumerate(listed):
            subject = _scheme_subject(item, n)
            scheme = self.parse(FactKind.PERMISSION_SCHEME, subject, endpoint, _permission_scheme, item)
            if scheme is not None:
                schemes.setdefault(scheme.id, scheme)
        self.schemes = sorted(schemes.values(), key=lambda s: _id_order(s.id))
        self.progress.done("permission schemes", len(self.schemes))

    # ---- projects ------------------------------------------------------------------------------

    async def projects_part(self) -> None:
        endpoint = f"GET {API}/project/search?status=live&status=archived"
        self.progress.say("fetching projects")
        base: list[tuple[str, str | int | bool]] = [("status", "live"), ("status", "archived"), ("expand", "lead")]
        async with self.c.phase("reading projects"):
            if self.want_projects:
                batches = [self.want_projects[i:i + _KEY_BATCH] for i in range(0, len(self.want_projects), _KEY_BATCH)]
                pages = await all_of([self.fetch(FactKind.PROJECTS, None, endpoint, self.c.page_bean(
                    f"{API}/project/search", [*base, *[("keys", k) for k in b]], page_size=100), partial=True)
                    for b in batches])
                found: list | None = [p for page in pages for p in page or ()]
            else:
                found = await self.fetch(FactKind.PROJECTS, None, endpoint,
                                         self.c.page_bean(f"{API}/project/search", base, page_size=100), partial=True)
            raw: dict[str, dict] = {}
            problem = ""
            for item in found or ():
                try:
                    p = shape.obj(item, "a project")
                    key = shape.text(p.get("key"), "a project's key").upper()
                    shape.text(p.get("id"), f"project {key}'s id")
                except Shape as e:
                    problem = problem or str(e)
                    continue
                raw.setdefault(key, p)
            if problem:
                self.unusable(FactKind.PROJECTS, None, endpoint, f"some projects were left out: {problem}")
            if self.want_projects:
                missing = [k for k in self.want_projects if k not in raw]
                if missing and found is not None:
                    raise UserError(f"project {', '.join(missing)} is not on {self.c.site} or not visible to this "
                                    "account: check the key (without --project the sync reads every visible project)")
                self.record(FactKind.PROJECTS, None, Status.TRUNCATED, endpoint,
                            "only the projects asked for: " + ", ".join(self.want_projects))
            elif found is not None:
                self.record(FactKind.PROJECTS, None, Status.COMPLETE, endpoint)
        ordered = [raw[k] for k in sorted(raw)]
        self.progress.expect("projects", len(ordered))
        async with self.c.phase("reading project roles, schemes and issue security"):
            projects = await all_of([self.project(p) for p in ordered])
        self.projects = [p for p in projects if p is not None]
        self.progress.say("fetching workflows")
        async with self.c.phase("reading workflows"):
            await self.workflows_part()

    async def project(self, data: dict) -> Project | None:
        key = str(data["key"]).upper()
        scheme_id, actors, security_id = await all_of([self.project_scheme(key), self.project_roles(key),
                                                       self.project_security(key)])
        self.progress.done("projects")
        project = self.parse(FactKind.PROJECTS, None, f"GET {API}/project/search", _project, data, key, scheme_id,
                             security_id, actors or {})
        if project is None:
            return None
        if project.team_managed and scheme_id is None and (FactKind.PROJECT_PERMISSION_SCHEME, key) not in self.facts:
            self.record(FactKind.TEAM_ROLES, key, Status.NOT_FETCHED, "", NEEDED[FactKind.TEAM_ROLES])
        if project.project_type is ProjectType.SERVICE_DESK:
            customer_role = next((rid for rid in actors or {} if self.roles.get(rid) and
                                  self.roles[rid].name == "Service Desk Customers"), None)
            project = replace(project, customer_role_id=customer_role)
        return project

    async def project_scheme(self, key: str) -> str | None:
        endpoint = f"GET {API}/project/{path_segment(key)}/permissionscheme"
        data = await self.fetch(FactKind.PROJECT_PERMISSION_SCHEME, key, endpoint,
                                self.c.get(f"{API}/project/{path_segment(key)}/permissionscheme"))
        if data is None:
            return None
        return self.parse(FactKind.PROJECT_PERMISSION_SCHEME, key, endpoint,
                          lambda: shape.text(shape.obj(data, "the answer").get("id"), "the scheme's id"))

    async def project_roles(self, key: str) -> dict[str, RoleActors] | None:
        path = f"{API}/project/{path_segment(key)}/role"
        names = await self.fetch(FactKind.PROJECT_ROLES, key, f"GET {path}", self.c.get(path))
        if names is None:
            return None
        ids = self.parse(FactKind.PROJECT_ROLES, key, f"GET {path}", _role_ids, names)
        if ids is None:
            return None
        endpoint = f"GET {path}/{{id}}"
        details = await all_of([self.fetch(FactKind.PROJECT_ROLES, key, endpoint, self.c.get(f"{path}/{rid}"))
                                for rid in ids])
        actors: dict[str, RoleActors] = {}
        for rid, role in zip(ids, details):
            if role is None:
                continue
            parsed = self.parse(FactKind.PROJECT_ROLES, key, endpoint, _role, rid, role)
            if parsed is None:
                continue
            described, role_actors = parsed
            self.roles.setdefault(rid, described)
            actors[rid] = role_actors
        return actors

    async def project_security(self, key: str) -> str | None:
        path = f"{API}/project/{path_segment(key)}/issuesecuritylevelscheme"
        try:
            data = await self.c.get(path)
        except NotFound:
            # The project is visible (project/search listed it), so 404 means it uses no issue security scheme.
            return None
        except (PermissionDenied, AuthenticationFailed, BadResponse) as e:
            await self.fetch(FactKind.PROJECT_ISSUE_SECURITY, key, f"GET {path}", _raise(e))
            return None
        if data is None:
            return None
        scheme_id = self.parse(FactKind.PROJECT_ISSUE_SECURITY, key, f"GET {path}",
                               lambda: shape.opt_text(shape.obj(data, "the answer").get("id"), "the scheme's id"))
        if scheme_id is None:
            return None
        if scheme_id not in self._security:
            self._security[scheme_id] = asyncio.ensure_future(self.security_scheme(scheme_id))
        await asyncio.shield(self._security[scheme_id])
        return scheme_id

    async def security_scheme(self, scheme_id: str) -> IssueSecurityScheme | None:
        kind = FactKind.ISSUE_SECURITY_SCHEME
        path = f"{API}/issuesecurityschemes/{path_segment(scheme_id)}"
        members_endpoint = f"GET {API}/issuesecurityschemes/level/member"
        scheme, members = await all_of([
            self.fetch(kind, scheme_id, f"GET {path}", self.c.get(path)),
            self.fetch(kind, scheme_id, members_endpoint,
                       self.c.page_bean(f"{API}/issuesecurityschemes/level/member", [("schemeId", scheme_id)],
                                        page_size=50)),
        ])
        if scheme is None or members is None:
            return None  # levels without their members would read as "nobody": leave the scheme out, gap recorded
        found = self.parse(kind, scheme_id, f"GET {path}", _security_scheme, scheme_id, scheme, members)
        self.progress.done("issue security schemes")
        return found

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
            if isinstance(answer, Exception):
                for p in batch:
                    if isinstance(answer, BadResponse):
                        self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.TRUNCATED, endpoint, str(answer))
                    else:
                        self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.FORBIDDEN, endpoint,
                                    f"HTTP 403: needs {NEEDED[FactKind.PROJECT_WORKFLOWS]}")
                continue
            mapped = self.parse(FactKind.PROJECT_WORKFLOWS, None, endpoint, _workflow_scheme_map, answer)
            if mapped is None:
                reason = self.facts.pop((FactKind.PROJECT_WORKFLOWS, None)).detail
                for p in batch:
                    self.record(FactKind.PROJECT_WORKFLOWS, p.key, Status.TRUNCATED, endpoint, reason)
                continue
            for scheme, project_ids in mapped:
                self.workflow_schemes.setdefault(scheme.id, scheme)
                for pid in project_ids:
                    scheme_of[pid] = scheme.id
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
        """The answer, or the error that kept it from us (403/404/401-while-logged-in, or unusable)."""
        try:
            return await self.c.get(f"{API}/workflowscheme/project", [("projectId", p.id) for p in batch])
        except (PermissionDenied, NotFound, BadResponse) as e:
            return e
        except AuthenticationFailed as e:
            if not await self._still_logged_in():
                raise
            return e

    async def _workflows(self, names: list[str]) -> None:
        endpoint = f"POST {API}/workflows"
        try:
            data = await self.c.post(f"{API}/workflows", {"workflowNames": names})
        except (PermissionDenied, NotFound, AuthenticationFailed, BadResponse) as e:
            if isinstance(e, AuthenticationFailed) and not await self._still_logged_in():
                raise
            for name in names:
                if isinstance(e, BadResponse):
                    self.record(FactKind.WORKFLOW, name, Status.TRUNCATED, endpoint, str(e))
                else:
                    status = Status.NOT_FOUND if isinstance(e, NotFound) else Status.FORBIDDEN
                    self.record(FactKind.WORKFLOW, name, status, endpoint,
                                f"HTTP {e.status}: needs {NEEDED[FactKind.WORKFLOW]}")
            return
        statuses = self.parse(FactKind.WORKFLOW, None, endpoint, _workflow_statuses, data)
        if statuses is None:
            reason = self.facts.pop((FactKind.WORKFLOW, None)).detail
            for name in names:
                self.record(FactKind.WORKFLOW, name, Status.TRUNCATED, endpoint, reason)
            return
        listed = data.get("workflows")
        if not isinstance(listed, list | None):
            for name in names:
                self.unusable(FactKind.WORKFLOW, name, endpoint, f"workflows is {shape.kind(listed)}, not a list")
            return
        for wf in listed or ():
            name = wf.get("name") if isinstance(wf, dict) else None
            if not isinstance(name, str) or name not in names or name in self.workflows:
                continue
            workflow = self.parse(FactKind.WORKFLOW, name, endpoint, _workflow, wf, statuses)
            if workflow is not None:
                self.workflows[name] = workflow
        for name in names:
            if name not in self.workflows:
                self.record(FactKind.WORKFLOW, name, Status.NOT_FOUND, endpoint, "Jira did not return this workflow")
        self.progress.done("workflows", len(names))

    # ---- global permissions --------------------------------------------------------------------

    async def global_part(self) -> None:
        phase = "reading global permissions (permissions/check)"
        async with self.c.phase(phase):
            started = await self._global_start()
        if started is None:
            return
        await self._accounts_ready.wait()  # waiting for the people is not this phase's time
        await self._members_ready.wait()
        async with self.c.phase(phase):
            await self._global_accounts(*started)

    async def _global_start(self) -> tuple[GlobalCheck, str, frozenset[str]] | None:
        """The global permission keys and the syncing account's own; None when other accounts cannot be asked."""
        endpoint = f"POST {API}/permissions/check"
        listing = f"GET {API}/permissions"
        data = await self.fetch(FactKind.GLOBAL_PERMISSIONS, None, listing, self.c.get(f"{API}/permissions"))
        if data is None:
            return None
        keys = self.parse(FactKind.GLOBAL_PERMISSIONS, None, listing, _global_keys, data)
        if keys is None:
            return None
        if not keys:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.NOT_FETCHED, listing,
                        "Jira listed no global permissions")
            return None
        check = GlobalCheck(self.c, keys, infer=self.infer_globals)
        me = str(self.me["accountId"])
        try:
            mine = await check.ask(None)
        except BadResponse as e:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.TRUNCATED, endpoint, str(e))
            return None
        self.global_perms[me] = mine
        if "ADMINISTER" not in mine:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.FORBIDDEN, endpoint,
                        f"only the syncing account's own global permissions are known; needs "
                        f"{NEEDED[FactKind.GLOBAL_PERMISSIONS]}")
            return None
        return check, me, mine

    async def _global_accounts(self, check: GlobalCheck, me: str, mine: frozenset[str]) -> None:
        endpoint = f"POST {API}/permissions/check"
        groups_of: dict[str, set[str]] = {}
        for group in self.groups:
            for member in group.members:
                groups_of.setdefault(member, set()).add(group.name)
        accounts = [(a.account_id, frozenset(groups_of.get(a.account_id, ())), a.account_type)
                    for a in self._all_accounts() if a.active]
        try:
            outcome = await check.for_accounts(accounts, me, mine, self.progress)
        except PermissionDenied:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.FORBIDDEN, endpoint,
                        f"HTTP 403: needs {NEEDED[FactKind.GLOBAL_PERMISSIONS]}")
            self.global_perms = {me: mine}
            return
        except BadResponse as e:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.TRUNCATED, endpoint, str(e))
            self.global_perms = {me: mine}
            return
        self.global_perms.update(outcome.held)
        unknown = [g.name for g in self.groups if (FactKind.GROUP_MEMBERS, g.name) in self.facts]
        groups = self.facts.get((FactKind.GROUPS, None))
        if unknown or groups is None or groups.status is not Status.COMPLETE:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.TRUNCATED, endpoint,
                        outcome.detail + "; group members were not all readable, so accounts may have been grouped "
                                         "wrongly")
        else:
            self.record(FactKind.GLOBAL_PERMISSIONS, None, Status.COMPLETE, endpoint, outcome.detail)

    # ---- issues --------------------------------------------------------------------------------

    async def issues_part(self) -> None:
        if not self.want_issues:
            return
        self.progress.say("fetching issues")
        self.progress.expect("issues", len(self.want_issues))
        async with self.c.phase("reading issues"):
            await all_of([self.issue(key, depth=0) for key in self.want_issues])
        if self.want_projects:
            for issue in self.issues.values():
                if issue.project_key not in self.want_projects:
                    self.want_projects.append(issue.project_key)

    async def issue(self, key: str, depth: int) -> None:
        path = f"{API}/issue/{path_segment(key)}"
        data = await self.fetch(FactKind.ISSUE, key, f"GET {path}", self.c.get(path, [("expand", "schema")]))
        if depth == 0:
            self.progress.done("issues")
        if data is None:
            return
        issue = self.parse(FactKind.ISSUE, key, f"GET {path}", _issue, data)
        if issue is None:
            return
        if issue.key != key and depth == 0:
            self.record(FactKind.ISSUE, key, Status.COMPLETE, f"GET {path}", f"Jira answered with issue {issue.key}")
        self.issues.setdefault(issue.key, issue)
        parent = issue.parent_key
        if parent and parent not in self.issues and parent not in self.want_issues:
            if depth + 1 >= PARENT_DEPTH:
                self.record(FactKind.ISSUE, parent, Status.NOT_FETCHED, f"GET {API}/issue/{path_segment(parent)}",
                            f"the chain of sub-task parents is longer than {PARENT_DEPTH}: Jira allows one step")
                return
            await self.issue(parent, depth + 1)

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
                    self.record(FactKind.PERMISSION_SCHEME, p.permission_scheme_id, self._schemes_status,
                                f"GET {API}/permissionscheme?expand=all", self._schemes_error)
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
        snapshot = Snapshot(
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
        )
        # Groups and products the configuration names that Jira's complete lists lack: reported missing, so that
        # answers say "does not exist" (an absent object without such a record is "not fetched").
        found = [*self.facts.values(), *reported_missing(snapshot, f"GET {API}/group/bulk", f"GET {API}/applicationrole")]
        return replace(snapshot, facts=tuple(sorted(found, key=lambda f: (_KIND_ORDER[f.kind], f.subject or ""))))


async def _raise(error: BaseException) -> Any:
    raise error


# ---------------------------------------------------------------------------- converters (raise Shape)


def _with_time(snapshot: Snapshot, taken: datetime) -> Snapshot:
    stamp = taken.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return replace(snapshot, provenance=replace(snapshot.provenance, taken_at=stamp))


def _site(url: str, info: Any, clean: Callable[[object, int], str]) -> Site:
    """The Cloud site (the dialect was chosen from deploymentType, or by --deployment, before this sync)."""
    if not isinstance(info, dict) or not (info.get("baseUrl") or info.get("version")):
        raise WrongSite(f"wrong site: {url} did not describe itself like Jira ({API}/serverInfo); check the site URL")
    version, title = info.get("version"), info.get("serverTitle")
    return Site(url=url, deployment=Deployment.CLOUD, server_version=clean(version, 60) if isinstance(version, str)
                else "", title=clean(title, 200) if isinstance(title, str) else "")


_ACCOUNT_TYPES = {"atlassian": AccountType.ATLASSIAN, "app": AccountType.APP, "customer": AccountType.CUSTOMER}


def _account(user: Any) -> Account:
    """An account from a user object (users/search, group/member); :class:`Shape` when it is not one."""
    if type(user) is dict:  # the common, well-formed case first: a sync reads hundreds of thousands
        aid, name, email = user.get("accountId"), user.get("displayName"), user.get("emailAddress")
        active, kind = user.get("active"), user.get("accountType")
        if type(aid) is str and aid and (name is None or type(name) is str) and (email is None or type(email) is str) \
                and (active is None or type(active) is bool) and (kind is None or type(kind) is str):
            return Account(aid, name or aid, email, active is not False,
                           _ACCOUNT_TYPES.get(kind or "atlassian", AccountType.ATLASSIAN))
    u = shape.obj(user, "an account")
    account_id = shape.text(u.get("accountId"), "an account's accountId")
    kind = shape.opt_text(u.get("accountType"), f"account {account_id}'s type") or "atlassian"
    return Account(
        account_id=account_id,
        display_name=shape.opt_text(u.get("displayName"), f"account {account_id}'s name") or account_id,
        email=shape.opt_text(u.get("emailAddress"), f"account {account_id}'s email"),
        active=shape.flag(u.get("active"), f"account {account_id}'s active flag", True),
        account_type=_ACCOUNT_TYPES.get(kind, AccountType.ATLASSIAN),
    )


def _member_id(user: Any) -> str:
    """A group member's accountId (the rest of the object matters only for accounts users/search missed)."""
    if type(user) is dict:
        aid = user.get("accountId")
        if type(aid) is str and aid:
            return aid
    return _account(user).account_id  # raises Shape with the reason


def _group_names(details: Any, names: Any, what: str) -> tuple[str, ...]:
    listed = shape.items(details, what)
    if listed:
        return tuple(shape.text(shape.obj(d, f"a group of {what}").get("name"), f"a group name of {what}")
                     for d in listed)
    return tuple(shape.text(n, f"a group name of {what}") for n in shape.items(names, what))


def _application_roles(data: Any) -> list[ApplicationRole]:
    out = []
    for role in shape.items(data, "the product list"):
        r = shape.obj(role, "a product")
        key = shape.text(r.get("key"), "a product's key")
        out.append(ApplicationRole(key, shape.opt_text(r.get("name"), f"product {key}'s name") or key,
                                   _group_names(r.get("groupDetails"), r.get("groups"), f"product {key}"),
                                   _group_names(r.get("defaultGroupsDetails"), r.get("defaultGroups"),
                                                f"product {key}'s defaults")))
    return out


def _holder(data: Any, what: str) -> Holder:
    h = shape.obj(data, what)
    return Holder(shape.opt_text(h.get("type"), f"{what}'s type") or "unknown",
                  shape.opt_text(h.get("parameter"), f"{what}'s parameter"),
                  shape.opt_text(h.get("value"), f"{what}'s value"))


def _scheme_subject(item: Any, n: int) -> str:
    scheme_id = item.get("id") if isinstance(item, dict) else None
    return str(scheme_id) if isinstance(scheme_id, str | int) and not isinstance(scheme_id, bool) \
        and len(str(scheme_id)) < 20 else f"#{n + 1}"


def _permission_scheme(data: Any) -> PermissionScheme:
    s = shape.obj(data, "a permission scheme")
    scheme_id = shape.text(s.get("id"), "a permission scheme's id")
    what = f"permission scheme {scheme_id}"
    grants = []
    for n, item in enumerate(shape.items(s.get("permissions"), f"{what}'s grants")):
        g = shape.obj(item, f"grant {n + 1} of {what}")
        permission = shape.opt_text(g.get("permission"), f"grant {n + 1} of {what}: the permission")
        if not permission:
            continue
        grants.append(Grant(shape.opt_text(g.get("id"), f"grant {n + 1} of {what}: the id") or "None", permission,
                            _holder(g.get("holder") if g.get("holder") is not None else {},
                                    f"grant {n + 1} of {what}: the holder")))
    return PermissionScheme(scheme_id, shape.opt_text(s.get("name"), f"{what}'s name") or scheme_id, tuple(grants),
                            shape.opt_text(s.get("description"), f"{what}'s description") or "")


def _project(data: dict, key: str, scheme_id: str | None, security_id: str | None,
             actors: dict[str, RoleActors]) -> Project:
    what = f"project {key}"
    lead = shape.opt_obj(data.get("lead"), f"{what}'s lead") or {}
    lead_id = shape.opt_text(lead.get("accountId"), f"{what}'s lead")
    kind = shape.opt_text(data.get("projectTypeKey"), f"{what}'s type") or "software"
    return Project(
        id=shape.text(data.get("id"), f"{what}'s id"), key=key,
        name=shape.opt_text(data.get("name"), f"{what}'s name") or key,
        project_type=_PROJECT_TYPES.get(kind, ProjectType.SOFTWARE),
        team_managed=data.get("style") == "next-gen" or data.get("simplified") is True,
        archived=data.get("archived") is True,
        lead=lead_id or None,
        permission_scheme_id=scheme_id, issue_security_scheme_id=security_id,
        role_actors=frozen_map({k: v for k, v in actors.items() if v.users or v.groups}),
    )


def _role_ids(names: Any) -> list[str]:
    urls = shape.obj(names, "the role list")
    found = set()
    for name, url in urls.items():
        link = shape.text(url, f"the link of role {name}")
        m = _ROLE_ID.search(link)
        if m:
            found.add(m.group(1))
    return sorted(found, key=_id_order)


def _role(rid: str, data: Any) -> tuple[Role, RoleActors]:
    r = shape.obj(data, f"role {rid}")
    what = f"role {rid}"
    users, groups = [], []
    for n, item in enumerate(shape.items(r.get("actors"), f"{what}'s actors")):
        actor = shape.obj(item, f"actor {n + 1} of {what}")
        user = shape.opt_obj(actor.get("actorUser"), f"actor {n + 1} of {what}: the user") or {}
        group = shape.opt_obj(actor.get("actorGroup"), f"actor {n + 1} of {what}: the group") or {}
        account = shape.opt_text(user.get("accountId"), f"actor {n + 1} of {what}: the accountId")
        if account:
            users.append(account)
            continue
        name = shape.opt_text(group.get("name"), f"actor {n + 1} of {what}: the group name") or \
            shape.opt_text(group.get("displayName"), f"actor {n + 1} of {what}: the group name")
        if name:
            groups.append(name)
        elif user or group or actor.get("type") in ("atlassian-user-role-actor", "atlassian-group-role-actor"):
            raise shape.Shape(f"actor {n + 1} of {what} names no account and no group")
    role = Role(rid, shape.opt_text(r.get("name"), f"{what}'s name") or f"role {rid}",
                shape.opt_text(r.get("description"), f"{what}'s description") or "")
    return role, RoleActors(tuple(users), tuple(groups))


def _security_scheme(scheme_id: str, scheme: Any, members: list) -> IssueSecurityScheme:
    what = f"issue security scheme {scheme_id}"
    s = shape.obj(scheme, what)
    by_level: dict[str, list[Holder]] = {}
    for n, item in enumerate(members):
        m = shape.obj(item, f"member {n + 1} of {what}")
        level = shape.text(m.get("issueSecurityLevelId"), f"member {n + 1} of {what}: the level")
        by_level.setdefault(level, []).append(_holder(m.get("holder"), f"member {n + 1} of {what}: the holder"))
    levels = []
    for n, item in enumerate(shape.items(s.get("levels"), f"{what}'s levels")):
        lv = shape.obj(item, f"level {n + 1} of {what}")
        level_id = shape.text(lv.get("id"), f"level {n + 1} of {what}: the id")
        levels.append(SecurityLevel(level_id, shape.opt_text(lv.get("name"), f"level {level_id}'s name") or level_id,
                                    tuple(by_level.get(level_id, ())),
                                    shape.opt_text(lv.get("description"), f"level {level_id}'s description") or ""))
    default = shape.opt_text(s.get("defaultSecurityLevelId"), f"{what}'s default level")
    return IssueSecurityScheme(scheme_id, shape.opt_text(s.get("name"), f"{what}'s name") or scheme_id,
                               tuple(levels), default)


def _workflow_scheme_map(answer: Any) -> list[tuple[WorkflowScheme, list[str]]]:
    out = []
    for n, item in enumerate(shape.items(shape.obj(answer, "the answer").get("values"), "values")):
        entry = shape.obj(item, f"entry {n + 1}")
        data = shape.opt_obj(entry.get("workflowScheme"), f"entry {n + 1}: the workflow scheme") or {}
        scheme_id = shape.opt_text(data.get("id"), "a workflow scheme's id") or "default"
        what = f"workflow scheme {scheme_id}"
        mappings = shape.opt_obj(data.get("issueTypeMappings"), f"{what}'s issue type mappings") or {}
        scheme = WorkflowScheme(scheme_id, shape.opt_text(data.get("name"), f"{what}'s name") or
                                "Default Workflow Scheme",
                                shape.opt_text(data.get("defaultWorkflow"), f"{what}'s default workflow") or "jira",
                                frozen_map({str(k): shape.text(v, f"{what}'s workflow for issue type {k}")
                                            for k, v in mappings.items()}))
        ids = [shape.text(pid, f"a project id of {what}") for pid in shape.items(entry.get("projectIds"),
                                                                                 f"{what}'s projects")]
        out.append((scheme, ids))
    return out


def _workflow_statuses(data: Any) -> dict[str, tuple[str, str]]:
    statuses = {}
    for n, item in enumerate(shape.items(shape.obj(data, "the answer").get("statuses"), "statuses")):
        s = shape.obj(item, f"status {n + 1}")
        sid = shape.text(s.get("id"), f"status {n + 1}'s id")
        ref = shape.opt_text(s.get("statusReference"), f"status {sid}'s reference") or sid
        statuses[ref] = (sid, shape.opt_text(s.get("name"), f"status {sid}'s name") or sid)
    return statuses


def _workflow(wf: dict, statuses: dict[str, tuple[str, str]]) -> Workflow:
    name = wf["name"]
    what = f"workflow {name}"
    listed = []
    for n, item in enumerate(shape.items(wf.get("statuses"), f"{what}'s statuses")):
        st = shape.obj(item, f"status {n + 1} of {what}")
        ref = shape.opt_text(st.get("statusReference"), f"status {n + 1} of {what}: the reference")
        if ref is None:
            continue
        sid, sname = statuses.get(ref, (ref, ref))
        props = shape.opt_obj(st.get("properties"), f"the properties of status {sname} in {what}") or {}
        values = {}
        for k, v in props.items():
            if isinstance(v, dict | list):
                raise shape.Shape(f"property {k} of status {sname} in {what} is {shape.kind(v)}, not text")
            values[str(k)] = _string(v)
        listed.append(WorkflowStatus(sid, sname, frozen_map(values)))
    return Workflow(name, tuple(listed))


def _global_keys(data: Any) -> list[str]:
    table = shape.opt_obj(shape.obj(data, "the answer").get("permissions"), "permissions") or {}
    return sorted(k for k, v in table.items() if isinstance(v, dict) and v.get("type") == "GLOBAL")


def _with_workflow_scheme(project: Project, scheme_id: str | None) -> Project:
    return replace(project, workflow_scheme_id=scheme_id) if scheme_id else project


def _issue(data: Any) -> Issue:
    d = shape.obj(data, "the issue")
    key = shape.text(d.get("key"), "the issue's key")
    what = f"issue {key}"
    fields = shape.opt_obj(d.get("fields"), f"{what}'s fields") or {}
    schema = shape.opt_obj(d.get("schema"), f"{what}'s field schema") or {}
    issue_type = shape.opt_obj(fields.get("issuetype"), f"{what}'s type") or {}
    status = shape.opt_obj(fields.get("status"), f"{what}'s status") or {}
    project = shape.opt_obj(fields.get("project"), f"{what}'s project") or {}
    security = shape.opt_obj(fields.get("security"), f"{what}'s security level")
    parent = shape.opt_obj(fields.get("parent"), f"{what}'s parent")
    subtask = issue_type.get("subtask") is True
    user_fields: dict[str, tuple[str, ...]] = {}
    group_fields: dict[str, tuple[str, ...]] = {}
    for fid, value in fields.items():
        if not fid.startswith("customfield_"):
            continue
        kind = _field_kind(schema.get(fid), value)  # an empty user/group field is recorded empty, not left out
        if kind is None:
            continue
        values = value if isinstance(value, list) else [] if value is None else [value]
        label = f"field {fid} of {what}"
        if kind == "user":
            user_fields[fid] = tuple(shape.text(shape.obj(v, label).get("accountId"), f"an account in {label}")
                                     for v in values)
        else:
            group_fields[fid] = tuple(shape.text(shape.obj(v, label).get("name"), f"a group in {label}")
                                      for v in values)
    project_key = shape.opt_text(project.get("key"), f"{what}'s project key") or key.rsplit("-", 1)[0]
    parent_key = shape.opt_text(parent.get("key"), f"{what}'s parent key") if parent else None
    return Issue(
        key=key, id=shape.opt_text(d.get("id"), f"{what}'s id") or "",
        project_key=project_key.upper(),
        issue_type=IssueType(shape.opt_text(issue_type.get("id"), f"{what}'s type id") or "",
                             shape.opt_text(issue_type.get("name"), f"{what}'s type name") or "", subtask),
        status_id=shape.opt_text(status.get("id"), f"{what}'s status id") or "",
        status_name=shape.opt_text(status.get("name"), f"{what}'s status name") or "",
        parent_key=parent_key if subtask and parent_key else None,
        security_level_id=shape.opt_text(security.get("id"), f"{what}'s security level id") if security else None,
        reporter=_account_id(fields.get("reporter"), f"{what}'s reporter"),
        assignee=_account_id(fields.get("assignee"), f"{what}'s assignee"),
        user_fields=frozen_map(user_fields), group_fields=frozen_map(group_fields),
        summary=_string(fields.get("summary")) if not isinstance(fields.get("summary"), dict | list) else "",
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


def _account_id(value: Any, what: str) -> str | None:
    user = shape.opt_obj(value, what)
    return shape.opt_text(user.get("accountId"), what) or None if user else None


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= shape.MAX_ID:
        raise shape.Shape("a number too large to be Jira's")
    return str(value)


def _id_order(value: str) -> tuple[int, int | str]:
    return (0, int(value)) if value.isdigit() and len(value) < 19 else (1, value)


def _issue_order(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return (project, int(number)) if number.isdigit() and len(number) < 19 else (key, 0)
