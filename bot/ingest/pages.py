"""Web pages into what the bot can use: feeds they announce, one article, or article links.

Pure: bytes in, data out; the caller fetches and runs this off the event loop. Pages are
decoded here (BOM, then UTF-8 but for a few bad bytes, then the meta charset, then an
Arabic windows-1256 guess, then windows-1252: see charsets.py) because trafilatura ignores
the meta charset and guesses from the bytes alone. The parsers are then given the markup
rewritten by markup.py, in a shape on which neither is slow, and every step here is linear
or near it: a hostile page under the fetch cap is read in seconds, not minutes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

import trafilatura
from trafilatura.settings import Document

from bot.ingest.charsets import decode_text, drop_controls
from bot.ingest.dates import iso_utc
from bot.ingest.feeds import fold
from bot.ingest.markup import normalize_markup


@dataclass(frozen=True, slots=True)
class PageArticle:
    """The main text of an article page."""

    title: str | None
    text: str  # paragraphs joined by "\n", whitespace folded within each
    published: datetime | None  # aware UTC; None when the page gives no date
    url: str  # the URL the page was fetched from


FEED_LINK_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)
MIN_ARTICLE_CHARS = 200
# Share of an extraction's text that may be link text before it counts as a list of links.
MAX_LINK_SHARE = 0.5
# A page with this many headlines that link to articles is a listing, unless it says it is
# an article (og:type, article:published_time).
LISTING_HEADLINES = 5

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg"})
_NOT_PAGES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".bmp", ".ico", ".pdf", ".doc", ".docx",
    ".xls", ".xlsx", ".ppt", ".zip", ".rar", ".mp3", ".mp4", ".m4a", ".avi", ".mov", ".webm",
    ".css", ".js", ".json", ".xml", ".rss", ".txt",
)  # fmt: skip
# Path segments of pages that are not articles: sections, tags, people, accounts, sharing,
# site information, pagination. Arabic CMSs use the English words in their URLs as well.
_NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "category", "categories", "cat", "section", "sections", "tag", "tags", "topic", "topics",
        "author", "authors", "writer", "writers", "people", "login", "logout", "signin",
        "sign-in", "signup", "sign-up", "register", "account", "accounts", "profile", "user",
        "users", "search", "share", "sharer", "sharer.php", "feed", "feeds", "rss", "atom",
        "contact", "contact-us", "contact.php", "about", "about-us", "privacy",
        "privacy-policy", "terms", "subscribe", "newsletter", "wp-login.php", "wp-admin",
        "cart", "page",
        "تصنيف", "قسم", "وسم", "الوسوم", "كاتب", "الكاتب", "بحث",
    }
)  # fmt: skip
_NOT_ARTICLE_QUERY_KEYS = frozenset(
    {"page", "cat", "category", "tag", "share", "replytocom", "q", "s"}
)
_ID_QUERY_KEYS = frozenset({"id", "p", "nid", "aid", "article", "articleid", "story", "newsid"})
_LONG_NUMBER = re.compile(r"\d{4,}")
_DATE_IN_PATH = re.compile(r"(?:^|/)(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-]\d{1,2})?(?:/|$)")
_WORD = re.compile(r"[^\W_]+")
# Link texts longer than this are paragraphs that happen to be links, not menu items.
_MAX_LINK_WORDS = 40
# Word comparisons the link check of one page may make; normal pages make a few thousand.
_LINK_CHECK_WORDS = 1_000_000


# --- decoding -------------------------------------------------------------------------------


def decode_html(html: bytes) -> str:
    """The page as text: by BOM, (mostly) UTF-8, meta charset, Arabic windows-1256, cp1252."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if html.startswith(bom):
            return drop_controls(html[len(bom) :].decode(codec, errors="replace"))
    declared = _META_CHARSET.search(html[:8192])
    return decode_text(html, [declared.group(1).decode("ascii") if declared else None])


# --- one pass over the markup ---------------------------------------------------------------


@dataclass(slots=True)
class _Anchor:
    href: str
    text: list[str] = field(default_factory=list)
    in_heading: bool = False


