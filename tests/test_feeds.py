"""Feed parsing on fixture bytes: formats, encodings, malformed feeds, hostile documents."""

from __future__ import annotations

import codecs
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ingest.feeds import FeedEntry, ParsedFeed, html_to_text, looks_like_feed, parse_feed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
RSS = {"Content-Type": "application/rss+xml"}
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir())


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str, headers: dict[str, str] | None = None, url: str | None = None) -> ParsedFeed:
    feed = parse_feed(
        load(name), url=url or f"https://feeds.example.ly/{name}", headers=headers or RSS
    )
    assert feed is not None
    return feed


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def assert_utc_or_none(entries: tuple[FeedEntry, ...]) -> None:
    for entry in entries:
        if entry.published is not None:
            assert entry.published.tzinfo is UTC


# --- formats --------------------------------------------------------------------------------


def test_rss2() -> None:
    feed = parse("rss2.xml")
    assert feed.kind == "rss"
    assert feed.title == "ليبيا اليوم - الشؤون الدبلوماسية"
    assert feed.link == "https://libya-today.example.ly/diplomacy/"
    assert feed.problems is None
    assert len(feed.entries) == 3
    first, second, third = feed.entries
    assert first.title == "المنفي يستقبل السفير الإيطالي ويبحث معه ملف الهجرة"
    assert first.link == (
        "https://libya-today.example.ly/diplomacy/2025/03/14/menfi-italian-ambassador-migration"
    )
    assert first.guid == "lt-2025-0314-001"
    assert first.published == at(2025, 3, 14, 8, 30)  # +0200 in the feed
    assert first.summary == (
        "استقبل رئيس المجلس الرئاسي محمد المنفي، صباح الجمعة، السفير الإيطالي لدى ليبيا في"
        " طرابلس. وتناول اللقاء التعاون في مكافحة الهجرة غير النظامية & أمن الحدود."
    )
    assert "trackView" not in first.summary and "color" not in first.summary
    assert first.content is not None
    assert first.content.startswith("استقبل رئيس المجلس الرئاسي محمد المنفي")
    assert "التحضير للاجتماع الوزاري المقبل في روما." in first.content
    assert "<p>" not in first.content
    assert second.title == 'وزير الخارجية: "الحوار هو الطريق الوحيد للاستقرار"'
    assert second.guid == "https://libya-today.example.ly/?p=48213"
    assert second.published == at(2025, 3, 13, 18, 5)
    assert second.content is None
    # An escaped-HTML description comes out as text, its markup gone.
    assert third.summary == (
        "دعت بعثة الأمم المتحدة للدعم في ليبيا إلى استئناف اجتماعات اللجنة العسكرية المشتركة"
        " في سرت."
    )
    assert third.guid is None
    assert third.published == at(2025, 3, 12, 7, 0)
    assert_utc_or_none(feed.entries)


def test_rss1_rdf() -> None:
    feed = parse("rss1_rdf.xml")
    assert feed.kind == "rdf"
    assert feed.title == "الوسط التجريبية - سياسة"
    assert feed.link == "https://alwasat.example.ly/politics"
    assert [e.title for e in feed.entries] == [
        "الدبيبة يبحث مع وفد تركي ملفات الطاقة والتعاون الأمني",
        "مجلس النواب يناقش مشروع قانون الاستفتاء على الدستور",
    ]
    assert [e.link for e in feed.entries] == [
        "https://alwasat.example.ly/news/politics/41022",
        "https://alwasat.example.ly/news/politics/41019",
    ]
    assert [e.published for e in feed.entries] == [
        at(2025, 3, 12, 7, 15),
        at(2025, 3, 11, 21, 40),
    ]
    assert feed.entries[1].summary.startswith("ناقش مجلس النواب في جلسته المنعقدة في بنغازي")


