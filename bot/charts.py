"""The pictures a reader asks for: trends over 12 weeks and the meetings of a period.

Each answer carries its PNG and the data behind it, so the caption (or a reader with images
off) gets the same facts in words. Pictures are drawn in a worker thread with a time limit
and kept per (question, language, data version): the same question asked again while no story
has been stored or analyzed is answered at once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, TypeVar

from bot.analysis.knowledge import Knowledge
from bot.models import ActorRecord, NewsPeriod, Topic
from bot.pictures import (
    Link,
    MeetingMap,
    Person,
    Series,
    TrendChart,
    meetings_png,
    trend_png,
    trends_png,
)
from storage import Store, periods, trends

Lang = Literal["ar", "en"]
T = TypeVar("T")
Span = Literal["week", "month"]

WEEKS = 12
RISING = 5
SPANS: dict[Span, timedelta] = {"week": timedelta(days=7), "month": timedelta(days=30)}
DRAW_LIMIT = 20.0  # seconds a picture may take before the reader is told it could not be drawn
CACHED = 64  # pictures kept
DRAWN = 200  # meetings of a period the map is drawn from, the most told
LISTED = 40  # meetings listed in words under the map

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Words:
    """The words drawn on the pictures, in the reader's language (from the interface strings)."""

    topics_title: str
    unit: str
    meetings_week: str
    meetings_month: str
    meeting: str
    call: str
    omitted: str  # "{n} more in the list"


class DrawingFailed(RuntimeError):
    """A picture took too long or could not be drawn."""


@dataclass(frozen=True, slots=True)
class TrendsAnswer:
    """Stories a week per series over the weeks to `end`, and the picture of them."""

    png: bytes
    weeks: tuple[date, ...]
    series: tuple[Series, ...]
    rising: tuple[Series, ...]
    end: datetime
    current: bool  # the weeks end now; else at the newest story, in a quiet time


@dataclass(frozen=True, slots=True)
class MeetingsAnswer:
    """Who met whom in the period, every meeting named, and the picture of them."""

    png: bytes | None  # None when there were no meetings to draw
    meetings: tuple[tuple[str, str, str, str, str], ...]  # a, b, kind, place, day as shown
    start: datetime
    end: datetime
    current: bool
    more: int = 0  # meetings of the period beyond those listed, the least told


