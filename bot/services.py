"""The use cases that handlers, jobs and the CLI call; they know nothing of Telegram."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.analysis.knowledge import Knowledge
from bot.analysis.lookup import ActorIndex, Lookup, find_actor, most_in_news
from bot.analysis.pipeline import ANALYSIS_VERSION, discovered_actors, known_actors
from bot.analysis.text.clip import HEADLINE_MAX_CHARS, LEAD_MAX_CHARS, clip
from bot.analysis.text.gender import feminine_role
from bot.analysis.text.grouping import SignatureIndex
from bot.analysis.text.highlight import snippet
from bot.analysis.text.stem import query_terms
from bot.analysis.text.stories import split_page
from bot.analysis.text.topics import find_topic
from bot.analysis.workers import Analyzer, ThreadAnalyzer
from bot.models import (
    ActorCount,
    ActorProfile,
    ActorRecord,
    ChatUser,
    NewsPeriod,
    SearchHit,
    SeedReport,
    StoryAnalysis,
    StoryPage,
    Topic,
    TopicCount,
)
from bot.seeds import read_seed_documents
from storage import Store, actors, analysis, articles, periods, search, sources, topics, users
from storage.rows import Totals
from storage.timefmt import from_db

Clock = Callable[[], datetime]
NameTranslator = Callable[[str], Awaitable[str | None]]

DEFAULT_LATEST = 5
MAX_LATEST = 20
NEWS_WINDOW = timedelta(days=7)
WHO_LIST = 10
SEARCH_PAGE = 5
MAX_QUERY_CHARS = 2000
ANALYZE_BATCH = 200
# Outlets retell a story within a few days; further apart it is a new development.
GROUPING_WINDOW = timedelta(days=4)
# The in-memory signature index and actor names see this process's analyses at once; they
# are reloaded this often so that what another process analyzed (the CLI) is seen too.
INDEX_REFRESH_SECONDS = 300.0
INDEX_REACH = timedelta(days=1)


# (story id, analysis, publication date, sort date): a story of a batch, to group.
_Analyzed = tuple[int, StoryAnalysis, datetime | None, datetime | None]


def utc_now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of search results and the query's reading groups, for highlighting."""

    hits: tuple[SearchHit, ...]
    groups: tuple[tuple[str, ...], ...]
    offset: int
    total: int
    # Each hit's best passage as (text, matched) runs, found off the event loop.
    snippets: tuple[tuple[tuple[str, bool], ...], ...] = ()


