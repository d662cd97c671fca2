"""The fetcher against a real HTTP server on 127.0.0.1; no test reaches any other address.

Tests that need a "public" host use a fake resolver that answers a public address, and a
RoutingTransport that carries that host's requests to the local server and refuses every
other host without touching the network, so a fetcher that failed to block a private
address would see a connection error in the test, never a packet on the wire.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.ingest.fetch import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchError,
    FetchResult,
    Resolver,
    is_blocked_address,
)
from tests.fakes.network import RoutingTransport
from tests.fakes.news_site import NewsSite, news_site

PUBLIC_IP = "93.184.216.34"  # a public address; nothing here ever connects to it
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>الوسط</title>
<item><title>المجلس الرئاسي يستقبل المبعوث الأممي</title><link>https://alwasat.ly/news/1</link></item>
</channel></rss>"""


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running:
        yield running


class FakeResolver:
    """Answers from a table (a list per name, or a list of answers for successive calls)."""

    def __init__(self, table: dict[str, list[str] | list[list[str]]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        answer = self.table.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if answer and isinstance(answer[0], list):
            # Successive answers: the last one repeats.
            nth = min(self.calls.count(host), len(answer)) - 1
            return list(answer[nth])
        return [a for a in answer if isinstance(a, str)]


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's transport, counting the raw (still compressed) body bytes handed upwards."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.raw_bytes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Counted(response, self),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Counted(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, owner: CountingTransport) -> None:
        self.response = response
        self.owner = owner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.response.aiter_raw():
            self.owner.raw_bytes += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.response.aclose()


def public_site(site: NewsSite, **names: list[str]) -> tuple[FakeResolver, RoutingTransport]:
    """A resolver saying public.test is public, and a transport serving it from `site`."""
    resolver = FakeResolver({"public.test": [PUBLIC_IP], **names})
    return resolver, RoutingTransport({"public.test": site.base_url})


async def failure(fetcher: Fetcher, url: str, **kwargs: str) -> FetchError:
    """The FetchError that fetching `url` raises, checked to read as one plain sentence."""
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url, **kwargs)
    error = caught.value
    text = str(error)
    assert text and "\n" not in text and len(text) < 200, text
    internals = ("httpx", "httpcore", "Traceback", "Errno", "Exception", "object at")
    assert not any(word in text for word in internals), text
    return error


# -- plain fetches


async def test_ok_gives_body_headers_validators_and_final_url(site: NewsSite) -> None:
    site.route(
        "/feed.xml",
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={"X-Served-By": "fake"},
        etag='"v1"',
        last_modified="Tue, 01 Dec 2026 08:00:00 GMT",
    )
    async with Fetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(site.url("/feed.xml"))
    assert result.status == 200 and not result.not_modified
    assert result.body == FEED.encode()
    assert result.url == site.url("/feed.xml")
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["x-served-by"] == "fake"
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 01 Dec 2026 08:00:00 GMT"


async def test_sends_a_clear_user_agent_and_accepts_feeds_and_html(site: NewsSite) -> None:
    site.route("/", "home")
    async with Fetcher(allow_private=True) as fetcher:
        await fetcher.fetch(site.url("/"))
    async with Fetcher(allow_private=True, user_agent="Other/1.0") as fetcher:
        await fetcher.fetch(site.url("/"))
    first, second = (r.headers for r in site.requests)
    assert first["user-agent"] == DEFAULT_USER_AGENT
    assert second["user-agent"] == "Other/1.0"
    for media in ("application/rss+xml", "application/atom+xml", "text/html"):
        assert media in first["accept"]
    assert "gzip" in first["accept-encoding"]
    assert "if-none-match" not in first and "if-modified-since" not in first


async def test_gzip_bodies_are_decoded(site: NewsSite) -> None:
    site.route("/feed.xml", FEED * 50, gzip=True)
    async with Fetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(site.url("/feed.xml"))
    assert result.headers["content-encoding"] == "gzip"
    assert int(result.headers["content-length"]) < len(FEED) * 50  # really sent compressed
    assert result.body == FEED.encode() * 50


# -- redirects


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/old", "/news/feed.xml"),  # relative to the root
        ("/news/old", "feed.xml"),  # relative to the current directory
        ("/news/deep/old", "../feed.xml"),
        ("/old-abs", "{base}/news/feed.xml"),  # absolute
    ],
)
async def test_redirects_are_followed(site: NewsSite, path: str, location: str) -> None:
    site.route("/news/feed.xml", FEED)
    site.redirect(path, location.format(base=site.base_url), status=301)
    async with Fetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(site.url(path))
    assert result.url == site.url("/news/feed.xml")
    assert result.body == FEED.encode()
    assert [r.path for r in site.requests] == [path, "/news/feed.xml"]


