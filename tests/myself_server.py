"""A tiny Jira stand-in on 127.0.0.1 that answers GET /rest/api/3/myself over real HTTP.

``mode`` picks what it is: ``jira`` (checks basic auth against ``accounts``),
``not-jira`` (404 everywhere: a wrong site), ``html`` (200 with a web page),
``redirect`` (302 to another host), ``unavailable`` (503).  In ``jira`` mode an
account can be marked ``no_access`` (403) or ``captcha`` (403 with Jira's
CAPTCHA header).  Every request's headers are recorded.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Account:
    token: str
    account_id: str
    name: str
    no_access: bool = False
    captcha: bool = False


@dataclass
class MyselfServer:
    mode: str = "jira"
    accounts: dict[str, Account] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _httpd: ThreadingHTTPServer | None = None

    def start(self) -> MyselfServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                status, headers, body = owner.answer(self.path, self.headers.get("Authorization", ""))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def add(self, email: str, token: str, name: str = "Test User", **flags: bool) -> Account:
        account = Account(token, f"acc-{len(self.accounts) + 1:04d}", name, **flags)
        self.accounts[email] = account
        return account

    def answer(self, path: str, authorization: str) -> tuple[int, dict[str, str], bytes]:
        as_json = {"Content-Type": "application/json;charset=UTF-8"}
        if self.mode == "not-jira":
            return 404, {"Content-Type": "text/html"}, b"<html>Your site is unavailable</html>"
        if self.mode == "html":
            return 200, {"Content-Type": "text/html"}, b"<html><body>Welcome</body></html>"
        if self.mode == "redirect":
            return 302, {"Location": "https://other-site.example.net/rest/api/3/myself"}, b""
        if self.mode == "unavailable":
            return 503, as_json, b'{"message":"maintenance"}'
        if not path.startswith("/rest/api/3/myself"):
            return 404, as_json, b'{"errorMessages":["not found"]}'
        email, token = _basic(authorization)
        account = self.accounts.get(email)
        if account is None or account.token != token:
            return 401, as_json, b'{"errorMessages":["Client must be authenticated to access this resource."]}'
        if account.captcha:
            return 403, {**as_json, "X-Seraph-LoginReason": "AUTHENTICATION_DENIED"}, b"{}"
        if account.no_access:
            return 403, as_json, b'{"errorMessages":["You do not have access to this site."]}'
        body = {"accountId": account.account_id, "accountType": "atlassian", "emailAddress": email,
                "displayName": account.name, "active": True, "timeZone": "UTC"}
        return 200, as_json, json.dumps(body).encode()


def _basic(header: str) -> tuple[str, str]:
    if not header.startswith("Basic "):
        return "", ""
    try:
        email, _, token = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return "", ""
    return email, token


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
