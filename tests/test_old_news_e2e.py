"""A database whose newest story is months old, through the real bot over the fake Bot API.

The seed page was stored on 14 March 2025 and never dated; the golden stories of 2021 were
backfilled today. "In the news" and the topic counts must name the week they cover, not
come out empty, and every listed story shows its date and where to read it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.analysis.knowledge import Knowledge
from bot.config import Settings
from bot.services import Services
from tests.conftest import SEEDS
from tests.test_bot_e2e import Chat, polling
from tests.test_search import STORIES, add_stories

STORED_SEEDS = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
# A story's last line: outlet (or where it came from) · date [· sources] [· Read link].
META = re.compile(r"^<i>(?P<where>[^<]+?) · (?P<when>[^·<]+?)(?: · [^<]*)?(?P<link><a .*)?</i>$")


@pytest.fixture
async def chat(settings: Settings, core: Any, knowledge: Knowledge) -> AsyncIterator[Chat]:
    """The bot over a seed page stored in March 2025 and stories of 2021 stored today."""
    await core.services.store.open()
    then = Services(core.services.store, knowledge, clock=lambda: STORED_SEEDS)
    await then.load_seeds(SEEDS)
    await add_stories(core.services, STORIES)
    await core.services.analyze_pending()
    async with polling(settings, core) as base:
        yield base


async def test_who_names_the_latest_week_with_news(chat: Chat) -> None:
    [reply] = await chat.say("/who")
    lines = reply.text.split("\n")
    assert lines[0] == "<b>In the news in the week to 14 Mar 2025</b>"
    assert lines[2].startswith("1. <b>Najla Mangoush")
    assert reply.buttons  # a button per person
    [arabic] = await chat.say("/who", lang="ar")
    assert arabic.text.startswith("<b>في الأخبار في الأسبوع المنتهي في 14 مارس 2025</b>\n\n1. ")


async def test_topic_counts_cover_the_latest_week_with_news(chat: Chat) -> None:
    [reply] = await chat.say("/topic")
    lines = reply.text.split("\n")
    assert lines[0] == "<b>Topics in the week to 14 Mar 2025</b>"
    counts = [int(line.rsplit("— ", 1)[1]) for line in lines if line.startswith("• ")]
    assert len(counts) == 8 and counts[0] > 0 and counts == sorted(counts, reverse=True)
    [arabic] = await chat.say("/topic", lang="ar")
    assert arabic.text.startswith("<b>الموضوعات في الأسبوع المنتهي في 14 مارس 2025</b>\n")


async def test_latest_is_newest_first_with_dates_and_links(chat: Chat) -> None:
    [reply] = await chat.say("/latest 20")
    metas = [META.match(line) for line in reply.text.split("\n") if line.startswith("<i>")]
    items = [line for line in reply.text.split("\n") if re.match(r"<b>\d+\. ", line)]
    assert all(metas) and len(metas) == len(items) > 10
    found = [m for m in metas if m]
    # The seed page sorts by when it was stored, above the 2021 stories, and says so.
    assert [m["where"] for m in found[:2]] == ["seed page, Al-Dostor"] * 2
    assert [m["when"] for m in found[:2]] == ["stored 14 Mar 2025"] * 2
    # Then the backfilled stories by their own dates, newest first.
    days = [datetime.strptime(m["when"], "%d %b %Y") for m in found[2:]]
    assert days == sorted(days, reverse=True) and days[0].year == 2021
    # Each has a link to its original, or says where it came from.
    for m in found:
        assert m["link"] or m["where"].startswith("seed page, ")
    assert "date unknown" not in reply.text
