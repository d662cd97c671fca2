"""The digest as Telegram HTML: languages, translation notices, escaping and safe splitting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest_run import Variant
from bot.models import Digest, DigestItem, DigestMessage, StoryView, Translation
from bot.tg.digest_render import render_digest, short_lead, zone_label
from bot.tg.fake_api import parse_telegram_html
from bot.tg.render import MAX_MESSAGE, utf16_len

END = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
START = END - timedelta(hours=24)
TRIPOLI = ZoneInfo("Africa/Tripoli")
TOPICS = {
    "elections": ("الانتخابات", "Elections"),
    "migration": ("الهجرة", "Migration"),
}


def story(
    story_id: int,
    headline: str = "المنقوش تلتقي نظيرها الإيطالي في روما",
    lead: str = "بحثت وزيرة الخارجية نجلاء المنقوش مع نظيرها الإيطالي ملف الهجرة. وأكد الجانبان "
    "أهمية التعاون. وجرى الاتفاق على لقاء جديد.",
    *,
    outlet: str = "Al-Wasat",
    outlet_ar: str = "الوسط",
    url: str | None = "https://alwasat.ly/news/1",
    sources: int = 1,
) -> StoryView:
    return StoryView(
        id=story_id, headline=headline, lead=lead, outlet=outlet, outlet_ar=outlet_ar,
        url=url, published_at=END - timedelta(hours=3), sources=sources,
    )  # fmt: skip


def variant(
    lang: str = "ar", follows: frozenset[str] = frozenset(), zone: str = "Africa/Tripoli"
) -> Variant:
    return Variant(
        lang=lang, zone=zone, topics=(), max_items=10, empty_notice=True, follows=follows,
        period_start=START, period_end=END,
    )  # fmt: skip


def sample() -> Digest:
    return Digest(
        period_start=START,
        period_end=END,
        sections=(
            (
                "elections",
                (
                    DigestItem(story(1, sources=3), "elections", followed=True),
                    DigestItem(story(2, url=None), "elections", followed=False),
                ),
            ),
            (None, (DigestItem(story(3), None, followed=False),)),
        ),
        people=(("نجلاء المنقوش", "Najla Mangoush"), ("عبد الحميد الدبيبة", "Abdul Hamid Dbeibah")),
    )


TRANSLATED = {
    1: Translation(1, "en", "Mangoush meets her Italian counterpart in Rome", "They discussed."),
    3: Translation(3, "en", "Third story in English", "Its lead in English."),
}


def render(
    digest: Digest,
    lang: str,
    translations: dict[int, Translation] | None = None,
    complete: bool = True,
    zone: ZoneInfo = TRIPOLI,
) -> list[str]:
    return [m.text for m in messages(digest, lang, translations, complete, zone)]


def messages(
    digest: Digest,
    lang: str,
    translations: dict[int, Translation] | None = None,
    complete: bool = True,
    zone: ZoneInfo = TRIPOLI,
    *,
    offer: bool = False,
) -> list[DigestMessage]:
    made = render_digest(
        digest,
        variant(lang, zone=zone.key),
        translations or {},
        complete,
        topic_names=TOPICS,
        offer_translation=offer,
    )
    for message in made:
        assert utf16_len(parse_telegram_html(message.text)) <= MAX_MESSAGE
        assert utf16_len(message.text) <= MAX_MESSAGE
        if not offer:
            assert message.stories == ()
    return made


def test_arabic_digest_has_header_sections_items_and_people() -> None:
    [text] = render(sample(), "ar")
    assert text.startswith(
        "<b>موجز ليبيا — 29 نوفمبر 2026</b>\n<i>منذ 28 نوفمبر 08:00 (Africa/Tripoli)</i>"
    )
    assert "<u><b>الانتخابات</b></u>\n<b>1. ★ المنقوش تلتقي نظيرها الإيطالي في روما</b>" in text
    assert "<u><b>أخرى</b></u>\n<b>3. " in text
    # A one-or-two-sentence lead: the third sentence is left out.
    assert "وأكد الجانبان أهمية التعاون." in text
    assert "لقاء جديد" not in text
    # Every item is dated (3 hours before the end: 29 Nov in Tripoli) and links its original.
    assert (
        '<i>الوسط · 29 نوفمبر 2026 · 3 مصادر · <a href="https://alwasat.ly/news/1">اقرأ</a></i>'
        in text
    )
    assert "<i>الوسط، بلا رابط · 29 نوفمبر 2026</i>" in text  # story 2: one outlet, no link
    assert "<i>في الأخبار: نجلاء المنقوش، عبد الحميد الدبيبة</i>" in text
    assert "★ تشير إلى أخبار عمّا تتابعه." in text
    assert "Mangoush" not in text  # the Arabic digest shows no translation
    assert "الترجمة" not in text


def test_arabic_digest_ignores_translation_and_the_incomplete_flag() -> None:
    [text] = render(sample(), "ar", TRANSLATED, complete=False)
    assert "Mangoush meets" not in text
    assert "الترجمة غير متاحة" not in text


def test_english_digest_uses_translations_where_available() -> None:
    [text] = render(sample(), "en", TRANSLATED)
    assert text.startswith(
        "<b>Libya Brief — 29 Nov 2026</b>\n<i>Since 28 Nov 08:00 (Africa/Tripoli)</i>"
    )
    assert (
        "<u><b>Elections</b></u>\n<b>1. ★ Mangoush meets her Italian counterpart in Rome</b>"
        in text
    )
    assert "They discussed." in text
    assert "<u><b>Other</b></u>\n<b>3. Third story in English</b>\nIts lead in English." in text
    # Story 2 has no translation: it stays in Arabic, with the English outlet name.
    assert "<b>2. المنقوش تلتقي نظيرها الإيطالي في روما</b>" in text
    assert (
        '<i>Al-Wasat · 29 Nov 2026 · 3 sources · <a href="https://alwasat.ly/news/1">Read</a></i>'
        in text
    )
    assert "<i>In the news: Najla Mangoush, Abdul Hamid Dbeibah</i>" in text
    assert "★ marks stories about what you follow." in text
    assert "Translation is unavailable" not in text


def test_both_shows_the_arabic_headline_then_the_english_in_italics() -> None:
    [text] = render(sample(), "both", TRANSLATED)
    assert text.startswith("<b>موجز ليبيا — 29 نوفمبر 2026</b>")
    assert (
        "<b>1. ★ المنقوش تلتقي نظيرها الإيطالي في روما</b>\n"
        "<i>Mangoush meets her Italian counterpart in Rome</i>\nThey discussed." in text
    )
    assert "<u><b>الانتخابات</b></u>" in text
    assert "نجلاء المنقوش (Najla Mangoush)" in text


def test_translation_unavailable_is_said_once_and_stories_stay_arabic() -> None:
    [text] = render(sample(), "en", {}, complete=False)
    lines = text.split("\n")
    assert lines[2] == (
        "<i>Translation is unavailable right now, so the stories are in Arabic as published.</i>"
    )
    assert text.count("Translation is unavailable") == 1
    assert "<b>1. ★ المنقوش تلتقي نظيرها الإيطالي في روما</b>" in text
    [both] = render(sample(), "both", {}, complete=False)
    assert "<i>الترجمة غير متاحة حالياً، لذا تُعرض الأخبار بالعربية كما نُشرت.</i>" in both
    [partly] = render(sample(), "en", {1: TRANSLATED[1]}, complete=False)
    assert "Some stories could not be translated and are in Arabic as published." in partly


def test_an_empty_digest_is_one_line_in_the_subscribers_language() -> None:
    empty = Digest(period_start=START, period_end=END, sections=(), people=())
    assert render(empty, "en") == ["Nothing new since 28 Nov 08:00 (Africa/Tripoli)."]
    assert render(empty, "ar") == ["لا جديد منذ 28 نوفمبر 08:00 (Africa/Tripoli)."]
    assert render(empty, "both") == ["لا جديد منذ 28 نوفمبر 08:00 (Africa/Tripoli)."]
    paris = render(empty, "en", zone=ZoneInfo("Europe/Paris"))
    assert paris == ["Nothing new since 28 Nov 07:00 (Europe/Paris)."]
    fixed = render(empty, "en", zone=ZoneInfo("Etc/GMT-3"))
    assert fixed == ["Nothing new since 28 Nov 09:00 (UTC+3)."]


def test_hostile_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script> & <b>bold</b> &amp; <a href="x">'
    item = DigestItem(
        story(
            1, headline=evil, lead=evil, outlet=evil, outlet_ar=evil,
            url='https://x.test/?a=1&b="2"<i>', sources=2,
        ),
        "<topic>",
        followed=False,
    )  # fmt: skip
    scheme = DigestItem(story(2, url="javascript:alert(1)"), None, followed=False)
    digest = Digest(
        period_start=START, period_end=END,
        sections=(("<topic>", (item,)), (None, (scheme,))), people=((evil, evil),),
    )  # fmt: skip
    for lang in ("ar", "en", "both"):
        translations = {1: Translation(1, "en", evil, evil)}
        [text] = render(digest, lang, translations)
        visible = parse_telegram_html(text)
        assert evil in visible
        assert "<topic>" in visible  # a topic id without a name is shown as it is, escaped
        assert "<script>" not in text
        assert 'href="https://x.test/?a=1&amp;b=&quot;2&quot;&lt;i&gt;"' in text
        assert "javascript:" not in text


def test_a_long_digest_splits_between_items_into_valid_messages() -> None:
    lead = "جملة طويلة عن الدبلوماسية الليبية والعلاقات مع دول الجوار " * 5 + "."
    sections = []
    number = 0
    for topic in ("elections", "migration", None):
        items = []
        for _ in range(15):
            number += 1
            items.append(
                DigestItem(
                    story(number, headline=f"خبر رقم {number} <عاجل> & مهم", lead=lead),
                    topic,
                    followed=number % 4 == 0,
                )
            )
        sections.append((topic, tuple(items)))
    digest = Digest(
        period_start=START, period_end=END, sections=tuple(sections), people=(("أ", "A"),)
    )
    for lang in ("ar", "en", "both"):
        chunks = render(digest, lang)
        assert len(chunks) >= 3, "45 items with long leads cannot fit one message"
        for n in range(1, number + 1):
            holding = [c for c in chunks if f"<b>{n}. " in c]
            assert len(holding) == 1, n
            # The whole item sits in that one message: headline through its outlet line.
            start = holding[0].index(f"<b>{n}. ")
            assert "</a></i>" in holding[0][start:]
        joined = "\n".join(chunks)
        for title in ("الانتخابات", "Elections", "الهجرة", "Migration", "أخرى", "Other"):
            assert joined.count(f"<u><b>{title}</b></u>") <= 1
        for chunk in chunks:
            assert not chunk.startswith("\n") and not chunk.endswith("\n")
            assert not chunk.rstrip().endswith("</b></u>"), "a section title is never orphaned"


@settings(max_examples=40, deadline=None)
@given(
    headlines=st.lists(st.text(min_size=1, max_size=400), min_size=1, max_size=25),
    lead=st.text(max_size=700),
    lang=st.sampled_from(["ar", "en", "both"]),
)
def test_any_text_renders_into_valid_chunks(headlines: list[str], lead: str, lang: str) -> None:
    items = tuple(
        DigestItem(story(i, headline=h, lead=lead, outlet=h[:30]), None, followed=i % 2 == 0)
        for i, h in enumerate(headlines, start=1)
    )
    digest = Digest(period_start=START, period_end=END, sections=((None, items),), people=())
    translations = {1: Translation(1, "en", lead or "x", lead)}
    chunks = render(digest, lang, translations)
    assert chunks


def test_translate_buttons_go_under_the_message_each_story_ends_in() -> None:
    # Arabic: every story gets a button; the numbers are the digest's own.
    [only] = messages(sample(), "ar", offer=True)
    assert only.stories == ((1, 1), (2, 2), (3, 3))
    # English and both: only the stories still in Arabic.
    [english] = messages(sample(), "en", TRANSLATED, offer=True)
    assert english.stories == ((2, 2),)
    [both] = messages(sample(), "both", TRANSLATED, complete=False, offer=True)
    assert both.stories == ((2, 2),)
    empty = Digest(period_start=START, period_end=END, sections=(), people=())
    assert messages(empty, "ar", offer=True)[0].stories == ()


def test_a_split_digest_buttons_each_story_once_under_its_own_message() -> None:
    lead = "جملة طويلة عن الدبلوماسية الليبية والعلاقات مع دول الجوار " * 5 + "."
    items = tuple(
        DigestItem(story(n, headline=f"خبر رقم {n}", lead=lead), None, followed=False)
        for n in range(1, 41)
    )
    digest = Digest(period_start=START, period_end=END, sections=((None, items),), people=())
    made = messages(digest, "ar", offer=True)
    assert len(made) >= 2
    assert [n for m in made for n, _ in m.stories] == list(range(1, 41))
    for message in made:
        for number, story_id in message.stories:
            assert number == story_id
            assert f"<b>{number}. خبر رقم {number}</b>" in message.text


def test_short_lead_keeps_two_sentences_and_cuts_between_words() -> None:
    assert short_lead("One. Two! Three? Four.") == "One. Two!"
    assert short_lead("الأولى؟ الثانية. الثالثة.") == "الأولى؟ الثانية."
    assert short_lead("  spaced\n\nout   text ") == "spaced out text"
    long = " ".join(["word"] * 200)
    cut = short_lead(long)
    assert len(cut) <= 301 and cut.endswith("word…")


def test_zone_labels() -> None:
    assert zone_label("Africa/Tripoli") == "Africa/Tripoli"
    assert zone_label("Etc/GMT-2") == "UTC+2"
    assert zone_label("Etc/GMT+5") == "UTC-5"
    assert zone_label("UTC") == "UTC"
