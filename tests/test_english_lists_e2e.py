"""English for English readers, through the real bot over the fake Bot API.

Lists show the English headline under the Arabic one, every label in English, fetched in
one batch per page that the page waits for only so long; TRANSLATOR=none offers nothing.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.core import Core
from bot.digest_run import DigestService
from bot.english import has_arabic
from bot.models import StoryDraft
from bot.services import Services
from bot.tg.fake_api import Outgoing
from bot.translate import TranslationService
from storage import articles, sources
from storage import translations as cache
from tests.conftest import FIXED_NOW
from tests.fakes.translator import EchoTranslator
from tests.test_bot_e2e import Chat, polling

RUSSIA = "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة"
LOCAL_NEWS = "أخبار محلية"  # an outlet whose feed gave only an Arabic title
ITALY = "المنقوش تبحث مع السفير الإيطالي العلاقات الثنائية في طرابلس"
OBSERVER = "المنقوش تستقبل المبعوث الأممي إلى ليبيا في طرابلس"


async def store_story(
    services: Services, *, key: str, outlet: str, url: str, headline: str, body: str, days_ago: int
) -> None:
    """A dated story about Libya from a feed whose name is Arabic, with a link."""
    source = await services.store.run(
        sources.ensure_source, url=f"https://{key}.example/rss", name=outlet, name_ar=outlet,
        kind="feed", language="ar", now=FIXED_NOW,
    )  # fmt: skip
    draft = StoryDraft(position=0, headline=headline, body=body, lead=body)
    # Minutes past the clock for the newest: the seeds, stored as the bot starts, are later
    # in the database and would come first at the same moment.
    published = FIXED_NOW - timedelta(days=days_ago) + timedelta(minutes=5)
    await services.store.run(
        articles.upsert_seed_article, seed_key=key, source_id=source, url=url, language="ar",
        published_at=published, content_hash=key, raw_text=body, stories=[draft], now=FIXED_NOW,
    )  # fmt: skip
    await services.analyze_pending()


@pytest.fixture
def translator() -> EchoTranslator:
    return EchoTranslator()


async def with_translator(core: Core, translator: EchoTranslator, wait: float) -> Core:
    service = TranslationService(
        core.store, translator, core.services.clock, retries=0, breaker_failures=100,
        page_wait=wait,
    )  # fmt: skip
    topic_ids = [topic.id for topic in core.services.topics()]
    digests = DigestService(core.store, service, core.services.clock, topic_ids)
    return replace(core, translations=service, digests=digests)


@pytest.fixture
async def stories(core: Core) -> None:
    """Two dated, linked stories: the newest of all, and one older than the seed's."""
    # An outlet the seeds know by its site (libyaobserver.ly), listed under an Arabic name.
    await store_story(
        core.services, key="observer", outlet="أوبزرفر",
        url="https://www.libyaobserver.ly/news/8", headline=OBSERVER, days_ago=2,
        body="استقبلت وزيرة الخارجية الليبية نجلاء المنقوش المبعوث الأممي إلى ليبيا في مقر "
        "الوزارة بطرابلس، وناقش الجانبان مسار الانتخابات والعملية السياسية.",
    )  # fmt: skip
    await store_story(
        core.services, key="local", outlet=LOCAL_NEWS, url="https://example.ly/news/7",
        headline=ITALY, days_ago=0,
        body="بحثت وزيرة الخارجية الليبية نجلاء المنقوش مع السفير الإيطالي لدى ليبيا في "
        "طرابلس العلاقات الثنائية بين البلدين وسبل تعزيز التعاون الاقتصادي.",
    )  # fmt: skip


@pytest.fixture
async def chat(
    settings: Settings, core: Core, translator: EchoTranslator, stories: None
) -> AsyncIterator[Chat]:
    async with polling(settings, await with_translator(core, translator, 2.0)) as chat:
        yield chat


def meta_lines(reply: Outgoing) -> list[str]:
    return re.findall(r"<i>(.*?)</i>", reply.text)


def labels(reply: Outgoing) -> list[str]:
    return [button["text"] for row in reply.buttons for button in row]


async def test_latest_for_an_english_reader_has_english_headlines_dates_and_links(
    chat: Chat, translator: EchoTranslator
) -> None:
    [reply] = await chat.say("/latest 4")
    assert f"<b>1. {ITALY}</b>\n<b>EN[{ITALY}]</b>\n" in reply.text
    assert f"<b>2. {RUSSIA}</b>\n<b>EN[{RUSSIA}]</b>\n" in reply.text
    assert f"<b>4. {OBSERVER}</b>\n<b>EN[{OBSERVER}]</b>\n" in reply.text
    assert meta_lines(reply) == [
        f'EN[{LOCAL_NEWS}] · 29 Nov 2026 · <a href="https://example.ly/news/7">Read</a>',
        "seed page, Al-Dostor · stored 29 Nov 2026",
        "seed page, Al-Dostor · stored 29 Nov 2026",
        'Libya Observer · 27 Nov 2026 · <a href="https://www.libyaobserver.ly/news/8">Read</a>',
    ]
    # One batch for the page: its four headlines and the one outlet the seeds do not name.
    [batch] = translator.calls
    assert batch[0] == ITALY and batch[3:] == [OBSERVER, LOCAL_NEWS]
    [again] = await chat.say("/latest 4")
    assert again.text == reply.text and len(translator.calls) == 1  # from the cache
    # The 🌐 buttons stay: they give the whole story, lead included, in English.
    assert labels(reply) == ["🌐 1", "🌐 2", "🌐 3", "🌐 4"]


