"""HTTP/1.1 for the Jira adapter: keep-alive connections over asyncio streams, bounded in every way.

Only what talking to Jira needs: GET and POST with a small body, responses
framed by Content-Length, chunked encoding or the end of the connection, gzip
and deflate decoded here, TLS with certificate and host name checks, and an
``HTTPS_PROXY`` reached with CONNECT.  Redirects are never followed.

Why not httpx: a sync makes tens of thousands of small requests and is bound
by the client's own CPU.  Measured on the same local server, httpx with
httpcore spends 1.5-2.6 ms of CPU per request, this module about 0.1 ms.  And
the bounds a hostile server calls for need control over every read: headers
at most 64 KB, a body at most ``max_body`` bytes *after* decompression
(decompressed chunk by chunk with ``max_length``, so a small gzip bomb never
inflates), at most ``read_timeout`` of silence, and one deadline for the
whole exchange so a server sending one byte per second is cut off.

Errors are :class:`WireError` subclasses whose text is ours (never bytes the
server sent), so they are safe to show.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import ssl
import zlib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

MAX_HEAD = 64 * 1024  # status line and headers
MAX_HEADERS = 256
MAX_INFORMATIONAL = 4  # 1xx answers skipped before the real one
_CHUNK = 64 * 1024


class WireError(Exception):
    """A request that did not get a usable HTTP answer.  The text is jira-perms' own."""


class ConnectFailed(WireError):
    """No connection: the host does not resolve (``unresolved``), refuses, or is unreachable."""

    def __init__(self, message: str, *, unresolved: bool = False) -> None:
        super().__init__(message)
        self.unresolved = unresolved


class TLSFailed(WireError):
    """The TLS handshake failed; ``certificate`` when the server's certificate could not be verified."""

    def __init__(self, message: str, *, certificate: bool = False) -> None:
        super().__init__(message)
        self.certificate = certificate


class Closed(WireError):
    """The connection ended before a whole answer arrived (retried like a reset)."""


class Silent(WireError):
    """No byte for ``read_timeout`` seconds (retried like a reset)."""


class DeadlineExceeded(WireError):
    """The whole exchange took longer than its deadline (never retried)."""


class Malformed(WireError):
    """The answer is not valid HTTP, or its encoding is corrupt."""


