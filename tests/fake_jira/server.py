"""A small fake Jira Cloud server over real HTTP on 127.0.0.1 (stdlib ``http.server`` in a thread).

It serves every endpoint the sync and verify use, from a generated site model
(:mod:`tests.fake_jira.sitegen`), with:

* basic auth (``email:token``); a wrong token answers 401 like Jira Cloud;
* each endpoint's permission rule from the endpoints document: admin-only
  endpoints answer 403 to other callers (``POST /workflows`` answers 401, as the
  spec says; ``project/{key}/role/{id}`` 404);
* deterministic fault injection (:class:`Faults`): 429 with ``Retry-After``
  (seconds or an HTTP date) or ``X-RateLimit-Reset``, 503, added latency, and
  pages shorter than asked.  Which request gets a fault depends only on the
  request itself (method, path, query, body) and how often it was sent, never
  on timing, so a run under faults is reproducible;
* a record of every request and every response body (for the OpenAPI check).

Responses follow the Cloud OpenAPI schemas (tests/test_fake_jira.py checks
them against shared/jira-openapi/jira-cloud-platform-v3.json).
"""

from __future__ import annotations

import base64
import email.utils
import json
import re
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import msgspec

from explorer.core.model import Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from tests.fake_jira.rules import FakeRules
from tests.fake_jira.sitegen import STATUSES

API = "/rest/api/3"
SERVER_INFO_V2 = "/rest/api/2/serverInfo"


@dataclass
class Faults:
    """Deterministic faults.  ``*_every`` = n: about one request in n gets the fault on its first attempts."""

    rate_limit_every: int = 0  # 429 on the first attempt
    retry_after: str = "0"  # Retry-After value sent with the 429s ("date" sends an HTTP date 1 s ahead)
    reset_header_every: int = 0  # 429 with X-RateLimit-Reset (ISO 8601) instead of Retry-After
    unavailable_every: int = 0  # 503 on the first two attempts
    latency: float = 0.0  # seconds added to every answer
    page_cap: int | None = None  # no page holds more than this
    short_pages: bool = False  # pages one or two items shorter than they could be
    flip: set[tuple[str, str, str]] = field(default_factory=set)  # (accountId, permission, project key/issue key)
    deny: dict[str, int] = field(default_factory=dict)  # "METHOD /rest/api/3/template" -> status, for everyone
    # a lying server: (template, query, payload) -> the payload to send instead, for every 200 answer
    rewrite: Callable[[str, dict[str, list[str]], Any], Any] | None = None
    # a server misbehaving on the wire: ("METHOD /path", handler) -> True when it wrote the whole answer itself
    raw: Callable[[str, BaseHTTPRequestHandler], bool] | None = None


@dataclass(frozen=True)
class Served:
    method: str
    template: str  # the OpenAPI path
    status: int
    body: Any
    account: str | None


class _Reply(Exception):
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        self.status = status
        self.body = body
        self.headers = headers or {}


