from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.urls import (
    TRACKING_PARAMS,
    canonical_url,
    is_http_url,
    masked_url,
    same_site,
    with_https,
)

# "Libya news" in Arabic, as raw text and as the UTF-8 escapes a browser sends.
AKHBAR = "أخبار"
AKHBAR_ESC = "%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"
LIBYA_ESC = "%D9%84%D9%8A%D8%A8%D9%8A%D8%A7"

GOLDEN = [
    # scheme and host are case-insensitive; the path is not
    ("HTTP://WWW.Alwasat.LY/News/Politics", "http://www.alwasat.ly/News/Politics"),
    ("HtTpS://Example.ly/A", "https://example.ly/A"),
    # default ports go, others stay; an empty port is no port
    ("http://example.ly:80/a", "http://example.ly/a"),
    ("https://example.ly:443/a", "https://example.ly/a"),
    ("https://example.ly:80/a", "https://example.ly:80/a"),
    ("http://example.ly:8080/a", "http://example.ly:8080/a"),
    ("http://example.ly:/a", "http://example.ly/a"),
    # the bare root is always "/"; other trailing slashes are kept as they are
    ("https://example.ly", "https://example.ly/"),
    ("https://example.ly/", "https://example.ly/"),
    ("https://example.ly/news/", "https://example.ly/news/"),
    ("https://example.ly/news", "https://example.ly/news"),
    ("https://example.ly?b=1", "https://example.ly/?b=1"),
    # fragments go
    ("https://example.ly/a#comments", "https://example.ly/a"),
    ("https://example.ly/a?x=1#", "https://example.ly/a?x=1"),
    # tracking parameters go, whatever their case; the rest are sorted by name
    (
        "https://example.ly/a?utm_source=fb&utm_medium=social&id=7&fbclid=IwAR0",
        "https://example.ly/a?id=7",
    ),
    ("https://example.ly/a?gclid=1&mc_cid=2&mc_eid=3&yclid=4&igshid=5", "https://example.ly/a"),
    ("https://example.ly/a?ref=tw&ref_src=twsrc&spm=a.b&_ga=2.1", "https://example.ly/a"),
    ("https://example.ly/a?at_medium=RSS&at_campaign=KARANGA", "https://example.ly/a"),
    ("https://example.ly/a?CMP=share_btn_tw&ocid=msn&cmpid=x&s_cid=y", "https://example.ly/a"),
    ("https://example.ly/a?xtor=RSS-1&dclid=z&msclkid=w&UTM_Campaign=q", "https://example.ly/a"),
    ("https://example.ly/a?utm%5Fsource=escaped", "https://example.ly/a"),
    ("https://example.ly/a?z=1&a=2&m=3", "https://example.ly/a?a=2&m=3&z=1"),
    ("https://example.ly/a?page=2&utm_source=x", "https://example.ly/a?page=2"),
    # a tracker only by prefix when it is one of the known prefixes
    ("https://example.ly/a?reference=1&refresh=0", "https://example.ly/a?reference=1&refresh=0"),
    # repeated names keep their order; blank values and bare names are kept as written
    ("https://example.ly/a?id=2&b=1&id=1", "https://example.ly/a?b=1&id=2&id=1"),
    ("https://example.ly/a?flag&x=", "https://example.ly/a?flag&x="),
    ("https://example.ly/a?&&x=1&", "https://example.ly/a?x=1"),
    ("https://example.ly/a?", "https://example.ly/a"),
    # query encoding is kept: + and %20 are different bytes to a server
    ("https://example.ly/s?q=a+b&r=c%20d", "https://example.ly/s?q=a+b&r=c%20d"),
    ("https://example.ly/s?q=a%3Db%26c", "https://example.ly/s?q=a%3Db%26c"),
    ("https://example.ly/s?next=/a?b", "https://example.ly/s?next=/a?b"),
    # Arabic paths: escapes are kept (hex upper-cased), raw text is escaped the same way
    (f"https://alwasat.ly/news/{AKHBAR_ESC}", f"https://alwasat.ly/news/{AKHBAR_ESC}"),
    (f"https://alwasat.ly/news/{AKHBAR_ESC.lower()}", f"https://alwasat.ly/news/{AKHBAR_ESC}"),
    (f"https://alwasat.ly/news/{AKHBAR}", f"https://alwasat.ly/news/{AKHBAR_ESC}"),
    (f"https://alwasat.ly/{AKHBAR}/?q=ليبيا", f"https://alwasat.ly/{AKHBAR_ESC}/?q={LIBYA_ESC}"),
    (f"https://alwasat.ly/{AKHBAR}-2024", f"https://alwasat.ly/{AKHBAR_ESC}-2024"),
    # reserved escapes stay escaped; unreserved ones are decoded; a stray % is escaped
    ("https://example.ly/a%2Fb/%7Euser/%41", "https://example.ly/a%2Fb/~user/A"),
    ("https://example.ly/100%", "https://example.ly/100%25"),
    ("https://example.ly/100%zz", "https://example.ly/100%25zz"),
    ("https://example.ly/a b", "https://example.ly/a%20b"),
    # dot segments resolve; empty segments are kept
    ("https://example.ly/a/./b/../c", "https://example.ly/a/c"),
    ("https://example.ly/a/b/..", "https://example.ly/a/"),
    ("https://example.ly/../../a", "https://example.ly/a"),
    ("https://example.ly/a//b", "https://example.ly/a//b"),
    ("https://example.ly/.well-known/x", "https://example.ly/.well-known/x"),
    # IDN hosts: Unicode and Punycode spellings become one (Punycode)
    ("https://مثال.ليبيا/", "https://xn--mgbh0fb.xn--mgbb7fyab/"),
    ("https://XN--MGBH0FB.xn--mgbb7fyab/", "https://xn--mgbh0fb.xn--mgbb7fyab/"),
    (f"http://مثال.ليبيا/{AKHBAR}", f"http://xn--mgbh0fb.xn--mgbb7fyab/{AKHBAR_ESC}"),
    ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
    # a trailing dot on the host goes; IPv6 hosts are written compressed
    ("https://example.ly./a", "https://example.ly/a"),
    ("http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080/"),
    ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
    ("http://192.168.1.1/a", "http://192.168.1.1/a"),
    # user info is kept verbatim
    ("https://User:Pw@Example.ly/", "https://User:Pw@example.ly/"),
    # surrounding whitespace from feeds, and newlines inside, are dropped
    ("\n  https://example.ly/a\n", "https://example.ly/a"),
]


