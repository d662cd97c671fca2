"""News feeds into plain entries: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed 1.0/1.1.

Pure: bytes in, data out; the caller fetches and runs this off the event loop. feedparser is
only ever handed a BytesIO: given a str or bytes it may treat the value as a URL to fetch or
a file path to open. feedparser 6 does not read JSON Feed, so that is parsed here with json.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]

from bot.ingest.charsets import decode_text, drop_controls
from bot.ingest.dates import iso_utc, plausible
from bot.ingest.markup import normalize_markup


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, as plain text."""

    title: str
    link: str | None  # absolute http(s), resolved against xml:base and the feed URL
    # Verbatim, except that feedparser resolves a relative RSS permalink guid (isPermaLink
    # not "false") or Atom id against the feed URL, as those are URLs by their specs.
    guid: str | None
    summary: str  # plain text: HTML stripped, entities decoded, whitespace folded
    content: str | None  # plain text of the full content when the feed carries it
    published: datetime | None  # aware UTC; None when the entry has no usable date


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's own title and link, and its entries in document order."""

    kind: str  # "rss" | "atom" | "json" | "rdf"
    title: str
    link: str | None
    entries: tuple[FeedEntry, ...]
    problems: str | None  # set when the feed was malformed but entries were kept


FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
# How far into a document the sniffers look for the root element; the prolog (XML
# declaration, comments, a stylesheet PI) rarely runs past a few hundred bytes.
_SNIFF_BYTES = 4096

_WS = re.compile(r"\s+")
# Entities with their semicolon only: html.unescape alone would also turn legacy bare
# names such as "&para" inside a URL into characters.
_LEFTOVER_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# [^<>]: each try stops at the next "<", so unclosed tags cannot make the search quadratic.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\s*<\?xml\s[^>]*?\?>")
_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_ROOT_CLOSE = re.compile(r"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>")
_ENTRY_CLOSE = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>")

# Elements whose text is never reader-facing: code, styling, embedded objects.
_SKIPPED_ELEMENTS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head"}
)
# Elements that end a run of words: without a space there, "<p>a</p><p>b</p>" reads "ab".
_BREAKING_ELEMENTS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


class _TextCollector(HTMLParser):
    """Collects the reader-facing text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self._skipping += 1
        elif tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A self-closed <script/> opens nothing, so it must not start skipping.
        if tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKING_ELEMENTS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def fold(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space, trim, drop controls."""
    # Controls come through JSON ("\u0000") and entities that decoding cannot see.
    return _WS.sub(" ", drop_controls(text)).strip()


def _unescape_leftovers(text: str) -> str:
    # Feeds often escape twice ("&amp;quot;"), which leaves "&quot;" in the text after
    # the parser's own pass; a second pass over complete entities only repairs that.
    return _LEFTOVER_ENTITY.sub(lambda m: unescape(m.group(0)), text)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: no scripts or styles, entities decoded, spaces folded."""
    if "<" not in fragment and "&" not in fragment:
        return fold(fragment)
    collector = _TextCollector()
    try:
        # Rewritten first: html.parser rescans unfinished markup, quadratic and worse.
        collector.feed(normalize_markup(fragment))
        collector.close()
    except AssertionError:
        # html.parser's declaration scanner asserts on some malformed "<!" markup; the
        # text gathered up to that point is still good.
        pass
    return fold(_unescape_leftovers("".join(collector.parts)))


def _plain(value: object, kind: object) -> str:
    """Text of a feedparser value whose detail says plain text or (X)HTML."""
    if not isinstance(value, str):
        return ""
    # feedparser leaves out the detail of some values (a summary it copied from XHTML
    # content), so markup is sniffed when the type is unknown.
    if (isinstance(kind, str) and "html" in kind) or (kind is None and _TAG.search(value)):
        return html_to_text(value)
    return fold(_unescape_leftovers(value))


def _field(raw: object, key: str) -> Any:
    """A value of a feedparser dict by its own key only.

    FeedParserDict.get maps some keys onto others ("updated_parsed" falls back to
    "published_parsed" with a DeprecationWarning); plain dict lookup keeps keys literal.
    """
    return dict.get(raw, key) if isinstance(raw, dict) else None


def _absolute(link: object, base: str) -> str | None:
    """An absolute http(s) URL for link, or None for anything else (javascript:, mailto:...)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        resolved = urljoin(base, link.strip())
        parts = urlsplit(resolved)
    except ValueError:  # e.g. an invalid IPv6 host in a hostile feed
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved


