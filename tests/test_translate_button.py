"""The "🌐 n" button under lists: a story in English on demand, through the real handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.config import Settings
from bot.core import Core
from bot.digest_run import DigestService
from bot.models import Translation
from bot.tg.fake_api import Outgoing
from bot.translate import TranslationFailed, TranslationService
from tests.conftest import store_story_not_about_libya
from tests.test_bot_e2e import Chat, polling


class FakeTranslator:
    """A translator that answers from a table, or fails when told to."""

    name = "fake"

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def translate(self, texts: list[str], target: str) -> list[str]:
        self.calls += 1
        if self.fail:
            raise TranslationFailed("down", retryable=False)
        return [f"EN[{text[:30]}]" if text else "" for text in texts]


@pytest.fixture
def translator() -> FakeTranslator:
    return FakeTranslator()


@pytest.fixture
async def chat(settings: Settings, core: Core, translator: FakeTranslator) -> AsyncIterator[Chat]:
    service = TranslationService(
        core.store, translator, core.services.clock, retries=0, breaker_failures=100
    )
    topic_ids = [topic.id for topic in core.services.topics()]
    digests = DigestService(core.store, service, core.services.clock, topic_ids)
    with_translator = replace(core, translations=service, digests=digests)
    async with polling(settings, with_translator) as chat:
        yield chat


async def test_lists_carry_a_translate_button_per_story(chat: Chat) -> None:
    [reply] = await chat.say("/latest")
    assert reply.buttons[0] == [
        {"text": "🌐 1", "callback_data": reply.buttons[0][0]["callback_data"]},
        {"text": "🌐 2", "callback_data": reply.buttons[0][1]["callback_data"]},
    ]
    assert all(b["callback_data"].startswith("tr:") for b in reply.buttons[0])


async def test_pressing_it_sends_the_story_in_english_and_caches_it(
    chat: Chat, translator: FakeTranslator
) -> None:
    [listing] = await chat.say("/latest 1")
    data = listing.buttons[0][0]["callback_data"]
    [english] = await chat.press(listing.message_id, data)
    assert english.text.startswith("<b>EN[مباحثات بين الخارجية الليبية و]</b>\nEN[التقت وزيرة")
    assert english.text.endswith("<i>Machine translation from Arabic</i>")
    calls = translator.calls
    [again] = await chat.press(listing.message_id, data)
    assert again.text == english.text
    assert translator.calls == calls  # the second time comes from the cache


async def test_a_failing_translator_says_so_in_the_users_language(
    chat: Chat, translator: FakeTranslator
) -> None:
    translator.fail = True
    [listing] = await chat.say("/latest 1", lang="ar")
    chat.api.user_presses(
        listing.message_id, listing.buttons[0][0]["callback_data"], language_code="ar"
    )
    [reply] = await asyncio.to_thread(chat.api.wait_for_outbox, 1, 10.0)
    assert reply.text == "الترجمة غير متاحة الآن؛ يُرجى المحاولة لاحقاً."


def labels(reply: Outgoing) -> list[str]:
    return [button["text"] for row in reply.buttons for button in row]


async def test_a_who_profile_numbers_its_stories_and_buttons_each(chat: Chat) -> None:
    [profile] = await chat.say("/who Mangoush")
    assert "\n1. مباحثات بين الخارجية الليبية والروسية" in profile.text
    assert "\n2. وزيرة الخارجية تلتقي" in profile.text
    assert labels(profile) == ["🌐 1", "🌐 2"]
    [english] = await chat.press(profile.message_id, profile.buttons[0][0]["callback_data"])
    assert english.text.startswith("<b>EN[مباحثات بين الخارجية الليبية و]</b>")


async def test_an_arabic_digest_buttons_its_stories_and_an_english_one_does_not(
    chat: Chat, translator: FakeTranslator
) -> None:
    [digest] = await chat.say("/digest", lang="ar")
    assert digest.text.startswith("<b>موجز ليبيا")
    assert labels(digest) == ["🌐 1", "🌐 2"]
    [english] = await chat.press(digest.message_id, digest.buttons[0][1]["callback_data"])
    assert english.text.startswith("<b>EN[مباحثات بين الخارجية الليبية و]</b>")

    await chat.say("/subscribe")
    await chat.say("/settings lang en")
    [digest] = await chat.say("/digest")
    assert "<b>1. EN[" in digest.text and "<b>2. EN[" in digest.text
    assert digest.buttons == []
    translator.fail = True
    await chat.say("/settings lang both")
    [digest] = await chat.say("/digest")  # from the cache: still no button needed
    assert digest.buttons == []


async def test_a_forged_button_is_an_alert_not_an_error(chat: Chat) -> None:
    [listing] = await chat.say("/latest 1")
    for forged in ("tr:999999", "tr:abc", "tr:" + "9" * 40):
        chat.api.user_presses(listing.message_id, forged)
    await asyncio.sleep(0.6)
    assert chat.api.take_outbox() == []
    answers = [p for m, p in chat.api.calls if m == "answerCallbackQuery"]
    assert [a.get("show_alert") for a in answers[-3:]] == [True, True, True]


async def test_a_forged_button_for_a_hidden_story_translates_nothing(
    chat: Chat, core: Core, translator: FakeTranslator
) -> None:
    # The attack: "tr:<id>" of a story judged not about Libya, pressed by anyone, was
    # translated (spending the translator's quota) and sent.
    hidden = await store_story_not_about_libya(core.services)
    [listing] = await chat.say("/latest 1")
    listed = translator.calls  # the page's own headline, for an English reader
    chat.api.user_presses(listing.message_id, f"tr:{hidden}")
    await asyncio.sleep(0.6)
    assert chat.api.take_outbox() == []
    answers = [p for m, p in chat.api.calls if m == "answerCallbackQuery"]
    assert answers[-1].get("show_alert") is True
    assert translator.calls == listed


async def test_without_a_translator_there_is_no_button(settings: Settings, core: Core) -> None:
    async with polling(settings, core) as plain:
        [reply] = await plain.say("/latest 1")
        assert reply.buttons == [[{"text": "Older ›", "callback_data": "latest:1:1"}]]
        [profile] = await plain.say("/who Mangoush")
        [digest] = await plain.say("/digest")
        assert profile.buttons == digest.buttons == []


def test_translation_model_is_plain_data() -> None:
    assert Translation(1, "en", "h", "l").lead == "l"
