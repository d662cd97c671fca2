"""The weekly brief: the trends chart, the week's meetings and its top stories per topic.

Sent once a week at each subscriber's weekday and local time, exactly once like the daily
digest: claimed in the weekly ledger in the transaction that moves the schedule on, sent by
DigestService's sender, resumed after a crash. Telegram stays outside (render and send).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.charts import Charts, DrawingFailed, Lang, MeetingsAnswer, TrendsAnswer, Words
from bot.digest_builder import SOURCE_WEIGHT, RankedPeriod, build_digest
from bot.digest_run import DigestService, RunReport, Send, Variant
from bot.models import Digest, DigestItem, DigestMessage, Subscription, Translation
from bot.schedule import next_weekly, parse_local_time
from bot.subscribers import DEFAULT_ZONE, Clock
from storage import Store
from storage import subscriptions as subs

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)
PER_TOPIC = 3  # the week's top stories of each topic
# A brief due longer ago than this (the bot was stopped, the subscription paused) is not sent
# late: its schedule moves to the next week.
STALE = timedelta(hours=12)
# How long pictures of briefs are kept: pending briefs are given up after RETRY_FOR (6 h).
KEEP_PICTURES = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class WeeklyBrief:
    """What a weekly brief shows; a picture that could not be drawn in time is None."""

    digest: Digest
    trends: TrendsAnswer | None
    meetings: MeetingsAnswer | None


WeeklyRender = Callable[[WeeklyBrief, Variant, dict[int, Translation], bool], list[DigestMessage]]
WordsFor = Callable[[Lang], Words]


def picture_lang(digest_lang: str) -> Lang:
    """The pictures' language: English for an English digest, Arabic otherwise."""
    return "en" if digest_lang == "en" else "ar"


def weekly_digest(
    period: RankedPeriod,
    *,
    topics: Sequence[str],
    topic_order: Sequence[str],
    follows: frozenset[str],
    per_topic: int = PER_TOPIC,
) -> Digest:
    """The best `per_topic` stories of each topic (those asked, else all), each story once."""
    sections: list[tuple[str | None, tuple[DigestItem, ...]]] = []
    people: dict[tuple[str, str], None] = {}
    seen: set[int] = set()
    for topic in [t for t in topic_order if not topics or t in topics]:
        digest = build_digest(
            period, period_start=period.period_start, period_end=period.period_end,
            topics=(topic,), max_items=per_topic + len(seen), follows=follows,
            topic_order=(topic,),
        )  # fmt: skip
        # A story of two topics is shown under the first: more are asked for to make up.
        items = [i for _, found in digest.sections for i in found if i.story.id not in seen]
        items = items[:per_topic]
        if items:
            sections.append((topic, tuple(items)))
            seen.update(i.story.id for i in items)
            people.update(dict.fromkeys(digest.people))
    return Digest(
        period_start=period.period_start,
        period_end=period.period_end,
        sections=tuple(sections),
        people=tuple(people)[:8],
    )


class WeeklyService:
    """The weekly run: build each variant's brief once, claim, send, resume after a crash."""

    def __init__(
        self,
        store: Store,
        digests: DigestService,
        charts: Charts,
        clock: Clock,
        topic_order: Sequence[str],
    ) -> None:
        self.store = store
        self.digests = digests
        self.charts = charts
        self.clock = clock
        self.topic_order = tuple(topic_order)
        self._running = asyncio.Lock()

    async def preview(
        self,
        chat_id: int,
        render: WeeklyRender,
        words: WordsFor,
        *,
        default_zone: str = DEFAULT_ZONE,
    ) -> list[DigestMessage]:
        """A chat's weekly brief as it would be now, for /digest weekly; nothing is recorded."""
        subscription = await self.store.run(subs.get_subscription, chat_id)
        now = self.clock()
        end = now.replace(microsecond=0) + timedelta(seconds=1)
        variant = await self.digests.variant(subscription, chat_id, end - WEEK, end, default_zone)
        return await self._brief(variant, render, words, {})

    async def run(self, render: WeeklyRender, send: Send, words: WordsFor) -> RunReport:
        """Resume the weekly briefs a crash interrupted, then send every one that is due."""
        async with self._running:
            return await self._run(render, send, words)

    async def _run(self, render: WeeklyRender, send: Send, words: WordsFor) -> RunReport:
        held: set[tuple[int, str]] = set()
        resumed = await self.digests.deliver(send, subs.WEEKLY, held)
        now = self.clock()
        due = await self.store.run(subs.due_weekly, now)
        stale = [s for s in due if s.weekly_next_due and now - s.weekly_next_due > STALE]
        if stale:
            await self.store.run(subs.skip_weekly, [(s, _next(s, now)) for s in stale])
        skipped = {s.chat_id for s in stale}
        fresh = [s for s in due if s.chat_id not in skipped]
        follows = await self.store.run(subs.follows_of_chats, [s.chat_id for s in fresh])
        rendered: dict[Variant, list[DigestMessage]] = {}
        periods: dict[tuple[datetime, datetime], RankedPeriod] = {}
        claims = []
        for subscription in fresh:
            variant = await self.digests.variant(
                subscription, subscription.chat_id, now - WEEK, now,
                follows=frozenset(follows.get(subscription.chat_id, ())),
            )  # fmt: skip
            # The digest's length and empty-period choice do not shape a brief: subscribers
            # who differ only there share one.
            variant = replace(variant, max_items=PER_TOPIC, empty_notice=True)
            if variant not in rendered:
                rendered[variant] = await self._brief(variant, render, words, periods)
            claims.append(
                subs.Claim(
                    subscription,
                    period_start=now - WEEK,
                    period_end=now,
                    chunks=rendered[variant],
                    next_due=_next(subscription, now),
                )
            )
        claimed = await self.store.run(subs.claim_deliveries, claims, now, subs.WEEKLY)
        sent = await self.digests.deliver(send, subs.WEEKLY, held, claimed)
        if claimed:
            await self.store.run(subs.forget_pictures, now - KEEP_PICTURES)
        return RunReport.of(len(fresh), len(claimed), len(rendered), resumed, sent)

    async def _brief(
        self,
        variant: Variant,
        render: WeeklyRender,
        words: WordsFor,
        periods: dict[tuple[datetime, datetime], RankedPeriod],
    ) -> list[DigestMessage]:
        key = (variant.period_start, variant.period_end)
        if key not in periods:
            # A week's ranking: one more outlet is worth a week's freshness, as it is a day's
            # in the daily digest.
            periods.update(await self.digests.ranked({key}, source_weight=SOURCE_WEIGHT * 7))
        digest = weekly_digest(
            periods[key], topics=variant.topics, topic_order=self.topic_order,
            follows=variant.follows,
        )  # fmt: skip
        lang = picture_lang(variant.lang)
        trends: TrendsAnswer | None = None
        meetings: MeetingsAnswer | None = None
        try:
            # Every topic, whatever the subscriber chose: one chart per language for all.
            trends = await self.charts.trends(lang, words(lang))
        except DrawingFailed:
            log.warning("the weekly trends chart could not be drawn in time; sent without it")
        try:
            meetings = await self.charts.meetings("week", lang, words(lang))
        except DrawingFailed:
            log.warning("the weekly meetings picture could not be drawn in time; sent without it")
        translated, complete = await self.digests.translate(digest, variant.lang)
        return render(WeeklyBrief(digest, trends, meetings), variant, translated, complete)


def _next(subscription: Subscription, now: datetime) -> datetime:
    when = parse_local_time(subscription.weekly_time)
    assert when is not None
    return next_weekly(now, subscription.weekly_day, when, subscription.timezone)
