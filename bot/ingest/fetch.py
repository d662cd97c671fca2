"""Fetching feeds and pages from URLs that come from the outside world, safely.

The URLs the bot fetches come from feeds and pages it does not control, so every fetch
assumes a hostile answer: only http and https; never an address on this machine or its
private network (checked at every redirect hop, and again at connect time with the default
transport); a body capped in raw and in decoded bytes, decoded here a bounded step at a time
(gzip and deflate only, at most two layers), so a zip bomb, stacked or not, stops at the cap
with no more than the cap and a constant in memory; a total deadline
on top of httpx's connect and read timeouts (a server trickling one byte a second never
trips a read timeout); at most `per_host` requests at once to any one host.

On DNS rebinding: checking a name's addresses and then connecting by name leaves a window
in which the name can start to resolve elsewhere. With the default transport that window is
closed: the connection is opened to one of the very addresses just checked (the name still
goes in the Host header and TLS server name, so certificates are verified as usual). A
caller-supplied `transport` gets only the check before each hop, with that window open.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from io import BytesIO
from types import MappingProxyType, TracebackType
from typing import Any, Literal, Self, TypeVar

import httpcore
import httpx

__all__ = [
    "ACCEPT",
    "ACCEPT_ENCODING",
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchErrorKind",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "is_blocked_address",
    "system_resolver",
]

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], Awaitable[list[str]]]
FetchErrorKind = Literal[
    "scheme", "blocked", "dns", "timeout", "too_large", "redirects", "http", "network"
]
DEFAULT_USER_AGENT = "LibyaBriefBot/0.1 (+https://github.com/libya-brief; news digest bot)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, application/xhtml+xml;q=0.8, "
    "*/*;q=0.5"
)
# Only what _Decoder undoes: were brotli or zstandard installed, httpx would ask for those
# as well, and decode them without a bound on what one piece expands to.
ACCEPT_ENCODING = "gzip, deflate"
_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
# A body encoded twice is rare but legal (a proxy gzipping a gzipped answer); three times
# is only ever an attack.
_MAX_CODINGS = 2
# Output of one decompress call: the most a layer ever holds at once, besides its input.
_DECODE_STEP = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# What may reach the resolver: DNS names (IDNs arrive as Punycode) and IP literals (IPv6
# with its zone). httpx lets a space or other junk through into the host.
_HOST_CHARS = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful fetch: the body, or word that it has not changed since last time."""

    url: str  # the final URL, after redirects
    status: int  # the 2xx status, or 304 when the validators still match
    body: bytes  # decoded (gzip/deflate undone); b"" for 304
    headers: Mapping[str, str]  # lower-case names, as the server sent them
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """Whether the server said the copy we have is still current (304)."""
        return self.status == 304


class FetchError(Exception):
    """A fetch that failed: `kind` says why in one word, str() says it in one sentence."""

    def __init__(
        self, kind: FetchErrorKind, message: str, *, status: int | None = None, url: str = ""
    ) -> None:
        super().__init__(message)
        self.kind: FetchErrorKind = kind
        self.status = status
        self.url = url


_Networks = tuple[tuple[int, int, int], ...]  # (IP version, network address, netmask)


def _networks(*specs: str) -> _Networks:
    nets = [ipaddress.ip_network(spec) for spec in specs]
    return tuple((n.version, int(n.network_address), int(n.netmask)) for n in nets)