@pytest.mark.parametrize("status", [302, 303, 307, 308])
async def test_every_redirect_status_is_followed(site: NewsSite, status: int) -> None:
    site.route("/to", "arrived")
    site.redirect("/from", "/to", status=status)
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/from"))).body == b"arrived"


async def test_a_redirect_loop_is_refused(site: NewsSite) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    async with Fetcher(allow_private=True) as fetcher:
        error = await failure(fetcher, site.url("/a"))
    assert error.kind == "redirects"
    assert len(site.requests) == 2  # noticed the moment /a came round again


async def test_five_redirects_are_fine_and_the_sixth_is_refused(site: NewsSite) -> None:
    for chain, hops in (("a", 5), ("b", 6)):
        for n in range(1, hops + 1):
            site.redirect(f"/{chain}{n}", f"/{chain}{n + 1}")
        site.route(f"/{chain}{hops + 1}", f"end of {chain}")
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/a1"))).body == b"end of a"
        error = await failure(fetcher, site.url("/b1"))
    assert error.kind == "redirects"
    assert site.hits("/b6") == 1 and site.hits("/b7") == 0


async def test_max_redirects_zero_follows_none(site: NewsSite) -> None:
    site.redirect("/from", "/to")
    site.route("/to", "x")
    async with Fetcher(allow_private=True, max_redirects=0) as fetcher:
        assert (await failure(fetcher, site.url("/from"))).kind == "redirects"
    assert site.hits("/to") == 0


# -- schemes and addresses


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.ly/pub/feed.xml",
        "gopher://example.ly/",
        "mailto:editor@example.ly",
        "javascript:alert(1)",
        "/relative/path",
        "http://",
        "https:///no-host",
        "http://exa mple.ly/",
    ],
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    resolver = FakeResolver({})
    transport = RoutingTransport({})
    async with Fetcher(resolver=resolver, transport=transport) as fetcher:
        assert (await failure(fetcher, url)).kind == "scheme"
    assert resolver.calls == [] and transport.contacted == []


async def test_a_redirect_to_another_scheme_is_refused(site: NewsSite) -> None:
    site.redirect("/leave", "file:///etc/passwd")
    async with Fetcher(allow_private=True) as fetcher:
        assert (await failure(fetcher, site.url("/leave"))).kind == "scheme"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "2130706433"])
async def test_this_machine_is_refused_without_allow_private(site: NewsSite, host: str) -> None:
    site.route("/", "secret")
    port = site.base_url.rsplit(":", 1)[1]
    async with Fetcher() as fetcher:  # the real resolver: numeric forms, /etc/hosts
        assert (await failure(fetcher, f"http://{host}:{port}/")).kind == "blocked"
    assert site.requests == []


async def test_the_same_server_is_reachable_with_allow_private(site: NewsSite) -> None:
    site.route("/", "allowed")
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/"))).body == b"allowed"


async def test_a_public_host_is_fetched_through_the_test_network(site: NewsSite) -> None:
    # The control for the refusals below: the same setup succeeds when nothing is private.
    site.route("/final", "public page")
    site.redirect("/go", "http://public.test/final")
    resolver, transport = public_site(site)
    async with Fetcher(resolver=resolver, transport=transport) as fetcher:
        result = await fetcher.fetch("http://public.test/go")
    assert (result.url, result.body) == ("http://public.test/final", b"public page")
    assert transport.contacted == ["public.test", "public.test"]
    assert resolver.calls == ["public.test", "public.test"]  # checked again at each hop


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00::1]/",
        "http://0.0.0.0:8080/",
        "http://internal.test/admin",  # a name that resolves to a private address
        "/../../../internal",  # stays on public.test: the control within the table
    ],
)
async def test_a_redirect_to_a_private_address_is_refused_before_connecting(
    site: NewsSite, location: str
) -> None:
    site.redirect("/go", location)
    site.route("/internal", "public again")
    resolver, transport = public_site(site, **{"internal.test": ["10.1.2.3"]})
    async with Fetcher(resolver=resolver, transport=transport) as fetcher:
        if location.startswith("/"):
            assert (await fetcher.fetch("http://public.test/go")).body == b"public again"
            return
        error = await failure(fetcher, "http://public.test/go")
    assert error.kind == "blocked"
    assert error.url != "http://public.test/go"  # the hop that was refused
    assert site.hits("/go") == 1  # the first hop was real
    assert transport.contacted == ["public.test"]  # the second was never attempted


