"""The real Application over HTTP against a fake Bot API on 127.0.0.1: a whole conversation."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from bot.models import StoryPage
from bot.services import Services
from bot.tg.fake_api import FakeBotApi, Outgoing, parse_telegram_html
from tests.fakes.bot_api_server import polling_bot

GOLDEN = Path(__file__).parent / "fixtures" / "replies"


class Chat:
    """A user on one side of the fake Bot API, the real bot polling on the other."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def say(self, text: str, count: int = 1, lang: str | None = "en") -> list[Outgoing]:
        self.api.user_sends(text, language_code=lang)
        return await self._replies(count)

    async def press(self, message_id: int, data: str, count: int = 1) -> list[Outgoing]:
        self.api.user_presses(message_id, data)
        return await self._replies(count)

    async def sticker(self) -> list[Outgoing]:
        self.api.user_sends_sticker()
        return await self._replies(1)

    async def _replies(self, count: int) -> list[Outgoing]:
        replies = await asyncio.to_thread(self.api.wait_for_outbox, count, 10.0)
        assert len(replies) == count, [r.text for r in replies]
        for reply in replies:
            parse_telegram_html(reply.text)  # the fake refuses bad HTML; be explicit anyway
        return replies


@asynccontextmanager
async def polling(settings: Settings, core: Core) -> AsyncIterator[Chat]:
    async with polling_bot(settings, core) as (api, _):
        yield Chat(api)


@pytest.fixture
async def chat(settings: Settings, core: Core) -> AsyncIterator[Chat]:
    async with polling(settings, core) as chat:
        yield chat


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8").rstrip("\n")


async def test_start_greets_in_english_and_arabic(chat: Chat) -> None:
    [reply] = await chat.say("/start")
    assert reply.text == golden("start_en.html")
    [reply] = await chat.say("/start", lang="ar")
    assert reply.text == golden("start_ar.html")


async def test_help_lists_every_command_with_usage(chat: Chat) -> None:
    [reply] = await chat.say("/help")
    assert reply.text == golden("help_en.html")
    [reply] = await chat.say("/help", lang="ar-EG")
    assert reply.text == golden("help_ar.html")


async def test_latest_shows_the_seed_stories_separately(chat: Chat) -> None:
    [reply] = await chat.say("/latest")
    assert reply.text == golden("latest_en.html")
    assert reply.buttons == []  # two stories, one page
    assert reply.params["link_preview_options"] == {"is_disabled": True}
    assert reply.params["parse_mode"] == "HTML"


async def test_latest_pages_back_with_the_older_button(chat: Chat) -> None:
    [first] = await chat.say("/latest 1")
    assert first.text == golden("latest_page1_en.html")
    assert first.buttons == [[{"text": "Older ›", "callback_data": "latest:1:1"}]]
    edited, second = await chat.press(first.message_id, "latest:1:1", count=2)
    assert edited.method == "editMessageReplyMarkup"
    assert edited.message_id == first.message_id
    assert edited.buttons == []  # the pressed button is gone
    assert second.text == golden("latest_page2_en.html")
    assert second.buttons == []
    # A second press of the same button (a double tap) shows nothing twice.
    chat.api.user_presses(first.message_id, "latest:1:1")
    await asyncio.sleep(0.5)
    assert chat.api.take_outbox() == []
    # A button pointing past the end says so.
    [again] = await chat.say("/latest 1")
    _, past_end = await chat.press(again.message_id, "latest:5:1", count=2)
    assert past_end.text == "There are no older stories."


async def test_latest_in_arabic(chat: Chat) -> None:
    [reply] = await chat.say("/latest 1", lang="ar")
    assert reply.text == golden("latest_page1_ar.html")
    assert reply.buttons == [[{"text": "‹ أقدم", "callback_data": "latest:1:1"}]]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "/latest abc",
            "Please give a whole number of stories from 1 to 20, for example /latest 5.",
        ),
        (
            "/latest -3",
            "Please give a whole number of stories from 1 to 20, for example /latest 5.",
        ),
        ("/latest 0", "Please give a whole number of stories from 1 to 20, for example /latest 5."),
        (
            "/latest 1 2",
            "Please give a whole number of stories from 1 to 20, for example /latest 5.",
        ),
    ],
)
async def test_latest_refuses_bad_counts(chat: Chat, command: str, expected: str) -> None:
    [reply] = await chat.say(command)
    assert reply.text == expected


async def test_latest_clamps_huge_counts(chat: Chat) -> None:
    notice, listing = await chat.say("/latest 100000", count=2)
    assert notice.text == "Showing 20, the most I list at once."
    assert listing.text == golden("latest_en.html")


async def test_latest_reads_arabic_indic_digits(chat: Chat) -> None:
    [reply] = await chat.say("/latest ١")
    assert reply.text == golden("latest_page1_en.html")


async def test_forged_or_stale_button_is_answered_not_crashed(chat: Chat) -> None:
    [listing] = await chat.say("/latest 1")
    chat.api.user_presses(listing.message_id, "latest:x:y")
    await asyncio.sleep(0.5)
    assert chat.api.take_outbox() == []
    answers = [p for m, p in chat.api.calls if m == "answerCallbackQuery"]
    assert answers[-1]["text"] == "This button has expired; send /latest again."
    assert answers[-1]["show_alert"] is True