def test_atom() -> None:
    feed = parse("atom.xml", {"Content-Type": "application/atom+xml"})
    assert feed.kind == "atom"
    assert feed.title == "المرصد الليبي للشؤون الخارجية"
    assert feed.link == "https://marsad.example.ly/"
    first, second = feed.entries
    assert first.title == "تكالة يلتقي المبعوثة الأممية في طرابلس"  # type="html" title
    assert first.guid == "tag:marsad.example.ly,2025:entry-77"
    assert first.published == at(2025, 3, 14, 9, 20)  # <published>, not <updated>
    assert first.summary == (
        "التقى رئيس المجلس الأعلى للدولة المبعوثة الأممية لبحث القوانين الانتخابية."
    )
    assert first.content == (
        "التقى رئيس المجلس الأعلى للدولة، اليوم الجمعة، المبعوثة الأممية إلى ليبيا في مقر"
        " المجلس بطرابلس. وبحث الطرفان القوانين الانتخابية والخطوات اللازمة لتوحيد المؤسسات."
    )
    assert second.link == "https://marsad.example.ly/2025/03/au-reconciliation-conference"
    assert second.published == at(2025, 3, 13, 16, 45)  # only <updated>
    # XHTML content and no summary: the summary is the content's text.
    expected = (
        "أعلنت مفوضية الاتحاد الأفريقي تحديد موعد انعقاد مؤتمر المصالحة الوطنية الليبية"
        " في مدينة سرت."
    )
    assert second.content == expected
    assert second.summary == expected


def test_json_feed_1_1() -> None:
    feed = parse("feed.json", {"Content-Type": "application/feed+json"})
    assert feed.kind == "json"
    assert feed.title == "نشرة ليبيا الدبلوماسية"
    assert feed.link == "https://nashra.example.ly/"
    assert feed.problems is None
    first, second, third = feed.entries
    assert first.title == "اجتماع اللجنة الليبية المصرية المشتركة لأمن الحدود في القاهرة"
    assert first.guid == "nashra-5512"
    assert first.published == at(2025, 3, 10, 12, 0)
    assert first.content == (
        "عقدت اللجنة الليبية المصرية المشتركة اجتماعها الدوري في القاهرة."
        " وناقشت اللجنة تأمين الحدود ومكافحة التهريب."
    )
    assert first.summary.startswith("عقدت اللجنة الليبية المصرية المشتركة اجتماعها الدوري لبحث")
    # A relative item URL resolves against the feed's own URL.
    assert second.link == "https://feeds.example.ly/news/5510-algeria-fm-visit"
    assert second.published == at(2025, 3, 9, 8, 0)
    assert second.summary == second.content
    assert third.title == ""
    assert third.link == "https://partner.example.org/libya/un-briefing-security-council"
    assert third.published is None
    assert_utc_or_none(feed.entries)


def test_json_feed_1_0_with_numeric_ids() -> None:
    document = json.loads(load("feed.json"))
    document["version"] = "https://jsonfeed.org/version/1"
    document["items"][0]["id"] = 5512
    document["items"].append("not an item")
    feed = parse_feed(
        json.dumps(document).encode(), url="https://nashra.example.ly/feed.json", headers={}
    )
    assert feed is not None and feed.kind == "json"
    assert feed.entries[0].guid == "5512"
    assert len(feed.entries) == 3
    assert feed.problems == "skipped 1 items that are not objects"


@pytest.mark.parametrize(
    "body",
    [b'{"hello": "world"}', b"[1, 2, 3]", b'{"version": "1.0", "items": []}', b"{not json"],
)
def test_json_that_is_not_a_json_feed(body: bytes) -> None:
    assert parse_feed(body, url="https://x.example.ly/f.json", headers={}) is None


# --- encodings ------------------------------------------------------------------------------


def test_windows_1256_declared_in_the_prolog() -> None:
    feed = parse("cp1256_prolog.xml", {"Content-Type": "text/xml"})
    assert feed.title == "وكالة الأنباء الليبية التجريبية"
    assert [e.title for e in feed.entries] == [
        "ليبيا ومالطا توقعان مذكرة تفاهم في مجال الطاقة",
        "المجلس الرئاسي يرحب بنتائج اجتماع برلين",
    ]
    assert feed.entries[0].summary == (
        "وقعت ليبيا ومالطا، الخميس، مذكرة تفاهم للتعاون في مجال الطاقة والربط الكهربائي."
    )
    assert feed.entries[0].published == at(2025, 3, 6, 10, 0)


CP1256_HEADER_TITLE = "وزيرة الخارجية تبحث مع نظيرها التونسي إعادة فتح معبر رأس جدير"


def test_windows_1256_declared_only_in_the_http_header() -> None:
    assert b"encoding=" not in load("cp1256_header_only.xml")
    feed = parse(
        "cp1256_header_only.xml", {"content-type": "application/rss+xml; charset=windows-1256"}
    )
    assert feed.title == "وكالة الأنباء الليبية - الترويسة فقط"
    assert [e.title for e in feed.entries] == [CP1256_HEADER_TITLE]
    assert feed.problems is None