@pytest.mark.parametrize(("raw", "expected"), GOLDEN)
def test_golden_canonical_urls(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), GOLDEN)
def test_canonical_urls_are_fixed_points(raw: str, expected: str) -> None:
    assert canonical_url(expected) == expected


NOT_HTTP = [
    "ftp://example.ly/file",
    "file:///etc/passwd",
    "mailto:editor@example.ly",
    "javascript:alert(1)",
    "//example.ly/a",
    "/news/1",
    "example.ly/news",
    "",
    "   ",
    "http://",
    "https:///path",
    "http://example.ly:99999/",
    "http://example.ly:port/",
    "http://[::1/",
    "http://[not-v6]/",
]


@pytest.mark.parametrize("raw", NOT_HTTP)
def test_non_http_urls_are_refused_and_left_alone(raw: str) -> None:
    assert not is_http_url(raw)
    assert canonical_url(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    [
        "http://example.ly",
        "HTTPS://EXAMPLE.LY/a?b#c",
        "https://مثال.ليبيا/أخبار",
        "http://127.0.0.1:8000/x",
        "http://[::1]/",
        " https://example.ly/ ",
    ],
)
def test_http_urls_are_recognised(raw: str) -> None:
    assert is_http_url(raw)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("libyaobserver.ly/rss", "https://libyaobserver.ly/rss"),
        (" www.libyaherald.com ", "https://www.libyaherald.com"),
        ("//example.ly/feed", "https://example.ly/feed"),
        ("مثال.ليبيا/أخبار", "https://مثال.ليبيا/أخبار"),
        # Not a site typed without its scheme: nothing to suggest.
        ("https://example.ly/", None),
        ("ftp://example.ly/", None),
        ("javascript:alert(1)", None),
        ("mailto:desk@example.ly", None),
        ("not a url", None),
        ("localhost/feed", None),
        ("example.ly:99999/", None),
        ("example.ly/" + "a" * 2100, None),
        ("", None),
    ],
)
def test_a_site_typed_without_its_scheme_gets_the_https_form(
    typed: str, suggested: str | None
) -> None:
    assert with_https(typed) == suggested


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.alwasat.ly/a", "http://alwasat.ly/b", True),
        ("https://ALWASAT.ly/", "https://www.alwasat.ly:8443/x", True),
        ("https://www.www.alwasat.ly/", "https://alwasat.ly/", False),
        ("https://news.alwasat.ly/", "https://alwasat.ly/", False),
        ("https://alwasat.ly/", "https://alwasat.ly.evil.example/", False),
        ("https://evilalwasat.ly/", "https://alwasat.ly/", False),
        ("https://مثال.ليبيا/a", "https://www.xn--mgbh0fb.xn--mgbb7fyab/b", True),
        ("https://alwasat.ly/", "ftp://alwasat.ly/", False),
        ("not a url", "not a url", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same
    assert same_site(b, a) is same


# Property tests over URLs assembled from pieces that matter here.
def _pieces(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


_segment = _pieces([*"abcXYZ019-._~%/:@!$&'()*+,;= ", "أ", "ل", "ي", "%D8", "%a3", ".."], 8)
_param = st.tuples(
    st.sampled_from(["id", "page", "q", "utm_source", "fbclid", "Ref", "CMP", "x y", "ل"]),
    _pieces([*"ab12%=+/?", "ب", "%41", "%20"], 6),
)
_host = st.sampled_from(["example.ly", "WWW.Alwasat.LY", "مثال.ليبيا", "127.0.0.1", "[::1]"])


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "HTTPS"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/" + "/".join(draw(st.lists(_segment, max_size=4)))
    params = draw(st.lists(_param, max_size=5))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#"]))
    return f"{scheme}://{draw(_host)}{port}{path}" + (f"?{query}" if query else "") + fragment


@given(urls())
def test_canonicalising_twice_changes_nothing(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert is_http_url(once)


@given(urls())
def test_no_tracking_parameter_survives(url: str) -> None:
    query = canonical_url(url).partition("?")[2]
    names = {field.partition("=")[0].lower() for field in query.split("&") if field}
    assert not names & TRACKING_PARAMS
    assert not any(name.startswith("utm_") for name in names)


@given(urls(), st.randoms(use_true_random=False))
def test_parameter_order_does_not_matter(url: str, rnd: random.Random) -> None:
    base, _, query = url.partition("?")
    query, hash_, fragment = query.partition("#")
    fields = query.split("&")
    # Shuffle whole groups of one name, keeping each name's own values in order.
    names = list(dict.fromkeys(f.partition("=")[0] for f in fields))
    rnd.shuffle(names)
    shuffled = [f for name in names for f in fields if f.partition("=")[0] == name]
    other = base + ("?" + "&".join(shuffled) if query else "") + hash_ + fragment
    assert canonical_url(other) == canonical_url(url)


@given(urls())
def test_the_site_of_a_canonical_url_is_unchanged(url: str) -> None:
    assert same_site(url, canonical_url(url))


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pass@host.ly/feed", "http://***@host.ly/feed"),
        ("https://token@host.ly:8443/a?b=c@d", "https://***@host.ly:8443/a?b=c@d"),
        ("http://a@b@host.ly/x", "http://***@host.ly/x"),
        ("https://host.ly/a@b?c=@d#@e", "https://host.ly/a@b?c=@d#@e"),
        ("HTTP://u:p@[::1", "HTTP://***@[::1"),
        ("seed:abc", "seed:abc"),
    ],
)
def test_credentials_in_a_url_are_masked_and_nothing_else_changes(url: str, shown: str) -> None:
    assert masked_url(url) == shown