async def test_unknown_command_points_at_help(chat: Chat) -> None:
    [reply] = await chat.say("/frobnicate now")
    assert reply.text == "I don't know the command /frobnicate. Send /help to see what I can do."
    [reply] = await chat.say("/<b>x</b>")
    assert "/&lt;b&gt;x&lt;/b&gt;" in reply.text


async def test_chatter_and_stickers_get_a_polite_hint(chat: Chat) -> None:
    [reply] = await chat.say("hello there <3 & co")
    assert reply.text == (
        "I answer commands. Send /latest for the news or /help for every command."
    )
    [reply] = await chat.sticker()
    assert reply.text == (
        "I read commands only. Send /latest for the news or /help for every command."
    )
    [reply] = await chat.say("مرحبا", lang="ar")
    assert reply.text == "أجيب عن الأوامر. أرسل /latest للأخبار أو /help لكل الأوامر."


async def test_command_menus_are_registered_in_english_and_arabic(chat: Chat) -> None:
    menus = chat.api.commands
    default = menus[(json.dumps({"type": "default"}), "")]
    arabic = menus[(json.dumps({"type": "default"}), "ar")]
    expected = [
        "start", "help", "latest", "who", "topic", "search", "trends", "meetings", "subscribe",
        "unsubscribe", "settings", "digest", "follow", "unfollow", "following", "lang", "mydata",
        "forget", "channel",
    ]  # fmt: skip
    assert [c["command"] for c in default] == expected
    assert [c["command"] for c in arabic] == expected
    assert default[2]["description"] == "Newest stories"
    assert arabic[2]["description"] == "أحدث الأخبار"


async def test_start_records_the_user(chat: Chat, services: Services) -> None:
    await chat.say("/start", lang="ar")
    rows = await services.store.run(
        lambda db: list(db.query("SELECT chat_id, language_code FROM users"))
    )
    assert rows == [{"chat_id": 1001, "language_code": "ar"}]


class FailingServices(Services):
    async def latest(self, limit: int = 5, offset: int = 0) -> StoryPage:
        raise RuntimeError("disk on fire: /var/secret/path")


async def test_errors_are_logged_and_the_user_told_without_internals(
    settings: Settings, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    services = core.services
    failing = replace(
        core, services=FailingServices(services.store, services.knowledge, services.clock)
    )
    async with polling(settings, failing) as chat:
        with caplog.at_level(logging.ERROR):
            [reply] = await chat.say("/latest")
            [reply_ar] = await chat.say("/latest", lang="ar")
        assert reply.text == "Sorry, something went wrong on my side. Please try again in a moment."
        assert reply_ar.text == "عذراً، حدث خطأ من جهتي. يُرجى المحاولة بعد قليل."
        assert "disk on fire" not in reply.text
        logged = [r for r in caplog.records if r.exc_info and "disk on fire" in str(r.exc_info[1])]
        assert logged, "the traceback must reach the log"
        # The bot keeps answering after an error.
        [after] = await chat.say("/help")
        assert after.text.startswith("<b>Commands</b>")


async def test_a_long_listing_is_split_into_valid_messages_with_the_button_last(
    settings: Settings, core: Core
) -> None:
    from bot.models import StoryDraft

    services = core.services
    from storage import articles, sources
    from tests.conftest import FIXED_NOW

    await services.store.open()
    source = await services.store.run(
        sources.ensure_source, url="seed:long", name="Long <Outlet> & Co", name_ar="منفذ",
        kind="seed", language="ar", now=FIXED_NOW,
    )  # fmt: skip
    rng = random.Random(7)
    words = (
        "سفارة وزير مبعوث مجلس حكومة انتخابات نفط مصرف هجرة ميناء حدود قمة وفد لجنة "
        "اتفاق بيان دعم تعاون أمن جيش قوات شركة طاقة كهرباء ماء طريق مطار تجارة"
    ).split()

    def body() -> str:
        # Distinct stories: shared wording would make them one group of the same story.
        return " ".join(["ليبيا طرابلس الليبية", *rng.choices(words, k=120)]) + "."

    drafts = [
        StoryDraft(position=i, headline=f"خبر رقم {i} <عاجل> & مهم " * 3, body=body(),
                   lead=body()[:300])
        for i in range(30)
    ]  # fmt: skip
    await services.store.run(
        articles.upsert_seed_article, seed_key="long", source_id=source,
        url="https://x.test/a?b=1&c=2", language="ar", published_at=FIXED_NOW + timedelta(hours=1),
        content_hash="h", raw_text="x", stories=drafts, now=FIXED_NOW,
    )  # fmt: skip
    async with polling(settings, core) as chat:
        await asyncio.sleep(0.2)
        chat.api.user_sends("/latest 20")
        replies = await asyncio.to_thread(chat.api.wait_for_outbox, 4, 3.0)
        assert len(replies) >= 2, "20 long stories cannot fit one message"
        for reply in replies:
            visible = parse_telegram_html(reply.text)
            assert len(visible) <= 4096
        assert all(r.buttons == [] for r in replies[:-1])
        assert replies[-1].buttons == [[{"text": "Older ›", "callback_data": "latest:20:20"}]]
        text = "\n".join(r.text for r in replies)
        for n in range(1, 21):
            assert text.count(f"<b>{n}. خبر رقم") == 1  # every item once, none cut in two
        assert "Long &lt;Outlet&gt; &amp; Co" in text
        assert 'href="https://x.test/a?b=1&amp;c=2"' in text