# --- encodings and sniffing -------------------------------------------------------------


def _wide_codec(body: bytes) -> tuple[str, bytes] | None:
    """The codec and BOM of a UTF-16/32 body (by BOM or by the '<' pattern), else None."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return codec, bom
    for marker, codec in (
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if body.startswith(marker):
            return codec, b""
    return None


def _markup_view(body: bytes) -> tuple[str, Callable[[str], bytes]]:
    """The body as a str whose markup can be searched, and how to turn it back into bytes.

    ASCII-compatible bodies (UTF-8, windows-1256...) go through latin-1, which maps each
    byte to one character and back unchanged; only UTF-16/32 need their real codec.
    """
    wide = _wide_codec(body)
    if wide is None:
        return body.decode("latin-1"), lambda text: text.encode("latin-1")
    codec, bom = wide
    decoded = body[len(bom) :].decode(codec, errors="replace")
    return decoded, lambda text: bom + text.encode(codec, errors="replace")


def _root_name(view: str) -> str | None:
    """The local name of the first element, lower-cased, skipping comments and the prolog."""
    head = _COMMENT.sub("", view[:_SNIFF_BYTES])
    match = _FIRST_ELEMENT.search(head)
    if match is None:
        return None
    return match.group(1).rpartition(":")[2].lower()


def _as_utf8(body: bytes, content_type: str | None) -> bytes:
    """The feed re-encoded as valid UTF-8, for feedparser to read under charset=utf-8.

    Decided here rather than by feedparser, whose RFC 3023 rules believe a label over the
    bytes and, when the labelled decoding fails on one bad byte, move on to another charset
    for the whole document (a UTF-8 feed with one Arabic letter cut in half came out as
    windows-1256 mojibake). The rules are charsets.py's, with the header's charset and then
    the prolog's encoding as the declarations. A BOM, or the byte pattern of "<" in
    UTF-16/32, decides first: UTF-16 text with no encoding declared is valid UTF-8.
    """
    wide = _wide_codec(body)
    if wide is not None:
        codec, bom = wide
        return drop_controls(body[len(bom) :].decode(codec, errors="replace")).encode("utf-8")
    body = body.removeprefix(codecs.BOM_UTF8)
    header = _CHARSET_PARAM.search(content_type or "")
    prolog = _XML_ENCODING.match(body[:200].decode("latin-1"))
    declared = [header.group(1) if header else None, prolog.group(1) if prolog else None]
    return decode_text(body, declared).encode("utf-8")


def looks_like_feed(body: bytes, content_type: str | None) -> bool:
    """Whether the bytes are probably a feed: by the root element, else by the media type."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    stripped = body.lstrip(b" \t\r\n\xef\xbb\xbf")
    if stripped.startswith(b"{"):
        head = stripped[: _SNIFF_BYTES * 16]
        return media_type == "application/feed+json" or _JSON_FEED_VERSION.encode() in head
    root = _root_name(_markup_view(body[: _SNIFF_BYTES * 4])[0])
    if root is None:
        return media_type in FEED_MEDIA_TYPES
    return root in _FEED_ROOTS


# --- entity-expansion defence -----------------------------------------------------------


