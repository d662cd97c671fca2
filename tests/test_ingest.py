"""The ingest service end to end: a real Fetcher, a fake news site on 127.0.0.1, real SQLite.

No test reaches past 127.0.0.1: the fetchers here resolve no names (the fixtures' links
to *.example.ly fail as DNS errors, without a query leaving the machine), and the test
that needs a "public" host carries it to the local site with a routing transport.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.analysis.knowledge import Knowledge
from bot.core import Core
from bot.ingest.errors import SourceError
from bot.ingest.fetch import Fetcher
from bot.ingest.reading import TEASER_CHARS
from bot.ingest.service import MAX_BACKOFF, IngestService
from bot.models import Source
from bot.services import Services
from storage import Store, articles, sources
from storage.timefmt import to_db
from tests.conftest import FIXED_NOW, SEEDS
from tests.fakes.network import RoutingTransport
from tests.fakes.news_site import NewsSite, news_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEEDS = FIXTURES / "feeds"
PAGES = FIXTURES / "pages"
INGEST = FIXTURES / "ingest"
RSS = "application/rss+xml"
INTERVAL = timedelta(minutes=15)
PUBLIC_IP = "93.184.216.34"  # a public address; nothing here ever connects to it


# --- the test network ---------------------------------------------------------------------


class NoDns:
    """A resolver that resolves nothing (IP literals never reach it) and notes what it was asked."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = table or {}
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host in self.table:
            return self.table[host]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


class NoNetwork(httpx.AsyncBaseTransport):
    """A transport that fails the test if anything is fetched at all."""

    def __init__(self) -> None:
        self.called: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.called.append(str(request.url))
        raise AssertionError(f"nothing may be fetched, yet {request.url} was")


# --- the service under test ---------------------------------------------------------------


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass
class Rig:
    """An ingest service over the test store, and what it needs to be checked."""

    ingest: IngestService
    services: Services
    clock: Clock
    dns: NoDns

    @property
    def store(self) -> Store:
        return self.services.store

    async def source(self, source_id: int) -> Source:
        found = await self.store.run(sources.get_source, source_id)
        assert found is not None
        return found

    async def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        return await self.store.run(lambda db: list(db.query(sql, list(params))))

    async def headlines(self, source_id: int) -> list[str]:
        found = await self.rows(
            "SELECT s.headline FROM stories s JOIN articles a ON a.id = s.article_id "
            "WHERE a.source_id = ? ORDER BY a.id, s.position",
            source_id,
        )
        return [row["headline"] for row in found]

    async def relevant(self, source_id: int) -> int:
        [row] = await self.rows(
            "SELECT COUNT(*) AS n FROM stories s JOIN articles a ON a.id = s.article_id "
            "WHERE a.source_id = ? AND s.relevant = 1",
            source_id,
        )
        return int(row["n"])


Build = Callable[..., Rig]


@pytest.fixture
async def build(store: Store, knowledge: Knowledge) -> AsyncIterator[Build]:
    """Makes ingest services over the test store; every fetcher made is closed afterwards."""
    made: list[Fetcher] = []

    def make(
        *,
        fetcher: Fetcher | None = None,
        dns: NoDns | None = None,
        max_failures: int = 5,
        **fetcher_options: Any,
    ) -> Rig:
        clock = Clock()
        services = Services(store, knowledge, clock=clock)
        dns = dns or NoDns()
        if fetcher is None:
            fetcher = Fetcher(allow_private=True, resolver=dns, **fetcher_options)
        made.append(fetcher)
        ingest = IngestService(
            store,
            fetcher,
            services.analyze_pending,
            clock,
            poll_interval=INTERVAL,
            max_failures=max_failures,
        )
        return Rig(ingest=ingest, services=services, clock=clock, dns=dns)

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
def rig(build: Build) -> Rig:
    return build()


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running:
        yield running


def on_site(site: NewsSite, data: bytes) -> bytes:
    """A fixture with its {SITE} placeholders pointing at the local site."""
    return data.replace(b"{SITE}", site.base_url.encode())


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """A small RSS 2.0 feed; each item has title, link and description or content."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{title}</title>",
    ]
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "pubDate", "description"):
            if tag in item:
                parts.append(f"<{tag}>{item[tag]}</{tag}>")
        if "content" in item:
            parts.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def article_page(title: str, paragraphs: list[str], published: str) -> bytes:
    """A plain article page, as a news site's CMS would serve it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{published}"></head>'
        '<body><header><nav><a href="/">الرئيسية</a></nav></header>'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><p>جميع الحقوق محفوظة</p></footer></body></html>"
    ).encode()