class _PageScan(HTMLParser):
    """The parts of a page that link discovery and the listing check need."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.feeds: list[tuple[str, str]] = []  # (type, href)
        self.anchors: list[_Anchor] = []
        self.og_type: str | None = None
        self.has_published_time = False
        self._open: list[_Anchor] = []
        self._headings = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "link":
            rels = values.get("rel", "").lower().split()
            kind = values.get("type", "").split(";")[0].strip().lower()
            if "alternate" in rels and "stylesheet" not in rels and values.get("href"):
                self.feeds.append((kind, values["href"].strip()))
        elif tag == "meta":
            name = (values.get("property") or values.get("name") or "").lower()
            if name == "og:type":
                self.og_type = values.get("content", "").strip().lower()
            elif name == "article:published_time" and values.get("content"):
                self.has_published_time = True
        elif tag in _HEADINGS:
            self._headings += 1
        elif tag == "a" and values.get("href"):
            anchor = _Anchor(values["href"].strip(), in_heading=self._headings > 0)
            self.anchors.append(anchor)
            self._open.append(anchor)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _HEADINGS:
            self._headings = max(0, self._headings - 1)
        elif tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and not self._skipping:
            self._open[-1].text.append(data)


def _scan(html: bytes) -> _PageScan:
    return _scan_markup(normalize_markup(decode_html(html)))


def _scan_markup(markup: str) -> _PageScan:
    scan = _PageScan()
    try:
        scan.feed(markup)
        scan.close()
    except AssertionError:
        # html.parser asserts on some malformed "<!" declarations; what was read is kept.
        pass
    return scan


def _base(scan: _PageScan, base_url: str) -> str:
    """The URL relative links resolve against: the page's <base href>, else its own URL."""
    if scan.base:
        resolved = _resolve(base_url, scan.base)
        if resolved:
            return resolved
    return base_url


