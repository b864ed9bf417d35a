"""A raw HTTP stub on 127.0.0.1 that can misbehave in any way: slow bytes, lies, bombs, echoes, broken framing.

``StubServer(handler)`` accepts connections in a thread; for each request it
reads the request head and body and calls ``handler(request, conn)``, which
writes whatever bytes it likes to ``conn`` (a :class:`Conn` with helpers for
well-formed answers) and returns True to keep the connection open for the next
request.  Every request is recorded (method, path, headers, body, connection
number), so tests can check what reached the server.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Conn:
    """One client connection, with helpers to answer on it."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def trickle(self, data: bytes, every: float) -> bool:
        """Send ``data`` one byte at a time, ``every`` seconds apart (a slowloris answer)."""
        for i in range(len(data)):
            if self.stop.is_set() or not self.send(data[i:i + 1]):
                return False
            time.sleep(every)
        return True

    def answer(self, status: int, body: Any = b"", headers: dict[str, str] | None = None, *,
               reason: str | None = None, encoding: str | None = None) -> bool:
        """A well-formed answer; ``body`` is bytes or JSON-able; ``encoding`` gzip/deflate compresses it."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = {"Content-Type": "application/json"}
        if encoding == "gzip":
            data = gzip.compress(data, 6)
            head["Content-Encoding"] = "gzip"
        elif encoding == "deflate":
            data = zlib.compress(data, 6)
            head["Content-Encoding"] = "deflate"
        head.update(headers or {})
        head["Content-Length"] = str(len(data))
        return self.send(head_bytes(status, head, reason) + data)


def head_bytes(status: int, headers: dict[str, str], reason: str | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason if reason is not None else 'OK'}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class StubServer:
    """``with StubServer(handler) as stub: stub.url``; TLS when ``tls`` is an ``ssl.SSLContext``."""

    handler: Any
    tls: ssl.SSLContext | None = None
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.02)  # how often accept() looks at the stop flag: each exit waits up to this long
        self._lock = threading.Lock()
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
                number = self.connections
            threading.Thread(target=self._serve, args=(sock, number), daemon=True).start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            sock.settimeout(30)
            reader = sock.makefile("rb")
            conn = Conn(sock, self._stop)
            while not self._stop.is_set():
                request = _read_request(reader, number)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if not self.handler(request, conn):
                    return
        except (OSError, ValueError, ssl.SSLError):
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()


def _read_request(reader, number: int) -> Request | None:
    line = reader.readline(65536)
    if not line:
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = reader.readline(65536)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length") or 0)) if headers.get("content-length") else b""
    return Request(method, target, headers, body, number)