def test_undeclared_windows_1256_is_recognised_as_arabic() -> None:
    feed = parse("cp1256_header_only.xml", {})
    assert [e.title for e in feed.entries] == [CP1256_HEADER_TITLE]


@pytest.mark.parametrize("charset", ["ISO-8859-1", "us-ascii", "windows-1252"])
def test_arabic_bytes_under_a_western_default_charset(charset: str) -> None:
    feed = parse("cp1256_header_only.xml", {"Content-Type": f"text/xml; charset={charset}"})
    assert [e.title for e in feed.entries] == [CP1256_HEADER_TITLE]


def test_valid_utf8_wins_over_a_stale_header_charset() -> None:
    feed = parse("rss2.xml", {"Content-Type": "application/rss+xml; charset=windows-1256"})
    assert feed.entries[0].title == "المنفي يستقبل السفير الإيطالي ويبحث معه ملف الهجرة"


@pytest.mark.parametrize("name", ["utf16.xml", "utf16be.xml"])
def test_utf16_with_bom(name: str) -> None:
    assert load(name)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    feed = parse(name)
    assert feed.title.startswith("موجز ليبيا بترميز UTF-16")
    assert [e.title for e in feed.entries] == ["السفير الفرنسي يزور مصراتة ويلتقي عميد البلدية"]
    assert feed.entries[0].published == at(2025, 3, 3, 8, 0)


def test_utf16_without_an_encoding_declaration() -> None:
    text = load("rss2.xml").decode("utf-8")
    feed = parse_feed(text.encode("utf-16"), url="https://x.example.ly/f", headers={})
    assert feed is not None
    assert feed.entries[1].title == 'وزير الخارجية: "الحوار هو الطريق الوحيد للاستقرار"'


def test_utf8_with_bom() -> None:
    assert load("utf8_bom.xml").startswith(codecs.BOM_UTF8)
    feed = parse("utf8_bom.xml")
    assert feed.title == "موجز ليبيا مع علامة ترتيب البايتات"
    assert feed.entries[0].title == "مجلس الأمن يمدد ولاية بعثة الأمم المتحدة في ليبيا"
    assert feed.entries[0].published == at(2025, 1, 31, 20, 15)


def test_undeclared_utf8() -> None:
    assert b"encoding" not in load("rss2.xml")[:100]
    feed = parse("rss2.xml", {})
    assert feed.title == "ليبيا اليوم - الشؤون الدبلوماسية"


ARABIC_TITLES = [
    "وزير الخارجية الليبي يلتقي نظيره التونسي في طرابلس",
    "المجلس الرئاسي يستقبل المبعوث الأممي إلى ليبيا",
    "السفير الإيطالي يزور بنغازي ويلتقي عميد البلدية",
    "حكومة الوحدة الوطنية تبحث ملف الهجرة مع مالطا",
    "مجلس الأمن يمدد ولاية بعثة الأمم المتحدة في ليبيا",
]


def _cut_feed(prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    """Five Arabic items in UTF-8, the first letter of the third title cut in half."""
    items = "".join(
        f"<item><title>{t}</title><link>https://x.example.ly/{i}</link></item>"
        for i, t in enumerate(ARABIC_TITLES)
    )
    body = f'{prolog}<rss version="2.0"><channel><title>ليبيا</title>{items}</channel></rss>'
    data = body.encode("utf-8")
    third = ARABIC_TITLES[2].encode("utf-8")
    return data.replace(third, third[1:], 1)  # the lead byte gone, its follower stray


def _titles_with_one_bad_letter(feed: ParsedFeed | None) -> None:
    assert feed is not None
    titles = [e.title for e in feed.entries]
    assert titles[:2] + titles[3:] == ARABIC_TITLES[:2] + ARABIC_TITLES[3:]
    assert titles[2] == "\ufffd" + ARABIC_TITLES[2][1:]


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        {"Content-Type": "text/xml; charset=UTF-8"},
        {"Content-Type": "application/rss+xml"},  # the prolog's utf-8 only
        {"Content-Type": "application/rss+xml; charset=ISO-8859-1"},  # a server default
    ],
)
def test_one_bad_byte_in_declared_utf8_spoils_one_letter_not_the_feed(
    headers: dict[str, str],
) -> None:
    _titles_with_one_bad_letter(
        parse_feed(_cut_feed(), url="https://x.example.ly/f", headers=headers)
    )


def test_one_bad_byte_in_undeclared_utf8_spoils_one_letter_not_the_feed() -> None:
    body = _cut_feed(prolog="")
    _titles_with_one_bad_letter(parse_feed(body, url="https://x.example.ly/f", headers={}))