LONG_PARAGRAPHS = [
    "اجتمع أعضاء اللجنة المشتركة في طرابلس لبحث الملفات العالقة بين البلدين، بحضور ممثلين "
    "عن وزارات الخارجية والداخلية والاقتصاد، وناقشوا جدول أعمال الدورة المقبلة.",
    "وأكد المشاركون في ختام الاجتماع أهمية مواصلة التنسيق وتبادل الزيارات بين المسؤولين، "
    "واتفقوا على عقد الاجتماع التالي في غضون شهرين لمتابعة تنفيذ ما تم التوافق عليه.",
    "ورحب المتحدث باسم الحكومة بنتائج الاجتماع، مشيرا إلى أن اللجنة ستقدم تقريرا مفصلا عن "
    "أعمالها إلى المجلس الرئاسي ومجلس النواب قبل نهاية الشهر الجاري.",
]


def numbered_feed(site: NewsSite, count: int) -> bytes:
    """A feed of `count` distinct stories carried whole, so no article page is fetched."""
    items = []
    for n in range(1, count + 1):
        text = f"<p>الخبر رقم {n}.</p>" + "".join(f"<p>{p}</p>" for p in LONG_PARAGRAPHS)
        assert len(text) > TEASER_CHARS
        items.append(
            {
                "title": f"اجتماع اللجنة الليبية المشتركة في دورتها رقم {n} بطرابلس",
                "link": site.url(f"/news/{n}"),
                "pubDate": f"Sat, {n:02d} Nov 2026 09:00:00 +0000",
                "content": text,
            }
        )
    return rss("أخبار مرقمة", items)


async def failure(call: Any) -> SourceError:
    with pytest.raises(SourceError) as caught:
        await call
    return caught.value


# --- adding a source: each kind of feed ---------------------------------------------------

MENFI_ITALY = "المنفي يستقبل السفير الإيطالي ويبحث معه ملف الهجرة"
FM_DIALOGUE = 'وزير الخارجية: "الحوار هو الطريق الوحيد للاستقرار"'
UNSMIL_5_5 = "بعثة الأمم المتحدة تدعو إلى استئناف اجتماعات اللجنة العسكرية المشتركة 5+5"
FEED_CASES = [
    (
        "rss2.xml",
        RSS,
        "ليبيا اليوم - الشؤون الدبلوماسية",
        [MENFI_ITALY, FM_DIALOGUE, UNSMIL_5_5],
    ),
    (
        "rss1_rdf.xml",
        "application/rdf+xml",
        "الوسط التجريبية - سياسة",
        [
            "الدبيبة يبحث مع وفد تركي ملفات الطاقة والتعاون الأمني",
            "مجلس النواب يناقش مشروع قانون الاستفتاء على الدستور",
        ],
    ),
    (
        "atom.xml",
        "application/atom+xml",
        "المرصد الليبي للشؤون الخارجية",
        [
            "تكالة يلتقي المبعوثة الأممية في طرابلس",
            "الاتحاد الأفريقي يحدد موعد مؤتمر المصالحة الوطنية الليبية",
        ],
    ),
    (
        "feed.json",
        "application/feed+json",
        "نشرة ليبيا الدبلوماسية",
        [
            "اجتماع اللجنة الليبية المصرية المشتركة لأمن الحدود في القاهرة",
            "وزير الخارجية الجزائري يصل إلى طرابلس في زيارة رسمية",
            "إحاطة المبعوثة الأممية أمام مجلس الأمن حول الوضع في ليبيا",
        ],
    ),
    (
        "cp1256_prolog.xml",
        "text/xml",
        "وكالة الأنباء الليبية التجريبية",
        [
            "ليبيا ومالطا توقعان مذكرة تفاهم في مجال الطاقة",
            "المجلس الرئاسي يرحب بنتائج اجتماع برلين",
        ],
    ),
    (
        "cp1256_header_only.xml",
        "application/rss+xml; charset=windows-1256",
        "وكالة الأنباء الليبية - الترويسة فقط",
        ["وزيرة الخارجية تبحث مع نظيرها التونسي إعادة فتح معبر رأس جدير"],
    ),
    (
        "utf16.xml",
        RSS,
        "موجز ليبيا بترميز UTF-16",
        ["السفير الفرنسي يزور مصراتة ويلتقي عميد البلدية"],
    ),
    (
        "utf16be.xml",
        RSS,
        "موجز ليبيا بترميز UTF-16",
        ["السفير الفرنسي يزور مصراتة ويلتقي عميد البلدية"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content_type", "title", "headlines"), FEED_CASES, ids=[c[0] for c in FEED_CASES]
)
async def test_add_source_reads_every_kind_of_feed(
    rig: Rig, site: NewsSite, name: str, content_type: str, title: str, headlines: list[str]
) -> None:
    site.route("/feed", (FEEDS / name).read_bytes(), content_type=content_type)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=42)
    source, run = added.source, added.run
    assert (source.kind, source.url, source.site_url) == ("feed", site.url("/feed"), None)
    assert source.name.startswith(title)
    assert (run.entries, run.new, run.error) == (len(headlines), len(headlines), None)
    assert await rig.headlines(source.id) == headlines
    assert run.relevant == await rig.relevant(source.id)
    # The first run is recorded like any other: its figures, and the next fetch one interval on.
    stored = await rig.source(source.id)
    assert stored.items_total == len(headlines)
    assert stored.last_ok_at == rig.clock.now
    assert stored.next_fetch_at == rig.clock.now + INTERVAL
    [added_by] = await rig.rows("SELECT added_by FROM sources WHERE id = ?", source.id)
    assert added_by == {"added_by": 42}


async def test_stories_about_libya_are_counted_as_relevant(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), "My name", by=None)
    assert added.source.name == "My name"  # a name given wins over the feed's title
    assert added.run.relevant == 3  # three stories on Libya's foreign relations
    page = await rig.services.latest(limit=20)
    shown = [s.headline for s in page.stories]
    assert {MENFI_ITALY, FM_DIALOGUE, UNSMIL_5_5} <= set(shown)