@pytest.mark.parametrize(
    "bad", ["10.0.0.7", "127.0.0.1", "::1", "fe80::1", "::ffff:192.168.1.1", "100.64.0.1"]
)
async def test_a_host_with_any_private_address_is_refused(site: NewsSite, bad: str) -> None:
    resolver, transport = public_site(site, **{"mixed.test": [PUBLIC_IP, bad, "1.1.1.1"]})
    async with Fetcher(resolver=resolver, transport=transport) as fetcher:
        error = await failure(fetcher, "https://mixed.test/feed")
    assert error.kind == "blocked" and bad in str(error)
    assert transport.contacted == []


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("93.184.216.34", False),
        ("1.1.1.1", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:93.184.216.34", False),  # IPv4-mapped form of a public address
        ("2002:5db8:d822::1", False),  # 6to4 form of a public address
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("10.0.0.1", True),
        ("172.16.0.1", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.251", True),  # multicast
        ("240.0.0.1", True),  # reserved
        ("255.255.255.255", True),
        ("192.0.2.1", True),  # documentation
        ("203.0.113.5", True),  # documentation
        ("::", True),
        ("::1", True),
        ("fe80::1", True),
        ("fe80::1%eth0", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("2002:7f00:1::1", True),  # 6to4 form of 127.0.0.1
        ("2002:a9fe:a9fe::1", True),  # 6to4 form of 169.254.169.254
        ("64:ff9b::a00:1", True),  # NAT64 form of 10.0.0.1
        ("not an address", True),
        # Decided here, the same on every Python: the ipaddress module's tables differ
        # between releases (3.13 counts all of 6to4 and 192.0.0.0/24 as private, 3.11.7
        # neither, and they part on 2001:1::1, 2001:3::/32, 2001:4:112::/48, 2001:20::/27).
        ("2002:5db8:d822::", False),  # 6to4 of a public address: judged by that address
        ("2002:c000:0209::1", True),  # 6to4 of 192.0.2.9 (documentation)
        ("2002::1", True),  # 6to4 of 0.0.0.0
        ("64:ff9b::5db8:d822", False),  # NAT64 of a public address, as DNS64 answers
        ("64:ff9b::7f00:1", True),  # NAT64 of 127.0.0.1
        ("64:ff9b:1::5db8:d822", True),  # local-use NAT64 prefix
        ("::ffff:5db8:d822", False),  # IPv4-mapped, hex spelling
        ("::ffff:0.0.0.0", True),
        ("::5db8:d822", True),  # deprecated IPv4-compatible form
        ("2001::1", True),  # Teredo
        ("2001:0:5db8:d822::1", True),  # Teredo, whatever it embeds
        ("2001:1::1", True),  # IETF protocol assignments (2001::/23), all of them
        ("2001:3::1", True),
        ("2001:4:112::1", True),
        ("2001:20::1", True),
        ("2001:db8::1", True),  # documentation
        ("3fff::1", True),  # documentation (RFC 9637)
        ("5f00::1", True),  # SRv6 SIDs
        ("100::1", True),  # discard-only
        ("fec0::1", True),  # deprecated site-local
        ("4000::1", True),  # not global unicast space
        ("2620:4f:8000::1", False),  # AS112, globally reachable
        ("2400:cb00::1", False),
        ("192.0.0.8", True),  # IETF protocol assignments (192.0.0.0/24), all of them
        ("192.0.0.9", True),
        ("192.0.0.100", True),
        ("192.0.0.170", True),
        ("192.88.99.1", True),  # 6to4 relay anycast (deprecated)
        ("198.18.0.1", True),  # benchmarking
        ("192.31.196.1", False),  # AS112, globally reachable
        ("100.63.255.255", False),
        ("100.128.0.0", False),
        ("223.255.255.255", False),
    ],
)
def test_blocked_addresses(address: str, blocked: bool) -> None:
    assert is_blocked_address(address) is blocked


async def test_dns_failures_are_reported_as_such(site: NewsSite) -> None:
    resolver = FakeResolver({"empty.test": []})
    async with Fetcher(resolver=resolver, transport=RoutingTransport({})) as fetcher:
        assert (await failure(fetcher, "http://nowhere.test/")).kind == "dns"
        assert (await failure(fetcher, "http://empty.test/")).kind == "dns"


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(allow_private=True) as fetcher:
        assert (await failure(fetcher, f"http://127.0.0.1:{port}/")).kind == "network"


# -- the default transport connects to the checked address itself


async def test_connections_go_to_the_address_that_was_checked(site: NewsSite) -> None:
    site.route("/", "pinned")
    port = site.base_url.rsplit(":", 1)[1]
    resolver = FakeResolver({"localhost": ["127.0.0.1"]})
    async with Fetcher(allow_private=True, resolver=resolver) as fetcher:
        assert (await fetcher.fetch(f"http://localhost:{port}/")).body == b"pinned"
    assert resolver.calls == ["localhost", "localhost"]  # checked, then connected by it


async def test_dns_rebinding_between_check_and_connect_is_caught(site: NewsSite) -> None:
    # The name looks public when checked, then points at this machine when connecting.
    # (localhost, so that a broken guard reaches only the local server, which would
    # answer 200 and fail the test, rather than asking a real DNS server.)
    site.route("/", "secret")
    port = site.base_url.rsplit(":", 1)[1]
    resolver = FakeResolver({"localhost": [[PUBLIC_IP], ["127.0.0.1"]]})
    async with Fetcher(resolver=resolver) as fetcher:
        error = await failure(fetcher, f"http://localhost:{port}/")
    assert error.kind == "blocked"
    assert resolver.calls == ["localhost", "localhost"]
    assert site.requests == []


# -- size


async def test_an_endless_body_stops_at_the_cap_quickly(site: NewsSite) -> None:
    site.endless("/huge")  # 1 GiB of zeros, no Content-Length
    counting = CountingTransport()
    started = time.monotonic()
    async with Fetcher(allow_private=True, max_bytes=1_000_000, transport=counting) as fetcher:
        error = await failure(fetcher, site.url("/huge"))
    assert error.kind == "too_large"
    assert time.monotonic() - started < 5
    assert 1_000_000 < counting.raw_bytes <= 1_000_000 + 64 * 1024  # one read past the cap
    assert site.bytes_sent("/huge") < 64 * 1024 * 1024  # the server gave up long before 1 GiB


async def test_a_gzip_bomb_stops_at_the_decoded_cap(site: NewsSite) -> None:
    site.endless("/bomb", gzip=True, chunk_size=1 << 20)  # each ~1 KB piece inflates to 1 MiB
    counting = CountingTransport()
    started = time.monotonic()
    async with Fetcher(allow_private=True, max_bytes=5_000_000, transport=counting) as fetcher:
        error = await failure(fetcher, site.url("/bomb"))
    assert error.kind == "too_large"
    assert time.monotonic() - started < 5
    assert counting.raw_bytes < 5_000_000 // 50  # the cap was met long before 5 MB arrived


def _gzip_layers(body: bytes, layers: int) -> bytes:
    for _ in range(layers):
        body = gzip.compress(body, compresslevel=9)
    return body


def _stacked_bomb(size: int) -> bytes:
    """`size` spaces gzipped twice, the first layer streamed so the spaces never exist."""
    packer = zlib.compressobj(9, wbits=31)
    piece = b" " * (1 << 20)
    inner = b"".join(packer.compress(piece) for _ in range(size // len(piece))) + packer.flush()
    return gzip.compress(inner, compresslevel=9)


async def test_a_stacked_gzip_bomb_stops_at_the_cap_in_bounded_memory(site: NewsSite) -> None:
    # The issue's attack scaled down: 50 MB of spaces gzipped twice is about 5 KB on the
    # wire. httpx decodes each layer a whole piece at a time, so the inner layer turns one
    # 50 kB piece into 50 MB in a single call before any cap is looked at.
    bomb = _stacked_bomb(50 << 20)
    assert len(bomb) < 10_000
    site.route("/bomb2", bomb, headers={"Content-Encoding": "gzip, gzip"})
    cap = 1_000_000
    async with Fetcher(allow_private=True, max_bytes=cap) as fetcher:
        tracemalloc.start()
        try:
            error = await failure(fetcher, site.url("/bomb2"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert error.kind == "too_large"
    assert peak < 2 * cap + 1_000_000, f"peak {peak / 1e6:.1f} MB"


async def test_two_layers_of_gzip_are_decoded(site: NewsSite) -> None:
    site.route("/two", _gzip_layers(FEED.encode(), 2), headers={"Content-Encoding": "gzip, gzip"})
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/two"))).body == FEED.encode()


async def test_three_layers_of_encoding_are_refused(site: NewsSite) -> None:
    site.route(
        "/three",
        _gzip_layers(FEED.encode(), 3),
        headers={"Content-Encoding": "gzip, gzip, gzip"},
    )
    async with Fetcher(allow_private=True) as fetcher:
        error = await failure(fetcher, site.url("/three"))
    assert error.kind == "network" and "decoded" in str(error)


@pytest.mark.parametrize("wbits", [15, -15], ids=["zlib", "raw"])
async def test_deflate_bodies_are_decoded_with_or_without_the_zlib_wrapper(
    site: NewsSite, wbits: int
) -> None:
    packer = zlib.compressobj(9, wbits=wbits)
    body = packer.compress(FEED.encode() * 50) + packer.flush()
    site.route("/deflate", body, headers={"Content-Encoding": "deflate"})
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/deflate"))).body == FEED.encode() * 50


async def test_a_deflate_bomb_stops_at_the_cap(site: NewsSite) -> None:
    packer = zlib.compressobj(9)
    piece = bytes(1 << 20)
    bomb = b"".join(packer.compress(piece) for _ in range(20)) + packer.flush()
    site.route("/deflate-bomb", bomb, headers={"Content-Encoding": "deflate"})
    async with Fetcher(allow_private=True, max_bytes=1_000_000) as fetcher:
        assert (await failure(fetcher, site.url("/deflate-bomb"))).kind == "too_large"


async def test_a_corrupt_gzip_body_is_a_decoding_error(site: NewsSite) -> None:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    # 0xff opens a deflate block of the reserved type 3, which zlib rejects.
    site.route("/corrupt", header + b"\xff" * 16, headers={"Content-Encoding": "gzip"})
    async with Fetcher(allow_private=True) as fetcher:
        error = await failure(fetcher, site.url("/corrupt"))
    assert error.kind == "network" and "decoded" in str(error)


@pytest.mark.parametrize("coding", ["identity", "utf-8", ""])
async def test_identity_and_unknown_codings_pass_the_body_through(
    site: NewsSite, coding: str
) -> None:
    # Some servers label plain bodies with a charset as their encoding; httpx ignores
    # codings it does not know, and so does the fetcher.
    site.route("/plain", FEED, headers={"Content-Encoding": coding})
    async with Fetcher(allow_private=True) as fetcher:
        assert (await fetcher.fetch(site.url("/plain"))).body == FEED.encode()


async def test_only_gzip_and_deflate_are_asked_for(site: NewsSite) -> None:
    site.route("/", "home")
    async with Fetcher(allow_private=True) as fetcher:
        await fetcher.fetch(site.url("/"))
    assert site.requests[0].headers["accept-encoding"] == "gzip, deflate"


async def test_a_declared_length_over_the_cap_is_refused_without_reading(site: NewsSite) -> None:
    # The server claims a huge body but sends four bytes and keeps the connection open:
    # a fetcher that started reading would wait for the read timeout instead.
    site.route("/liar", b"tiny", headers={"Content-Length": "999999999"})
    started = time.monotonic()
    async with Fetcher(allow_private=True, max_bytes=1000, read_timeout=5) as fetcher:
        error = await failure(fetcher, site.url("/liar"))
    assert error.kind == "too_large"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("size", "ok"), [(1000, True), (1001, False)])
async def test_the_cap_is_inclusive(site: NewsSite, size: int, ok: bool) -> None:
    site.route("/exact", b"x" * size)
    site.route("/exact-gz", b"x" * size, gzip=True)  # no way to refuse early: counted
    async with Fetcher(allow_private=True, max_bytes=1000) as fetcher:
        for path in ("/exact", "/exact-gz"):
            if ok:
                assert len((await fetcher.fetch(site.url(path))).body) == size
            else:
                assert (await failure(fetcher, site.url(path))).kind == "too_large"


# -- time


async def test_a_trickling_server_is_cut_off_by_the_total_deadline(site: NewsSite) -> None:
    site.trickle("/slow", interval=0.5, length=8)  # a byte every 0.5 s: no read timeout
    started = time.monotonic()
    async with Fetcher(allow_private=True, read_timeout=10, total_timeout=1.5) as fetcher:
        error = await failure(fetcher, site.url("/slow"))
    elapsed = time.monotonic() - started
    assert error.kind == "timeout"
    assert 1.4 < elapsed < 3, elapsed
    assert site.bytes_sent("/slow") >= 2  # bytes kept arriving: only the deadline could stop it


async def test_a_silent_server_trips_the_read_timeout(site: NewsSite) -> None:
    site.route("/stall", "late", delay=2)
    started = time.monotonic()
    async with Fetcher(allow_private=True, read_timeout=0.3, total_timeout=10) as fetcher:
        assert (await failure(fetcher, site.url("/stall"))).kind == "timeout"
    assert time.monotonic() - started < 1.5


async def test_a_slow_resolver_counts_against_the_deadline() -> None:
    async def stuck(host: str, port: int) -> list[str]:
        await asyncio.sleep(30)
        return [PUBLIC_IP]

    resolver: Resolver = stuck
    started = time.monotonic()
    async with Fetcher(resolver=resolver, transport=RoutingTransport({}), total_timeout=0.3) as f:
        assert (await failure(f, "http://public.test/")).kind == "timeout"
    assert time.monotonic() - started < 1.5


# -- conditional GET


async def test_a_matching_etag_gets_304(site: NewsSite) -> None:
    site.route("/feed.xml", FEED, etag='"v2"')
    async with Fetcher(allow_private=True) as fetcher:
        same = await fetcher.fetch(site.url("/feed.xml"), etag='"v2"')
        changed = await fetcher.fetch(site.url("/feed.xml"), etag='"v1"')
    assert (same.status, same.body, same.not_modified, same.etag) == (304, b"", True, '"v2"')
    assert (changed.status, changed.body, changed.not_modified) == (200, FEED.encode(), False)
    assert changed.etag == '"v2"'
    assert [r.headers.get("if-none-match") for r in site.requests] == ['"v2"', '"v1"']


async def test_a_matching_last_modified_gets_304(site: NewsSite) -> None:
    stamp = "Tue, 01 Dec 2026 08:00:00 GMT"
    site.route("/feed.xml", FEED, last_modified=stamp)
    async with Fetcher(allow_private=True) as fetcher:
        same = await fetcher.fetch(site.url("/feed.xml"), last_modified=stamp)
        older = await fetcher.fetch(
            site.url("/feed.xml"), last_modified="Mon, 30 Nov 2026 08:00:00 GMT"
        )
    assert (same.status, same.body, same.not_modified) == (304, b"", True)
    assert same.last_modified == stamp
    assert (older.status, older.body, older.last_modified) == (200, FEED.encode(), stamp)
    assert site.requests[0].headers["if-modified-since"] == stamp


# -- HTTP errors


@pytest.mark.parametrize("status", [500, 404, 403, 503])
async def test_error_statuses_raise_with_the_status(site: NewsSite, status: int) -> None:
    site.route("/broken", "oops", status=status)
    async with Fetcher(allow_private=True) as fetcher:
        error = await failure(fetcher, site.url("/broken"))
    assert (error.kind, error.status) == ("http", status)
    assert str(status) in str(error)


# -- politeness


async def test_no_more_than_per_host_requests_at_once(site: NewsSite) -> None:
    site.route("/page", "page", delay=0.2)
    async with Fetcher(allow_private=True, per_host=2) as fetcher:
        started = time.monotonic()
        results = await asyncio.gather(*(fetcher.fetch(site.url("/page")) for _ in range(6)))
        elapsed = time.monotonic() - started
        assert fetcher._slots == {}  # no semaphore left behind for an idle host
    assert all(r.body == b"page" for r in results)
    assert site.peak_in_flight == 2  # never 3, and the two slots were really used together
    assert elapsed > 0.55  # three rounds of two


async def test_each_host_has_its_own_limit(site: NewsSite) -> None:
    site.route("/page", "page", delay=0.2)
    port = site.base_url.rsplit(":", 1)[1]
    resolver = FakeResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    async with Fetcher(allow_private=True, per_host=1, resolver=resolver) as fetcher:
        urls = [f"http://{h}:{port}/page" for h in ("a.test", "b.test") for _ in range(3)]
        results: list[FetchResult] = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    assert [r.url for r in results] == urls
    assert site.peak_in_flight == 2  # one per host, both hosts at once
