"""The use cases that handlers, jobs and the CLI call; they know nothing of Telegram."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.models import ChatUser, SeedReport, StoryPage
from bot.seeds import read_seed_documents
from bot.text.stories import split_page
from storage import Store, articles, sources, users

Clock = Callable[[], datetime]

DEFAULT_LATEST = 5
MAX_LATEST = 20


def utc_now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


class Services:
    """Everything the bot can do, over one store and one clock."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock

    async def load_seeds(self, seeds_dir: Path) -> SeedReport:
        """Load the seed articles; unchanged seeds are skipped, edited ones replaced in place."""
        added = updated = unchanged = 0
        for doc in read_seed_documents(seeds_dir):
            now = self.clock()
            source_id = await self.store.run(
                sources.ensure_source,
                url=doc.source,
                name=doc.outlet,
                name_ar=doc.outlet_ar,
                kind="seed",
                language=doc.language,
                now=now,
            )
            outcome = await self.store.run(
                articles.upsert_seed_article,
                seed_key=doc.key,
                source_id=source_id,
                url=doc.url,
                language=doc.language,
                published_at=doc.published_at,
                content_hash=doc.content_hash,
                raw_text=doc.text,
                stories=split_page(doc.text),
                now=now,
            )
            added += outcome == "added"
            updated += outcome == "updated"
            unchanged += outcome == "unchanged"
        return SeedReport(added=added, updated=updated, unchanged=unchanged)

    async def latest(self, limit: int = DEFAULT_LATEST, offset: int = 0) -> StoryPage:
        """The newest stories, at most MAX_LATEST at a time."""
        limit = max(1, min(limit, MAX_LATEST))
        return await self.store.run(articles.latest_stories, limit=limit, offset=max(0, offset))

    async def seen(self, user: ChatUser) -> None:
        """Record that a person talked to the bot."""
        await self.store.run(users.touch_user, user, self.clock())