class Services:
    """Everything the bot can do, over one store, one knowledge base and one clock."""

    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        clock: Clock = utc_now,
        *,
        english_name: NameTranslator | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.analyzer: Analyzer = analyzer or ThreadAnalyzer(knowledge)
        # Gives people found in the stories an English name (cached); without it, or when
        # it fails, they keep the rule-based romanization.
        self.english_name = english_name
        self._index: SignatureIndex | None = None
        self._index_loaded = 0.0
        # Every person's and body's names, for /who: 1,800 rows took 9 ms to reload per call.
        self._names: ActorIndex | None = None
        self._names_loaded = 0.0
        self._actors_stored = False
        # Counts of shown stories (/latest, each topic), kept while the database is unchanged;
        # touched only on the store's thread.
        self._totals: Totals = {}
        # One analysis at a time: source runs ending together would each analyze the same
        # pending batch, and the signature index is grouped into by one caller only.
        self._analyzing = asyncio.Lock()

    # ---- seeds and analysis ------------------------------------------------------------

    async def load_seeds(self, seeds_dir: Path) -> SeedReport:
        """Load the seed articles; analyze what is new."""
        added = updated = unchanged = 0
        for doc in await asyncio.to_thread(read_seed_documents, seeds_dir):
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
                stories=await asyncio.to_thread(split_page, doc.text),
                now=now,
            )
            added += outcome == "added"
            updated += outcome == "updated"
            unchanged += outcome == "unchanged"
        await self.analyze_pending()
        return SeedReport(added=added, updated=updated, unchanged=unchanged)

    async def analyze_pending(self) -> int:
        """Analyze every story the current analysis has not seen; returns how many."""
        async with self._analyzing:
            return await self._analyze_pending()

    async def _analyze_pending(self) -> int:
        # Mentions refer to actors by key: the knowledge base's must be stored first. It does
        # not change while the process runs, so once is enough (polls call this every minute).
        if not self._actors_stored:
            await self.store.run(analysis.upsert_actors, known_actors(self.knowledge))
            self._actors_stored = True
            self._names = None
        done = 0
        while True:
            batch = await self.store.run(
                analysis.stories_to_analyze, ANALYSIS_VERSION, ANALYZE_BATCH
            )
            if not batch:
                return done
            days = [from_db(published) for _, _, _, published, _ in batch]
            results = await self.analyzer.analyze(
                [
                    (headline, body, day.date() if day else None)
                    for (_, headline, body, _, _), day in zip(batch, days, strict=True)
                ]
            )
            retells = await self._group(
                [
                    (story_id, result, day, from_db(sort_at))
                    for (story_id, _, _, _, sort_at), result, day in zip(
                        batch, results, days, strict=True
                    )
                ]
            )
            analyzed = [
                (
                    story_id,
                    result,
                    await self._named_in_english(discovered_actors(result)),
                    ANALYSIS_VERSION,
                    same_as,
                )
                for (story_id, *_), result, same_as in zip(batch, results, retells, strict=True)
            ]
            # One transaction a batch: a commit per story cost more than its SQL.
            await self.store.run(analysis.save_analyses, analyzed)
            if any(discovered for _, _, discovered, _, _ in analyzed):
                self._names = None
            done += len(analyzed)

    async def _group(self, stories: list[_Analyzed]) -> list[int | None]:
        """The story each of a batch retells, if any, found off the event loop."""
        now = self.clock()
        relevant = [
            (published or now) - GROUPING_WINDOW
            for _, result, published, _ in stories
            if result.relevance.relevant
        ]
        if not relevant:
            return [None] * len(stories)
        index = await self._signature_index(min(relevant))
        try:
            return await asyncio.to_thread(_group_into, index, stories, now)
        except asyncio.CancelledError:
            # The thread may still be adding to the index: the next batch starts afresh.
            self._index = None
            raise

    async def _signature_index(self, since: datetime) -> SignatureIndex:
        """The index of recent signatures, reaching back to `since` at least."""
        stale = time.monotonic() - self._index_loaded > INDEX_REFRESH_SECONDS
        if self._index is None or stale:
            horizon = min(since, self.clock() - GROUPING_WINDOW)
            index = SignatureIndex(horizon)
            # 64 entries a story: at 100k stories, seconds that are not the event loop's.
            rows = await self.store.run(analysis.recent_signatures, horizon)
            await asyncio.to_thread(index.extend, rows)
            self._index, self._index_loaded = index, time.monotonic()
        elif not self._index.covers(since):
            # An older story (a backfilled feed): load only the days not yet indexed, and a
            # day more, so the stories of a backfill do not each reach back a little further.
            reach = since - INDEX_REACH
            index = self._index
            older = await self.store.run(analysis.recent_signatures, reach, index.horizon)
            self._index = None  # until extended: a cancelled extend leaves no half index
            await asyncio.to_thread(index.extend, older)
            index.horizon = reach
            self._index = index
        return self._index

    async def _named_in_english(self, people: list[ActorRecord]) -> list[ActorRecord]:
        if self.english_name is None:
            return people
        named = []
        for person in people:
            english = await self.english_name(person.name_ar)
            named.append(replace(person, name_en=english) if english else person)
        return named

    # ---- queries -----------------------------------------------------------------------

    async def latest(self, limit: int = DEFAULT_LATEST, offset: int = 0) -> StoryPage:
        """The newest stories, at most MAX_LATEST at a time."""
        limit = max(1, min(limit, MAX_LATEST))
        return await self.store.run(
            articles.latest_stories, limit=limit, offset=max(0, offset), totals=self._totals
        )

    async def news_period(self, counting: periods.Counting) -> NewsPeriod:
        """The last week, or the week to the newest story naming people / with a topic."""
        return await self.store.run(periods.news_period, self.clock(), NEWS_WINDOW, counting)

    async def people_in_news(self, period: NewsPeriod) -> list[ActorCount]:
        """The people named in the most stories of the period (see news_period)."""
        return await self.store.run(actors.people_in_news, period.start, WHO_LIST)

    async def find_person(self, query: str) -> Lookup:
        """Resolve what a user typed to a person or body, or say why not.

        A name several people share ("Haftar") is the one most in the news of the period
        "in the news" shows, with the others `also`; see lookup.most_in_news.
        """
        found = await asyncio.to_thread(find_actor, query[:200], await self._actor_names())
        if not found.choices:
            return found
        period = await self.news_period("people")
        keys = [a.key for a in found.choices]
        counts = await self.store.run(actors.story_counts, keys, period.start)
        return most_in_news(found, counts)

    async def _actor_names(self) -> ActorIndex:
        """Every person and body, cached; an analysis that finds people drops the cache."""
        if self._names is None or time.monotonic() - self._names_loaded > INDEX_REFRESH_SECONDS:
            everyone = await self.store.run(actors.actor_names, ("person", "body"))
            self._names = await asyncio.to_thread(ActorIndex, everyone)
            self._names_loaded = time.monotonic()
        return self._names

    def is_woman(self, actor: ActorRecord) -> bool:
        """Whether Arabic speaks of this person in the feminine.

        The knowledge base says so; for someone it does not list, the title their role opens
        with does (وزيرة, المبعوثة).
        """
        listed = self.knowledge.actor(actor.key)
        if listed is not None:
            return listed.gender == "f"
        return actor.kind == "person" and feminine_role(actor.role_ar)

    async def profile(self, key: str) -> ActorProfile | None:
        """What the bot knows about one actor."""
        return await self.store.run(actors.actor_profile, key)

    async def profile_by_ref(self, ref: int) -> ActorProfile | None:
        """The profile of the actor behind a button."""
        actor = await self.store.run(actors.actor_by_ref, ref)
        return await self.profile(actor.key) if actor else None

    async def actor_ref(self, key: str) -> ActorRecord | None:
        """One actor's record, for its button number."""
        return await self.store.run(actors.get_actor, key)

    def place_label(self, place: str, lang: str) -> str:
        """A stored place (an id, or the place as written) in Arabic or English."""
        return self.knowledge.place_label(place, lang)

    def topics(self) -> tuple[Topic, ...]:
        """The taxonomy."""
        return self.knowledge.topics

    def find_topic(self, query: str) -> Topic | None:
        """The topic a user means by an id or a name in Arabic or English."""
        return find_topic(query[:200], self.knowledge.topics)

    async def topic_counts(self, period: NewsPeriod) -> list[TopicCount]:
        """Stories per topic in the period (see news_period)."""
        return await self.store.run(topics.topic_counts, period.start)

    async def topic_stories(self, topic_id: str, offset: int = 0) -> StoryPage:
        """The newest stories of a topic."""
        return await self.store.run(
            topics.stories_by_topic,
            topic_id,
            limit=DEFAULT_LATEST,
            offset=max(0, offset),
            totals=self._totals,
        )

    async def search(self, query: str, offset: int = 0, limit: int = SEARCH_PAGE) -> SearchResult:
        """Stories matching every word of the query in any of its forms, best first.

        A page holds `limit` hits (at most MAX_LATEST): /search shows 5, inline mode more.
        """
        if len(query) > MAX_QUERY_CHARS:
            # Cut between words: a word cut in two would become a required word that matches
            # nothing. A head of only whitespace has no words at all.
            query = next(iter(query[: MAX_QUERY_CHARS + 1].rsplit(None, 1)), "")
        groups = tuple(await asyncio.to_thread(query_terms, query))
        hits, total = await self.store.run(
            search.search_stories,
            groups,
            limit=max(1, min(limit, MAX_LATEST)),
            offset=max(0, offset),
        )
        snippets = await asyncio.to_thread(
            lambda: tuple(tuple(snippet(hit.body, groups)) for hit in hits)
        )
        return SearchResult(
            hits=tuple(hits), groups=groups, offset=offset, total=total, snippets=snippets
        )

    async def story_text(self, story_id: int) -> tuple[str, str] | None:
        """A shown story's headline and lead, for translating on demand; None otherwise.

        Bounded as they are shown: a headline stored whole before ingest cut them is not
        sent to the translator whole.
        """
        found = await self.store.run(articles.story_text, story_id)
        if found is None:
            return None
        return clip(found[0], HEADLINE_MAX_CHARS), clip(found[1], LEAD_MAX_CHARS)

    async def language_code(self, chat_id: int) -> str | None:
        """The Telegram language code a chat last used, for messages the bot starts."""
        return await self.store.run(users.language_code, chat_id)

    async def seen(self, user: ChatUser) -> None:
        """Record that a person talked to the bot."""
        await self.store.run(users.touch_user, user, self.clock())


def _group_into(index: SignatureIndex, stories: list[_Analyzed], now: datetime) -> list[int | None]:
    """Each relevant story's group in `index`, in order; each is indexed for the next ones."""
    found: list[int | None] = []
    for story_id, result, published, sort_at in stories:
        same_as = None
        if result.relevance.relevant:
            at = published or now
            # Both ways: a backfilled old story is no retelling of today's news.
            same_as = index.same_story(
                result.signature, at - GROUPING_WINDOW, story_id, until=at + GROUPING_WINDOW
            )
            if sort_at is not None:
                # Indexed now, so the next stories of the batch can join its group.
                index.add(story_id, sort_at, result.signature)
        found.append(same_as)
    return found