async def test_the_setting_chooses_arabic_english_or_both(chat: Chat) -> None:
    [answer] = await chat.say("/settings headlines en")
    assert answer.text == "Headlines in lists: English."
    [reply] = await chat.say("/latest 1")
    assert reply.text.split("\n")[2] == f"<b>1. EN[{ITALY}]</b>"
    assert ITALY not in reply.text.replace(f"EN[{ITALY}]", "")
    await chat.say("/settings headlines ar")
    [reply] = await chat.say("/latest 1")
    assert f"<b>1. {ITALY}</b>\n" in reply.text and "EN[" not in reply.text.split("<i>")[0]
    # The outlet is still named in English: every label of an English view is.
    assert meta_lines(reply)[0].startswith(f"EN[{LOCAL_NEWS}] · ")
    [bad] = await chat.say("/settings headlines fr")
    assert bad.text.startswith("Usage: /settings headlines ar|en|both")


async def test_lang_offers_the_headline_choice_as_buttons(chat: Chat) -> None:
    [reply] = await chat.say("/lang")
    assert "Headlines in lists: Arabic with English under it" in reply.text
    assert labels(reply) == [
        "العربية", "English", "Arabic only", "English", "✓ Arabic with English under it",
    ]  # fmt: skip
    [edited] = await chat.press(reply.message_id, "lang:hl:ar")
    assert "Headlines in lists: Arabic only" in edited.text
    [listing] = await chat.say("/latest 1")
    assert "EN[" not in listing.text.split("<i>")[0]


async def test_an_arabic_reader_keeps_arabic_headlines_unless_asking(chat: Chat) -> None:
    [reply] = await chat.say("/latest 1", lang="ar")
    assert "EN[" not in reply.text
    assert "أخبار محلية" in reply.text  # the Arabic view names outlets in Arabic
    await chat.say("/settings headlines both", lang="ar")
    [reply] = await chat.say("/latest 1", lang="ar")
    assert f"<b>1. {ITALY}</b>\n<b>EN[{ITALY}]</b>\n" in reply.text


async def test_search_topic_and_who_show_english_headlines_and_roles(chat: Chat) -> None:
    [found] = await chat.say("/search المنقوش")
    assert f"<b>EN[{ITALY}]</b>" in found.text
    [profile] = await chat.say("/who Mangoush")
    assert f"<b>EN[{ITALY}]</b>" in profile.text
    [people] = await chat.say("/who")
    # A discovered person's role, Arabic as written, comes in the translator's English.
    assert "Ivan Molotkov (إيفان مولوتكوف)</b> — EN[نائب مدير إدارة الشرق الأوسط" in people.text


async def test_a_slow_translator_does_not_hold_the_page(
    settings: Settings, core: Core, translator: EchoTranslator, stories: None
) -> None:
    translator.gate = threading.Event()
    async with polling(settings, await with_translator(core, translator, 0.2)) as chat:
        # The translator never answers until let go: the page comes in Arabic, 🌐 under it.
        [reply] = await chat.say("/latest 1")
        assert "EN[" not in reply.text
        assert f"<b>1. {ITALY}</b>\n" in reply.text
        assert labels(reply) == ["🌐 1", "Older ›"]
        # Its outlet is spelled out meanwhile, never shown in Arabic.
        outlet = meta_lines(reply)[0].split(" · ")[0]
        assert outlet and not has_arabic(outlet)
        translator.gate.set()
        # The batch goes on in the background and is cached for the next view.
        for _ in range(400):
            if await core.store.run(cache.cached_headlines, [1, 2, 3, 4], "en"):
                break
            await asyncio.sleep(0.025)
        [again] = await chat.say("/latest 1")
        assert f"<b>EN[{ITALY}]</b>" in again.text
        assert len(translator.calls) == 1


async def test_a_failing_translator_leaves_arabic_and_says_nothing_in_lists(
    chat: Chat, translator: EchoTranslator
) -> None:
    translator.fail = True
    [reply] = await chat.say("/latest 1")
    assert "EN[" not in reply.text and "ranslat" not in reply.text
    assert labels(reply) == ["🌐 1", "Older ›"]


async def test_translator_none_offers_no_translation_anywhere(
    settings: Settings, core: Core, stories: None
) -> None:
    async with polling(settings, core) as chat:
        [reply] = await chat.say("/latest 1")
        assert reply.buttons == [[{"text": "Older ›", "callback_data": "latest:1:1"}]]  # no 🌐
        assert "ranslat" not in reply.text and "EN[" not in reply.text
        # Outlets are English all the same: the seeds' name, or the Arabic spelled out.
        [reply] = await chat.say("/latest 4")
        outlets = [line.split(" · ")[0] for line in meta_lines(reply)]
        assert outlets[1:] == ["seed page, Al-Dostor", "seed page, Al-Dostor", "Libya Observer"]
        assert not any(has_arabic(outlet) for outlet in outlets)
        [people] = await chat.say("/who")
        assert "نائب مدير" not in people.text  # a role with no English is left out
        await chat.say("/subscribe")
        [settings_reply] = await chat.say("/settings")
        assert "Headlines" not in settings_reply.text
        assert "Headlines" not in str(settings_reply.buttons)
        await chat.say("/settings lang both")
        [digest] = await chat.say("/digest")
        assert "ranslat" not in digest.text and digest.buttons == []
        [lang] = await chat.say("/lang")
        assert labels(lang) == ["العربية", "English"]