# The address policy is written out here from IANA's special-purpose address registries
# rather than read from ipaddress's is_global and is_private, whose tables change between
# Python releases (3.13 counts all of 6to4 as private and 3.11.7 none of it, and they part
# on parts of 192.0.0.0/24 and 2001::/23), which made the guard depend on the interpreter.
_BLOCKED_V4 = _networks(
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8",  # private
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local, cloud metadata services included
    "172.16.0.0/12",  # private
    "192.0.0.0/24",  # IETF protocol assignments: anycast relays at most, no web servers
    "192.0.2.0/24",  # documentation
    "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
    "192.168.0.0/16",  # private
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation
    "203.0.113.0/24",  # documentation
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and the broadcast address
)
# IPv6 is allowed only in global unicast space, so everything outside 2000::/3 is refused
# without a list (loopback, unspecified, IPv4-compatible, discard, local-use NAT64, SRv6,
# unique-local, link-local, site-local, multicast, unassigned); these are the holes in it.
_GLOBAL_UNICAST_V6 = _networks("2000::/3")
_BLOCKED_V6 = _networks(
    "2001::/23",  # IETF protocol assignments; Teredo (2001::/32) reaches an obfuscated
    #              client through relays and is refused whatever it embeds
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation (RFC 9637)
)
# Forms that carry an IPv4 address, judged by that address: NAT64's well-known prefix is
# what DNS64 answers for every IPv4-only site on an IPv6-only network.
_NAT64_V6 = _networks("64:ff9b::/96")


def is_blocked_address(address: str) -> bool:
    """Whether a fetcher of public pages must refuse to connect to this IP address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True  # not an address we can judge, so not one we connect to
    if isinstance(ip, ipaddress.IPv4Address):
        return _in_any(ip, _BLOCKED_V4)
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return _in_any(embedded, _BLOCKED_V4)
    return not _in_any(ip, _GLOBAL_UNICAST_V6) or _in_any(ip, _BLOCKED_V6)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address reaches, else None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if _in_any(ip, _NAT64_V6):
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def _in_any(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: _Networks) -> bool:
    # Plain integer arithmetic: a scope id (fe80::1%eth0) takes no part, on any Python.
    return any(version == ip.version and int(ip) & mask == base for version, base, mask in networks)


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system gives for `host`, without blocking the loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Fetcher:
    """Fetches http(s) URLs with the guards described in this module's docstring."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        max_bytes: int = 5_000_000,
        connect_timeout: float = 10,
        read_timeout: float = 20,
        total_timeout: float = 60,
        max_redirects: int = 5,
        per_host: int = 2,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        if per_host < 1 or max_bytes < 0 or max_redirects < 0:
            raise ValueError("per_host must be at least 1; max_bytes, max_redirects not < 0")
        self._allow_private = allow_private
        self._max_bytes = max_bytes
        self._total_timeout = total_timeout
        self._max_redirects = max_redirects
        self._per_host = per_host
        self._resolve = resolver or system_resolver
        self._slots: dict[str, _Slot] = {}
        self._client = httpx.AsyncClient(
            transport=transport or _PinnedTransport(_GuardedBackend(self._checked_addresses)),
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
            ),
            headers={
                "User-Agent": user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            follow_redirects=False,  # followed by hand, so each hop's host is checked first
            trust_env=False,  # a proxy from the environment would connect around the guard
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, conditionally when validators are given; raises FetchError."""
        current = _parse(url, url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # The deadline counts time spent on the network, not time queued for a host's slot:
        # a busy host makes us wait our turn, but never makes a fetch fail.
        budget = _Budget(self._total_timeout)
        seen = {str(current)}
        while True:
            host = current.raw_host.decode("ascii").lower()
            try:
                await budget.spend(self._checked_addresses(host, _port(current)), current)
            except FetchError as exc:
                exc.url = exc.url or str(current)
                raise
            async with self._slot(host):
                outcome = await budget.spend(self._exchange(current, headers, etag), current)
            if isinstance(outcome, FetchResult):
                return outcome
            if str(outcome) in seen:
                raise FetchError("redirects", f"{current.host} redirects in a loop.", url=url)
            if len(seen) > self._max_redirects:
                raise FetchError(
                    "redirects",
                    f"Too many redirects (more than {self._max_redirects}) from {current.host}.",
                    url=url,
                )
            log.debug("redirect %s -> %s", current, outcome)
            seen.add(str(outcome))
            current = outcome

    async def _checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses of `host`, all of them allowed; raises FetchError otherwise."""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            try:
                addresses = list(await self._resolve(host, port))
            except (OSError, UnicodeError) as exc:
                raise FetchError("dns", f"Could not find the address of {host}.") from exc
            if not addresses:
                raise FetchError("dns", f"Could not find the address of {host}.") from None
        else:
            addresses = [host]
        if not self._allow_private:
            # One bad address is enough: which one a connection would use is not ours to pick.
            blocked = [a for a in addresses if is_blocked_address(a)]
            if blocked:
                log.info("refused %s: resolves to %s", host, blocked[0])
                where = "it is" if blocked == [host] else f"it resolves to {blocked[0]}, which is"
                raise FetchError(
                    "blocked", f"Refused to fetch from {host}: {where} a private or local address."
                )
        return addresses

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], etag: str | None
    ) -> FetchResult | httpx.URL:
        """One request: a result, or the URL a redirect points to."""
        with _translated_errors(url):
            async with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status in _REDIRECTS and location is not None:
                    return _redirect_target(url, location)
                if status == 304:
                    return _result(response, b"", etag)
                if not 200 <= status < 300:
                    reason = f" {response.reason_phrase}" if response.reason_phrase else ""
                    raise FetchError(
                        "http",
                        f"{url.host} answered HTTP {status}{reason}.",
                        status=status,
                        url=str(url),
                    )
                return _result(response, await self._read_body(response), etag)

    async def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large(response.url)
        # httpx's own decoders inflate a whole network read in one call, with no limit on
        # the output: a 7 kB answer gzipped twice reaches gigabytes before any check. So
        # the raw bytes are read and decoded here, a bounded step at a time.
        undecodable = FetchError(
            "network",
            f"The answer from {response.url.host} could not be decoded.",
            url=str(response.url),
        )
        codings = [
            _CODINGS[name]
            for name in (
                c.strip().lower()
                for c in response.headers.get_list("content-encoding", split_commas=True)
            )
            # Like httpx: identity and unknown codings (some servers put a charset here)
            # leave the body as it is.
            if name in _CODINGS
        ]
        if len(codings) > _MAX_CODINGS:
            raise undecodable
        decoder = _Decoder(codings, self._max_bytes)
        body = BytesIO()  # getvalue() hands over its buffer rather than copying it
        try:
            async for raw in response.aiter_raw():
                for piece in decoder.feed(raw):
                    body.write(piece)
        except _OverBudget:
            raise self._too_large(response.url) from None
        except zlib.error:
            raise undecodable from None
        return body.getvalue()

    def _too_large(self, url: httpx.URL) -> FetchError:
        limit = f"{self._max_bytes / 1_000_000:g} MB"
        return FetchError(
            "too_large", f"The page at {url.host} is larger than the {limit} limit.", url=str(url)
        )

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # Slots are made on demand and dropped when unused, so a long run that meets many
        # hosts does not keep a semaphore for each of them.
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _Slot(asyncio.Semaphore(self._per_host))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[host]