class Charts:
    """Trends and meetings as pictures, over one store and one knowledge base."""

    def __init__(self, store: Store, knowledge: Knowledge, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self._pictures: OrderedDict[tuple[object, ...], bytes] = OrderedDict()

    def forget_pictures(self) -> None:
        """Drop every kept picture (the benchmark measures drawing, not the cache)."""
        self._pictures.clear()

    async def trends(
        self, lang: Lang, words: Words, topic_ids: tuple[str, ...] = ()
    ) -> TrendsAnswer:
        """The topics (all, or those given) a week over 12 weeks, and who is rising."""
        period = await self.store.run(periods.news_period, self.clock(), WEEK, "topics")
        counts = await self.store.run(trends.topic_weeks, period.end, WEEKS)
        topics = [t for t in self.knowledge.topics if not topic_ids or t.id in topic_ids]
        series = tuple(
            Series(_topic_name(t, lang), tuple(counts.get(t.id, [0] * WEEKS))) for t in topics
        )
        risen = await self.store.run(trends.rising_people, period.end, WEEKS, RISING)
        rising = tuple(Series(p.name_ar if lang == "ar" else p.name_en, p.counts) for p in risen)
        weeks = _week_starts(period.end)
        chart = TrendChart(
            title=words.topics_title, weeks=weeks, series=series, language=lang,
            unit=words.unit,
        )  # fmt: skip
        png = await self._draw(("trends", lang, topic_ids), trends_png, chart)
        return TrendsAnswer(png, weeks, series, rising, period.end, period.current)

    async def topic_trend(self, topic: Topic, lang: Lang, words: Words) -> TrendsAnswer:
        """One topic a week over 12 weeks."""
        period = await self.store.run(periods.news_period, self.clock(), WEEK, "topics")
        counts = await self.store.run(trends.topic_weeks, period.end, WEEKS)
        series = (Series(_topic_name(topic, lang), tuple(counts.get(topic.id, [0] * WEEKS))),)
        return await self._one(("topic", topic.id, lang), series, period, lang, words)

    async def person_trend(self, person: ActorRecord, lang: Lang, words: Words) -> TrendsAnswer:
        """One person's stories a week over 12 weeks."""
        period = await self.store.run(periods.news_period, self.clock(), WEEK, "people")
        found = await self.store.run(trends.people_weeks, period.end, WEEKS, [person.key])
        counts = found[0].counts if found else (0,) * WEEKS
        name = person.name_ar if lang == "ar" else person.name_en
        question = ("person", person.key, lang)
        return await self._one(question, (Series(name, counts),), period, lang, words)

    async def meetings(self, span: Span, lang: Lang, words: Words) -> MeetingsAnswer:
        """The meetings of the last week or month with news, as a map and a list."""
        length = SPANS[span]
        period = await self.store.run(periods.news_period, self.clock(), length, "people")
        found = await self.store.run(trends.meeting_edges, period.start, period.end)
        # The most told first: a busy month has thousands; the picture keeps the most
        # connected of the first DRAWN, the list the first LISTED.
        edges = found[:DRAWN]
        keys = sorted({k for e in edges for k in (e.a, e.b)})
        actors = await self.store.run(trends.actors_by_key, keys)
        names = {k: _actor_name(actors.get(k), k, lang) for k in keys}
        listed = tuple(
            (names[e.a], names[e.b], e.kind, self._place(e.place, lang), e.day or "")
            for e in edges[:LISTED]
        )
        if not edges:
            return MeetingsAnswer(None, (), period.start, period.end, period.current)
        picture = MeetingMap(
            title=words.meetings_week if span == "week" else words.meetings_month,
            people=tuple(Person(k, names[k]) for k in keys),
            links=tuple(
                Link(e.a, e.b, "call" if e.kind == "call" else "meeting",
                     self._place(e.place, lang), _short_day(e.day))
                for e in edges
            ),
            language=lang, meeting_label=words.meeting, call_label=words.call,
            omitted=words.omitted,
        )  # fmt: skip
        png = await self._draw(("meetings", span, lang), meetings_png, picture)
        more = len(found) - len(listed)
        return MeetingsAnswer(png, listed, period.start, period.end, period.current, more)

    async def _one(
        self,
        question: tuple[object, ...],
        series: tuple[Series, ...],
        period: NewsPeriod,
        lang: Lang,
        words: Words,
    ) -> TrendsAnswer:
        weeks = _week_starts(period.end)
        chart = TrendChart(
            title=series[0].name, weeks=weeks, series=series, language=lang,
            unit=words.unit,
        )  # fmt: skip
        png = await self._draw(question, trend_png, chart)
        return TrendsAnswer(png, weeks, series, (), period.end, period.current)

    def _place(self, place: str | None, lang: Lang) -> str:
        return self.knowledge.place_label(place, lang) if place else ""

    async def _draw(
        self, question: tuple[object, ...], draw: Callable[[T], bytes], data: T
    ) -> bytes:
        """The picture of `data`, from the cache when the data have not changed since."""
        version = await self.store.run(trends.data_version)
        key = (*question, version, data)
        if (png := self._pictures.get(key)) is not None:
            self._pictures.move_to_end(key)
            return png
        try:
            png = await asyncio.wait_for(asyncio.to_thread(draw, data), DRAW_LIMIT)
        except TimeoutError as exc:
            raise DrawingFailed("the picture took too long") from exc
        self._pictures[key] = png
        while len(self._pictures) > CACHED:
            self._pictures.popitem(last=False)
        return png


def _week_starts(end: datetime) -> tuple[date, ...]:
    return tuple((end - (WEEKS - n) * WEEK).date() for n in range(WEEKS))


def _topic_name(topic: Topic, lang: Lang) -> str:
    return topic.name_ar if lang == "ar" else topic.name_en


def _actor_name(actor: ActorRecord | None, key: str, lang: Lang) -> str:
    if actor is None:
        return key
    return actor.name_ar if lang == "ar" else actor.name_en


def _short_day(day: str | None) -> str:
    """A stored day (2026-03-05) as day/month (5/3); nothing when unknown."""
    if not day:
        return ""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return ""
    return f"{parsed.day}/{parsed.month}"