async def test_a_page_announcing_a_feed_is_followed_to_the_feed(rig: Rig, site: NewsSite) -> None:
    page = (PAGES / "with_feed_link.html").read_bytes()
    site.route("/ar/", page.replace(b"https://marsad.example.ly", site.base_url.encode()))
    site.route("/ar/feed/rss.xml", (FEEDS / "atom.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/ar/"), None, by=None)
    assert added.source.kind == "feed"
    assert added.source.url == site.url("/ar/feed/rss.xml")
    assert added.source.site_url == site.url("/ar/")
    assert added.source.name == "المرصد الليبي للشؤون الخارجية"
    assert (added.run.entries, added.run.new) == (2, 2)
    # Either address finds it, and neither can be listed twice.
    assert (await rig.ingest.find(site.url("/ar/"))) == (await rig.ingest.find("1"))
    for again in (site.url("/ar/"), site.url("/ar/feed/rss.xml")):
        error = await failure(rig.ingest.add_source(again, None, by=None))
        assert (error.reason, error.detail) == ("exists", str(added.source.id))
    # Later fetches go to the feed, not the page.
    assert (await rig.ingest.ingest_now(None))[0].entries == 2
    assert site.hits("/ar/") == 2  # the add, and the refused second add of the page


LISTED_ARTICLES = {
    "/diplomacy/2025/03/14/menfi-malta-fm-migration": "المنفي يبحث مع وزير الخارجية المالطي",
    "/news/48213": "بعثة الأمم المتحدة تدعو إلى استئناف اجتماعات اللجنة العسكرية",
    "/news.php?id=48190": "وزيرة الخارجية تبحث مع نظيرها التونسي فتح معبر رأس جدير",
}


async def test_a_listing_page_has_its_article_pages_fetched(rig: Rig, site: NewsSite) -> None:
    site.route("/diplomacy/", (PAGES / "listing.html").read_bytes())
    for n, (path, title) in enumerate(LISTED_ARTICLES.items()):
        paragraphs = [f"{title} في لقاء عقد اليوم رقم {n}.", *LONG_PARAGRAPHS]
        site.route(path, article_page(title, paragraphs, f"2025-03-1{n}T10:00:00+02:00"))
    added = await rig.ingest.add_source(site.url("/diplomacy/"), None, by=None)
    assert added.source.kind == "listing"
    # The listing's same-site article links; other sites, sections and files are left out.
    assert added.run.entries == 10
    assert added.run.new == len(LISTED_ARTICLES)  # the others answer 404
    assert sorted(await rig.headlines(added.source.id)) == sorted(LISTED_ARTICLES.values())
    fetched = [r.path for r in site.requests]
    assert fetched[0] == "/diplomacy/"
    assert len(fetched) == 11 and len(set(fetched)) == 11
    assert not any(p.startswith(("/category/", "/tag", "/login", "/uploads")) for p in fetched)
    # Again: the articles already stored are not fetched a second time.
    before = len(site.requests)
    [run] = await rig.ingest.ingest_now("1")
    assert (run.entries, run.new, run.error) == (10, 0, None)
    assert {r.path for r in site.requests[before:]} == set(fetched) - set(LISTED_ARTICLES)


async def test_a_single_article_page_is_an_article(rig: Rig, site: NewsSite) -> None:
    site.route("/diplomacy/menfi-malta", (PAGES / "article.html").read_bytes())
    added = await rig.ingest.add_source(site.url("/diplomacy/menfi-malta"), None, by=None)
    title = "المنفي يبحث مع وزير الخارجية المالطي التعاون في ملف الهجرة"
    assert added.source.kind == "article"
    assert added.source.name == title
    assert (added.run.entries, added.run.new) == (1, 1)
    assert await rig.headlines(added.source.id) == [title]
    [row] = await rig.rows("SELECT published_at, raw_text FROM articles")
    assert row["published_at"] == "2025-03-14T08:30:00+00:00"
    assert "فاليتا تعمل على إعادة تشغيل خط الملاحة البحرية" in row["raw_text"]
    assert "تسجيل الدخول" not in row["raw_text"]  # the menu stayed out
    # Its related-story links were not followed: it is one article, not a listing.
    assert [r.path for r in site.requests] == ["/diplomacy/menfi-malta"]