def test_windows_1256_declared_as_utf8_is_recognised_all_the_same() -> None:
    # A label that fails badly (nearly every Arabic byte invalid) is a wrong label.
    feed = parse("cp1256_header_only.xml", {"Content-Type": "application/rss+xml; charset=utf-8"})
    assert [e.title for e in feed.entries] == [CP1256_HEADER_TITLE]


def test_windows_1256_in_the_prolog_wins_over_a_utf8_header() -> None:
    feed = parse("cp1256_prolog.xml", {"Content-Type": "application/rss+xml; charset=utf-8"})
    assert feed.entries[0].title == "ليبيا ومالطا توقعان مذكرة تفاهم في مجال الطاقة"


TITLE = "المجلس الرئاسي يستقبل المبعوث الأممي"


@pytest.mark.parametrize(
    "raw_title",
    [
        "المجلس الرئاسي\x00 يستقبل المبعوث الأممي",
        "المجلس الرئاسي \x00\x01\x1b\x7fيستقبل المبعوث الأممي",
        "<![CDATA[المجلس الرئاسي\x00 يستقبل المبعوث الأممي]]>",
        "المجلس الرئاسي\x0b\x0cيستقبل\x1fالمبعوث الأممي",  # separators stand between words
    ],
    ids=["nul", "controls", "cdata", "separators"],
)
def test_control_characters_in_an_xml_feed_are_dropped_and_the_title_kept(raw_title: str) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{raw_title}</title><description>نص\x00 الخبر</description>"
        "<link>https://x.example.ly/1</link></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url="https://x.example.ly/f", headers=RSS)
    assert feed is not None
    assert [(e.title, e.summary) for e in feed.entries] == [(TITLE, "نص الخبر")]
    assert feed.problems is None  # without them the feed is well-formed XML


def test_control_characters_in_a_json_feed_are_dropped() -> None:
    item = {"id": "1", "title": "المجلس الرئاسي\u0000 يستقبل\u0007 المبعوث الأممي"}
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [item]}
    ).encode()
    feed = parse_feed(body, url="https://x.example.ly/f", headers={})
    assert feed is not None and feed.entries[0].title == TITLE


@pytest.mark.parametrize(
    "junk",
    ["<a " * 20_000, "</" * 100_000, "<?" * 100_000, "<div>" * 100_000],
    ids=["open-tags", "end-tags", "instructions", "nested"],
)
def test_hostile_markup_in_a_json_feed_is_read_in_linear_time(junk: str) -> None:
    # Python's html.parser rescans unfinished tags: "<a " 50,000 times took over 7 minutes.
    item = {"id": "1", "title": "خبر", "content_html": junk, "summary": junk}
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [item]}
    ).encode()
    started = time.monotonic()
    feed = parse_feed(body, url="https://x.example.ly/f", headers={})
    assert time.monotonic() - started < 3
    assert feed is not None and feed.entries[0].title == "خبر"


def test_hostile_markup_in_an_rss_description_is_read_in_linear_time() -> None:
    junk = "<a " * 20_000
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>خبر</title><description><![CDATA[{junk}]]></description>"
        "<link>https://x.example.ly/1</link></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    feed = parse_feed(body, url="https://x.example.ly/f", headers=RSS)
    assert time.monotonic() - started < 3
    assert feed is not None and feed.entries[0].title == "خبر"


# --- malformed feeds ------------------------------------------------------------------------


def test_truncated_feed_keeps_the_complete_entries() -> None:
    feed = parse("truncated.xml")
    assert [e.title for e in feed.entries] == [
        "وصول وفد من الجامعة العربية إلى طرابلس",
        "المجلس الأعلى للدولة يعقد جلسة طارئة",
    ]
    # A guid without isPermaLink="false" is a URL by the RSS spec, so feedparser resolves it.
    assert [e.guid for e in feed.entries] == [
        "https://feeds.example.ly/tn-9001",
        "https://feeds.example.ly/tn-9000",
    ]
    assert feed.entries[1].summary == "عقد المجلس الأعلى للدولة جلسة طارئة لمناقشة مخرجات لجنة 6+6."
    assert feed.problems is not None and "dropped 1 incomplete entry" in feed.problems


