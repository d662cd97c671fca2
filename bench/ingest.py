"""Ingest: the real path (store_article + analyze_pending), with page extraction, and bulk."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlite_utils
import trafilatura

from bench.corpus import OUTLETS, Story, article_page
from bot.analysis.knowledge import Knowledge
from bot.analysis.pipeline import analyze_story
from bot.ingest.pages import extract_article
from bot.ingest.reading import make_article as _article
from bot.models import NewArticle
from bot.services import Services
from storage import Store, articles, sources

T = TypeVar("T")
FEED_BATCH = 20  # articles per fetch, as a feed or listing gives them
BULK_CHUNK = 400
Progress = Callable[[str], None]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last may be shorter)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def make_sources(store: Store, now: datetime) -> dict[int, int]:
    """One feed source per outlet; outlet index to source id."""
    ids = {}
    for index, (name, name_ar, host) in enumerate(OUTLETS):
        ids[index] = await store.run(
            sources.ensure_source,
            url=f"https://{host}/feed",
            name=name,
            name_ar=name_ar,
            kind="feed",
            language="ar",
            now=now,
        )
    return ids


@dataclass(frozen=True, slots=True)
class IngestFigures:
    """What one ingest measurement did and how long each part took."""

    stories: int  # stories stored
    seconds: float
    build_seconds: float  # page extraction (if any) and _article
    store_seconds: float  # store_article
    analyze_seconds: float  # analyze_pending
    extract_seconds: float = 0.0  # of build_seconds: extract_article alone
    pages: int = 0
    floor_seconds: float = 0.0  # trafilatura.extract alone on the same pages

    @property
    def rate(self) -> float:
        """Stories a second."""
        return self.stories / self.seconds if self.seconds else 0.0


async def ingest_feed(
    services: Services,
    source_ids: dict[int, int],
    stories: Iterable[Story],
    now: datetime,
    progress: Progress | None = None,
    total: int = 0,
    budget: float | None = None,
) -> IngestFigures:
    """Feed entries in, as IngestService does it: _article, store_article, analyze_pending.

    With a `budget` (seconds), stops after the first batch that ends past it.
    """
    store = services.store
    before = await store.run(articles.count_stories)
    build = keep = analyze = 0.0
    started = last_print = time.perf_counter()
    done = 0
    for chunk in batched(stories, FEED_BATCH):
        t0 = time.perf_counter()
        built = [(story, await asyncio.to_thread(_feed_article, story)) for story in chunk]
        t1 = time.perf_counter()
        t2, t3 = await _store_and_analyze(services, source_ids, built, now)
        build, keep, analyze = build + t1 - t0, keep + t2 - t1, analyze + t3 - t2
        done += len(chunk)
        if progress and (t3 - last_print > 10 or done == total):
            last_print = t3
            progress(f"  ingested {done}/{total} ({done / (t3 - started):.0f} stories/s)")
        if budget is not None and t3 - started > budget:
            if progress:
                progress(f"  stopped after {done} stories: the {budget:.0f} s budget is spent")
            break
    seconds = time.perf_counter() - started
    stored = await store.run(articles.count_stories) - before
    return IngestFigures(stored, seconds, build, keep, analyze)


async def _store_and_analyze(
    services: Services,
    source_ids: dict[int, int],
    built: Sequence[tuple[Story, NewArticle | None]],
    now: datetime,
) -> tuple[float, float]:
    """Store a batch's articles, then analyze them, as IngestService does per fetch.

    Returns the perf_counter times at which storing and analyzing ended.
    """
    for story, article in built:
        if article is not None:
            await services.store.run(articles.store_article, source_ids[story.outlet], article, now)
    stored = time.perf_counter()
    await services.analyze_pending()
    return stored, time.perf_counter()


def analysis_floor(knowledge: Knowledge, stories: Iterable[Story]) -> float:
    """Stories a second analyze_story alone manages on one core: the ingest's floor."""
    items = [
        (a.stories[0].headline, a.stories[0].body, s.published.date())
        for s in stories
        if (a := _feed_article(s)) is not None
    ]
    for headline, body, on in items[:20]:
        analyze_story(headline, body, knowledge, on)
    started = time.perf_counter()
    for headline, body, on in items:
        analyze_story(headline, body, knowledge, on)
    return len(items) / (time.perf_counter() - started)


def _feed_article(story: Story) -> NewArticle | None:
    return _article(story.url, story.title, story.text, story.published, False)


async def ingest_pages(
    services: Services,
    source_ids: dict[int, int],
    stories: list[Story],
    template: str,
    now: datetime,
) -> IngestFigures:
    """Article pages in: extract_article (trafilatura), _article, store_article, analyze."""
    store = services.store
    pages = [(story, article_page(story, template).encode()) for story in stories]
    for _, page in pages[:5]:  # warm trafilatura's and lxml's first-use costs
        trafilatura.extract(page.decode())
    t0 = time.perf_counter()
    for _, page in pages:
        trafilatura.extract(page.decode())
    floor = time.perf_counter() - t0
    before = await store.run(articles.count_stories)
    build = keep = analyze = extract = 0.0
    started = time.perf_counter()
    for chunk in batched(pages, FEED_BATCH):
        t0 = time.perf_counter()
        built = []
        for story, page in chunk:
            e0 = time.perf_counter()
            found = await asyncio.to_thread(extract_article, page, story.url)
            extract += time.perf_counter() - e0
            if found is None:
                continue
            article = await asyncio.to_thread(
                _article, story.url, found.title or "", found.text, found.published, True
            )
            built.append((story, article))
        t1 = time.perf_counter()
        t2, t3 = await _store_and_analyze(services, source_ids, built, now)
        build, keep, analyze = build + t1 - t0, keep + t2 - t1, analyze + t3 - t2
    seconds = time.perf_counter() - started
    stored = await store.run(articles.count_stories) - before
    return IngestFigures(
        stored, seconds, build, keep, analyze, extract, pages=len(pages), floor_seconds=floor
    )


# ---- how well the product's same-story grouping matched the generator's ---------------


def grouping_check(db: sqlite_utils.Database, truth_of: dict[int, int | None]) -> dict[str, float]:
    """Share of retellings grouped with their original, and of originals merged wrongly.

    `truth_of` maps a story index to the index it retells (None for an original).
    """
    rows = db.execute(
        "SELECT a.url, s.id, s.cluster_id, s.relevant FROM stories s "
        "JOIN articles a ON a.id = s.article_id WHERE a.url LIKE '%/story-%'"
    ).fetchall()
    by_index: dict[int, tuple[int, int | None, int]] = {}
    for url, story_id, cluster_id, relevant in rows:
        index = int(url.rsplit("story-", 1)[1])
        if index in truth_of:
            by_index[index] = (story_id, cluster_id, relevant)
    retold = grouped = 0
    members: dict[int, set[int]] = {}
    for index, (story_id, cluster_id, relevant) in by_index.items():
        root = truth_of[index]
        root = index if root is None else root
        if cluster_id is not None:
            members.setdefault(cluster_id, set()).add(root)
        original_index = truth_of[index]
        original = by_index.get(original_index) if original_index is not None else None
        if original is None or not relevant or not original[2]:
            continue
        retold += 1
        mine = cluster_id or story_id
        theirs = original[1] or original[0]
        grouped += mine == theirs
    wrong = sum(1 for roots in members.values() if len(roots) > 1)
    return {
        "retold": retold,
        "grouped": grouped,
        "clusters": len(members),
        "mixed_clusters": wrong,
    }
