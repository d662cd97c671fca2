"""Page handling on fixture bytes: feed discovery, article extraction, listing links."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ingest.pages import (
    PageArticle,
    article_links,
    decode_html,
    extract_article,
    feed_links,
    page_kind,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"
SITE = "https://libya-today.example.ly"
ARTICLE_URL = f"{SITE}/diplomacy/2025/03/14/menfi-malta-fm-migration"
LISTING_URL = f"{SITE}/diplomacy/"
CP1256_URL = "https://lana.example.ly/news.php?id=48177"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- feed discovery -------------------------------------------------------------------------


def test_feed_links_are_absolute_deduplicated_and_in_order() -> None:
    assert feed_links(load("with_feed_link.html"), "https://marsad.example.ly/ar/index.html") == [
        "https://marsad.example.ly/ar/feed/rss.xml",  # relative to <base href>
        "https://marsad.example.ly/atom.xml",
        "https://marsad.example.ly/feed.json",
        "https://marsad.example.ly/feed/diplomacy.xml",  # rel and type in capitals
    ]


def test_feed_links_without_a_base_tag_resolve_against_the_page_url() -> None:
    html = (
        b'<html><head><link rel="alternate" type="application/json" href="../feed.json">'
        b'<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        b"</head></html>"
    )
    assert feed_links(html, "https://x.example.ly/a/b/page.html") == [
        "https://x.example.ly/a/feed.json"
    ]


@pytest.mark.parametrize("name", ["article.html", "listing.html", "boilerplate_only.html"])
def test_pages_without_feed_links(name: str) -> None:
    assert feed_links(load(name), SITE + "/") == []


# --- one article ----------------------------------------------------------------------------


def test_extract_article() -> None:
    article = extract_article(load("article.html"), ARTICLE_URL)
    assert article is not None
    assert article.url == ARTICLE_URL
    assert article.title == "المنفي يبحث مع وزير الخارجية المالطي التعاون في ملف الهجرة"
    # article:published_time 10:30 +02:00, not the bare date in the URL.
    assert article.published == datetime(2025, 3, 14, 8, 30, tzinfo=UTC)
    assert article.text.startswith(
        "استقبل رئيس المجلس الرئاسي محمد المنفي، صباح الجمعة في العاصمة طرابلس، وزير الخارجية"
        " المالطي"
    )
    assert article.text.endswith("وفي ظل تحركات دبلوماسية أوروبية متزايدة تجاه الملف الليبي.")
    assert len(article.text.splitlines()) == 5
    for boilerplate in (
        "اقرأ أيضا",
        "ليبيا ومالطا توقعان مذكرة تفاهم",  # a related link
        "شارك",
        "فيسبوك",
        "واتساب",
        "الأكثر قراءة",
        "جميع الحقوق محفوظة",
        "تسجيل الدخول",
        "سياسة الخصوصية",
        "المبعوثة الأممية تقدم إحاطتها",  # the ticker
        "dataLayer",
    ):
        assert boilerplate not in article.text


def test_extract_article_from_windows_1256() -> None:
    html = load("cp1256_article.html")
    with pytest.raises(UnicodeDecodeError):
        html.decode("utf-8")
    article = extract_article(html, CP1256_URL)
    assert article is not None
    assert article.title == "ليبيا وتونس تتفقان على تشكيل لجنة مشتركة لإدارة معبر رأس جدير"
    assert article.published == datetime(2025, 3, 4, tzinfo=UTC)  # a date with no time
    assert (
        "اتفقت ليبيا وتونس، الثلاثاء، على تشكيل لجنة فنية مشتركة لإدارة معبر رأس جدير الحدودي"
        in article.text
    )
    assert article.text.endswith("ويعبره يوميا آلاف المسافرين والشاحنات التجارية.")
    assert "Ç" not in article.text and "\ufffd" not in article.text  # no mojibake


def test_table_layout_article_keeps_its_text_and_drops_its_menu() -> None:
    paragraphs = "".join(
        f"<p>فقرة {i}: اجتمع وزير الخارجية الليبي مع نظيره المصري في القاهرة لبحث التعاون"
        " في مجالات الأمن والطاقة والهجرة.</p>"
        for i in range(4)
    )
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        "<title>لقاء ليبي مصري في القاهرة</title></head><body><table>"
        '<tr><td><a href="/">الرئيسية</a> <a href="/news.php?cat=2">أخبار محلية</a></td></tr>'
        f'<tr><td class="news"><h1>لقاء ليبي مصري في القاهرة</h1>{paragraphs}</td></tr>'
        "</table></body></html>"
    ).encode("cp1256")
    article = extract_article(html, "https://old.example.ly/news.php?id=5")
    assert article is not None
    assert article.title == "لقاء ليبي مصري في القاهرة"
    assert "فقرة 3: اجتمع وزير الخارجية الليبي مع نظيره المصري" in article.text
    assert "الرئيسية" not in article.text and "|" not in article.text


def test_boilerplate_only_page_is_no_article() -> None:
    assert extract_article(load("boilerplate_only.html"), f"{SITE}/login") is None


def test_a_listing_is_no_article() -> None:
    assert extract_article(load("listing.html"), LISTING_URL) is None


def links_page(item: str) -> bytes:
    rows = "".join(
        item.format(
            href=f"/news/{1000 + i}",
            text=f"خبر رقم {i} عن العلاقات الليبية التونسية والتعاون في أمن الحدود والطاقة",
        )
        for i in range(12)
    )
    return f"<html><head><title>آخر الأخبار</title></head><body>{rows}</body></html>".encode()


@pytest.mark.parametrize(
    "html",
    [
        links_page('<ul><li><a href="{href}">{text}</a></li></ul>'),
        # trafilatura keeps these as text; the link-share check must reject them.
        links_page('<article><p><a href="{href}">{text}</a></p></article>'),
    ],
    ids=["list-items", "paragraphs"],
)
def test_a_list_of_links_is_no_article(html: bytes) -> None:
    assert extract_article(html, SITE + "/latest") is None


@pytest.mark.parametrize("html", [b"", b"   ", b"<html></html>", b"\x00\xff\xfe"])
def test_empty_pages_are_no_article(html: bytes) -> None:
    assert extract_article(html, SITE + "/") is None


# --- listing links --------------------------------------------------------------------------

LISTING_LINKS = [
    f"{SITE}/diplomacy/2025/03/14/menfi-malta-fm-migration",
    f"{SITE}/diplomacy/2025/03/13/fm-dialogue-only-path",
    f"{SITE}/news/48213",
    f"{SITE}/article/turkish-delegation-energy-security-talks",
    f"{SITE}/diplomacy/2025/03/11/hor-constitution-referendum-law",
    f"{SITE}/news.php?id=48190",
    f"{SITE}/diplomacy/2025/03/09/algerian-fm-visit-tripoli",
    f"{SITE}/diplomacy/2025/03/08/"
    "%D8%A7%D9%84%D9%85%D8%B5%D8%A7%D9%84%D8%AD%D8%A9-%D8%A7%D9%84%D9%88%D8%B7%D9%86%D9%8A%D8%A9"
    "-%D9%81%D9%8A-%D8%B3%D8%B1%D8%AA",
    f"{SITE}/diplomacy/2025/03/07/eu-ambassador-sebha-visit",
    f"{SITE}/diplomacy/2025/03/06/libya-malta-energy-mou",
    f"{SITE}/news/48150",  # protocol-relative href
    f"{SITE}/diplomacy/2025/03/04/french-ambassador-misrata",  # fragment dropped
]


def test_article_links_on_a_listing() -> None:
    links = article_links(load("listing.html"), LISTING_URL)
    assert links == LISTING_LINKS
    joined = " ".join(links)
    for excluded in (
        "/category/",
        "/tag",
        "/author/",
        "/login",
        "/register",
        "/search",
        "/section/",
        "page",
        "share",
        "facebook",
        "other-news",
        ".pdf",
        ".jpg",
        "/feed/",
        "/about",
        "/privacy",
        "/contact",
        "mailto",
        "javascript",
        "tel:",
    ):
        assert excluded not in joined


def test_article_links_limit_keeps_the_first() -> None:
    assert article_links(load("listing.html"), LISTING_URL, limit=3) == LISTING_LINKS[:3]
    assert article_links(load("listing.html"), LISTING_URL, limit=0) == []


def test_article_links_follow_the_base_tag() -> None:
    assert article_links(load("with_feed_link.html"), "https://marsad.example.ly/") == [
        "https://marsad.example.ly/ar/2025/03/takala-meets-un-envoy",
        "https://marsad.example.ly/ar/2025/03/au-reconciliation-conference",
    ]


def test_article_links_on_an_article_page_are_its_related_stories() -> None:
    links = article_links(load("article.html"), ARTICLE_URL)
    assert ARTICLE_URL not in links
    assert f"{SITE}/diplomacy/2025/03/06/libya-malta-energy-mou" in links
    assert all(link.startswith(SITE + "/") for link in links)


# --- classification and decoding ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("with_feed_link.html", "https://marsad.example.ly/ar/", "feed-link"),
        ("article.html", ARTICLE_URL, "article"),
        ("cp1256_article.html", CP1256_URL, "article"),
        ("listing.html", LISTING_URL, "listing"),
        ("boilerplate_only.html", f"{SITE}/login", "listing"),
    ],
)
def test_page_kind(name: str, url: str, kind: str) -> None:
    assert page_kind(load(name), url) == kind


def test_decode_html() -> None:
    assert "معبر رأس جدير" in decode_html(load("cp1256_article.html"))
    # A stale windows-1256 meta tag on a page that is really UTF-8.
    page = '<meta charset="windows-1256"><p>طرابلس</p>'.encode()
    assert "طرابلس" in decode_html(page)
    # No declaration at all: the bytes read as Arabic in windows-1256.
    bare = "<p>المجلس الرئاسي يستقبل وفدا من الاتحاد الأوروبي</p>".encode("cp1256")
    assert "المجلس الرئاسي" in decode_html(bare)
    # A Western default label on windows-1256 bytes.
    labelled = b'<meta charset="iso-8859-1">' + bare
    assert "المجلس الرئاسي" in decode_html(labelled)
    assert decode_html("<p>café</p>".encode("cp1252")) == "<p>café</p>"
    assert decode_html("\ufeffنص".encode("utf-16-le")) == "نص"


PARAGRAPH = "وزير الخارجية الليبي يلتقي نظيره التونسي في طرابلس لبحث إعادة فتح معبر رأس جدير"


def _cut_page(head: str) -> bytes:
    """A UTF-8 page with the first letter of its second paragraph cut in half."""
    page = f"<html><head>{head}</head><body><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></body></html>"
    data = page.encode("utf-8")
    first = data.index(PARAGRAPH.encode("utf-8"))
    second = data.index(PARAGRAPH.encode("utf-8"), first + 1)
    return data[:second] + data[second + 1 :]  # the lead byte gone, its follower stray


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
        "",  # undeclared
        '<meta charset="iso-8859-1">',  # a template's Western default
    ],
)
def test_one_bad_byte_in_utf8_spoils_one_letter_not_the_page(head: str) -> None:
    text = decode_html(_cut_page(head))
    assert text.count(PARAGRAPH) == 1
    assert "\ufffd" + PARAGRAPH[1:] in text


def test_windows_1256_labelled_utf8_is_recognised_all_the_same() -> None:
    bare = f"<p>{PARAGRAPH}</p>".encode("cp1256")
    assert PARAGRAPH in decode_html(b'<meta charset="utf-8">' + bare)


@pytest.mark.parametrize("label", ["base64", "zlib", "rot13", "hex", "no-such-charset"])
def test_a_meta_charset_naming_no_text_codec_is_ignored(label: str) -> None:
    # Python has codecs by these names, but bytes.decode refuses them (LookupError).
    html = f'<meta charset="{label}"><p>café</p>'.encode("cp1252")
    assert decode_html(html).endswith("<p>café</p>")
    assert extract_article(html, SITE + "/x") is None
    assert article_links(html, SITE + "/") == []


# --- hostile shapes: time stays near-linear ------------------------------------------------

ARTICLE_BODY = "".join(
    f"<p>فقرة {i}: اجتمع وزير الخارجية الليبي مع نظيره التونسي في طرابلس لبحث التعاون.</p>"
    for i in range(6)
)


def timed(html: bytes) -> tuple[float, PageArticle | None]:
    """Seconds to run every page function on `html`, and the article found."""
    started = time.monotonic()
    feed_links(html, SITE + "/")
    article_links(html, SITE + "/")
    article = extract_article(html, ARTICLE_URL)
    return time.monotonic() - started, article


def hostile_page(junk: str) -> bytes:
    return (
        f"<html><head><title>لقاء في طرابلس</title></head><body>{junk}"
        f"<article><h1>لقاء في طرابلس</h1>{ARTICLE_BODY}</article></body></html>"
    ).encode()


def test_a_tag_with_many_attributes_is_parsed_in_linear_time() -> None:
    # The 300,000 attributes scaled down: lxml compares each attribute with all
    # before it, so 60,000 took about 10 s (and 300,000 over 600 s).
    attributes = " ".join(f'a{i}="{i}"' for i in range(60_000))
    seconds, article = timed(hostile_page(f"<div {attributes}>x</div>"))
    assert seconds < 3, seconds
    assert article is not None and "فقرة 5" in article.text


@pytest.mark.parametrize(
    "junk",
    [
        "<a " * 20_000,  # html.parser: about 60 s (50,000 took over 6 minutes)
        "</" * 100_000,
        "<?" * 100_000,
        '<div x="' * 20_000,
        "<!" * 100_000,
    ],
    ids=["open-tags", "end-tags", "instructions", "open-quotes", "declarations"],
)
def test_unfinished_markup_is_parsed_in_linear_time(junk: str) -> None:
    seconds, _ = timed(hostile_page(junk))
    assert seconds < 3, seconds


def test_many_links_and_lines_are_compared_in_linear_time() -> None:
    # Each paragraph's link text was searched for in every line: 16,000 paragraphs (2.6 MB)
    # took a minute, 4.3 MB seven. Scaled down, with the extractor's own time bounded.
    paragraphs = "".join(
        f'<p>خبر {i} عن ليبيا <a href="/news/{i}">رابط الخبر {i} في طرابلس</a> ونص آخر {i}.</p>'
        for i in range(10_000)
    )
    seconds, article = timed(hostile_page(paragraphs))
    assert seconds < 8, seconds  # 15 s before, 3 s now
    assert article is not None


# --- never raises ---------------------------------------------------------------------------

SEEDS = [load(p.name) for p in sorted(FIXTURES.iterdir())]
HTML_PIECES = st.sampled_from(
    [
        "<html>", "<body>", "<p>", "</p>", "<a href='/news/12345'>", "</a>", "<h2>", "</h2>",
        "<base href='//['>", "<a href='http://[::1'>", "<!DOCTYPE [", "<![CDATA[", "]]>",
        "<script>", "<meta charset='utf-7'>", "ليبيا ", "طرابلس ", "&amp;", "&#0;", "\x00",
        "<link rel=alternate type=application/rss+xml href=feed>", "<article>", "</article>",
    ]
)  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_pages_never_raise_on_arbitrary_bytes(html: bytes) -> None:
    article = extract_article(html, SITE + "/x")
    assert article is None or isinstance(article, PageArticle)
    links = article_links(html, SITE + "/")
    assert all(link.startswith(("http://", "https://")) for link in links)
    feed_links(html, SITE + "/")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HTML_PIECES, max_size=60), st.sampled_from(SEEDS), st.integers(min_value=0))
def test_pages_never_raise_on_broken_markup(pieces: list[str], seed: bytes, cut: int) -> None:
    at = cut % (len(seed) + 1)
    html = seed[:at] + "".join(pieces).encode("utf-8", "surrogatepass") + seed[at:]
    article = extract_article(html, SITE + "/x")
    if article is not None:
        assert len(article.text) >= 200
        assert article.published is None or article.published.tzinfo is UTC
    assert len(article_links(html, SITE + "/", limit=5)) <= 5
