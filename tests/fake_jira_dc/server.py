"""A fake Jira Data Center server over real HTTP on 127.0.0.1: REST v2, PATs, usernames, nested groups.

It reuses the Cloud fake's plumbing (threaded ``http.server``, deterministic
faults: 429 with ``Retry-After``, 503, short pages, latency, the record of
every request and response) and answers like Jira DC 10.3:

* ``Authorization: Bearer <PAT>`` or ``Basic username:password``; an expired or
  revoked PAT, or any PAT when PATs are disabled, answers 401; a non-admin gets
  403 from admin-only endpoints (``permissions``, ``applicationrole``,
  ``group/member``, ``user/list``, ``permissionscheme``, ``workflowscheme``);
  every answer carries ``X-AUSERNAME`` (the caller, or ``anonymous``);
* users via the cursor-paged ``user/list`` (``nextCursor``) or, where it is
  turned off (``Faults``-like ``user_list=False``: older DC), ``user/search``;
* ``group/member`` lists the members of a group *and its subgroups*;
* no ``permissions/check``, ``group/bulk``, issue-security member endpoints or
  ``workflows`` search (they answer 404, as on DC);
* ``mypermissions`` for the caller, ``user/permission/search`` (the first
  1,000 users, then filtered) and ``user/viewissue/search`` for others.

Responses validate against ``jira-datacenter-v2.json`` (tests/test_fake_jira_dc.py).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from explorer.core.model import Account, Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from tests.fake_jira.server import FakeJira, Faults, _errors, _Reply
from tests.fake_jira_dc.rules import FakeDCRules

API = "/rest/api/2"
USER_SEARCH_CAP = 1000  # user/permission/search looks at the first 1,000 users, then filters


class FakeJiraDC(FakeJira):
    """``users``: username -> (password, key); ``pats``: token -> key; ``expired_pats``: tokens answering 401."""

    def __init__(self, site: Snapshot, *, users: dict[str, tuple[str, str]] | None = None,
                 pats: dict[str, str] | None = None, expired_pats: frozenset[str] = frozenset(),
                 pats_enabled: bool = True, user_list: bool = True, group_picker_cap: int | None = None,
                 faults: Faults | None = None, record: bool = True) -> None:
        super().__init__(site, users=None, faults=faults, record=record)
        self.rules = FakeDCRules(site)
        self.passwords = users or {}
        self.pats = pats or {}
        self.expired_pats = expired_pats
        self.pats_enabled = pats_enabled
        self.user_list = user_list
        self.group_picker_cap = group_picker_cap
        self.direct = {g.name: g for g in site.groups}
        self.no_access: set[str] = set()  # PATs of accounts without Jira application access: 403 everywhere

    # ---- authentication -------------------------------------------------------------------
    def _authenticate(self, header: str | None, path: str) -> str | None:
        if not header:
            if path == f"{API}/serverInfo":
                return None
            raise _Reply(401, _errors("You are not authenticated. Authentication required to perform this operation."),
                         {"X-AUSERNAME": "anonymous"})
        scheme, _, value = header.partition(" ")
        if scheme == "Bearer":
            if not self.pats_enabled or value in self.expired_pats or value not in self.pats:
                raise _Reply(401, _errors("Client must be authenticated to access this resource."),
                             {"X-AUSERNAME": "anonymous", "WWW-Authenticate": 'Bearer realm="Jira"'})
            if value in self.no_access:
                raise _Reply(403, _errors("You do not have access to Jira (no application access)."),
                             {"X-AUSERNAME": self.rules.accounts[self.pats[value]].username or ""})
            return self.pats[value]
        if scheme == "Basic":
            try:
                username, _, password = base64.b64decode(value).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                raise _Reply(401, _errors("Bad basic authentication header."), {"X-AUSERNAME": "anonymous"}) from None
            known = self.passwords.get(username)
            if known is None or known[0] != password:
                raise _Reply(401, _errors("Client must be authenticated to access this resource."),
                             {"X-AUSERNAME": "anonymous", "X-Seraph-LoginReason": "AUTHENTICATED_FAILED"})
            return known[1]
        raise _Reply(401, _errors("Unsupported authentication scheme."), {"X-AUSERNAME": "anonymous"})

    # ---- routing ------------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: list[tuple[str, str]], body: Any, me: str | None,
               key: str) -> tuple[str, int, Any]:
        q: dict[str, list[str]] = {}
        for k, v in query:
            q.setdefault(k, []).append(v)
        if not path.startswith(API):
            raise _Reply(404, None)
        rel = path[len(API):]
        table: list[tuple[str, str, str, Any]] = [
            ("GET", r"/serverInfo", "/serverInfo", self._server_info),
            ("GET", r"/myself", "/myself", self._myself),
            ("GET", r"/user/list", "/user/list", self._user_list),
            ("GET", r"/user/search", "/user/search", self._user_search),
            ("GET", r"/user", "/user", self._user_get),
            ("GET", r"/groups/picker", "/groups/picker", self._group_picker),
            ("GET", r"/group/member", "/group/member", self._group_members),
            ("GET", r"/applicationrole", "/applicationrole", self._app_roles),
            ("GET", r"/project", "/project", self._projects),
            ("GET", r"/project/(?P<pkey>[^/]+)/permissionscheme", "/project/{projectKeyOrId}/permissionscheme",
             self._project_scheme),
            ("GET", r"/permissionscheme", "/permissionscheme", self._schemes),
            ("GET", r"/role", "/role", self._roles),
            ("GET", r"/project/(?P<pkey>[^/]+)/role", "/project/{projectIdOrKey}/role", self._project_roles),
            ("GET", r"/project/(?P<pkey>[^/]+)/role/(?P<id>\d+)", "/project/{projectIdOrKey}/role/{id}",
             self._project_role),
            ("GET", r"/project/(?P<pkey>[^/]+)/issuesecuritylevelscheme",
             "/project/{projectKeyOrId}/issuesecuritylevelscheme", self._project_security),
            ("GET", r"/project/(?P<pkey>[^/]+)/workflowscheme", "/project/{projectKeyOrId}/workflowscheme",
             self._project_workflow_scheme),
            ("GET", r"/project/(?P<pkey>[^/]+)/statuses", "/project/{projectIdOrKey}/statuses",
             self._project_statuses),
            ("GET", r"/permissions", "/permissions", self._permissions),
            ("GET", r"/mypermissions", "/mypermissions", self._my_permissions),
            ("GET", r"/user/permission/search", "/user/permission/search", self._permission_search),
            ("GET", r"/user/viewissue/search", "/user/viewissue/search", self._viewissue_search),
            ("GET", r"/issue/(?P<pkey>[^/]+)", "/issue/{issueIdOrKey}", self._issue),
        ]
        for verb, pattern, template, handler in table:
            m = re.fullmatch(pattern, rel)
            if m and verb == method:
                template = API + template
                if me is None and handler is not self._server_info:
                    raise _Reply(401, _errors("You are not authenticated."), {"X-Template": template})
                if f"{method} {template}" in self.faults.deny:
                    raise _Reply(self.faults.deny[f"{method} {template}"], _errors("Refused by the test."),
                                 {"X-Template": template})
                try:
                    status, payload = handler(me, q, body, key, **m.groupdict())
                except _Reply as reply:
                    reply.headers.setdefault("X-Template", template)
                    raise
                return template, status, payload
        raise _Reply(404, _errors(f"No resource at {path}"))

    def _self(self, rel: str) -> str:
        return f"{self.url}{API}{rel}"

    # ---- helpers -----------------------------------------------------------------------------------
    def _user_picker(self, me: str | None) -> bool:
        return me is not None and (self._admin(me) or "USER_PICKER" in self.rules.global_permissions(me))

    def _user(self, account_id: str, *, details: bool = False) -> dict:
        """A UserJsonBean (``details``: a UserBean, as user/list, user/search and myself give)."""
        a = self.rules.accounts[account_id]
        out: dict[str, Any] = {"self": self._self(f"/user?username={a.username}"), "key": a.account_id,
                               "name": a.username, "displayName": a.display_name, "active": a.active,
                               "avatarUrls": {"48x48": f"{self.url}/secure/useravatar?ownerId={a.username}"},
                               "timeZone": "Europe/Berlin"}
        if a.email is not None:
            out["emailAddress"] = a.email
        if details:
            out.update({"deleted": False, "locale": "en_GB"})
        return out

    def _account(self, username: str) -> Account:
        account = self.rules.by_username.get(username)
        if account is None:
            raise _Reply(404, _errors(f"The user named '{username}' does not exist"))
        return account

    def _project(self, me: str, key: str) -> Project:
        project = self.rules.projects.get(key.upper()) or self.rules.projects_by_id.get(key)
        if project is None or not self._visible(me, project):
            raise _Reply(404, _errors(f"No project could be found with key '{key}'."))
        return project

    def _arg(self, q: dict[str, list[str]], name: str, default: str | None = None) -> str | None:
        return (q.get(name) or [default])[0]

    # ---- endpoints ------------------------------------------------------------------------------------
    def _server_info(self, me, q, body, key):
        return 200, {"baseUrl": self.url, "version": self.site.site.server_version, "versionNumbers": [10, 3, 24],
                     "deploymentType": "DataCenter", "buildNumber": 10030024, "buildDate": "2025-06-02T00:00:00.000+0000",
                     "serverTime": "2025-07-01T12:00:00.000+0000", "scmInfo": "b4c3e7a9f1d2c8e6a5b0f9d8c7e6a5b4c3d2e1f0",
                     "serverTitle": self.site.site.title}

    def _myself(self, me, q, body, key):
        user = self._user(me, details=True)
        groups = sorted(self.rules.groups_of(me))
        user["groups"] = {"size": len(groups), "items": []}
        user["applicationRoles"] = {"size": 1, "items": []}
        user["expand"] = "groups,applicationRoles"
        return 200, user

    def _user_list(self, me, q, body, key):
        if not self.user_list:
            raise _Reply(404, _errors("No resource at /rest/api/2/user/list"))
        if not self._admin(me):
            raise _Reply(403, _errors("You do not have permission to list all users."))
        cursor = int(self._arg(q, "cursor") or 0)
        size = self._size(self._arg(q, "maxResults"), 2000, 2000, key)
        users = self._cached(("users",), lambda: [self._user(a.account_id, details=True) for a in self.site.accounts])
        values = users[cursor:cursor + size]
        last = cursor + len(values) >= len(users)
        page: dict[str, Any] = {"self": self._self("/user/list"), "maxResults": size, "isLast": last,
                                "values": values}
        if not last:
            page["nextCursor"] = str(cursor + len(values))
            page["nextPage"] = self._self(f"/user/list?cursor={cursor + len(values)}&maxResults={size}")
        return 200, page

    def _user_search(self, me, q, body, key):
        if not self._user_picker(me):
            return 200, []  # DC: no Browse Users, no results
        text = (self._arg(q, "username") or "").lower()
        inactive = self._arg(q, "includeInactive") == "true"
        start = int(self._arg(q, "startAt") or 0)
        size = self._size(self._arg(q, "maxResults"), 50, 1000, key)
        found = self._cached(("search", text, inactive), lambda: [
            self._user(a.account_id, details=True) for a in self.site.accounts
            if (inactive or a.active) and (text == "." or text in (a.username or "").lower()
                                           or text in a.display_name.lower() or text in (a.email or "").lower())])
        return 200, found[start:start + size]

    def _user_get(self, me, q, body, key):
        username = self._arg(q, "username")
        user_key = self._arg(q, "key")
        account = self.rules.accounts.get(user_key or "") if user_key else self._account(username or "")
        if account is None:
            raise _Reply(404, _errors("The user does not exist."))
        return 200, self._user(account.account_id, details=True)

    def _group_picker(self, me, q, body, key):
        text = (self._arg(q, "query") or "").lower()
        asked = int(self._arg(q, "maxResults") or 20)
        if self.group_picker_cap:
            asked = min(asked, self.group_picker_cap)
        names = sorted(n for n in self.direct if text in n.lower())
        shown = names[:asked]
        return 200, {"header": f"Showing {len(shown)} of {len(names)} matching groups", "total": len(names),
                     "groups": [{"name": n, "html": n, "labels": []} for n in shown]}

    def _group_members(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You are not an administrator."))
        name = self._arg(q, "groupname")
        if not name:
            raise _Reply(400, _errors("The group name must not be empty."))
        if name not in self.direct:
            raise _Reply(404, _errors(f"The group '{name}' does not exist."))
        inactive = self._arg(q, "includeInactiveUsers") == "true"
        members = self._cached(("members", name, inactive), lambda: [
            self._user(a) for a in sorted(self.rules.members[name]) if inactive or self.rules.accounts[a].active])
        return 200, self._page(q, members, f"/group/member?groupname={name}", key)

    def _app_roles(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You are not an administrator."))
        return 200, [{"key": r.key, "name": r.name, "groups": list(r.groups), "defaultGroups": list(r.default_groups),
                      "defined": True, "hasUnlimitedSeats": False, "numberOfSeats": 500, "platform": False,
                      "remainingSeats": 120, "selectedByDefault": False, "userCount": 380,
                      "userCountDescription": "users"} for r in self.site.application_roles]

    def _projects(self, me, q, body, key):
        archived = self._arg(q, "includeArchived") == "true"
        out = []
        for p in sorted(self.site.projects, key=lambda p: p.key):
            if (p.archived and not archived) or not self._visible(me, p):
                continue
            item: dict[str, Any] = {"self": self._self(f"/project/{p.id}"), "id": p.id, "key": p.key, "name": p.name,
                                    "projectTypeKey": p.project_type.value, "archived": p.archived,
                                    "avatarUrls": {"48x48": f"{self.url}/secure/projectavatar?pid={p.id}"},
                                    "expand": "description,lead,url,projectKeys"}
            if p.lead and "lead" in (self._arg(q, "expand") or ""):
                item["lead"] = self._user(p.lead)
            out.append(item)
        return 200, out

    def _scheme_body(self, scheme_id: str, expanded: bool) -> dict:
        s = self.rules.schemes[scheme_id]
        out: dict[str, Any] = {"id": int(s.id), "name": s.name, "description": s.description,
                               "self": self._self(f"/permissionscheme/{s.id}"),
                               "expand": "permissions,user,group,projectRole,field,all"}
        if expanded:
            out["permissions"] = [{"id": int(g.id), "permission": g.permission, "holder": self._holder(g.holder),
                                   "self": self._self(f"/permissionscheme/{s.id}/permission/{g.id}")}
                                  for g in s.grants]
        return out

    def _holder(self, holder: Holder) -> dict:
        out: dict[str, Any] = {"type": holder.type}
        if holder.parameter is not None:
            out["parameter"] = holder.parameter
        if holder.type == "user" and holder.parameter in self.rules.accounts:
            out["parameter"] = holder.parameter  # DC: the user key
            out["user"] = self._user(holder.parameter)
        elif holder.type == "group" and holder.parameter:
            out["group"] = {"name": holder.parameter, "self": self._self(f"/group?groupname={holder.parameter}")}
        elif holder.type == "projectRole" and holder.parameter:
            role = next((r for r in self.site.roles if r.id == holder.parameter), None)
            if role is not None:
                out["projectRole"] = {"id": int(role.id), "name": role.name, "description": role.description,
                                      "self": self._self(f"/role/{role.id}")}
        out["expand"] = "user,group,projectRole,field"
        return out

    def _project_scheme(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(403, _errors("You cannot view the configuration of this project."))
        return 200, self._scheme_body(project.permission_scheme_id or "", bool(self._arg(q, "expand")))

    def _schemes(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You are not allowed to view permission schemes."))
        expanded = bool(self._arg(q, "expand"))
        return 200, {"permissionSchemes": [self._scheme_body(s.id, expanded) for s in self.site.permission_schemes]}

    def _roles(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You are not an administrator."))
        return 200, [{"self": self._self(f"/role/{r.id}"), "name": r.name, "id": int(r.id),
                      "description": r.description} for r in self.site.roles]

    def _project_roles(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        return 200, {r.name: self._self(f"/project/{project.key}/role/{r.id}") for r in self.site.roles}

    def _project_role(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(404, _errors("The role could not be found, or you may not view it."))
        role = next((r for r in self.site.roles if r.id == kw["id"]), None)
        if role is None:
            raise _Reply(404, _errors("The role could not be found."))
        actors = project.role_actors.get(role.id)
        listed: list[dict] = []
        n = 20000
        for group in actors.groups if actors else ():
            n += 1
            listed.append({"id": n, "displayName": group, "type": "atlassian-group-role-actor", "name": group})
        for account_id in actors.users if actors else ():
            n += 1
            a = self.rules.accounts[account_id]
            listed.append({"id": n, "displayName": a.display_name, "type": "atlassian-user-role-actor",
                           "name": a.username})
        return 200, {"self": self._self(f"/project/{project.key}/role/{role.id}"), "name": role.name,
                     "id": int(role.id), "description": role.description, "actors": listed}

    def _project_security(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(403, _errors("You cannot view the configuration of this project."))
        if project.issue_security_scheme_id is None:
            raise _Reply(404, _errors("The project does not use an issue security scheme."))
        s = self.rules.security[project.issue_security_scheme_id]
        out: dict[str, Any] = {"self": self._self(f"/issuesecurityschemes/{s.id}"), "id": int(s.id), "name": s.name,
                               "description": "",
                               "levels": [{"self": self._self(f"/securitylevel/{lv.id}"), "id": lv.id, "name": lv.name,
                                           "description": lv.description} for lv in s.levels]}
        if s.default_level_id is not None:
            out["defaultSecurityLevelId"] = int(s.default_level_id)
        return 200, out

    def _project_workflow_scheme(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._admin(me):
            raise _Reply(403, _errors("You are not allowed to administer Jira."))
        s = self.rules.wf_schemes[project.workflow_scheme_id or "default"]
        out: dict[str, Any] = {"name": s.name, "description": "", "defaultWorkflow": s.default_workflow,
                               "issueTypeMappings": dict(s.issue_type_workflows), "draft": False}
        if s.id.isdigit():
            out["id"] = int(s.id)
            out["self"] = self._self(f"/workflowscheme/{s.id}")
        return 200, out

    def _project_statuses(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        scheme = self.rules.wf_schemes[project.workflow_scheme_id or "default"]
        types = {i.issue_type.id: i.issue_type for i in self.site.issues}
        out = []
        for type_id in sorted(types):
            workflow = self.rules.workflows[scheme.workflow_for(type_id)]
            t = types[type_id]
            out.append({"self": self._self(f"/issuetype/{t.id}"), "id": t.id, "name": t.name, "subtask": t.subtask,
                        "statuses": [{"self": self._self(f"/status/{st.id}"), "id": st.id, "name": st.name,
                                      "description": "", "iconUrl": f"{self.url}/images/icons/status.png"}
                                     for st in workflow.statuses]})
        return 200, out

    def _permission_table(self, who: str | None, project: Project | None, issue: Issue | None,
                          with_have: bool) -> dict:
        table: dict[str, Any] = {}
        for n, p in enumerate(catalogue.PROJECT_PERMISSIONS):
            item: dict[str, Any] = {"id": str(10 + n), "key": p.key, "name": p.name, "type": "PROJECT",
                                    "description": p.meaning}
            if with_have:
                if project is None:
                    item["havePermission"] = any(self._answer(who, p.key, pr, None) for pr in self.site.projects)
                else:
                    item["havePermission"] = self._answer(who, p.key, project, issue)
            table[p.key] = item
        for n, g in enumerate(catalogue.GLOBAL_PERMISSIONS):
            if g.data_center:
                item = {"id": str(n), "key": g.key, "name": g.name, "type": "GLOBAL", "description": g.meaning}
                if with_have:
                    item["havePermission"] = g.key in self.rules.global_permissions(who or "")
                table[g.key] = item
        return {"permissions": table}

    def _answer(self, who: str | None, permission: str, project: Project, issue: Issue | None) -> bool:
        if who is None:
            return False
        return super()._answer(who, permission, project, issue)

    def _permissions(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You are not an administrator."))
        return 200, self._permission_table(None, None, None, with_have=False)

    def _my_permissions(self, me, q, body, key):
        project = issue = None
        if self._arg(q, "issueKey"):
            issue = self._issue_for(me, self._arg(q, "issueKey") or "")
            project = self.rules.projects[issue.project_key]
        elif self._arg(q, "projectKey"):
            project = self._project(me, self._arg(q, "projectKey") or "")
        return 200, self._permission_table(me, project, issue, with_have=True)

    def _permission_search(self, me, q, body, key):
        issue_key, project_key = self._arg(q, "issueKey"), self._arg(q, "projectKey")
        if not issue_key and not project_key:
            raise _Reply(400, _errors("Either an issue key or a project key must be given."))
        issue = self._issue_for(me, issue_key) if issue_key else None
        project = self.rules.projects[issue.project_key] if issue else self._project(me, project_key or "")
        if not self._project_admin(me, project):
            raise _Reply(403, _errors("You are not an administrator of this project."))
        wanted = [p.strip() for p in (self._arg(q, "permissions") or "").split(",") if p.strip()]
        if not wanted or any(p not in catalogue.PROJECT_BY_KEY for p in wanted):
            raise _Reply(400, _errors("The permissions list is empty or holds an unknown permission."))
        text = (self._arg(q, "username") or "").lower()
        start = int(self._arg(q, "startAt") or 0)
        size = self._size(self._arg(q, "maxResults"), 50, 1000, key)
        window = [a for a in sorted(self.site.accounts, key=lambda a: a.username or "")
                  if a.active and (not text or text in (a.username or "").lower())][:USER_SEARCH_CAP]
        found = [a for a in window[start:start + size]
                 if all(self._answer(a.account_id, p, project, issue) for p in wanted)]
        return 200, [self._user(a.account_id, details=True) for a in found]

    def _viewissue_search(self, me, q, body, key):
        if not self._user_picker(me):
            raise _Reply(403, _errors("You do not have the Browse Users permission."))
        text = (self._arg(q, "username") or "").lower()
        if not text:
            return 200, []
        issue_key, project_key = self._arg(q, "issueKey"), self._arg(q, "projectKey")
        if not issue_key and not project_key:
            raise _Reply(400, _errors("Either an issue key or a project key must be given."))
        issue = self._issue_for(me, issue_key) if issue_key else None
        project = self.rules.projects[issue.project_key] if issue else self._project(me, project_key or "")
        size = self._size(self._arg(q, "maxResults"), 50, 100, key)
        found = [a for a in sorted(self.site.accounts, key=lambda a: a.username or "")
                 if a.active and text in (a.username or "").lower()
                 and self._answer(a.account_id, "BROWSE_PROJECTS", project, issue)][:size]
        return 200, [self._user(a.account_id, details=True) for a in found]

    def _issue_for(self, me: str, key: str) -> Issue:
        issue = self.rules.issues.get(key.upper()) or self.rules.issues_by_id.get(key)
        project = self.rules.projects.get(issue.project_key) if issue else None
        if issue is None or project is None or not self.rules.has(me, "BROWSE_PROJECTS", project, issue):
            raise _Reply(404, {"errorMessages": ["Issue Does Not Exist"], "errors": {}})
        return issue

    def _issue(self, me, q, body, key, **kw):
        issue = self._issue_for(me, kw["pkey"])
        project = self.rules.projects[issue.project_key]
        fields: dict[str, Any] = {
            "summary": issue.summary,
            "project": {"self": self._self(f"/project/{project.id}"), "id": project.id, "key": project.key,
                        "name": project.name},
            "issuetype": {"self": self._self(f"/issuetype/{issue.issue_type.id}"), "id": issue.issue_type.id,
                          "name": issue.issue_type.name, "subtask": issue.issue_type.subtask},
            "status": {"self": self._self(f"/status/{issue.status_id}"), "id": issue.status_id,
                       "name": issue.status_name},
            "reporter": self._user(issue.reporter) if issue.reporter else None,
            "assignee": self._user(issue.assignee) if issue.assignee else None,
            "security": None, "archiveddate": None, "archivedby": None,
            "customfield_10100": None, "customfield_10200": None, "customfield_10300": "free text",
        }
        if issue.archived:
            fields["archiveddate"] = "2025-05-01T10:00:00.000+0000"
            fields["archivedby"] = self._user(me)
        if issue.security_level_id:
            fields["security"] = {"self": self._self(f"/securitylevel/{issue.security_level_id}"),
                                  "id": issue.security_level_id, "name": "level"}
        if issue.parent_key:
            parent = self.rules.issues[issue.parent_key]
            fields["parent"] = {"id": parent.id, "key": parent.key}
        for fid, ids in issue.user_fields.items():
            fields[fid] = [self._user(a) for a in ids]
        for fid, names in issue.group_fields.items():
            fields[fid] = [{"name": n, "self": self._self(f"/group?groupname={n}")} for n in names]
        schema = {"customfield_10100": {"type": "array", "items": "user", "custom": "multiuserpicker"},
                  "customfield_10200": {"type": "array", "items": "group", "custom": "multigrouppicker"},
                  "customfield_10300": {"type": "string", "custom": "textfield"}}
        return 200, {"id": issue.id, "key": issue.key, "self": self._self(f"/issue/{issue.id}"),
                     "expand": "renderedFields,names,schema", "fields": fields, "schema": schema}