def _http_url(url: str) -> str | None:
    """The URL without its fragment when it is http(s) with a host, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1" in hostile markup
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(parts._replace(fragment=""))


def _resolve(base: str, href: str) -> str | None:
    try:
        joined = urljoin(base, href)
    except ValueError:
        return None
    return _http_url(joined)


def feed_links(html: bytes, base_url: str) -> list[str]:
    """Feeds the page announces with <link rel="alternate">, absolute, first seen first."""
    scan = _scan(html)
    base = _base(scan, base_url)
    found: dict[str, None] = {}  # ordered, and a set: a page may list thousands
    for kind, href in scan.feeds:
        if kind not in FEED_LINK_TYPES:
            continue
        url = _resolve(base, href)
        if url:
            found[url] = None
    return list(found)


# --- article links on listing pages ---------------------------------------------------------


def _site(host: str) -> str:
    return host.lower().removeprefix("www.").removeprefix("m.")


def _same_site(url: str, base: str) -> bool:
    host, base_host = urlsplit(url).hostname or "", urlsplit(base).hostname or ""
    a, b = _site(host), _site(base_host)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _looks_like_article(url: str) -> bool:
    """Whether a same-site URL has the shape of an article rather than a section or tool."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    segments = [s for s in path.lower().split("/") if s]
    if not segments and not parts.query:
        return False  # the home page
    if any(path.lower().endswith(ext) for ext in _NOT_PAGES):
        return False
    if any(s in _NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if any(key.lower() in _NOT_ARTICLE_QUERY_KEYS for key in query):
        return False
    if any(key.lower() in _ID_QUERY_KEYS and value.isdigit() for key, value in query.items()):
        return True  # /news.php?id=48190, /?p=48213
    if not segments:
        return False
    last = segments[-1].rsplit(".", 1)[0]
    if last.isdigit():
        # /news/48213 is an article; /2025 and /2025/03 are date archives.
        is_year = len(last) == 4 and last[:2] in ("19", "20")
        return len(last) >= 3 and not is_year and (len(segments) > 1 or len(last) >= 5)
    if _LONG_NUMBER.search(last):
        return True  # /article/48213-some-title, /news/20250314-title
    if _DATE_IN_PATH.search(path):
        return True  # /2025/03/14/slug
    # A slug of three or more words, Arabic or Latin: sections are one or two words.
    return len(_WORD.findall(last)) >= 3


def article_links(html: bytes, base_url: str, limit: int = 50) -> list[str]:
    """Same-site links that look like articles, absolute, de-duplicated, first seen first."""
    scan = _scan(html)
    base = _base(scan, base_url)
    page = _http_url(base_url)
    found: list[str] = []
    for anchor in scan.anchors:
        if len(found) >= limit:
            break
        url = _resolve(base, anchor.href)
        if url is None or url == page or url in found:
            continue
        if _same_site(url, base_url) and _looks_like_article(url):
            found.append(url)
    return found


# --- one article ----------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The extraction's lines, folded, with the cells of table rows as lines of their own."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = fold(raw)
        # Table output is "| cell | cell |"; older sites lay articles out in tables.
        if line.startswith("|") and line.endswith("|"):
            lines.extend(fold(cell) for cell in line.strip("|").split(" | "))
        else:
            lines.append(line.lstrip("-•*· "))
    return [line for line in lines if line]


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _link_index(link_texts: Iterable[str]) -> dict[str, list[list[str]]]:
    """The words of each link text, by their first word, longest first."""
    index: dict[str, list[list[str]]] = {}
    for words in {tuple(_words(text)) for text in link_texts}:
        if 0 < len(words) <= _MAX_LINK_WORDS:
            index.setdefault(words[0], []).append(list(words))
    for candidates in index.values():
        candidates.sort(key=len, reverse=True)
    return index


@dataclass(slots=True)
class _Budget:
    words: int


def _is_link_text(line: str, index: dict[str, list[list[str]]], budget: _Budget) -> bool:
    """Whether every word of the line is in an occurrence of some link's text (a menu).

    Word by word, with the link texts found by their first word: linear in the line, not
    (as searching for every link text in every line was) in lines times links. The budget
    bounds the comparisons of a whole page; once spent, lines count as text.
    """
    words = _words(line)
    reach = 0  # the words before this are covered
    for i, word in enumerate(words):
        for candidate in index.get(word, ()):
            end = i + len(candidate)
            if end <= reach:
                break  # longest first: the rest would cover nothing new
            budget.words -= len(candidate)
            if budget.words < 0:
                return False
            if words[i:end] == candidate:
                reach = end
                break
        if reach <= i:
            return False
    return True


def _is_listing(scan: _PageScan, base_url: str) -> bool:
    if scan.og_type == "article" or scan.has_published_time:
        return False
    base = _base(scan, base_url)
    headlines = set()
    for anchor in scan.anchors:
        if not anchor.in_heading:
            continue
        url = _resolve(base, anchor.href)
        if url and _same_site(url, base_url) and _looks_like_article(url):
            headlines.add(url)
    return len(headlines) >= LISTING_HEADLINES


def extract_article(html: bytes, url: str) -> PageArticle | None:
    """The page's one article (title, date, text); None when it is not an article page."""
    markup = normalize_markup(decode_html(html))
    if not markup.strip():
        return None
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            favor_precision=True,  # a news page's boilerplate costs more than a lost line
            include_comments=False,
            # Older Arabic sites lay whole articles out in tables.
            include_tables=True,
            include_links=False,
            date_extraction_params={
                "original_date": True,  # publication, not last modification
                "extensive_search": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                # The page's own markup first: a date in the URL has no time of day, and
                # htmldate would otherwise stop there.
                "deferred_url_extractor": True,
            },
        )
    except Exception:
        # trafilatura, lxml and htmldate run on hostile markup here; a page they fail on
        # is a page with no article we can use.
        return None
    if not isinstance(document, Document) or not isinstance(document.text, str):
        return None
    title = fold(document.title) if isinstance(document.title, str) else ""
    lines = _lines(document.text)
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the headline is kept in title, not repeated in the text
    scan = _scan_markup(markup)
    index = _link_index("".join(a.text) for a in scan.anchors)
    budget = _Budget(_LINK_CHECK_WORDS)
    linked = {line for line in lines if _is_link_text(line, index, budget)}
    total = sum(len(line) for line in lines)
    if not total or sum(len(line) for line in lines if line in linked) / total >= MAX_LINK_SHARE:
        return None  # a list of links, not an article
    if _is_listing(scan, url):
        return None
    # Menus and related-story lists that the extractor let through are not the article.
    text = "\n".join(line for line in lines if line not in linked)
    if len(text) < MIN_ARTICLE_CHARS:
        return None
    return PageArticle(
        title=title or None,
        text=text,
        published=iso_utc(document.date if isinstance(document.date, str) else None),
        url=url,
    )


def page_kind(html: bytes, url: str) -> str:
    """Classify a page: "feed-link" if it announces a feed, "article" if it is one, or "listing"."""
    if feed_links(html, url):
        return "feed-link"
    if extract_article(html, url) is not None:
        return "article"
    return "listing"
