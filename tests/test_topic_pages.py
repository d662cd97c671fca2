"""A topic's pages come out the same whichever of the two queries finds them."""

from __future__ import annotations

import pytest

from bot.models import StoryPage
from bot.services import Services
from storage import topics
from tests.conftest import SEEDS
from tests.test_search import STORIES, add_stories


async def pages(services: Services, topic: str, size: int) -> list[StoryPage]:
    found = []
    offset = 0
    while True:
        page = await services.store.run(topics.stories_by_topic, topic, limit=size, offset=offset)
        found.append(page)
        if not page.stories:
            return found
        offset += size


async def test_common_and_rare_topic_queries_give_the_same_pages(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_stories(services, STORIES)
    await services.load_seeds(SEEDS)
    checked = 0
    for topic in services.topics():
        for size in (1, 2, 5):
            monkeypatch.setattr(topics, "COMMON_TOPIC", 10**9)  # every topic counts as rare
            rare = await pages(services, topic.id, size)
            monkeypatch.setattr(topics, "COMMON_TOPIC", 0)  # every topic counts as common
            common = await pages(services, topic.id, size)
            assert common == rare, (topic.id, size)
            stories = [s.id for page in rare for s in page.stories]
            assert len(stories) == len(set(stories)) == rare[0].total
            checked += len(stories)
    assert checked > 30  # the golden stories do carry topics
