"""/trends and /meetings through the real Application over HTTP against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.core import Core
from bot.tg.fake_api import Outgoing, png_size
from storage import Store
from tests.test_bot_e2e import Chat, polling
from tests.test_charts import fill


@pytest.fixture
async def chat(settings: Settings, core: Core, store: Store) -> AsyncIterator[Chat]:
    """The bot over a week of stories: Mangoush each week, Salame rising, one meeting."""
    store.run_sync(fill)
    async with polling(settings, core) as base:
        yield base


def photo(reply: Outgoing) -> tuple[int, int]:
    assert reply.method == "sendPhoto"
    data = reply.params["photo"]
    assert isinstance(data, bytes)
    return png_size(data)


async def test_trends_is_a_chart_of_every_topic_with_who_is_rising(chat: Chat) -> None:
    [reply] = await chat.say("/trends")
    assert photo(reply) == (1080, 1080)
    assert reply.text.startswith("<b>Stories a week by topic</b>, the 12 weeks to 29 Nov 2026.")
    # The seed page, stored in the second the bot started, is this week's news too.
    assert "Last week: Migration 3, Elections 2," in reply.text
    assert "Rising in the news: Ghassan Salamé (3), Najla Mangoush (2)." in reply.text


async def test_trends_of_a_topic_or_a_person_is_one_line(chat: Chat) -> None:
    [reply] = await chat.say("/trends migration")
    assert photo(reply) == (1080, 720)
    assert reply.text.startswith("<b>Migration</b>: stories a week")
    [reply] = await chat.say("/trends سلامة", lang="ar")
    assert photo(reply) == (1080, 720)
    assert reply.text.startswith("<b>غسان سلامة</b>: الأخبار أسبوعياً")
    assert "الأسبوع الأخير 3" in reply.text


async def test_trends_of_something_unknown_says_so(chat: Chat) -> None:
    [reply] = await chat.say("/trends xyzzy")
    assert reply.method == "sendMessage"
    assert reply.text.startswith("I know no topic or person called “xyzzy”.")


async def test_meetings_is_a_map_then_every_meeting_in_words(chat: Chat) -> None:
    picture, listing = await chat.say("/meetings", count=2)
    assert photo(picture) == (1080, 1080)
    # With the seed page's two, stored in the second the bot started.
    assert picture.text == "<b>Who met whom</b>, this week: 3 in all; the list follows."
    assert listing.text.startswith("<b>Meetings and calls</b>\n")
    assert listing.text.count("\n• ") == 3
    assert "• Ghassan Salamé — Najla Mangoush (meeting, Tripoli, 2026-11-27)" in listing.text
    assert "Najla Mangoush — Ivan Molotkov (meeting, Tripoli" in listing.text
    picture, listing = await chat.say("/meetings month", count=2, lang="ar")
    assert photo(picture) == (1080, 1080)
    assert "• غسان سلامة — نجلاء المنقوش (لقاء، طرابلس، 2026-11-27)" in listing.text


async def test_meetings_asks_for_week_or_month(chat: Chat) -> None:
    [reply] = await chat.say("/meetings year")
    assert reply.text == "Send /meetings for this week, or /meetings month."


async def test_trends_shows_the_topics_the_chat_follows(chat: Chat) -> None:
    await chat.say("/follow migration")
    [reply] = await chat.say("/trends")
    assert photo(reply) == (1080, 1080)
    assert "Last week: Migration 3." in reply.text  # elections, not followed, is left out
