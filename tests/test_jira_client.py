"""The Jira client against real HTTP on 127.0.0.1: paging styles, retries, rate limits, errors, cancellation."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from explorer.core.errors import UserError
from explorer.jira.client import (
    USER_AGENT,
    AuthenticationFailed,
    JiraClient,
    JiraUnavailable,
    NetworkDown,
    NotFound,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    WrongSite,
    check_site_url,
    redact_headers,
)

TOKEN = "ATATT3xFfGF0-client-test-token-5e6f7a8b"
FAST = RetryPolicy(max_retries=3, max_rate_limit_retries=4, base_delay=0.01, max_delay=0.05)


class Server:
    """A scripted HTTP server: ``reply(handler) -> (status, headers, body)``; records every request."""

    def __init__(self, reply: Callable[[BaseHTTPRequestHandler, int], tuple[int, dict, object]]):
        self.reply = reply
        self.seen: list[tuple[float, str, dict]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with server.lock:
                    n = len(server.seen)
                    server.seen.append((time.monotonic(), self.path, dict(self.headers)))
                status, headers, body = server.reply(self, n)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                headers = {"Content-Type": "application/json", **headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _any  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers: list[Server] = []

    def start(reply):
        servers.append(Server(reply))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def run(coro):
    return asyncio.run(coro)


async def with_client(url: str, call, **kw):
    async with JiraClient(url, "me@example.test", TOKEN, retry=kw.pop("retry", FAST), **kw) as client:
        return await call(client), client


def query(path: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(path).query))


# ---------------------------------------------------------------------------- paging


def test_page_bean_never_stops_on_a_short_page_and_follows_is_last(serve):
    items = list(range(23))

    def reply(h, n):
        q = query(h.path)
        start, size = int(q["startAt"]), min(int(q["maxResults"]), 5)
        size = max(1, size - (start % 3))  # ragged, always shorter than asked
        page = items[start:start + size]
        return 200, {}, {"startAt": start, "maxResults": size, "total": len(items),
                         "isLast": start + len(page) >= len(items), "values": page}

    server = serve(reply)
    got, _ = run(with_client(server.url, lambda c: c.page_bean("/rest/api/3/group/bulk", page_size=50)))
    assert got == items


def test_page_bean_without_total_follows_is_last_not_the_page_length(serve):
    items = [f"u{i}" for i in range(12)]

    def reply(h, n):
        q = query(h.path)
        start = int(q["startAt"])
        page = items[start:start + 3]
        return 200, {}, {"startAt": start, "maxResults": 3, "isLast": start + 3 >= len(items), "values": page}

    server = serve(reply)
    got, _ = run(with_client(server.url, lambda c: c.page_bean("/x", page_size=50)))
    assert got == items


def test_page_bean_keeps_going_when_total_was_too_low(serve):
    items = list(range(17))

    def reply(h, n):
        start = int(query(h.path)["startAt"])
        page = items[start:start + 4]
        return 200, {}, {"startAt": start, "maxResults": 4, "total": 8, "isLast": start + 4 >= len(items),
                         "values": page}

    server = serve(reply)
    got, _ = run(with_client(server.url, lambda c: c.page_bean("/x")))
    assert got == items


def test_bare_array_pages_until_an_empty_page(serve):
    items = [{"accountId": f"a{i}"} for i in range(41)]

    def reply(h, n):
        q = query(h.path)
        start = int(q["startAt"])
        return 200, {}, items[start:start + min(int(q["maxResults"]), 7)]

    server = serve(reply)
    got, _ = run(with_client(server.url, lambda c: c.offset_array("/rest/api/3/users/search", page_size=1000)))
    assert got == items
    assert all(query(p)["maxResults"] for _, p, _ in server.seen)


def test_jsm_start_limit_paging(serve):
    items = list(range(11))

    def reply(h, n):
        q = query(h.path)
        start, limit = int(q["start"]), min(int(q["limit"]), 4)
        page = items[start:start + limit]
        return 200, {}, {"start": start, "limit": limit, "size": len(page),
                         "isLastPage": start + len(page) >= len(items), "values": page}

    server = serve(reply)
    got, _ = run(with_client(server.url, lambda c: c.jsm_pages("/rest/servicedeskapi/servicedesk")))
    assert got == items


def test_unpaged_get_and_post_send_identity_and_auth_but_never_netrc(serve, tmp_path, monkeypatch):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login netrc-user password netrc-secret\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    server = serve(lambda h, n: (200, {}, {"ok": n}))

    async def calls(c):
        return await c.get("/rest/api/3/permissions"), await c.post("/rest/api/3/permissions/check", {"a": 1})

    got, _ = run(with_client(server.url, calls))
    assert got == ({"ok": 0}, {"ok": 1})
    import base64
    for _, _, headers in server.seen:
        assert headers["User-Agent"] == USER_AGENT
        assert headers["Authorization"] == "Basic " + base64.b64encode(f"me@example.test:{TOKEN}".encode()).decode()


# ---------------------------------------------------------------------------- retries and rate limits


def test_429_retry_after_seconds_is_honoured(serve):
    def reply(h, n):
        return (429, {"Retry-After": "1"}, {"errorMessages": ["slow down"]}) if n == 0 else (200, {}, {"n": n})

    server = serve(reply)
    got, client = run(with_client(server.url, lambda c: c.get("/x")))
    assert got == {"n": 1}
    assert server.seen[1][0] - server.seen[0][0] >= 0.95  # waited as long as Jira asked
    assert client.stats.retries == 1 and client.stats.rate_limited == 1 and client.stats.requests == 2


def test_429_retry_after_http_date_and_ratelimit_reset(serve):
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    def reply(h, n):
        if n == 0:
            return 429, {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)}, {}
        if n == 1:
            return 429, {"X-RateLimit-Reset": (datetime.now(UTC) + timedelta(seconds=1)).isoformat()}, {}
        return 200, {}, {"done": True}

    server = serve(reply)
    got, client = run(with_client(server.url, lambda c: c.get("/x")))
    assert got == {"done": True}
    assert server.seen[1][0] - server.seen[0][0] >= 0.9  # an HTTP date has one-second resolution
    assert server.seen[2][0] - server.seen[1][0] >= 0.5
    assert client.stats.rate_limited == 2


def test_a_429_pauses_every_other_request_too(serve):
    def reply(h, n):
        if h.path.startswith("/a") and n == 0:
            return 429, {"Retry-After": "1"}, {}
        return 200, {}, {}

    server = serve(reply)

    async def both(c):
        first = asyncio.ensure_future(c.get("/a"))
        await asyncio.sleep(0.2)  # the 429 has arrived; this one must wait for the pause too
        await c.get("/b")
        await first

    run(with_client(server.url, both))
    b_time = next(t for t, p, _ in server.seen if p.startswith("/b"))
    assert b_time - server.seen[0][0] >= 0.95


def test_5xx_is_retried_with_backoff_then_a_clear_error(serve):
    server = serve(lambda h, n: (503, {}, {"errorMessages": ["down"]}))
    with pytest.raises(JiraUnavailable) as info:
        run(with_client(server.url, lambda c: c.get("/rest/api/3/myself")))
    assert len(server.seen) == FAST.max_retries + 1
    assert "kept failing" in str(info.value) and "503" in str(info.value) and "\n" not in str(info.value)


def test_5xx_then_success(serve):
    server = serve(lambda h, n: (502, {}, b"bad gateway") if n < 2 else (200, {}, [1, 2]))
    got, client = run(with_client(server.url, lambda c: c.get("/x")))
    assert got == [1, 2] and client.stats.retries == 2


def test_rate_limit_gives_up_after_the_bound(serve):
    server = serve(lambda h, n: (429, {"Retry-After": "0"}, {}))
    with pytest.raises(RateLimited) as info:
        run(with_client(server.url, lambda c: c.get("/x")))
    assert len(server.seen) == FAST.max_rate_limit_retries + 1
    assert "rate limited" in str(info.value) and "--concurrency" in str(info.value)


def test_a_retry_after_longer_than_allowed_is_not_waited_for(serve):
    server = serve(lambda h, n: (429, {"Retry-After": "3600"}, {}))
    with pytest.raises(RateLimited):
        run(with_client(server.url, lambda c: c.get("/x"), retry=RetryPolicy(max_wait=60)))
    assert len(server.seen) == 1


def test_401_is_never_retried(serve):
    server = serve(lambda h, n: (401, {}, {"errorMessages": ["Client must be authenticated"]}))
    with pytest.raises(AuthenticationFailed) as info:
        run(with_client(server.url, lambda c: c.get("/rest/api/3/myself")))
    assert len(server.seen) == 1
    text = str(info.value)
    assert "authentication failed" in text and "revoked" in text and TOKEN not in text


@pytest.mark.parametrize(("status", "kind", "words"), [
    (403, PermissionDenied, "permission denied"),
    (404, NotFound, "not found"),
    (302, WrongSite, "wrong site"),
])
def test_status_errors_name_the_cause(serve, status, kind, words):
    server = serve(lambda h, n: (status, {"Location": "https://id.atlassian.com/login"}, {"errorMessages": ["no"]}))
    with pytest.raises(kind) as info:
        run(with_client(server.url, lambda c: c.get("/rest/api/3/myself")))
    assert words in str(info.value) and "\n" not in str(info.value)
    assert len(server.seen) == 1


def test_html_instead_of_json_is_a_wrong_site(serve):
    server = serve(lambda h, n: (200, {"Content-Type": "text/html"}, b"<html>hello</html>"))
    with pytest.raises(WrongSite) as info:
        run(with_client(server.url, lambda c: c.get("/rest/api/3/serverInfo")))
    assert "wrong site" in str(info.value) and "text/html" in str(info.value)


def test_connection_refused_is_retried_then_network_down():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(NetworkDown) as info:
        run(with_client(f"http://127.0.0.1:{port}", lambda c: c.get("/x")))
    assert "network down" in str(info.value) and f"after {FAST.max_retries + 1} attempts" in str(info.value)


def test_bounded_concurrency(serve):
    live = {"now": 0, "max": 0}
    lock = threading.Lock()

    def reply(h, n):
        with lock:
            live["now"] += 1
            live["max"] = max(live["max"], live["now"])
        time.sleep(0.05)
        with lock:
            live["now"] -= 1
        return 200, {}, {}

    server = serve(reply)

    async def many(c):
        await asyncio.gather(*(c.get(f"/x{i}") for i in range(30)))

    run(with_client(server.url, many, concurrency=3))
    assert live["max"] == 3 and len(server.seen) == 30


def test_cancellation_stops_waiting_at_once(serve):
    server = serve(lambda h, n: (429, {"Retry-After": "30"}, {}))

    async def cancelled():
        async with JiraClient(server.url, "me@example.test", TOKEN) as client:
            task = asyncio.ensure_future(client.get("/x"))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    started = time.monotonic()
    run(cancelled())
    assert time.monotonic() - started < 10  # not the 30 s Jira asked for
    assert len(server.seen) == 1


# ---------------------------------------------------------------------------- secrets and URLs


def test_debug_log_redacts_authorization(serve, caplog):
    server = serve(lambda h, n: (200, {"Set-Cookie": "atlassian.xsrf.token=secret-cookie"}, {}))
    with caplog.at_level(logging.DEBUG):
        run(with_client(server.url, lambda c: c.get("/rest/api/3/myself", [("expand", "groups")])))
    import base64
    basic = base64.b64encode(f"me@example.test:{TOKEN}".encode()).decode()
    assert TOKEN not in caplog.text and basic not in caplog.text  # every logger, httpx and httpcore included
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name == "explorer.jira")
    assert "/rest/api/3/myself?expand=groups" in ours and "[redacted]" in ours
    assert "Basic " not in ours and "secret-cookie" not in ours


def test_redact_headers():
    assert redact_headers([("Authorization", "Basic abc"), ("Accept", "x")]) == {
        "Authorization": "[redacted]", "Accept": "x"}


@pytest.mark.parametrize(("url", "ok"), [
    ("https://x.atlassian.net/", "https://x.atlassian.net"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://localhost:1", "http://localhost:1"),
    ("http://[::1]:9", "http://[::1]:9"),
    ("http://x.atlassian.net", None),
    ("ftp://x", None),
    ("https://user:pw@x.atlassian.net", None),
])
def test_site_urls(url, ok):
    if ok is None:
        with pytest.raises(UserError):
            check_site_url(url)
    else:
        assert check_site_url(url) == ok


def test_repr_holds_no_token():
    async def make():
        async with JiraClient("https://x.atlassian.net", "me@example.test", TOKEN) as c:
            return repr(c) + repr(vars(c)) + repr(c.__class__.__dict__)

    assert TOKEN not in run(make())