async def test_a_windows_1256_article_page_is_read_as_arabic(rig: Rig, site: NewsSite) -> None:
    site.route("/news.php", (PAGES / "cp1256_article.html").read_bytes(), content_type="text/html")
    added = await rig.ingest.add_source(site.url("/news.php?id=48177"), None, by=None)
    assert added.source.kind == "article"
    assert added.source.name == "ليبيا وتونس تتفقان على تشكيل لجنة مشتركة لإدارة معبر رأس جدير"
    [row] = await rig.rows("SELECT title, raw_text FROM articles")
    assert row["title"] == added.source.name
    assert "معبر رأس جدير الحدودي" in row["raw_text"]
    assert "\ufffd" not in row["raw_text"]


async def test_a_dateline_does_not_replace_the_article_headline(rig: Rig, site: NewsSite) -> None:
    site.route("/news.php", (PAGES / "cp1256_article.html").read_bytes(), content_type="text/html")
    added = await rig.ingest.add_source(site.url("/news.php?id=48177"), None, by=None)
    assert await rig.headlines(added.source.id) == [added.source.name]


# --- malformed and hostile answers --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "headlines"),
    [
        (
            "truncated.xml",
            ["وصول وفد من الجامعة العربية إلى طرابلس", "المجلس الأعلى للدولة يعقد جلسة طارئة"],
        ),
        ("unclosed_cdata.xml", ["ليبيا تشارك في القمة العربية الأفريقية"]),
        (
            "bad_entities.xml",
            ["«ليبيا والاتحاد الأوروبي» — شراكة جديدة…", "مباحثات ليبية مالطية في فاليتا"],
        ),
    ],
)
async def test_malformed_feeds_keep_their_good_entries(
    rig: Rig, site: NewsSite, name: str, headlines: list[str]
) -> None:
    site.route("/feed", (FEEDS / name).read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    assert added.source.kind == "feed"
    assert added.run.new == len(headlines)
    assert await rig.headlines(added.source.id) == headlines
    [row] = await rig.rows("SELECT COUNT(*) AS n FROM articles WHERE raw_text LIKE '%&%;%'")
    assert row["n"] == 0  # no entity left undecoded


async def test_an_empty_document_is_refused_as_unreadable(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", b"", content_type=RSS)
    error = await failure(rig.ingest.add_source(site.url("/feed"), None, by=None))
    assert error.reason == "unreadable"
    assert await rig.ingest.list_sources() == []


async def test_an_html_page_served_as_a_feed_is_read_as_a_page(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "html_as_feed.html").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    assert added.source.kind == "listing"
    assert added.run.entries == 2 and added.run.error is None
    # It announced /feed/, which was tried (and is not there).
    assert site.hits("/feed/") == 1


async def test_a_feed_that_stops_being_a_feed_counts_as_a_failure(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    for body in (b"", (FEEDS / "html_as_feed.html").read_bytes()):
        site.route("/feed", body, content_type="text/html")
        run = await rig.ingest.ingest_source(await rig.source(added.source.id))
        assert run.error and run.new == 0
    stored = await rig.source(added.source.id)
    assert (stored.state, stored.failures) == ("failing", 2)


async def test_a_huge_body_is_refused_as_too_large(build: Build, site: NewsSite) -> None:
    rig = build(max_bytes=200_000)
    site.endless("/feed")
    error = await failure(rig.ingest.add_source(site.url("/feed"), None, by=None))
    assert (error.reason, error.detail) == ("fetch", "too_large")
    assert site.bytes_sent("/feed") < 50_000_000


async def test_a_trickling_server_times_out(build: Build, site: NewsSite) -> None:
    rig = build(total_timeout=0.8, read_timeout=5)
    site.trickle("/feed", interval=0.1, length=1000)
    error = await failure(rig.ingest.add_source(site.url("/feed"), None, by=None))
    assert (error.reason, error.detail) == ("fetch", "timeout")


async def test_a_server_error_is_reported_with_its_status(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", "oops", status=500)
    error = await failure(rig.ingest.add_source(site.url("/feed"), None, by=None))
    assert (error.reason, error.detail, error.status) == ("fetch", "http", 500)
    assert await rig.ingest.list_sources() == []


async def test_a_redirect_loop_is_refused(rig: Rig, site: NewsSite) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    error = await failure(rig.ingest.add_source(site.url("/a"), None, by=None))
    assert (error.reason, error.detail) == ("fetch", "redirects")


async def test_a_redirect_to_a_private_address_is_blocked(build: Build, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    site.redirect("/go", "http://internal.test/feed")
    dns = NoDns({"public.test": [PUBLIC_IP], "internal.test": ["10.1.2.3"]})
    transport = RoutingTransport({"public.test": site.base_url, "internal.test": site.base_url})
    fetcher = Fetcher(allow_private=False, resolver=dns, transport=transport)
    rig = build(fetcher=fetcher, dns=dns)
    # The control: the same arrangement serves a public host's feed.
    assert (await rig.ingest.add_source("http://public.test/feed", None, by=None)).run.new == 3
    error = await failure(rig.ingest.add_source("http://public.test/go", None, by=None))
    assert (error.reason, error.detail) == ("fetch", "blocked")
    assert transport.contacted == ["public.test", "public.test"]  # internal.test never
    # And this machine itself, named by address.
    error = await failure(rig.ingest.add_source(site.url("/feed"), None, by=None))
    assert (error.reason, error.detail) == ("fetch", "blocked")


@pytest.mark.parametrize("url", ["ftp://x", "file:///etc/passwd", "javascript:alert(1)", "x"])
async def test_only_web_addresses_can_be_sources(rig: Rig, url: str) -> None:
    error = await failure(rig.ingest.add_source(url, None, by=None))
    assert error.reason == "scheme"
    assert rig.dns.asked == []


# --- feed entries that are only teasers ---------------------------------------------------


async def test_teasers_are_completed_from_their_article_pages_only_when_they_are_articles(
    rig: Rig, site: NewsSite
) -> None:
    site.route("/feed", on_site(site, (INGEST / "teasers.xml").read_bytes()), content_type=RSS)
    site.route("/news/menfi-malta-fm-migration", (PAGES / "article.html").read_bytes())
    site.route("/news/high-council-login-wall", (PAGES / "boilerplate_only.html").read_bytes())
    site.route("/news/ras-jedir-paywall", (INGEST / "paywall.html").read_bytes())
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    assert (added.run.entries, added.run.new) == (5, 5)
    rows = await rig.rows("SELECT url, raw_text FROM articles ORDER BY id")
    text = {row["url"].rsplit("/", 1)[1]: row["raw_text"] for row in rows}
    # The article page says more than the teaser: its text is kept, its menus are not.
    assert "فاليتا تعمل على إعادة تشغيل خط الملاحة البحرية" in text["menfi-malta-fm-migration"]
    assert "تسجيل الدخول" not in text["menfi-malta-fm-migration"]
    # A login wall, a paywall and a missing page are not the article: the teaser stays.
    assert text["high-council-login-wall"] == (
        "عقد المجلس الأعلى للدولة جلسة طارئة لمناقشة مخرجات لجنة 6+6 والقوانين الانتخابية."
    )
    assert text["ras-jedir-paywall"] == (
        "بحثت وزيرة الخارجية مع نظيرها التونسي الترتيبات الفنية لإعادة فتح معبر رأس جدير الحدودي."
    )
    assert text["arab-league-missing"].startswith("وصل وفد من جامعة الدول العربية")
    # An entry carrying its whole text is not fetched again.
    assert text["unsmil-full-content"].startswith("دعت بعثة الأمم المتحدة للدعم في ليبيا")
    assert site.hits("/news/unsmil-full-content") == 0
    assert site.hits("/news/arab-league-missing") == 1


# --- fetching again -----------------------------------------------------------------------


async def test_the_same_feed_fetched_twice_stores_nothing_new(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", on_site(site, (INGEST / "teasers.xml").read_bytes()), content_type=RSS)
    site.route("/news/menfi-malta-fm-migration", (PAGES / "article.html").read_bytes())
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    assert added.run.new == 5
    pages_before = len(site.requests)
    [again] = await rig.ingest.ingest_now(None)
    assert (again.entries, again.new, again.relevant, again.not_modified) == (5, 0, 0, False)
    # Entries already stored are not fetched again: only the feed was.
    assert [r.path for r in site.requests[pages_before:]] == ["/feed"]
    [row] = await rig.rows("SELECT COUNT(*) AS n FROM articles")
    assert row["n"] == 5
    assert (await rig.source(added.source.id)).items_total == 5


async def test_a_304_costs_nothing(rig: Rig, site: NewsSite) -> None:
    stamp = "Sat, 28 Nov 2026 10:00:00 GMT"
    body = (FEEDS / "rss2.xml").read_bytes()
    site.route("/feed", body, content_type=RSS, etag='"v1"', last_modified=stamp)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    stored = await rig.source(added.source.id)
    assert (stored.etag, stored.last_modified) == ('"v1"', stamp)
    rig.clock.advance(INTERVAL)
    [run] = await rig.ingest.ingest_due()
    assert run.not_modified and run.new == 0 and run.entries == 0 and run.error is None
    last = site.requests[-1]
    assert last.headers.get("if-none-match") == '"v1"'
    assert last.headers.get("if-modified-since") == stamp
    assert site.hits("/feed") == 2
    # Not modified is still a good fetch: recorded, and the next one an interval on.
    after = await rig.source(added.source.id)
    assert (after.last_ok_at, after.next_fetch_at) == (rig.clock.now, rig.clock.now + INTERVAL)
    assert after.items_total == 3
    # A changed feed (new validator) is read again.
    site.route("/feed", body, content_type=RSS, etag='"v2"', last_modified=stamp)
    [changed] = await rig.ingest.ingest_now(None)
    assert not changed.not_modified and changed.entries == 3 and changed.new == 0
    assert (await rig.source(added.source.id)).etag == '"v2"'


async def test_an_entry_without_a_date_takes_the_fetch_time(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "no_dates.xml").read_bytes(), content_type=RSS)
    rig.clock.now = FIXED_NOW + timedelta(hours=3)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    assert added.run.new == 2
    rows = await rig.rows(
        "SELECT a.published_at, a.fetched_at, s.sort_at FROM stories s "
        "JOIN articles a ON a.id = s.article_id"
    )
    fetched = to_db(rig.clock.now)
    assert rows == [{"published_at": None, "fetched_at": fetched, "sort_at": fetched}] * 2
    # So they come first in /latest, above dated stories added after them.
    site.route("/older", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    await rig.ingest.add_source(site.url("/older"), None, by=None)
    page = await rig.services.latest(limit=5)
    assert page.stories[0].headline in await rig.headlines(added.source.id)


# --- failures -------------------------------------------------------------------------------


async def test_a_failing_source_backs_off_then_pauses_and_is_reported_once(
    build: Build, site: NewsSite
) -> None:
    rig = build(max_failures=3)
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    site.route("/feed", "down", status=503)
    waits = []
    for n in range(1, 4):
        rig.clock.now = (await rig.source(added.source.id)).next_fetch_at or rig.clock.now
        runs = await rig.ingest.ingest_due()
        assert [r.source.id for r in runs] == [added.source.id]
        assert runs[0].error and "503" in runs[0].error
        stored = await rig.source(added.source.id)
        assert stored.failures == n
        assert stored.last_error == runs[0].error
        assert stored.failing_since == FIXED_NOW + INTERVAL
        assert stored.next_fetch_at is not None
        waits.append(stored.next_fetch_at - rig.clock.now)
        assert stored.state == ("paused" if n == 3 else "failing")
        if n < 3:
            assert await rig.ingest.sources_to_report() == []
    assert waits[1] == 2 * waits[0] and waits[2] == 2 * waits[1]
    assert waits[0] >= INTERVAL
    # Paused: told once, never fetched on schedule.
    [told] = await rig.ingest.sources_to_report()
    assert (told.id, told.failures, told.last_error) == (added.source.id, 3, stored.last_error)
    assert await rig.ingest.sources_to_report() == []
    hits = site.hits("/feed")
    rig.clock.advance(timedelta(days=3))
    assert await rig.ingest.ingest_due() == []
    assert site.hits("/feed") == hits
    # Resumed: failures forgiven, due at once, and fetched again.
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    resumed = await rig.ingest.set_state(str(added.source.id), "ok")
    assert (resumed.state, resumed.failures, resumed.failing_since) == ("ok", 0, None)
    assert resumed.next_fetch_at == rig.clock.now
    [run] = await rig.ingest.ingest_due()
    assert run.error is None and run.entries == 3
    assert (await rig.source(added.source.id)).last_error is None


async def test_the_backoff_stops_growing_at_a_day(build: Build, site: NewsSite) -> None:
    rig = build(max_failures=50)
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    site.route("/feed", "gone", status=404)
    for _ in range(12):
        await rig.ingest.ingest_source(await rig.source(added.source.id))
    stored = await rig.source(added.source.id)
    assert stored.failures == 12 and stored.state == "failing"
    assert stored.next_fetch_at == rig.clock.now + MAX_BACKOFF


async def test_a_source_an_admin_paused_is_not_reported_as_failed(
    build: Build, site: NewsSite
) -> None:
    rig = build(max_failures=3)
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    site.route("/feed", "down", status=500)
    await rig.ingest.ingest_source(await rig.source(added.source.id))
    paused = await rig.ingest.set_state(site.url("/feed"), "paused")
    assert (paused.state, paused.failures) == ("paused", 1)
    assert await rig.ingest.sources_to_report() == []


async def test_one_failing_source_never_stops_the_others(rig: Rig, site: NewsSite) -> None:
    site.route("/a", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    site.route("/b", (FEEDS / "atom.xml").read_bytes(), content_type=RSS)
    await rig.ingest.add_source(site.url("/a"), None, by=None)
    await rig.ingest.add_source(site.url("/b"), None, by=None)
    site.route("/a", "down", status=500)
    runs = await rig.ingest.ingest_now(None)
    assert [(r.source.id, bool(r.error)) for r in runs] == [(1, True), (2, False)]


# --- removing and re-adding -----------------------------------------------------------------


async def test_a_removed_source_keeps_its_stories_and_comes_back_when_added_again(
    rig: Rig, site: NewsSite
) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    removed = await rig.ingest.set_state(site.url("/feed"), "removed")
    assert removed.state == "removed"
    assert await rig.ingest.list_sources() == []
    assert await rig.ingest.find(site.url("/feed")) is None
    assert await rig.ingest.find(str(added.source.id)) is None
    assert await rig.ingest.ingest_now(None) == []
    assert await rig.ingest.ingest_due() == []
    with pytest.raises(SourceError) as caught:
        await rig.ingest.set_state(str(added.source.id), "ok")
    assert caught.value.reason == "unknown"
    shown = {s.headline for s in (await rig.services.latest(limit=20)).stories}
    assert {MENFI_ITALY, FM_DIALOGUE, UNSMIL_5_5} <= shown
    # Added again: the same source, listed and fetched, its stories not stored twice.
    again = await rig.ingest.add_source(site.url("/feed"), "Again", by=7)
    assert again.source.id == added.source.id
    assert (again.source.state, again.source.name) == ("ok", "Again")
    assert (again.run.entries, again.run.new) == (3, 0)
    assert [s.id for s in await rig.ingest.list_sources()] == [added.source.id]
    [row] = await rig.rows("SELECT COUNT(*) AS n FROM articles")
    assert row["n"] == 3


async def test_fetching_a_paused_source_by_hand_leaves_it_paused(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    await rig.ingest.set_state(str(added.source.id), "paused")
    [run] = await rig.ingest.ingest_now(str(added.source.id))  # /fetchnow N, to look at it
    assert run.error is None and run.entries == 3
    assert site.hits("/feed") == 2
    assert (await rig.source(added.source.id)).state == "paused"  # until /resumesource
    rig.clock.advance(timedelta(days=1))
    assert await rig.ingest.ingest_due() == []
    assert await rig.ingest.ingest_now(None) == []


# --- scheduling -------------------------------------------------------------------------------


async def test_ingest_due_fetches_only_due_sources_that_are_not_paused(
    rig: Rig, site: NewsSite
) -> None:
    for path in ("/due", "/later", "/paused"):
        site.route(path, (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    due = (await rig.ingest.add_source(site.url("/due"), None, by=None)).source
    later = (await rig.ingest.add_source(site.url("/later"), None, by=None)).source
    paused = (await rig.ingest.add_source(site.url("/paused"), None, by=None)).source
    await rig.ingest.set_state(str(paused.id), "paused")
    now = rig.clock.now + INTERVAL
    rig.clock.now = now
    await rig.store.run(sources.schedule, later.id, now + timedelta(seconds=1))
    await rig.store.run(sources.schedule, paused.id, now - timedelta(hours=1))
    runs = await rig.ingest.ingest_due()
    assert [r.source.id for r in runs] == [due.id]
    assert (site.hits("/due"), site.hits("/later"), site.hits("/paused")) == (2, 1, 1)
    # Nothing is due again until its interval has passed.
    assert await rig.ingest.ingest_due() == []
    rig.clock.advance(timedelta(seconds=1))
    assert [r.source.id for r in await rig.ingest.ingest_due()] == [later.id]
    # /fetchnow without a source skips the paused one too.
    assert [r.source.id for r in await rig.ingest.ingest_now(None)] == [due.id, later.id]


async def test_default_sources_are_listed_once_without_fetching_anything(build: Build) -> None:
    dns, transport = NoDns(), NoNetwork()
    rig = build(fetcher=Fetcher(resolver=dns, transport=transport), dns=dns)
    path = SEEDS / "sources.json"
    entries = json.loads(path.read_text("utf-8"))["sources"]
    assert await rig.ingest.load_default_sources(path) == len(entries)
    listed = await rig.ingest.list_sources()
    assert [s.url for s in listed] == [e["url"] for e in entries]
    assert [s.name for s in listed] == [e["name"] for e in entries]
    assert {s.kind for s in listed} <= {"feed", "listing", "article"}
    assert all(s.state == "ok" and s.last_fetch_at is None for s in listed)
    # The first fetches are spread over one interval, not all at once.
    offsets = [s.next_fetch_at - rig.clock.now for s in listed if s.next_fetch_at]
    assert len(offsets) == len(entries)
    assert offsets == sorted(offsets) and len(set(offsets)) == len(entries)
    assert offsets[0] == timedelta(0) and offsets[-1] < INTERVAL
    # Loading again adds nothing; one an admin removed stays removed.
    removed = await rig.ingest.set_state(entries[0]["url"], "removed")
    rig.clock.advance(timedelta(days=1))
    assert await rig.ingest.load_default_sources(path) == 0
    assert (await rig.source(removed.id)).state == "removed"
    assert len(await rig.ingest.list_sources()) == len(entries) - 1
    assert transport.called == [] and dns.asked == []


async def test_default_sources_skip_an_address_an_admin_added_first(
    rig: Rig, site: NewsSite, tmp_path: Path
) -> None:
    site.route("/feed", (FEEDS / "rss2.xml").read_bytes(), content_type=RSS)
    mine = (await rig.ingest.add_source(site.url("/feed"), "Mine", by=1)).source
    defaults = tmp_path / "sources.json"
    defaults.write_text(
        json.dumps({"sources": [{"url": site.url("/feed"), "name": "Theirs"}]}), "utf-8"
    )
    assert await rig.ingest.load_default_sources(defaults) == 0
    assert [(s.id, s.name) for s in await rig.ingest.list_sources()] == [(mine.id, "Mine")]


# --- an article is stored whole or not at all -----------------------------------------------


async def test_a_crash_mid_run_keeps_whole_articles_and_a_rerun_stores_the_rest(
    rig: Rig, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.route("/feed", numbered_feed(site, 0), content_type=RSS)
    source = (await rig.ingest.add_source(site.url("/feed"), None, by=None)).source
    site.route("/feed", numbered_feed(site, 5), content_type=RSS)
    real_store, real_stories = articles.store_article, articles._insert_stories
    crash: dict[str, int] = {}
    calls = {"articles": 0}

    def store_article(*args: Any, **kwargs: Any) -> int | None:
        calls["articles"] += 1
        if calls["articles"] == crash.get("before"):
            raise RuntimeError("the process died before this article")
        return real_store(*args, **kwargs)

    def insert_stories(*args: Any, **kwargs: Any) -> None:
        if calls["articles"] == crash.get("within"):
            # Half-way through an article: its row is written, its stories are not.
            raise RuntimeError("the process died within this article")
        real_stories(*args, **kwargs)

    monkeypatch.setattr(articles, "store_article", store_article)
    monkeypatch.setattr(articles, "_insert_stories", insert_stories)

    async def run_crashing(**at: int) -> list[tuple[str, int]]:
        calls["articles"] = 0
        crash.clear()
        crash.update(at)
        run = await rig.ingest.ingest_source(await rig.source(source.id))
        if at:
            assert run.error is not None and run.new == 0
        else:
            assert run.error is None and run.entries == 5
        stored = await rig.rows(
            "SELECT a.url, COUNT(s.id) AS stories FROM articles a "
            "LEFT JOIN stories s ON s.article_id = a.id GROUP BY a.id ORDER BY a.id"
        )
        return [(row["url"].rsplit("/", 1)[1], row["stories"]) for row in stored]

    # The third article is never begun: the first two are stored whole.
    assert await run_crashing(before=3) == [("1", 1), ("2", 1)]
    # The rerun skips those; it dies within its second article, which leaves no trace.
    assert await run_crashing(within=2) == [("1", 1), ("2", 1), ("3", 1)]
    # The last rerun stores the rest, nothing twice.
    stored = await run_crashing()
    assert stored == [(str(n), 1) for n in range(1, 6)]
    assert not any(r.path.startswith("/news/") for r in site.requests)  # carried whole
    # Everything stored was analysed, the crashed runs' articles included.
    [pending] = await rig.rows(
        "SELECT COUNT(*) AS n FROM stories s JOIN articles a ON a.id = s.article_id "
        "WHERE a.source_id = ? AND s.analysis_version = 0",
        source.id,
    )
    assert pending["n"] == 0
    # Only a run that ends well is counted in the source's figures (the crashed runs' three
    # articles are stored, yet not counted there).
    assert (await rig.source(source.id)).items_total == 2


async def test_every_run_is_logged_for_the_source(rig: Rig, site: NewsSite) -> None:
    site.route("/feed", (FEEDS / "atom.xml").read_bytes(), content_type=RSS)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    site.route("/feed", "down", status=502)
    rig.clock.advance(INTERVAL)
    [failed] = await rig.ingest.ingest_now(None)
    logged = await rig.rows(
        "SELECT source_id, at, outcome, entries, new, error FROM source_runs ORDER BY id"
    )
    assert logged == [
        {"source_id": added.source.id, "at": to_db(FIXED_NOW), "outcome": "ok", "entries": 2,
         "new": 2, "error": None},
        {"source_id": added.source.id, "at": to_db(rig.clock.now), "outcome": "error",
         "entries": 0, "new": 0, "error": failed.error},
    ]  # fmt: skip
    assert failed.error and "502" in failed.error


async def test_two_ingests_of_one_file_racing_to_make_its_source_both_store_into_it(
    core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two `ingest --file` processes: each looks the file's source up, finds none, and adds
    # it; the second add meets the first one's row. Here the service's lookup misses, as
    # the second process's does when the first adds the source between its two steps.
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss("أخبار", []))
    first = await core.ingest.ingest_file(feed, None)
    real, calls = sources.find_source, []

    def miss_once(db: object, url: str) -> object:
        calls.append(url)
        return None if len(calls) == 1 else real(db, url)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "find_source", miss_once)
    second = await core.ingest.ingest_file(feed, None)
    assert second.source.id == first.source.id