class _OverBudget(Exception):
    """A body, or one layer of its decoding, went past the byte cap."""


class _Inflater:
    """One gzip or deflate layer, decoded at most _DECODE_STEP bytes per call."""

    def __init__(self, coding: str, limit: int) -> None:
        self._limit = limit
        self._produced = 0
        self._raw_fallback = coding == "deflate"
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | (16 if coding == "gzip" else 0))

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """What `data` decodes to, in pieces; raises _OverBudget past the limit."""
        tail = data
        while not self._inflate.eof:  # after the end, servers' trailing junk is ignored
            try:
                out = self._inflate.decompress(tail, _DECODE_STEP)
            except zlib.error:
                if not self._raw_fallback:
                    raise
                # "deflate" should be zlib-wrapped, yet some servers send it raw, as httpx
                # and browsers accept; that shows in the first bytes, so this tries once.
                self._raw_fallback = False
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False
            tail = self._inflate.unconsumed_tail
            if out:
                self._produced += len(out)
                if self._produced > self._limit:
                    raise _OverBudget
                yield out
            # A full step may leave output pending inside zlib, so only a short one with
            # no input left means this data is done.
            if not tail and len(out) < _DECODE_STEP:
                return


class _Decoder:
    """A body's content codings undone piece by piece, with every layer held to the cap.

    Each layer, the inner compressed ones included, may produce at most `limit` bytes,
    and so may the network: the work and the memory of decoding stay within a few times
    the cap however the layers are built.
    """

    def __init__(self, codings: list[str], limit: int) -> None:
        self._limit = limit
        self._raw = 0
        # Codings are listed in the order they were applied, so undone last first.
        self._layers = [_Inflater(coding, limit) for coding in reversed(codings)]

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of the next raw bytes; raises _OverBudget or zlib.error."""
        self._raw += len(raw)
        if self._raw > self._limit:
            raise _OverBudget
        return self._through(0, raw)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].pieces(data):
            yield from self._through(index + 1, piece)


@dataclass
class _Slot:
    semaphore: asyncio.Semaphore
    users: int = 0


class _Budget:
    """What is left of a fetch's total time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.left = seconds

    async def spend(self, work: Awaitable[_T], url: httpx.URL) -> _T:
        """Await `work`, cut off when the time left runs out."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            async with asyncio.timeout(max(self.left, 0.0)):
                return await work
        except TimeoutError:
            raise FetchError(
                "timeout",
                f"{url.host} took too long (over {self.seconds:g} s in all).",
                url=str(url),
            ) from None
        finally:
            self.left -= loop.time() - start


def _parse(text: str, original: str) -> httpx.URL:
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError):
        raise FetchError("scheme", "That is not a valid web address.", url=original) from None
    if url.scheme not in ("http", "https"):
        shown = f"{url.scheme}:" if url.scheme else "relative"
        raise FetchError(
            "scheme", f"Only http and https links can be fetched, not {shown} links.", url=original
        )
    if not url.raw_host:
        raise FetchError("scheme", "That web address has no host name.", url=original)
    if not _HOST_CHARS.fullmatch(url.raw_host.decode("ascii")):
        raise FetchError("scheme", "That web address has an invalid host name.", url=original)
    return url


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        target = current.join(location.strip())
    except httpx.InvalidURL:
        raise FetchError(
            "redirects", f"{current.host} sent a redirect to an invalid address.", url=str(current)
        ) from None
    return _parse(str(target), str(current))


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _result(response: httpx.Response, body: bytes, etag: str | None) -> FetchResult:
    headers = MappingProxyType(dict(response.headers.items()))
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        body=body,
        headers=headers,
        # A 304 need not repeat the validators; the ones we sent are then still current.
        etag=headers.get("etag") or (etag if response.status_code == 304 else None),
        last_modified=headers.get("last-modified"),
    )


@contextmanager
def _translated_errors(url: httpx.URL) -> Iterator[None]:
    """Turn httpx's exceptions into FetchErrors whose text a person can read."""
    host = url.host
    try:
        yield
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{host} took too long to answer.", url=str(url)) from exc
    except httpx.DecodingError as exc:
        raise FetchError(
            "network", f"The answer from {host} could not be decoded.", url=str(url)
        ) from exc
    except httpx.ConnectError as exc:
        raise FetchError("network", f"Could not connect to {host}.", url=str(url)) from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError("scheme", "That is not a valid web address.", url=str(url)) from exc
    except httpx.TransportError as exc:
        raise FetchError("network", f"The connection to {host} broke off.", url=str(url)) from exc
    except FetchError as exc:
        # Raised at connect time by the guarded backend, which does not know the URL.
        if not exc.url:
            exc.url = str(url)
        raise


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses that `check` has just resolved and allowed."""

    def __init__(self, check: Callable[[str, int], Awaitable[list[str]]]) -> None:
        self._check = check
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore passes it by this name
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first checked address of `host` that answers."""
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in await self._check(host, port):
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore passes it by this name
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refuse: the fetcher never talks to local sockets."""
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        """Sleep as the inner backend does."""
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, whose connections go through a `_GuardedBackend`."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to hand its pool a network backend, so the pool it built
        # is replaced by one with httpx's defaults over ours. test_fetch's rebinding test
        # fails if an httpx upgrade stops this pool from being used.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