def test_unclosed_cdata_keeps_the_entries_before_it() -> None:
    feed = parse("unclosed_cdata.xml")
    assert feed.problems is not None and "CDATA" in feed.problems
    first = feed.entries[0]
    assert first.title == "ليبيا تشارك في القمة العربية الأفريقية"
    assert first.summary == "يشارك وفد ليبي رفيع المستوى في أعمال القمة العربية الأفريقية."
    assert first.published == at(2025, 3, 10, 9, 0)
    # The entry whose CDATA never closes keeps its title and link; what follows is lost.
    assert feed.entries[1].link == "https://alkhabar.example.ly/news/30210-eu-ambassador-sebha"


def test_html_entities_undefined_in_xml_are_decoded() -> None:
    feed = parse("bad_entities.xml")
    assert feed.problems is not None  # the strict parser refused it
    assert feed.title == "الشروق الليبية"
    first, second = feed.entries
    assert first.title == "«ليبيا والاتحاد الأوروبي» — شراكة جديدة…"
    assert first.summary == (
        'وقع الجانبان إعلان نوايا للتعاون في مجالات الطاقة والهجرة… وأكد السفير أن "الشراكة"'
        " تخدم الطرفين."
    )
    assert second.summary.endswith("حول الملاحة البحرية © الشروق.")
    assert "&" not in first.title + first.summary + second.summary


@pytest.mark.parametrize("body", [b"", b"   \n\t ", b"\x00\x00"])
def test_empty_documents_are_not_feeds(body: bytes) -> None:
    assert parse_feed(body, url="https://x.example.ly/f", headers=RSS) is None


def test_the_empty_fixture_is_not_a_feed() -> None:
    assert load("empty.xml") == b""
    assert parse_feed(load("empty.xml"), url="https://x.example.ly/f", headers=RSS) is None


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/html; charset=utf-8"])
def test_an_html_page_is_not_a_feed(content_type: str) -> None:
    body = load("html_as_feed.html")
    assert (
        parse_feed(body, url="https://x.example.ly/", headers={"Content-Type": content_type})
        is None
    )


def test_no_dates() -> None:
    feed = parse("no_dates.xml")
    assert [e.published for e in feed.entries] == [None, None]
    assert feed.entries[1].title == "الخارجية تستدعي القائم بالأعمال لدى طرابلس"


def test_relative_links_resolve_against_xml_base_and_the_feed_url() -> None:
    feed = parse("relative_links.xml", url="https://feeds.manara.example.ly/ar/atom.xml")
    assert feed.link == "https://feeds.manara.example.ly/"
    assert [e.link for e in feed.entries] == [
        "https://www.manara.example.ly/ar/politics/2025/03/uk-minister-visit.html",  # xml:base
        "https://feeds.manara.example.ly/ar/economy/2025/03/cbl-foreign-debts.html",
        "https://feeds.manara.example.ly/archive/ipu-delegation?id=99",
        None,  # javascript: is no link
    ]
    assert feed.entries[0].summary == "التفاصيل هنا"


# --- entity expansion -----------------------------------------------------------------------


def nested_bomb(separator: str) -> str:
    lines = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        previous = f"lol{i - 1}" if i > 1 else "lol"
        lines.append(f'<!ENTITY lol{i} "' + f"&{previous};" * 10 + '">')
    return (
        f'<?xml version="1.0"?>{separator}<!DOCTYPE rss [{separator}'
        + separator.join(lines)
        + f"{separator}]>{separator}"
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>خبر &lol9;</title><description>&lol9;&lol9;</description></item>"
        "</channel></rss>"
    )


def quadratic_bomb() -> str:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "'
        + "A" * 50_000
        + '">\n]>\n<rss version="2.0"><channel><title>t</title><item><title>'
        + "&a;" * 50_000
        + "</title></item></channel></rss>"
    )


def assert_defused(body: bytes) -> None:
    started = time.perf_counter()
    feed = parse_feed(body, url="https://bomb.example.ly/feed", headers=RSS)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    if feed is None:
        return
    texts = [feed.title] + [t for e in feed.entries for t in (e.title, e.summary, e.content or "")]
    # Nothing expanded: no text is longer than the document, and no entity ran.
    assert all(len(text) <= len(body) for text in texts)
    assert not any("lollol" in text or "AAAAAAAAAA" in text for text in texts)
    assert feed.problems is not None and "DOCTYPE" in feed.problems


def test_billion_laughs_fixture_is_defused_quickly() -> None:
    body = load("billion_laughs.xml")
    assert_defused(body)
    feed = parse_feed(body, url="https://bomb.example.ly/feed", headers=RSS)
    assert feed is not None
    assert [e.link for e in feed.entries] == ["https://bomb.example.ly/news/1001-dialogue"]
    assert len(feed.entries[0].title) < 40