class FakeJira:
    """``with FakeJira(site) as jira: jira.url ...``; ``users`` maps email -> (token, accountId)."""

    def __init__(self, site: Snapshot, *, users: dict[str, tuple[str, str]] | None = None,
                 faults: Faults | None = None, record: bool = True) -> None:
        """``record=False`` keeps only request counts, not every answer (for benchmarks of large sites)."""
        self.site = site
        self.record = record
        self._groups_by_id = {g.group_id: g for g in site.groups}
        self._groups_by_name = {g.name: g for g in site.groups}
        self.rules = FakeRules(site)
        self.users = users or {}
        self.faults = faults or Faults()
        self.served: list[Served] = []
        self.crashes: list[str] = []
        self._cache: dict[tuple, Any] = {}
        self.requests: Counter[str] = Counter()  # "GET /rest/api/3/..." (no query) -> count
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._statuses = {v: k for k, v in STATUSES.items()}

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeJira:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
                # client's delayed ACK add about 40 ms to every answer, as with any real server that forgets it
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

            def parse_request(self) -> bool:
                """The request line and headers, parsed without the email package (the fake must not be the
                bottleneck of a sync benchmark); anything unusual goes to the standard parser's errors."""
                words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split()
                if len(words) != 3 or not words[2].startswith("HTTP/1."):
                    return super().parse_request()
                self.command, self.path, self.request_version = words
                self.requestline = " ".join(words)
                self.close_connection = words[2] == "HTTP/1.0"
                headers = _Headers()
                for _ in range(200):
                    line = self.rfile.readline(65537)
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = str(line, "iso-8859-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                else:
                    self.send_error(431, "Too many headers")
                    return False
                self.headers = headers  # type: ignore[assignment]
                if headers.get("connection", "").lower() == "close":
                    self.close_connection = True
                return True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # serve_forever looks for a shutdown request every poll_interval: the default 0.5 s made every stop()
        # wait ~0.4 s, most of the time some tests took
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-jira", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeJira:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    # ---- request handling -------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        key = f"{method} {parts.path}?{parts.query}#{raw.decode('utf-8', 'replace')}"
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] += 1
            self.requests[f"{method} {parts.path}"] += 1
        if self.faults.latency:
            time.sleep(self.faults.latency)
        if self.faults.raw is not None and self.faults.raw(f"{method} {parts.path}", h):
            return
        template = ""
        account: str | None = None
        headers: dict[str, str] = {}
        try:
            self._inject(key, attempt)
            account = self._authenticate(h.headers.get("Authorization"), parts.path)
            body = json.loads(raw) if raw else None
            template, status, payload = self._route(method, parts.path, query, body, account, key)
            if self.faults.rewrite is not None and status == 200:
                q: dict[str, list[str]] = {}
                for k, v in query:
                    q.setdefault(k, []).append(v)
                payload = self.faults.rewrite(template, q, payload)
        except _Reply as reply:
            status, payload, headers = reply.status, reply.body, dict(reply.headers)
            template = headers.pop("X-Template", "")
        except Exception as error:  # a bug in the fake: answer 500 and keep it for the test to see
            self.crashes.append(repr(error))
            status, payload = 500, _errors("internal error in the fake server")
        data = b"" if payload is None else _encode(payload)
        if self.record:
            with self._lock:
                self.served.append(Served(method, template, status, payload, account))
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}", "Content-Type: application/json;charset=UTF-8",
                f"Content-Length: {len(data)}", *(f"{k}: {v}" for k, v in headers.items())]
        h.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)  # one write per answer

    def _inject(self, key: str, attempt: int) -> None:
        f = self.faults
        bucket = zlib.crc32(key.encode())
        if f.rate_limit_every and bucket % f.rate_limit_every == 1 and attempt == 0:
            if f.reset_header_every and (bucket // f.rate_limit_every) % f.reset_header_every == 0:
                reset = (datetime.now(UTC) + timedelta(milliseconds=300)).isoformat()
                raise _Reply(429, _errors("Rate limit exceeded."), {"X-RateLimit-Reset": reset,
                                                                    "RateLimit-Reason": "jira-burst-based"})
            value = f.retry_after
            if value == "date":
                value = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
            raise _Reply(429, _errors("Rate limit exceeded."), {"Retry-After": value})
        if f.unavailable_every and bucket % f.unavailable_every == 2 and attempt < 2:
            raise _Reply(503, _errors("Service unavailable."))

    def _authenticate(self, header: str | None, path: str) -> str | None:
        if not header:
            if path in (f"{API}/serverInfo", SERVER_INFO_V2):
                return None
            raise _Reply(401, _errors("You are not authenticated. Authentication required to perform this operation."))
        try:
            scheme, _, encoded = header.partition(" ")
            email_, _, token = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise _Reply(401, _errors("Basic authentication with passwords is deprecated.")) from None
        known = self.users.get(email_)
        if scheme != "Basic" or known is None or known[0] != token:
            raise _Reply(401, _errors("Client must be authenticated to access this resource."))
        return known[1]

    # ---- routing ------------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: list[tuple[str, str]], body: Any, me: str | None,
               key: str) -> tuple[str, int, Any]:
        q: dict[str, list[str]] = {}
        for k, v in query:
            q.setdefault(k, []).append(v)
        if path == SERVER_INFO_V2:  # v2 answers serverInfo as v3 does (it is how a dialect is detected)
            path = f"{API}/serverInfo"
        rel = path[len(API):] if path.startswith(API) else None
        if path.startswith("/rest/servicedeskapi/"):
            return self._service_desks(q, key)
        if rel is None:
            raise _Reply(404, None)
        table: list[tuple[str, str, Any]] = [
            ("GET", r"/serverInfo", self._server_info),
            ("GET", r"/myself", self._myself),
            ("GET", r"/project/search", self._project_search),
            ("GET", r"/project/(?P<pkey>[^/]+)/permissionscheme", self._project_scheme),
            ("GET", r"/permissionscheme", self._schemes),
            ("GET", r"/project/(?P<pkey>[^/]+)/role", self._project_roles),
            ("GET", r"/project/(?P<pkey>[^/]+)/role/(?P<id>\d+)", self._project_role),
            ("GET", r"/users/search", self._users),
            ("GET", r"/group/bulk", self._groups),
            ("GET", r"/group/member", self._group_members),
            ("GET", r"/applicationrole", self._app_roles),
            ("GET", r"/project/(?P<pkey>[^/]+)/issuesecuritylevelscheme", self._project_security),
            ("GET", r"/issuesecurityschemes/level/member", self._level_members),
            ("GET", r"/issuesecurityschemes/(?P<id>\d+)", self._security_scheme),
            ("GET", r"/permissions", self._permissions),
            ("POST", r"/permissions/check", self._check),
            ("GET", r"/issue/(?P<pkey>[^/]+)", self._issue),
            ("GET", r"/workflowscheme/project", self._workflow_schemes),
            ("POST", r"/workflows", self._workflows),
        ]
        templates = {
            "/project/(?P<pkey>[^/]+)/permissionscheme": "/project/{projectKeyOrId}/permissionscheme",
            "/project/(?P<pkey>[^/]+)/role": "/project/{projectIdOrKey}/role",
            "/project/(?P<pkey>[^/]+)/role/(?P<id>\\d+)": "/project/{projectIdOrKey}/role/{id}",
            "/project/(?P<pkey>[^/]+)/issuesecuritylevelscheme": "/project/{projectKeyOrId}/issuesecuritylevelscheme",
            "/issuesecurityschemes/(?P<id>\\d+)": "/issuesecurityschemes/{id}",
            "/issue/(?P<pkey>[^/]+)": "/issue/{issueIdOrKey}",
        }
        for verb, pattern, handler in table:
            m = re.fullmatch(pattern, rel)
            if m and verb == method:
                if me is None and handler is not self._server_info:
                    raise _Reply(401, _errors("You are not authenticated."))
                template = API + templates.get(pattern, pattern)
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

    # ---- helpers -----------------------------------------------------------------------------------
    def _cached(self, key: tuple, make) -> Any:
        """Responses built from the (immutable) site once, not on every page."""
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = make()
            with self._lock:
                self._cache[key] = found
        return found

    def _self(self, rel: str) -> str:
        return f"{self.url}{API}{rel}"

    def _admin(self, me: str | None) -> bool:
        return me is not None and self.rules.is_admin(me)

    def _user_picker(self, me: str | None) -> bool:
        return me is not None and bool({"USER_PICKER", "ADMINISTER"} & self.rules.global_permissions(me))

    def _visible(self, me: str, project: Project) -> bool:
        return self._admin(me) or self.rules.has(me, "BROWSE_PROJECTS", project) or \
            self.rules.has(me, "ADMINISTER_PROJECTS", project)

    def _project_admin(self, me: str, project: Project) -> bool:
        return self._admin(me) or self.rules.has(me, "ADMINISTER_PROJECTS", project)

    def _project(self, me: str, key: str) -> Project:
        project = self.rules.projects.get(key.upper()) or self.rules.projects_by_id.get(key)
        if project is None or not self._visible(me, project):
            raise _Reply(404, _errors(f"No project could be found with key '{key}'."))
        return project

    def _size(self, asked: str | None, default: int, maximum: int, key: str) -> int:
        size = min(int(asked) if asked else default, maximum)
        if self.faults.page_cap:
            size = min(size, self.faults.page_cap)
        if self.faults.short_pages and size > 2:
            size -= zlib.crc32(key.encode()) % 3
        return max(1, size)

    def _page(self, q: dict[str, list[str]], items: list, rel: str, key: str, *, default: int = 50,
              maximum: int = 50) -> dict:
        start = int((q.get("startAt") or ["0"])[0])
        size = self._size((q.get("maxResults") or [None])[0], default, maximum, key)
        values = items[start:start + size]
        last = start + len(values) >= len(items)
        page = {"isLast": last, "maxResults": size, "self": self._self(rel), "startAt": start,
                "total": len(items), "values": values}
        if not last:
            page["nextPage"] = self._self(f"{rel}?startAt={start + len(values)}&maxResults={size}")
        return page

    def _user(self, account_id: str, *, details: bool = False) -> dict:
        a = self.rules.accounts[account_id]
        out: dict[str, Any] = {"accountId": a.account_id, "accountType": a.account_type.value,
                               "active": a.active, "displayName": a.display_name,
                               "self": self._self(f"/user?accountId={a.account_id}")}
        if a.email is not None:
            out["emailAddress"] = a.email
        if not details:
            out["timeZone"] = "Europe/Berlin"
        return out

    # ---- endpoints ------------------------------------------------------------------------------------
    def _server_info(self, me, q, body, key):
        return 200, {"baseUrl": self.url, "buildNumber": 100283, "deploymentType": "Cloud",
                     "serverTitle": self.site.site.title, "version": self.site.site.server_version,
                     "versionNumbers": [1001, 0, 0], "serverTime": "2025-01-31T12:00:00.000+0000",
                     "scmInfo": "1f51473f5c7b75c1a69a0090f4832cdc5053702a"}

    def _myself(self, me, q, body, key):
        user = self._user(me)
        user["groups"] = {"size": len(self.rules.groups_of(me)), "items": []}
        user["applicationRoles"] = {"size": 1, "items": []}
        return 200, user

    def _project_search(self, me, q, body, key):
        statuses = set(q.get("status") or ["live"])
        keys = {k.upper() for k in q.get("keys") or []}
        found = [p for p in sorted(self.site.projects, key=lambda p: p.key)
                 if ("archived" if p.archived else "live") in statuses and (not keys or p.key in keys)
                 and self._visible(me, p)]
        values = []
        for p in found:
            value: dict[str, Any] = {
                "id": p.id, "key": p.key, "name": p.name, "projectTypeKey": p.project_type.value,
                "simplified": p.team_managed, "style": "next-gen" if p.team_managed else "classic",
                "isPrivate": False, "self": self._self(f"/project/{p.id}"), "expand": "description,lead"}
            if p.archived:
                value["archived"] = True
            if p.lead and "lead" in (q.get("expand") or [""])[0]:
                value["lead"] = self._user(p.lead)
            values.append(value)
        return 200, self._page(q, values, "/project/search", key, default=50, maximum=100)

    def _project_scheme(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(403, _errors("You cannot view the configuration of this project."))
        if project.permission_scheme_id is None:  # a team-managed project of a generated site
            raise _Reply(404, _errors("The project has no permission scheme."))
        scheme = self.rules.schemes[project.permission_scheme_id]
        return 200, {"id": _number(scheme.id), "name": scheme.name, "description": scheme.description,
                     "self": self._self(f"/permissionscheme/{scheme.id}")}

    def _holder(self, holder: Holder) -> dict:
        out: dict[str, Any] = {"type": holder.type}
        if holder.parameter is not None:
            out["parameter"] = holder.parameter
        if holder.value is not None:
            out["value"] = holder.value
        return out

    def _schemes(self, me, q, body, key):
        expanded = bool(q.get("expand"))
        out = []
        for s in self.site.permission_schemes:
            item: dict[str, Any] = {"id": _number(s.id), "name": s.name, "description": s.description,
                                    "self": self._self(f"/permissionscheme/{s.id}")}
            if expanded:
                item["expand"] = "permissions,user,group,projectRole,field,all"
                item["permissions"] = [{"id": _number(g.id), "permission": g.permission, "holder": self._holder(g.holder),
                                        "self": self._self(f"/permissionscheme/{s.id}/permission/{g.id}")}
                                       for g in s.grants]
            out.append(item)
        return 200, {"permissionSchemes": out}

    def _project_roles(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not (self._admin(me) or any(self.rules.has(me, "ADMINISTER_PROJECTS", p) for p in self.site.projects)):
            raise _Reply(403, _errors("You do not have permission to view project roles."))
        return 200, {r.name: self._self(f"/project/{project.id}/role/{r.id}") for r in self.site.roles}

    def _project_role(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(404, _errors("No project could be found."))
        role = next((r for r in self.site.roles if r.id == kw["id"]), None)
        if role is None:
            raise _Reply(404, _errors("Role not found."))
        actors = project.role_actors.get(role.id)
        listed: list[dict] = []
        n = 20000
        groups = self._groups_by_name
        for group in actors.groups if actors else ():
            n += 1
            listed.append({"id": n, "type": "atlassian-group-role-actor", "displayName": group, "name": group,
                           "actorGroup": {"name": group, "displayName": group, "groupId": groups[group].group_id}})
        for account_id in actors.users if actors else ():
            n += 1
            listed.append({"id": n, "type": "atlassian-user-role-actor",
                           "displayName": self.rules.accounts[account_id].display_name,
                           "actorUser": {"accountId": account_id}})
        return 200, {"id": _number(role.id), "name": role.name, "description": role.description, "actors": listed,
                     "self": self._self(f"/project/{project.id}/role/{role.id}"), "admin": False,
                     "default": role.id == "10000", "roleConfigurable": True, "translatedName": role.name}

    def _users(self, me, q, body, key):
        if not self._user_picker(me):
            raise _Reply(403, _errors("You do not have the permission to browse users."))
        start = int((q.get("startAt") or ["0"])[0])
        size = self._size((q.get("maxResults") or [None])[0], 50, 1000, key)
        users = self._cached(("users",), lambda: [self._user(a.account_id) for a in self.site.accounts])
        return 200, users[start:start + size]

    def _groups(self, me, q, body, key):
        if not self._user_picker(me):
            raise _Reply(403, _errors("You do not have the permission to browse groups."))
        groups = self._cached(("groups",), lambda: [{"groupId": g.group_id, "name": g.name} for g in self.site.groups])
        return 200, self._page(q, groups, "/group/bulk", key)

    def _group_members(self, me, q, body, key):
        if not self._user_picker(me):
            raise _Reply(403, _errors("Only Jira administrators can view group members."))
        wanted_id = (q.get("groupId") or [None])[0]
        wanted_name = (q.get("groupname") or [None])[0]
        group = (self._groups_by_id.get(wanted_id) if wanted_id else None) or \
            (self._groups_by_name.get(wanted_name) if wanted_name else None)
        if group is None:
            raise _Reply(404, _errors("Group not found."))
        inactive = (q.get("includeInactiveUsers") or ["false"])[0] == "true"
        members = self._cached(("members", group.name, inactive), lambda: [
            self._user(a, details=True) for a in group.members if inactive or self.rules.accounts[a].active])
        return 200, self._page(q, members, "/group/member", key)

    def _app_roles(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("You do not have permission to view application roles."))
        ids = {g.name: g.group_id for g in self.site.groups}
        return 200, [{"key": r.key, "name": r.name, "groups": list(r.groups),
                      "groupDetails": [{"groupId": ids.get(g), "name": g, "self": self._self(f"/group?groupId={ids.get(g)}")}
                                       for g in r.groups],
                      "defaultGroups": list(r.default_groups),
                      "defaultGroupsDetails": [{"groupId": ids.get(g), "name": g} for g in r.default_groups],
                      "defined": False, "hasUnlimitedSeats": False, "numberOfSeats": 100, "platform": False,
                      "remainingSeats": 40, "selectedByDefault": False, "userCount": 60,
                      "userCountDescription": "users"} for r in self.site.application_roles]

    def _security_body(self, scheme_id: str) -> dict:
        s = self.rules.security[scheme_id]
        out: dict[str, Any] = {"id": _number(s.id), "name": s.name, "description": "",
                               "self": self._self(f"/issuesecurityschemes/{s.id}"),
                               "levels": [{"id": lv.id, "name": lv.name, "description": lv.description,
                                           "self": self._self(f"/securitylevel/{lv.id}")} for lv in s.levels]}
        if s.default_level_id is not None:
            out["defaultSecurityLevelId"] = _number(s.default_level_id)
        return out

    def _project_security(self, me, q, body, key, **kw):
        project = self._project(me, kw["pkey"])
        if not self._project_admin(me, project):
            raise _Reply(403, _errors("You cannot view the configuration of this project."))
        if project.issue_security_scheme_id is None:
            raise _Reply(404, _errors("The project does not have an issue security level scheme."))
        return 200, self._security_body(project.issue_security_scheme_id)

    def _security_scheme(self, me, q, body, key, **kw):
        scheme_id = kw["id"]
        if scheme_id not in self.rules.security:
            raise _Reply(404, _errors("Issue security scheme not found."))
        users = [p for p in self.site.projects if p.issue_security_scheme_id == scheme_id]
        if not (self._admin(me) or any(self.rules.has(me, "ADMINISTER_PROJECTS", p) for p in users)):
            raise _Reply(403, _errors("You do not have permission to view this scheme."))
        return 200, self._security_body(scheme_id)

    def _level_members(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("Only Jira administrators can view security level members."))
        schemes = set(q.get("schemeId") or [])
        values = []
        n = 30000
        for s in self.site.issue_security_schemes:
            for lv in s.levels:
                for member in lv.members:
                    n += 1
                    if not schemes or s.id in schemes:
                        values.append({"id": str(n), "issueSecurityLevelId": lv.id, "issueSecuritySchemeId": s.id,
                                       "holder": self._holder(member), "managed": False})
        return 200, self._page(q, values, "/issuesecurityschemes/level/member", key)

    def _permissions(self, me, q, body, key):
        table = {}
        for n, p in enumerate(catalogue.PROJECT_PERMISSIONS):
            table[p.key] = {"id": str(10 + n), "key": p.key, "name": p.name, "type": "PROJECT",
                            "description": p.meaning}
        for n, g in enumerate(catalogue.GLOBAL_PERMISSIONS):
            if g.cloud:
                table[g.key] = {"id": str(n), "key": g.key, "name": g.name, "type": "GLOBAL",
                                "description": g.meaning}
        return 200, {"permissions": table}

    def _check(self, me, q, body, key):
        body = body or {}
        who = body.get("accountId") or me
        if who != me and not self._admin(me):
            raise _Reply(403, _errors("Only Jira administrators can perform this operation."))
        held = self.rules.global_permissions(who)
        granted_global = [k for k in body.get("globalPermissions") or [] if k in held]
        out = []
        for item in body.get("projectPermissions") or []:
            for permission in item.get("permissions") or []:
                projects = [pid for pid in item.get("projects") or []
                            if (p := self.rules.projects_by_id.get(str(pid))) is not None
                            and self._answer(who, permission, p, None)]
                issues = [iid for iid in item.get("issues") or []
                          if (i := self.rules.issues_by_id.get(str(iid))) is not None
                          and self._answer(who, permission, self.rules.projects[i.project_key], i)]
                out.append({"permission": permission, "projects": projects, "issues": issues})
        return 200, {"globalPermissions": granted_global, "projectPermissions": out}

    def _answer(self, who: str, permission: str, project: Project, issue: Issue | None) -> bool:
        answer = self.rules.has(who, permission, project, issue)
        if (who, permission, issue.key if issue else project.key) in self.faults.flip:
            answer = not answer
        return answer

    def _issue(self, me, q, body, key, **kw):
        issue = self.rules.issues.get(kw["pkey"].upper()) or self.rules.issues_by_id.get(kw["pkey"])
        project = self.rules.projects.get(issue.project_key) if issue else None
        if issue is None or project is None or not self.rules.has(me, "BROWSE_PROJECTS", project, issue):
            raise _Reply(404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."],
                               "errors": {}})
        fields: dict[str, Any] = {
            "summary": issue.summary,
            "project": {"id": project.id, "key": project.key, "name": project.name,
                        "self": self._self(f"/project/{project.id}")},
            "issuetype": {"id": issue.issue_type.id, "name": issue.issue_type.name,
                          "subtask": issue.issue_type.subtask},
            "status": {"id": issue.status_id, "name": issue.status_name,
                       "self": self._self(f"/status/{issue.status_id}")},
            "reporter": self._user(issue.reporter) if issue.reporter else None,
            "assignee": self._user(issue.assignee) if issue.assignee else None,
            "security": None,
            "customfield_10100": None, "customfield_10200": None, "customfield_10300": "free text",
        }
        if issue.security_level_id:
            fields["security"] = {"id": issue.security_level_id, "name": "level",
                                  "self": self._self(f"/securitylevel/{issue.security_level_id}")}
        if issue.parent_key:
            parent = self.rules.issues[issue.parent_key]
            fields["parent"] = {"id": parent.id, "key": parent.key}
        for fid, ids in issue.user_fields.items():
            fields[fid] = [self._user(a) for a in ids]
        ids = {g.name: g.group_id for g in self.site.groups}
        for fid, names in issue.group_fields.items():
            fields[fid] = [{"name": n, "groupId": ids[n], "self": self._self(f"/group?groupId={ids[n]}")}
                           for n in names]
        schema = {"customfield_10100": {"type": "array", "items": "user", "custom": "multiuserpicker"},
                  "customfield_10200": {"type": "array", "items": "group", "custom": "multigrouppicker"},
                  "customfield_10300": {"type": "string", "custom": "textfield"}}
        return 200, {"id": issue.id, "key": issue.key, "self": self._self(f"/issue/{issue.id}"),
                     "expand": "renderedFields,names,schema", "fields": fields, "schema": schema}

    def _workflow_schemes(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(403, _errors("Only Jira administrators can access workflow scheme associations."))
        ids = q.get("projectId") or []
        by_scheme: dict[str, list[str]] = {}
        for pid in ids:
            p = self.rules.projects_by_id.get(pid)
            if p is not None and not p.team_managed and p.workflow_scheme_id:
                by_scheme.setdefault(p.workflow_scheme_id, []).append(pid)
        values = []
        for scheme_id, pids in by_scheme.items():
            s = self.rules.wf_schemes[scheme_id]
            scheme: dict[str, Any] = {"name": s.name, "description": "", "defaultWorkflow": s.default_workflow,
                                      "issueTypeMappings": dict(s.issue_type_workflows)}
            if scheme_id != "default":
                scheme["id"] = _number(scheme_id)
                scheme["self"] = self._self(f"/workflowscheme/{scheme_id}")
            values.append({"projectIds": pids, "workflowScheme": scheme})
        return 200, {"values": values}

    def _workflows(self, me, q, body, key):
        if not self._admin(me):
            raise _Reply(401, _errors("You are not allowed to read these workflows."))
        names = (body or {}).get("workflowNames") or []
        found = [w for w in self.site.workflows if w.name in names]
        names_of = {s.id: s.name for w in found for s in w.statuses}
        used = sorted(names_of, key=_number)
        return 200, {
            "statuses": [{"id": sid, "name": STATUSES.get(sid, names_of[sid]), "statusReference": _ref(sid),
                          "statusCategory": "DONE" if sid == "10001" else "TODO" if sid == "1" else "IN_PROGRESS",
                          "scope": {"type": "GLOBAL"}, "description": ""} for sid in used],
            "workflows": [{"id": f"wf-{zlib.crc32(w.name.encode()):08x}", "name": w.name, "description": "",
                           "scope": {"type": "GLOBAL"}, "isEditable": True,
                           "version": {"id": f"v-{zlib.crc32(w.name.encode()):08x}", "versionNumber": 1},
                           "statuses": [{"statusReference": _ref(s.id), "properties": dict(s.properties),
                                         "deprecated": False} for s in w.statuses],
                           "transitions": []} for w in found],
        }

    def _service_desks(self, q, key):
        desks = [p for p in sorted(self.site.projects, key=lambda p: p.key)]
        start = int((q.get("start") or ["0"])[0])
        limit = self._size((q.get("limit") or [None])[0], 50, 100, key)
        values = [{"id": str(n + 1), "projectId": p.id, "projectKey": p.key, "projectName": p.name}
                  for n, p in enumerate(desks)][start:start + limit]
        return "/rest/servicedeskapi/servicedesk", 200, {
            "size": len(values), "start": start, "limit": limit, "isLastPage": start + len(values) >= len(desks),
            "values": values, "_links": {"base": self.url, "context": ""}}


def _encode(payload: Any) -> bytes:
    """JSON for an answer: msgspec where it can (the fake must not be a sync benchmark's bottleneck)."""
    try:
        return msgspec.json.encode(payload)
    except (TypeError, msgspec.EncodeError):
        return json.dumps(payload).encode()


class _Headers(dict):
    """Request headers by lower-cased name; ``get`` ignores case, as ``email.message.Message.get`` does."""

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> Any:
        return super().get(name.lower())


_REASONS = {s.value: s.phrase for s in HTTPStatus}


def _number(value: str) -> int:
    """Jira's ids are numbers; a generated site may use other text (benchmarks/gen_site.py): a stable number."""
    return int(value) if value.isdigit() else zlib.crc32(value.encode()) % 10**9


def _ref(status_id: str) -> str:
    return f"ref-{zlib.crc32(status_id.encode()):08x}"


def _errors(message: str) -> dict:
    return {"errorMessages": [message], "errors": {}}
