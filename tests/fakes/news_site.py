"""A fake news site served over real HTTP on 127.0.0.1, with routes each test configures.

    with news_site() as site:
        site.route("/feed.xml", FEED, content_type="application/rss+xml", etag='"v1"')
        site.redirect("/old", "/feed.xml")
        result = await fetcher.fetch(site.url("/old"))

Besides plain pages it has the hostile kinds a fetcher must survive: an endless body, a
server that trickles one byte at a time, redirect chains and loops, gzip. Every request is
recorded (`site.requests`) and the peak of requests in flight is kept (`site.peak_in_flight`).
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import sys
import threading
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

__all__ = ["NewsSite", "RecordedRequest", "news_site"]

# Handler sockets time out so that a client that stops reading (its buffers full) can never
# pin a server thread, and so the test run never waits on one.
_SOCKET_TIMEOUT = 5.0
_DROPPED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the site saw it; header names are lower-case."""

    method: str
    path: str
    headers: Mapping[str, str]


class _Route(Protocol):
    def respond(self, h: _Handler, site: NewsSite) -> None: ...


@dataclass
class _Static:
    body: bytes
    status: int
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    gzip: bool
    delay: float

    def respond(self, h: _Handler, site: NewsSite) -> None:
        if self.delay and site.stopping.wait(self.delay):
            return
        validators: dict[str, str] = {}
        if self.etag is not None:
            validators["ETag"] = self.etag
        if self.last_modified is not None:
            validators["Last-Modified"] = self.last_modified
        if self._not_modified(h):
            h.answer(304, validators, b"")
            return
        body, headers = self.body, {**validators, **self.headers}
        if self.gzip:
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers.setdefault("Content-Length", str(len(body)))
        h.answer(self.status, headers, body)

    def _not_modified(self, h: _Handler) -> bool:
        # RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since when both are sent.
        if_none_match = h.headers.get("If-None-Match")
        if if_none_match is not None:
            if self.etag is None:
                return False
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or self.etag.removeprefix("W/") in tags
        since = h.headers.get("If-Modified-Since")
        if since is None or self.last_modified is None:
            return False
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(self.last_modified)
        except (TypeError, ValueError):
            return since == self.last_modified


@dataclass
class _Redirect:
    location: str
    status: int

    def respond(self, h: _Handler, site: NewsSite) -> None:
        h.answer(self.status, {"Location": self.location, "Content-Length": "0"}, b"")


@dataclass
class _Endless:
    """Zeros until the client hangs up, the limit is reached, or the site closes."""

    path: str
    gzip: bool
    chunk_size: int
    limit: int

    def respond(self, h: _Handler, site: NewsSite) -> None:
        headers = {"Content-Type": "application/octet-stream", "Connection": "close"}
        if self.gzip:
            headers["Content-Encoding"] = "gzip"
        h.close_connection = True
        h.answer(200, headers, b"")
        zeros = bytes(self.chunk_size)
        packer = zlib.compressobj(wbits=31)  # 31: a gzip wrapper
        produced = 0
        while produced < self.limit and not site.stopping.is_set():
            # Gzip mode sends each block as a tiny compressed piece: a zip bomb.
            data = packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH) if self.gzip else zeros
            if not h.send(data):
                return
            produced += self.chunk_size
            site.count_sent(self.path, len(data))


@dataclass
class _Trickle:
    """Declares `length` bytes, then sends one every `interval` seconds."""

    path: str
    interval: float
    length: int

    def respond(self, h: _Handler, site: NewsSite) -> None:
        h.answer(200, {"Content-Type": "text/plain", "Content-Length": str(self.length)}, b"")
        for _ in range(self.length):
            if not h.send(b"x"):
                return
            site.count_sent(self.path, 1)
            if site.stopping.wait(self.interval):
                return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT
    site: NewsSite  # set on the per-site subclass

    def do_GET(self) -> None:
        self.site.serve(self)

    do_HEAD = do_GET

    def answer(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Send the status line, headers and (unless HEAD) a body."""
        with contextlib.suppress(*_DROPPED):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

    def send(self, data: bytes) -> bool:
        """Write more body; False once the client has gone."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except _DROPPED:
            self.close_connection = True
            return False
        return True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer is the normal end of the hostile routes.
        if not isinstance(sys.exc_info()[1], _DROPPED):
            super().handle_error(request, client_address)


@dataclass
class NewsSite:
    """The routes of one running fake site, and what it has seen."""

    base_url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    peak_in_flight: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    _routes: dict[str, _Route] = field(default_factory=dict)
    _sent: dict[str, int] = field(default_factory=dict)
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this site."""
        return self.base_url + path

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Serve a fixed answer at `path`; with validators, a matching conditional GET gets 304.

        `headers` override the defaults, Content-Length included (to lie about the size).
        """
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self._add(path, _Static(data, status, all_headers, etag, last_modified, gzip, delay))

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Redirect `path` to `location`, sent verbatim (relative or absolute)."""
        self._add(path, _Redirect(location, status))

    def endless(
        self, path: str, *, gzip: bool = False, chunk_size: int = 64 * 1024, limit: int = 1 << 30
    ) -> None:
        """Stream zeros at `path` (1 GiB by default) until the client stops reading."""
        self._add(path, _Endless(path, gzip, chunk_size, limit))

    def trickle(self, path: str, *, interval: float = 0.5, length: int = 1000) -> None:
        """Serve `length` bytes at `path`, one every `interval` seconds."""
        self._add(path, _Trickle(path, interval, length))

    def bytes_sent(self, path: str) -> int:
        """Body bytes written so far by an endless or trickle route."""
        with self._lock:
            return self._sent.get(path, 0)

    def hits(self, path: str) -> int:
        """How many requests reached `path` (query string ignored)."""
        return sum(1 for r in list(self.requests) if r.path.split("?")[0] == path)

    def count_sent(self, path: str, n: int) -> None:
        """Add to the byte count of `path`."""
        with self._lock:
            self._sent[path] = self._sent.get(path, 0) + n

    def serve(self, h: _Handler) -> None:
        """Answer one request from the route table."""
        headers = {k.lower(): v for k, v in h.headers.items()}
        with self._lock:
            self.requests.append(RecordedRequest(h.command, h.path, headers))
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            with self._lock:
                route = self._routes.get(h.path) or self._routes.get(h.path.split("?")[0])
            if route is None:
                h.answer(404, {"Content-Type": "text/plain", "Content-Length": "9"}, b"not found")
            else:
                route.respond(h, self)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _add(self, path: str, route: _Route) -> None:
        if not path.startswith("/"):
            raise ValueError(f"route paths start with /: {path!r}")
        with self._lock:
            self._routes[path] = route


@contextmanager
def news_site() -> Iterator[NewsSite]:
    """Run a fake site on an ephemeral port of 127.0.0.1; yields it, its `base_url` set."""
    site = NewsSite()
    handler = type("Handler", (_Handler,), {"site": site})
    server = _Server(("127.0.0.1", 0), handler)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits up to one interval, once per test.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="news-site", daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()  # lets trickling and endless answers end at once
        server.shutdown()
        server.server_close()
        thread.join(5)