def _doctype_end(view: str, start: int) -> int | None:
    """The index just past the DOCTYPE declaration at start, minding quotes and the subset."""
    depth = 0
    quote = ""
    i = start + len("<!DOCTYPE")
    while i < len(view):
        ch = view[i]
        if quote:
            if ch == quote:
                quote = ""
        elif view.startswith("<!--", i):
            close = view.find("-->", i + 4)
            if close < 0:
                return None
            i = close + 3
            continue
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == ">" and depth == 0:
            return i + 1
        i += 1
    return None


def _root_start(view: str) -> int | None:
    """Where the root element starts, past the XML declaration, PIs, comments and DOCTYPE.

    A plain search for "<" and a letter would stop inside a comment ("<!-- <b> -->") and
    miss a DOCTYPE after it. None when the prolog never ends.
    """
    i = 0
    while (j := view.find("<", i)) >= 0:
        if view.startswith("<!--", j):
            close = view.find("-->", j + 4)
            after = close + 3 if close >= 0 else None
        elif view.startswith("<?", j):
            close = view.find("?>", j + 2)
            after = close + 2 if close >= 0 else None
        elif _DOCTYPE.match(view, j):
            after = _doctype_end(view, j)
        elif view.startswith("<!", j):
            close = view.find(">", j)
            after = close + 1 if close >= 0 else None
        else:
            return j
        if after is None:
            return None
        i = after
    return None


def _defuse(body: bytes) -> tuple[bytes | None, str | None]:
    """The body without a prolog that declares entities, and a note when one was cut.

    feedparser re-inserts entity declarations it deems safe and its loose parser expands
    them: one 50 kB entity referenced 50,000 times (quadratic blow-up) takes tens of seconds
    and gigabytes. No news feed needs its own entities, so everything before the root
    element but the XML declaration goes; None when the prolog never ends.
    """
    view, back = _markup_view(body)
    root = _root_start(view)
    prolog = view if root is None else view[:root]
    if not _ENTITY_DECL.search(prolog):
        return body, None
    if root is None:
        return None, None
    declaration = _XML_DECLARATION.match(prolog)
    kept = declaration.group(0) if declaration else ""
    return back(kept + view[root:]), "removed a DOCTYPE that declared entities"


# --- XML feeds ------------------------------------------------------------------------------