@pytest.mark.parametrize(
    "body",
    [
        nested_bomb("").encode(),  # one line: feedparser's own line-anchored filter misses it
        nested_bomb("\n").encode("utf-16"),
        quadratic_bomb().encode(),  # feedparser alone: ~45 s and ~7 GB
        quadratic_bomb().encode("utf-16"),
        # A "<b" in a comment must not end the prolog before the DOCTYPE that follows it.
        quadratic_bomb().replace("\n<!DOCTYPE", "<!-- <b> -->\n<!DOCTYPE", 1).encode(),
    ],
    ids=["one-line", "utf-16", "quadratic", "quadratic-utf-16", "after-a-comment"],
)
def test_entity_expansion_variants_are_defused_quickly(body: bytes) -> None:
    assert_defused(body)


def test_a_doctype_that_never_closes_is_refused() -> None:
    body = b'<!DOCTYPE rss [<!ENTITY a "x"><rss version="2.0"><channel><title>&a;</title>'
    assert parse_feed(body, url="https://x.example.ly/f", headers=RSS) is None


def test_a_doctype_without_entities_is_left_alone() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>t</title><item><title>ok</title><link>https://x.example.ly/a</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, url="https://x.example.ly/f", headers=RSS)
    assert feed is not None and feed.problems is None
    assert [e.title for e in feed.entries] == ["ok"]


# --- sniffing and text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, name not in ("empty.xml", "html_as_feed.html")) for name in FIXTURE_NAMES],
)
def test_looks_like_feed_on_every_fixture(name: str, expected: bool) -> None:
    assert looks_like_feed(load(name), None) is expected


def test_looks_like_feed_falls_back_on_the_media_type() -> None:
    # The root element lies past the sniffed prefix, so only the media type can tell.
    body = b'<?xml version="1.0"?><!--' + b" " * 5000 + b"--><rss version='2.0'></rss>"
    assert looks_like_feed(body, "application/rss+xml; charset=utf-8")
    assert not looks_like_feed(body, "text/html")
    assert looks_like_feed(b'{"items": []}', "application/feed+json")
    assert not looks_like_feed(b'{"items": []}', "application/json")
    assert not looks_like_feed(b"<urlset><url/></urlset>", "application/xml")


def test_html_to_text() -> None:
    fragment = (
        "<div><p>وزير&nbsp;الخارجية</p><p>يلتقي&#32;السفير</p><script>var x = '<p>';</script>"
        "<style>.a{}</style><br/>في &lt;طرابلس&gt; &amp;quot;اليوم&amp;quot;</div>"
    )
    assert html_to_text(fragment) == 'وزير الخارجية يلتقي السفير في <طرابلس> "اليوم"'
    assert html_to_text("  نص\n\n عادي  ") == "نص عادي"
    assert html_to_text("<![if !supportLists]>نص<![endif]> <!DOCTYPE [x]>") == "نص"


def test_header_names_are_case_insensitive() -> None:
    body = load("cp1256_header_only.xml")
    upper = parse_feed(
        body,
        url="https://x.example.ly/f",
        headers={"CONTENT-TYPE": "text/xml; charset=windows-1256"},
    )
    assert upper is not None and upper.entries[0].title == CP1256_HEADER_TITLE


# --- never raises ---------------------------------------------------------------------------

SEEDS = [load(name) for name in FIXTURE_NAMES if name != "empty.xml"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_parse_feed_never_raises_on_arbitrary_bytes(body: bytes) -> None:
    feed = parse_feed(body, url="https://x.example.ly/feed", headers=RSS)
    assert feed is None or isinstance(feed, ParsedFeed)
    looks_like_feed(body, "application/rss+xml")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.integers(min_value=0), st.binary(max_size=40))
def test_parse_feed_never_raises_on_damaged_fixtures(seed: bytes, cut: int, junk: bytes) -> None:
    at_ = cut % (len(seed) + 1)
    feed = parse_feed(
        seed[:at_] + junk + seed[at_ + len(junk) :], url="https://x.example.ly/f", headers=RSS
    )
    if feed is not None:
        assert_utc_or_none(feed.entries)
        for entry in feed.entries:
            assert entry.link is None or entry.link.startswith(("http://", "https://"))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_html_to_text_never_raises(fragment: str) -> None:
    text = html_to_text(fragment)
    assert text == text.strip()
    assert "  " not in text
