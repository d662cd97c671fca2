"""Pure URL helpers: one canonical spelling per article link, for de-duplication."""

from __future__ import annotations

import ipaddress
import re
import string
from typing import NamedTuple
from urllib.parse import urlsplit

import idna

__all__ = [
    "TRACKING_PARAMS", "TRACKING_PREFIXES", "canonical_url", "is_http_url", "same_site",
    "with_https",
]  # fmt: skip

# Matched against the lower-cased, percent-decoded parameter name. These only say where a
# reader came from; dropping them makes the same story shared via Facebook, a newsletter
# and an RSS reader one link instead of three.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid",
        "wbraid", "gbraid", "li_fat_id", "igshid", "igsh", "srsltid",
        "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "vero_id", "vero_conv",
        "ref", "ref_src", "ref_url", "referrer", "spm", "_ga", "_gl",
        "cmp", "cmpid", "ocid", "s_cid", "xtor", "icid", "ito",
        "fb_action_ids", "fb_action_types", "fb_source", "fb_ref",
        "wt.mc_id", "wt_mc_id", "__twitter_impression", "soc_src", "soc_trk",
        "oly_anon_id", "oly_enc_id", "rss_source",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "ns_", "hsa_", "ga_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# The authority's user information: everything from "//" up to the last "@" before the path.
_USERINFO = re.compile(r"^(\s*[A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEX = frozenset(string.hexdigits)
# RFC 3986 characters that may stand unescaped in each part; everything else is escaped.
_PATH_SAFE = frozenset("!$&'()*+,;=:@/")
_QUERY_KEY_SAFE = frozenset("!$'()*+,;:@/?")
_QUERY_VALUE_SAFE = _QUERY_KEY_SAFE | {"="}


class _Parts(NamedTuple):
    scheme: str
    userinfo: str
    host: str
    port: int | None
    path: str
    query: str


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; anything else comes back only stripped."""
    # Total on purpose: it is the de-duplication key for whatever a feed lists, and one odd
    # link (mailto:, relative, a broken port) must not stop a whole feed. is_http_url says
    # whether the result is fetchable.
    try:
        p = _parse(url)
    except ValueError:
        return url.strip()
    netloc = p.host if p.port is None else f"{p.host}:{p.port}"
    if p.userinfo:
        netloc = f"{p.userinfo}@{netloc}"
    query = _canonical_query(p.query)
    return f"{p.scheme}://{netloc}{p.path}" + (f"?{query}" if query else "")


def masked_url(url: str) -> str:
    """The URL to show anyone: a user name or password in it replaced by `***`."""
    # The stored URL keeps its credentials because fetching needs them; every place that
    # prints a source's URL (chat, CLI, the name it gets by default) goes through here.
    # A regex rather than urlsplit, which refuses some malformed hosts: masking must be total.
    return _USERINFO.sub(r"\1***@", url)


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http or https URL with a usable host."""
    try:
        _parse(url)
    except ValueError:
        return False
    return True


def with_https(text: str) -> str | None:
    """`text` with https:// before it when it is a web address typed without a scheme."""
    text = text.strip()
    # "libyaobserver.ly/rss" is a site; "mailto:a@b.ly", "ftp://x" or "not a url" are not,
    # and a suggestion must stay short enough to be repeated in a reply.
    if "://" in text or "@" in text or any(c.isspace() for c in text) or len(text) > 2048:
        return None
    candidate = "https://" + text.lstrip("/")
    try:
        host = _parse(candidate).host
    except ValueError:
        return None
    return candidate if "." in host.strip(".") else None


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on the same host, ignoring scheme, port and a leading www."""
    # No public-suffix list: news.example.ly and example.ly count as different sites,
    # which errs towards "not the same" for the callers (link following, source matching).
    try:
        host_a, host_b = _parse(a).host, _parse(b).host
    except ValueError:
        return False
    return host_a.removeprefix("www.") == host_b.removeprefix("www.")


def _parse(url: str) -> _Parts:
    split = urlsplit(url.strip())
    scheme = split.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http or https URL: {url!r}")
    port = split.port  # raises ValueError for a port that is not a number in range
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    userinfo, _, hostport = split.netloc.rpartition("@")
    host = _canonical_host(hostport, split.hostname)
    path = _remove_dot_segments(_escape(split.path, _PATH_SAFE)) or "/"
    return _Parts(scheme, userinfo, host, port, path, split.query)


def _canonical_host(hostport: str, hostname: str | None) -> str:
    if not hostname:
        raise ValueError("URL has no host")
    if hostport.startswith("["):
        return f"[{ipaddress.IPv6Address(hostname).compressed}]"
    host = hostname.rstrip(".")
    if not host:
        raise ValueError("URL has no host")
    if host.isascii():
        # ASCII hosts skip IDNA validation: real sites use names (underscores, long
        # labels) that strict IDNA 2008 rejects but DNS and browsers accept.
        return host.lower()
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"invalid international host name: {host!r}") from exc


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for field in query.split("&"):
        if not field:
            continue
        raw_key, eq, raw_value = field.partition("=")
        key = _escape(raw_key, _QUERY_KEY_SAFE)
        if _is_tracking(key):
            continue
        pairs.append((key, eq + _escape(raw_value, _QUERY_VALUE_SAFE)))
    # Sort by name only: the stable sort keeps repeated names (?id=2&id=1) in their order,
    # which some servers give meaning to.
    pairs.sort(key=lambda pair: pair[0])
    return "&".join(key + rest for key, rest in pairs)


def _is_tracking(key: str) -> bool:
    name = key.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _escape(text: str, safe: frozenset[str]) -> str:
    """Percent-encode `text` one way only, so that encoding it again changes nothing."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            pair = text[i + 1 : i + 3]
            if len(pair) == 2 and set(pair) <= _HEX:
                decoded = chr(int(pair, 16))
                # Escapes of unreserved characters are decoded (RFC 3986 6.2.2.2); the
                # rest, Arabic UTF-8 bytes included, keep their escape with upper-case hex.
                out.append(decoded if decoded in _UNRESERVED else f"%{pair.upper()}")
                i += 3
                continue
            out.append("%25")  # a stray % is a literal percent sign
        elif ch in _UNRESERVED or ch in safe:
            out.append(ch)
        else:
            # Raw Arabic text from a feed becomes the same escapes a browser would send.
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4: resolve "." and ".." so /a/./b/../c and /a/c are one URL."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:] if path.startswith("/") else segments:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    # A path ending in a dot segment names a directory, so it keeps its trailing slash.
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)