def _struct_to_utc(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        # feedparser has already converted the date to UTC.
        return plausible(datetime(*value[:6], tzinfo=UTC))
    except (ValueError, OverflowError):
        return None


def _kind(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):
        return "rdf"  # RSS 0.90 and 1.0 are both rdf:RDF documents
    return "rss"


def _entry(raw: object, base: str) -> FeedEntry:
    title = _plain(_field(raw, "title"), _field(_field(raw, "title_detail"), "type"))
    summary = _plain(_field(raw, "summary"), _field(_field(raw, "summary_detail"), "type"))
    contents = [
        _plain(_field(part, "value"), _field(part, "type")) for part in _field(raw, "content") or []
    ]
    content = max(contents, key=len, default="") or None
    link = _absolute(_field(raw, "link"), base)
    if link is None:
        for candidate in _field(raw, "links") or []:
            if (_field(candidate, "rel") or "alternate") == "alternate":
                link = _absolute(_field(candidate, "href"), base)
                if link:
                    break
    guid = _field(raw, "id")
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = _struct_to_utc(_field(raw, key))
        if published is not None:
            break
    return FeedEntry(
        title=title,
        link=link,
        guid=guid.strip() or None if isinstance(guid, str) else None,
        # A feed without summaries (Atom with content only) still gives the reader a text.
        summary=summary or (content or ""),
        content=content,
        published=published,
    )


def _complete(entries: list[FeedEntry], view: str) -> tuple[list[FeedEntry], str | None]:
    """Drop the entry a truncated document was cut in the middle of."""
    if _ROOT_CLOSE.search(view):
        return entries, None
    closed = len(_ENTRY_CLOSE.findall(view))
    if closed >= len(entries):
        return entries, None
    dropped = len(entries) - closed
    return entries[:closed], f"document ends early; dropped {dropped} incomplete entry"


def _parse_xml(body: bytes, url: str, headers: Mapping[str, str]) -> ParsedFeed | None:
    defused, note = _defuse(body)
    if defused is None:
        return None
    data = _as_utf8(defused, headers.get("content-type"))
    # Only what feedparser needs: UTF-8, decoded above, under a generic XML type so that its
    # RFC 3023 rules cannot force us-ascii or latin-1 (with an XML type the header's charset
    # wins over the prolog's, which feedparser then rewrites to say utf-8); the feed URL as
    # Content-Location, the base feedparser resolves links and xml:base against (without
    # one, an entry's xml:base leaks into the entries after it); and the language.
    response_headers = {
        "content-type": "application/xml; charset=utf-8",
        "content-location": url,
    }
    if headers.get("content-language"):
        response_headers["content-language"] = headers["content-language"]
    try:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=response_headers,
            # Both rewrite every HTML value with sgmllib, for HTML we only turn into plain
            # text (html_to_text drops scripts and styles itself): four to six times the
            # parse time of a feed full of markup, 9 s for 1.5 MB of it, for nothing.
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception:
        # Hostile bytes reach sgmllib and expat here; a document they choke on is simply
        # not a feed we can read.
        return None
    version = result.get("version") or ""
    if not version:
        return None
    problems = [note] if note else []
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        problems.append(f"{type(exc).__name__}: {exc}" if exc else "malformed feed")
    entries = [_entry(raw, url) for raw in result.get("entries") or []]
    if result.get("bozo"):
        entries, cut = _complete(entries, data.decode("utf-8"))
        if cut:
            problems.append(cut)
    channel = _field(result, "feed")
    return ParsedFeed(
        kind=_kind(version),
        title=_plain(_field(channel, "title"), _field(_field(channel, "title_detail"), "type")),
        link=_absolute(_field(channel, "link"), url),
        entries=tuple(entries),
        problems="; ".join(problems) or None,
    )


# --- JSON Feed ------------------------------------------------------------------------------


def _json_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _parse_json(body: bytes, url: str) -> ParsedFeed | None:
    wide = _wide_codec(body)
    text = body.decode(wide[0], "replace") if wide else body.decode("utf-8-sig", "replace")
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    version = document.get("version")
    items = document.get("items")
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        return None
    if not isinstance(items, list):
        return None
    entries = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        html = _json_str(item.get("content_html"))
        plain = _json_str(item.get("content_text"))
        content = (html_to_text(html) if html else fold(plain or "")) or None
        # JSON Feed titles and summaries are plain text, but feeds put markup in them too.
        summary = _plain(_json_str(item.get("summary")), None)
        guid = item.get("id")
        entries.append(
            FeedEntry(
                title=_plain(_json_str(item.get("title")), None),
                link=_absolute(item.get("url"), url) or _absolute(item.get("external_url"), url),
                # JSON Feed 1.0 allowed numeric ids; they identify the item all the same.
                guid=str(guid).strip() or None
                if isinstance(guid, str | int) and not isinstance(guid, bool)
                else None,
                summary=summary or (content or ""),
                content=content,
                published=iso_utc(item.get("date_published")) or iso_utc(item.get("date_modified")),
            )
        )
    return ParsedFeed(
        kind="json",
        title=_plain(_json_str(document.get("title")), None),
        link=_absolute(document.get("home_page_url"), url),
        entries=tuple(entries),
        problems=f"skipped {skipped} items that are not objects" if skipped else None,
    )


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str]) -> ParsedFeed | None:
    """Parse feed bytes fetched from url; None when they are not a feed at all."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if not body.strip(b" \t\r\n\x00"):
        return None
    if body.lstrip(b" \t\r\n\xef\xbb\xbf").startswith(b"{") or (
        _wide_codec(body) is not None and _markup_view(body)[0].lstrip().startswith("{")
    ):
        return _parse_json(body, url)
    return _parse_xml(body, url, lowered)
