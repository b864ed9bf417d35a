"""The Jira client against a hostile server over real sockets: deadlines, bounds, broken framing, scrubbing, TLS.

Each test runs one misbehaviour and checks the client's answer: the right one-line error, a bound that held
(memory by tracemalloc, requests by the stub's count), and nothing secret in what would be shown.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import tracemalloc

import pytest

from explorer.jira.client import JiraClient
from explorer.jira.errors import (
    BadResponse,
    NetworkDown,
    PagingStopped,
    RateLimited,
    TimedOut,
    WrongSite,
)
from explorer.jira.limits import MB, Limits, RetryPolicy
from tests.hostile.bomb import gzip_bomb
from tests.hostile.stub import StubServer, head_bytes

EMAIL = "marker@example.test"
TOKEN = "ATATT3xFfGF0-MARKER-7d1b4d8c9e0f1a2b3c4d"
BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
SECRETS = (TOKEN, BASIC, TOKEN[6:26], BASIC[8:30])
FAST = RetryPolicy(max_retries=1, max_rate_limit_retries=3, base_delay=0.01, max_delay=0.02)


def call(url: str, work, *, limits: Limits | None = None, retry: RetryPolicy = FAST, concurrency: int = 4):
    """Run ``work(client)`` against ``url``; returns (result or the raised JiraError, client)."""

    async def go():
        async with JiraClient(url, EMAIL, TOKEN, concurrency=concurrency, limits=limits or Limits(),
                              retry=retry) as client:
            try:
                return await work(client), client
            except Exception as error:  # noqa: BLE001 - the test inspects it
                return error, client

    return asyncio.run(go())


def assert_clean(text: str) -> None:
    """One visible line: no secret, no control character, bounded."""
    for secret in SECRETS:
        assert secret not in text
    assert "\n" not in text and "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert len(text) < 1200


# ---------------------------------------------------------------------------- deadlines


def test_a_body_sent_one_byte_at_a_time_meets_the_request_deadline():
    def slow(request, conn):
        conn.send(head_bytes(200, {"Content-Type": "application/json", "Content-Length": "100000"}))
        conn.trickle(b"[" + b"1," * 49999, 0.05)
        return False

    with StubServer(slow) as stub:
        error, _ = call(stub.url, lambda c: c.get("/rest/api/3/myself"), limits=Limits(request_deadline=1.0))
    assert isinstance(error, TimedOut)
    assert "GET /rest/api/3/myself" in str(error) and "did not finish within 1 s" in str(error)
    assert len(stub.requests) == 1  # a deadline is not retried


def test_headers_sent_one_byte_at_a_time_meet_the_deadline_too():
    def slow(request, conn):
        conn.trickle(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 5000, 0.05)
        return False

    with StubServer(slow) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"), limits=Limits(request_deadline=1.0, read_timeout=30))
    assert isinstance(error, TimedOut)


def test_silence_is_a_read_timeout_and_retried():
    def silent(request, conn):
        conn.stop.wait(5)
        return False

    with StubServer(silent) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"), limits=Limits(read_timeout=0.3, request_deadline=60))
    assert isinstance(error, NetworkDown) and "sent nothing for 0.3 s after 2 attempts" in str(error)
    assert len(stub.requests) == 2


def test_a_phase_deadline_names_the_phase():
    def slow(request, conn):
        conn.send(head_bytes(200, {"Content-Length": "50"}))
        conn.trickle(b"x" * 50, 0.1)
        return False

    async def work(client):
        async with client.phase("reading group members", 0.5):
            await client.get("/rest/api/3/group/member")

    with StubServer(slow) as stub:
        error, _ = call(stub.url, work)
    assert isinstance(error, TimedOut)
    assert "reading group members" in str(error) and "longer than 0.5 s" in str(error) and "--phase-timeout" in str(error)


# ---------------------------------------------------------------------------- sizes and encodings


def test_a_gzip_bomb_is_refused_without_inflating_it():
    bomb = gzip_bomb(b'{"values": ["', b" ", 500, b'"]}')  # 500 MB of JSON-looking text
    assert len(bomb) < 1_000_000

    def bombing(request, conn):
        return conn.send(head_bytes(200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                          "Content-Length": str(len(bomb))}) + bomb)

    tracemalloc.start()
    try:
        with StubServer(bombing) as stub:
            error, _ = call(stub.url, lambda c: c.get("/rest/api/3/users/search"),
                            limits=Limits(max_response_bytes=8 * MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(error, BadResponse) and "after decompression" in str(error)
    assert peak < 40 * MB, f"peak {peak / MB:.0f} MB"
    assert len(stub.requests) == 1  # not retried


@pytest.mark.parametrize(("encoding", "body", "words"), [
    ("gzip", b"\x1f\x8b\x08\x00garbage-not-gzip", "gzip encoding is corrupt"),
    ("gzip", gzip.compress(b'{"a": 1}', mtime=0)[:-12], "cut short"),
    ("br", b"whatever", "encoding jira-perms did not ask for"),
], ids=["corrupt", "cut-short", "unasked"])
def test_corrupt_or_unasked_encodings_are_unusable_answers(encoding, body, words):
    def answer(request, conn):
        return conn.send(head_bytes(200, {"Content-Type": "application/json", "Content-Encoding": encoding,
                                          "Content-Length": str(len(body))}) + body)

    with StubServer(answer) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert isinstance(error, BadResponse) and words in str(error)


@pytest.mark.parametrize(("body", "words"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"total": ' + b"9" * 5000 + b"}", "a number too long"),
    (b'{"values": [1, 2', "malformed: Input data was truncated"),
    (b"\xff\xfe{}", "not UTF-8"),
], ids=["deep", "long-number", "malformed", "not-utf8"])
def test_json_that_cannot_be_read_is_an_unusable_answer(body, words):
    with StubServer(lambda r, c: c.answer(200, body)) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert isinstance(error, BadResponse) and words in str(error)


def test_a_declared_length_beyond_the_bound_is_refused_before_reading():
    def huge(request, conn):
        return conn.send(head_bytes(200, {"Content-Type": "application/json", "Content-Length": str(10**12)}))

    with StubServer(huge) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"), limits=Limits(max_response_bytes=1 * MB))
    assert isinstance(error, BadResponse) and "more than the 1048576 allowed" in str(error)


def test_endless_headers_are_refused():
    def headers(request, conn):
        conn.send(b"HTTP/1.1 200 OK\r\n" + b"X-A: " + b"b" * 70_000 + b"\r\n\r\n{}")
        return False

    with StubServer(headers) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert isinstance(error, BadResponse) and "headers are larger than 64 KB" in str(error)


def test_chunked_answers_are_read_and_bad_chunks_refused():
    def chunked(request, conn):
        if request.path == "/good":
            body = b'{"ok":' + b" " * 70000 + b"true}"
            chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 1000]), body[i:i + 1000])
                              for i in range(0, len(body), 1000))
            return conn.send(head_bytes(200, {"Content-Type": "application/json",
                                              "Transfer-Encoding": "chunked"}) + chunks + b"0\r\n\r\n")
        conn.send(head_bytes(200, {"Transfer-Encoding": "chunked"}) + b"zz\r\nxx\r\n")
        return False

    with StubServer(chunked) as stub:
        good, _ = call(stub.url, lambda c: c.get("/good"))
        bad, _ = call(stub.url, lambda c: c.get("/bad"))
    assert good == {"ok": True}
    assert isinstance(bad, BadResponse) and "invalid chunk size" in str(bad)


def test_html_is_a_wrong_site_not_a_crash():
    with StubServer(lambda r, c: c.answer(200, b"<html>\x1b[31mhi</html>", {"Content-Type": "text/html"})) as stub:
        error, _ = call(stub.url, lambda c: c.get("/rest/api/3/serverInfo"))
    assert isinstance(error, WrongSite) and "text/html" in str(error)


# ---------------------------------------------------------------------------- paging bounds


def test_a_lying_total_is_not_trusted():
    def pages(request, conn):
        start = int(request.query["startAt"])
        values = [{"accountId": f"a{start + i}"} for i in range(50)]
        return conn.answer(200, {"startAt": start, "maxResults": 50, "total": 1_000_000_000, "isLast": False,
                                 "values": values})

    with StubServer(pages) as stub:
        error, _ = call(stub.url, lambda c: c.page_bean("/rest/api/3/group/member"), limits=Limits(max_items=2000))
    assert isinstance(error, PagingStopped) and "grew past 2,000 items" in str(error)
    assert len(error.items) == 2000
    assert len(stub.requests) <= 2000 // 50 + 2


def test_a_server_ignoring_start_at_stops_the_list():
    same = [{"accountId": f"a{i}"} for i in range(100)]
    with StubServer(lambda r, c: c.answer(200, same)) as stub:
        error, _ = call(stub.url, lambda c: c.offset_array("/rest/api/3/users/search", page_size=100))
    assert isinstance(error, PagingStopped) and "repeated the first one" in str(error)
    assert [a["accountId"] for a in error.items] == [a["accountId"] for a in same]
    assert len(stub.requests) <= 3


def test_a_trickle_of_the_same_page_stops_the_list():
    """A first page of real accounts, then the same one-item page at every offset: no progress, not 250,000
    requests of one item each."""
    def pages(request, conn):
        start = int(request.query["startAt"])
        return conn.answer(200, [{"accountId": f"u{i}"} for i in range(16)] if start == 0 else [None])

    with StubServer(pages) as stub:
        error, _ = call(stub.url, lambda c: c.offset_array("/rest/api/3/users/search", page_size=1000))
    assert isinstance(error, PagingStopped) and "repeated the one before it" in str(error)
    assert len(error.items) <= 16 + 4 and len(stub.requests) <= 1 + 2 * 4  # a window of fills, two pages each


def test_an_array_that_never_ends_stops_at_the_bound():
    def pages(request, conn):
        start = int(request.query["startAt"])
        return conn.answer(200, [{"accountId": f"u{start + i}"} for i in range(1000)])

    with StubServer(pages) as stub:
        error, _ = call(stub.url, lambda c: c.offset_array("/rest/api/3/users/search", page_size=1000),
                        limits=Limits(max_items=20_000))
    assert isinstance(error, PagingStopped) and len(error.items) == 20_000
    assert len(stub.requests) <= 20 + 8  # at most one window beyond the bound


def test_is_last_false_forever_with_empty_pages_ends():
    with StubServer(lambda r, c: c.answer(200, {"isLast": False, "values": []})) as stub:
        got, _ = call(stub.url, lambda c: c.page_bean("/x"))
    assert got == [] and len(stub.requests) == 1


def test_the_whole_run_has_an_item_budget():
    def pages(request, conn):
        start = int(request.query["startAt"])
        return conn.answer(200, {"isLast": False, "values": list(range(start, start + 50))})

    async def many(client):
        return await asyncio.gather(*(client.page_bean(f"/g{i}") for i in range(10)), return_exceptions=True)

    with StubServer(pages) as stub:
        results, _ = call(stub.url, many, limits=Limits(max_items=5000, max_total_items=3000))
    assert any(isinstance(r, PagingStopped) and "list items in all" in str(r) for r in results)


# ---------------------------------------------------------------------------- rate limits


def test_retry_after_waits_are_capped_in_total_and_the_error_says_so():
    with StubServer(lambda r, c: c.answer(429, {}, {"Retry-After": "1"})) as stub:
        error, client = call(stub.url, lambda c: c.get("/x"),
                             retry=RetryPolicy(max_rate_limit_retries=50, max_total_wait=2.5))
    assert isinstance(error, RateLimited)
    assert "waiting in all" in str(error) and "2.5 s jira-perms waits in total" in str(error)
    assert client.stats.waited <= 2.5 and len(stub.requests) == 3


def test_an_absurd_retry_after_is_not_waited_for():
    with StubServer(lambda r, c: c.answer(429, {}, {"Retry-After": "99999999999999999999"})) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert isinstance(error, RateLimited) and "longer than the 300 s" in str(error)
    assert len(stub.requests) == 1


# ---------------------------------------------------------------------------- scrubbing


def _echo(request, conn):
    auth = request.headers.get("authorization", "")
    body = {"errorMessages": [f"Bad header {auth}\x1b]52;c;{TOKEN}\x07 \u202e gnp.exe \n next line" + "x" * 5000],
            "errors": {"token": TOKEN}}
    return conn.answer(400, body, {"X-Echo": auth, "Set-Cookie": f"s={TOKEN}", "X-Ctl": "a\x1b[2Jb"},
                       reason=f"Bad {auth} {TOKEN[:20]}")


def test_server_text_echoing_the_credentials_is_scrubbed_from_errors_and_debug_lines(caplog):
    caplog.set_level(logging.DEBUG, logger="explorer.jira")
    with StubServer(_echo) as stub:
        error, _ = call(stub.url, lambda c: c.get("/rest/api/3/myself"))
    text = str(error)
    assert "Jira said: Bad header [redacted]" in text
    assert_clean(text)
    assert "\\x1b" in text and "\\u202e" in text  # control characters shown, not sent to the terminal
    lines = [r.getMessage() for r in caplog.records if r.name == "explorer.jira"]
    assert lines and all(TOKEN not in line and BASIC not in line for line in lines)
    assert "'X-Echo': '[redacted]'" in lines[0] and "'Set-Cookie': '[redacted]'" in lines[0]
    assert "\\x1b[2J" in lines[0] and "\x1b" not in lines[0]


def test_a_reason_phrase_is_scrubbed_in_server_errors():
    with StubServer(lambda r, c: c.answer(503, b"", reason=f"Down {TOKEN} \x1b[2J")) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert "kept failing" in str(error)
    assert_clean(str(error))


def test_a_redirect_target_is_scrubbed():
    with StubServer(lambda r, c: c.answer(302, b"", {"Location": f"https://{TOKEN}.evil.test/x"})) as stub:
        error, _ = call(stub.url, lambda c: c.get("/x"))
    assert isinstance(error, WrongSite) and "redirected" in str(error)
    assert_clean(str(error))
    assert len(stub.requests) == 1  # never followed


# ---------------------------------------------------------------------------- connections


def test_connections_are_kept_alive_and_a_closed_one_is_replaced():
    def answer(request, conn):
        conn.answer(200, {"n": len(request.path)})
        return int(request.path[2:]) % 5 != 4  # every fifth answer closes the connection without saying so

    async def many(client):
        return [await client.get(f"/x{i}") for i in range(40)]

    with StubServer(answer) as stub:
        got, client = call(stub.url, many, concurrency=1)
    assert len(got) == 40 and client.stats.retries == 0
    assert stub.connections == 8  # 40 requests, a new connection after each close


def test_project_keys_from_the_server_are_quoted_in_paths():
    from explorer.jira.client import path_segment

    assert path_segment("../../admin?x=1#y") == "..%2F..%2Fadmin%3Fx%3D1%23y"
    assert path_segment("A B\r\nHost: evil") == "A%20B%0D%0AHost%3A%20evil"


# ---------------------------------------------------------------------------- TLS and proxies


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return folder / "cert.pem", context


def test_an_untrusted_certificate_is_a_wrong_site_and_a_trusted_one_works(certificate, monkeypatch):
    cert, context = certificate
    with StubServer(lambda r, c: c.answer(200, {"ok": True}), tls=context) as stub:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        error, _ = call(stub.url, lambda c: c.get("/x"))
        assert isinstance(error, WrongSite) and "certificate" in str(error) and "SSL_CERT_FILE" in str(error)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        got, _ = call(stub.url, lambda c: c.get("/x"))
    assert got == {"ok": True}


def test_https_goes_through_the_proxy_with_connect(certificate, monkeypatch):
    cert, context = certificate
    tunnels: list[bytes] = []

    def proxy(sock: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
        tunnels.append(head)
        target_port = int(head.split(b" ")[1].rsplit(b":", 1)[1])
        upstream = socket.create_connection(("127.0.0.1", target_port))
        sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a, b):
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                b.close()

        threading.Thread(target=pipe, args=(sock, upstream), daemon=True).start()
        pipe(upstream, sock)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def accept():
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=proxy, args=(sock,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        with StubServer(lambda r, c: c.answer(200, {"via": "proxy"}), tls=context) as stub:
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
            monkeypatch.setenv("HTTPS_PROXY", f"http://pxuser:pxpass@127.0.0.1:{listener.getsockname()[1]}")
            got, _ = call(stub.url.replace("127.0.0.1", "localhost"), lambda c: c.get("/x"))
    finally:
        listener.close()
    assert got == {"via": "proxy"}
    assert tunnels and tunnels[0].startswith(f"CONNECT localhost:{stub.port} HTTP/1.1".encode())
    assert b"Proxy-Authorization: Basic " + base64.b64encode(b"pxuser:pxpass") in tunnels[0]