class TooLarge(WireError):
    """Headers or body beyond the bound."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    reason: str  # as sent: server text, scrub before showing
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    raw_headers: tuple[tuple[str, str], ...]
    body: bytes  # decoded (decompressed)


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        return cls(scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80))

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Proxy:
    """An http:// proxy reached with CONNECT (``HTTPS_PROXY``); ``authorization`` from its URL's user info."""

    origin: Origin
    authorization: str | None = None

    @classmethod
    def parse(cls, url: str) -> Proxy:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme.lower() != "http":
            raise ValueError("HTTPS_PROXY must be an http:// proxy URL (CONNECT is then used for https sites)")
        auth = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return cls(Origin.parse(f"http://{parts.hostname}:{parts.port or 80}"), auth)


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class Pool:
    """Keep-alive connections to one origin.  The caller bounds how many requests run at once."""

    def __init__(self, origin: Origin, *, tls: ssl.SSLContext | None = None, proxy: Proxy | None = None,
                 keep: int = 8, connect_timeout: float = 15.0, read_timeout: float = 30.0,
                 max_body: int = 64 * 1024 * 1024) -> None:
        self.origin = origin
        self.tls = tls if origin.scheme == "https" else None
        if self.tls is None and origin.scheme == "https":
            self.tls = ssl.create_default_context()
        self.proxy = proxy if origin.scheme == "https" else None
        self.keep = keep
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_body = max_body
        self._idle: list[_Connection] = []
        self._closed = False

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        for conn in idle:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.writer.wait_closed(), 1.0)

    async def exchange(self, request: bytes, deadline: float) -> Response:
        """Send one request (bytes, head and body) and read the whole answer before ``deadline`` (loop time)."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(min(deadline, loop.time() + self.read_timeout)) as timer:
                watch = _Watch(timer, deadline, self.read_timeout, loop)
                while True:
                    conn = self._idle.pop() if self._idle else None
                    reused = conn is not None
                    if conn is not None and not conn.usable():
                        conn.close()
                        continue
                    if conn is None:
                        timer.reschedule(min(deadline, loop.time() + self.connect_timeout))
                        watch.connecting = True
                        conn = await self._connect()
                        watch.connecting = False
                        watch.restart()
                    try:
                        conn.writer.write(request)
                        response, reusable = await self._read(conn, watch)
                    except _Stale:
                        conn.close()
                        if reused:
                            continue  # the server closed an idle connection: once more on a new one
                        raise Closed("the connection closed before an answer arrived") from None
                    except BaseException:
                        conn.close()
                        raise
                    if reusable and not self._closed and len(self._idle) < self.keep:
                        self._idle.append(conn)
                    else:
                        conn.close()
                    return response
        except TimeoutError:
            if loop.time() >= deadline - 0.01:
                raise DeadlineExceeded("the answer did not arrive in time") from None
            if watch.connecting:
                target = self.proxy.origin if self.proxy else self.origin
                raise ConnectFailed(f"cannot connect to {target.authority} (no answer within "
                                    f"{self.connect_timeout:g} s)") from None
            raise Silent("no answer") from None

    # ---- connecting -----------------------------------------------------------------------

    async def _connect(self) -> _Connection:
        target = self.proxy.origin if self.proxy else self.origin
        try:
            reader, writer = await asyncio.open_connection(
                target.host, target.port, limit=MAX_HEAD,
                ssl=None if self.proxy else self.tls, server_hostname=None if self.proxy or not self.tls
                else self.origin.host)
        except socket.gaierror:
            raise ConnectFailed(f"{target.host} does not resolve", unresolved=True) from None
        except ssl.SSLCertVerificationError as e:
            raise TLSFailed(f"the TLS certificate of {self.origin.host} could not be verified "
                            f"({_ssl_reason(e)})", certificate=True) from None
        except ssl.SSLError as e:
            raise TLSFailed(f"the TLS handshake with {self.origin.host} failed ({_ssl_reason(e)})") from None
        except OSError as e:
            why = os.strerror(e.errno) if e.errno else type(e).__name__
            raise ConnectFailed(f"cannot connect to {target.host}:{target.port} ({why.lower()})") from None
        _nodelay(writer)
        conn = _Connection(reader, writer)
        if self.proxy:
            try:
                await self._tunnel(conn)
            except BaseException:
                conn.close()
                raise
        return conn

    async def _tunnel(self, conn: _Connection) -> None:
        assert self.proxy is not None and self.tls is not None
        authority = f"{self.origin.host}:{self.origin.port}"
        head = f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
        if self.proxy.authorization:
            head += f"Proxy-Authorization: {self.proxy.authorization}\r\n"
        conn.writer.write((head + "\r\n").encode("ascii"))
        try:
            status, _, _ = _parse_head(await _read_head(conn.reader, fresh=True))
        except _Stale:
            raise ConnectFailed(f"the proxy {self.proxy.origin.authority} closed the connection") from None
        if status != 200:
            raise ConnectFailed(f"the proxy {self.proxy.origin.authority} refused to connect to {authority} "
                                f"(HTTP {status})")
        try:
            await conn.writer.start_tls(self.tls, server_hostname=self.origin.host)
        except ssl.SSLCertVerificationError as e:
            raise TLSFailed(f"the TLS certificate of {self.origin.host} could not be verified "
                            f"({_ssl_reason(e)})", certificate=True) from None
        except ssl.SSLError as e:
            raise TLSFailed(f"the TLS handshake with {self.origin.host} failed ({_ssl_reason(e)})") from None

    # ---- reading ---------------------------------------------------------------------------

    async def _read(self, conn: _Connection, watch: _Watch) -> tuple[Response, bool]:
        reader = conn.reader
        first = True
        for _ in range(MAX_INFORMATIONAL + 1):
            watch.before_read()
            try:
                status, reason, raw_headers = _parse_head(await _read_head(reader, fresh=first))
            except ConnectionError:
                if first:
                    raise _Stale() from None
                raise Closed("the connection was reset") from None
            first = False
            if not 100 <= status < 200:
                break
        else:
            raise Malformed("too many informational (1xx) answers")
        headers: dict[str, str] = {}
        for name, value in raw_headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body = _Body(headers.get("content-encoding", ""), self.max_body)
        keep = headers.get("connection", "").lower() != "close"

        async def read(n: int) -> bytes:
            watch.before_read()
            return await reader.read(n)

        try:
            if status in (204, 304):
                pass
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                await _read_chunked(reader, read, body, watch)
            elif "content-length" in headers:
                length = _content_length(headers["content-length"])
                if length > self.max_body:
                    raise TooLarge(f"the answer is {length} bytes, more than the {self.max_body} allowed")
                remaining = length
                while remaining:
                    data = await read(min(remaining, _CHUNK))
                    if not data:
                        raise Closed("the connection closed in the middle of the answer")
                    remaining -= len(data)
                    body.feed(data)
            else:
                keep = False  # the body ends with the connection
                while data := await read(_CHUNK):
                    body.feed(data)
        except ConnectionError:
            raise Closed("the connection was reset in the middle of the answer") from None
        return Response(status, reason, headers, raw_headers, body.finish()), keep


class _Watch:
    """One exchange's timer: the whole deadline, and at most ``silence`` seconds without a byte.

    The silence timer is restarted before a read at most once a second (each restart costs a timer), so it
    fires between ``silence - 1`` and ``silence`` seconds after the last byte.
    """

    __slots__ = ("_last", "connecting", "deadline", "loop", "silence", "timer")

    def __init__(self, timer: asyncio.Timeout, deadline: float, silence: float,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.timer = timer
        self.deadline = deadline
        self.silence = silence
        self.loop = loop
        self.connecting = False
        self._last = loop.time()  # the timer was created at min(deadline, now + silence)

    def before_read(self) -> None:
        now = self.loop.time()
        if now - self._last > 1.0:
            self.restart(now)

    def restart(self, now: float | None = None) -> None:
        self._last = self.loop.time() if now is None else now
        self.timer.reschedule(min(self.deadline, self._last + self.silence))


class _Stale(Exception):
    """A reused connection was closed by the server before it answered."""


async def _read_head(reader: asyncio.StreamReader, *, fresh: bool) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise TooLarge(f"the answer's headers are larger than {MAX_HEAD // 1024} KB") from None
    except asyncio.IncompleteReadError as e:
        if fresh and not e.partial:
            raise _Stale() from None
        raise Closed("the connection closed in the middle of the answer's headers") from None


def _parse_head(head: bytes) -> tuple[int, str, tuple[tuple[str, str], ...]]:
    text = head.decode("latin-1")
    lines = text.split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise Malformed("the answer is not HTTP/1.x")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        if line[0] in " \t" and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise Malformed("the answer has a malformed header line")
        headers.append((name, value.strip()))
        if len(headers) > MAX_HEADERS:
            raise TooLarge(f"the answer has more than {MAX_HEADERS} headers")
    return int(code), reason, tuple(headers)


def _content_length(value: str) -> int:
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise Malformed("the answer has an invalid Content-Length")
    return int(values.pop())


async def _read_chunked(reader: asyncio.StreamReader, read, body: _Body, watch: _Watch) -> None:
    async def line() -> bytes:
        watch.before_read()
        try:
            return await reader.readuntil(b"\r\n")
        except asyncio.LimitOverrunError:
            raise Malformed("a chunk header is too long") from None
        except asyncio.IncompleteReadError:
            raise Closed("the connection closed in the middle of the answer") from None

    while True:
        size_text = (await line()).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise Malformed("the answer has an invalid chunk size") from None
        if size < 0 or len(size_text) > 16:
            raise Malformed("the answer has an invalid chunk size")
        if size == 0:
            for _ in range(MAX_HEADERS):  # trailers, up to the empty line
                if await line() == b"\r\n":
                    return
            raise TooLarge("the answer has too many trailer lines")
        if body.raw + size > body.limit:
            raise TooLarge(f"the answer is larger than the {body.limit} bytes allowed")
        remaining = size
        while remaining:
            data = await read(min(remaining, _CHUNK))
            if not data:
                raise Closed("the connection closed in the middle of the answer")
            remaining -= len(data)
            body.feed(data)
        if await line() != b"\r\n":
            raise Malformed("a chunk does not end where its size says")


class _Body:
    """Collects a body, decompressing gzip or deflate incrementally, never past ``limit`` bytes."""

    __slots__ = ("_d", "_parts", "_size", "_encoding", "limit", "raw")

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.raw = 0
        self._parts: list[bytes] = []
        self._size = 0
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise Malformed(f"the answer uses an encoding jira-perms did not ask for ({', '.join(codings)[:40]})")
        self._encoding = codings[0] if codings else ""
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS) if self._encoding in ("gzip", "x-gzip") else None

    def feed(self, data: bytes) -> None:
        self.raw += len(data)
        if self.raw > self.limit:
            raise TooLarge(f"the answer is larger than the {self.limit} bytes allowed")
        if self._encoding == "deflate" and self._d is None:
            # zlib-wrapped as the RFC says, or raw deflate as some servers send: the first two bytes tell
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._d is None:
            self._add(data)
            return
        try:
            while data:
                if self._d.eof:
                    if data.strip(b"\0"):
                        raise Malformed("the answer's compressed body has data after its end")
                    return
                self._add(self._d.decompress(data, self.limit - self._size + 1))
                data = self._d.unconsumed_tail or self._d.unused_data
        except zlib.error:
            raise Malformed(f"the answer's {self._encoding} encoding is corrupt") from None

    def _add(self, data: bytes) -> None:
        if data:
            self._size += len(data)
            if self._size > self.limit:
                raise TooLarge(f"the answer is larger than the {self.limit} bytes allowed after decompression")
            self._parts.append(data)

    def finish(self) -> bytes:
        if self._d is not None and self.raw and not self._d.eof:
            raise Malformed(f"the answer's {self._encoding} encoding is cut short")
        return self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _ssl_reason(error: ssl.SSLError) -> str:
    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or type(error).__name__
    return str(reason)[:80]
