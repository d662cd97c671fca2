"""Bulk loading to a store size, fast enough for one run, with the product's analysis.

Stories are analyzed by the product's analyze_story in worker processes and written
straight into the product's schema (the rows store_article and save_analysis would
write, in batched transactions, same-story groups as the generator made them). What a
time budget leaves over is filled with copies of the analyzed stories made in SQL: new
ids, URLs and hashes, times shifted by hours, mentions, topics and meetings copied along.
Both write through the schema's triggers, so the FTS index is built as the app builds it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bench.corpus import DAYS, Story
from bench.ingest import batched
from bot.analysis.knowledge import Knowledge, load_knowledge
from bot.analysis.pipeline import ANALYSIS_VERSION, analyze_story, discovered_actors, known_actors
from bot.ingest.reading import make_article as _article
from bot.models import NewArticle, StoryAnalysis
from storage import Store, analysis
from storage.analysis import _actor_row
from storage.timefmt import to_db

CHUNK = 400
COPY_CHUNK = 3000
Progress = Callable[[str], None]

_WORKER_KNOWLEDGE: Knowledge | None = None


def _init_worker(seeds_dir: str) -> None:
    global _WORKER_KNOWLEDGE
    _WORKER_KNOWLEDGE = load_knowledge(Path(seeds_dir))


def _analyze_chunk(items: list[tuple[str, str, date]]) -> list[StoryAnalysis]:
    assert _WORKER_KNOWLEDGE is not None
    return [analyze_story(h, b, _WORKER_KNOWLEDGE, on) for h, b, on in items]


@dataclass(frozen=True, slots=True)
class BulkFigures:
    """What a bulk load wrote."""

    analyzed: int
    analyzed_seconds: float
    copies: int
    copy_seconds: float


@dataclass(slots=True)
class _State:
    next_article: int
    next_story: int
    first_article: int
    first_story: int
    recent: dict[int, tuple[int, bool]]  # story index -> (story id, relevant), for groups


def _start(db: sqlite_utils.Database) -> _State:
    article = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0])
    story = int(db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM stories").fetchone()[0])
    return _State(article, story, article, story, {})


_DISCOVERED = """
INSERT INTO actors (key, kind, name_ar, name_en, role_ar, role_en, known, country, names)
VALUES (:key, :kind, :name_ar, :name_en, :role_ar, :role_en, :known, :country, :names)
ON CONFLICT(key) DO UPDATE SET role_ar = COALESCE(excluded.role_ar, role_ar)
"""


def _insert(
    db: sqlite_utils.Database,
    items: list[tuple[Story, NewArticle, StoryAnalysis]],
    source_ids: dict[int, int],
    now: datetime,
    state: _State,
) -> int:
    """The rows store_article and save_analysis write, for a batch, in one transaction."""
    article_rows, story_rows, mentions, topics, meetings, actors = [], [], [], [], [], []
    roots: set[int] = set()
    for story, article, result in items:
        article_id, story_id = state.next_article, state.next_story
        state.next_article += 1
        state.next_story += 1
        draft = article.stories[0]
        published = to_db(article.published_at)
        article_rows.append(
            (article_id, source_ids[story.outlet], article.url, article.canonical_url,
             article.title, article.language, published, to_db(now), article.content_hash,
             article.raw_text)
        )  # fmt: skip
        cluster_id = None
        relevant = result.relevance.relevant
        if story.dup_of is not None and relevant:
            original = state.recent.get(story.dup_of)
            if original is not None and original[1]:
                cluster_id = original[0]
                roots.add(original[0])
        story_rows.append(
            (story_id, article_id, draft.position, draft.headline, draft.lead, draft.body,
             published or to_db(now), int(relevant), result.relevance.score,
             result.search_stems, result.search_tags, json.dumps(list(result.signature)),
             cluster_id, ANALYSIS_VERSION)
        )  # fmt: skip
        mentions += [(story_id, m.key, m.role_ar, m.count) for m in result.mentions]
        topics += [(story_id, t.topic, t.score) for t in result.topics]
        meetings += [
            (story_id, m.a, m.b, m.place, m.day.isoformat() if m.day else None, m.kind)
            for m in result.meetings
        ]
        actors += [_actor_row(a) for a in discovered_actors(result)]
        state.recent[story.index] = (story_id, relevant)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO articles (id, source_id, url, canonical_url, title, language, "
            "published_at, fetched_at, content_hash, raw_text) VALUES (?,?,?,?,?,?,?,?,?,?)",
            article_rows,
        )
        db.conn.executemany(
            "INSERT INTO stories (id, article_id, position, headline, lead, body, sort_at, "
            "relevant, relevance, search_stems, search_tags, signature, cluster_id, "
            "analysis_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            story_rows,
        )
        db.conn.executemany(_DISCOVERED, actors)
        db.conn.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?)", mentions)
        db.conn.executemany("INSERT INTO story_topics VALUES (?, ?, ?)", topics)
        db.conn.executemany(
            "INSERT INTO meetings (story_id, a, b, place, day, kind) VALUES (?, ?, ?, ?, ?, ?)",
            meetings,
        )
        db.conn.executemany(
            "UPDATE stories SET cluster_id = id WHERE id = ? AND cluster_id IS NULL",
            [(root,) for root in roots],
        )
    last = items[-1][0].index
    for old in [i for i in state.recent if i < last - 50]:
        del state.recent[old]
    return len(items)


def _copy(
    db: sqlite_utils.Database,
    state: _State,
    first: int,
    count: int,
    round_no: int,
    shift_seconds: int,
    now: datetime,
) -> int:
    """Copy `count` analyzed stories from the `first`-th on, as new stories (round_no > 0).

    The analyzed stories cover the start of the period; each round of copies moves
    `shift_seconds` later, so that the rounds together cover the whole period.
    """
    pool = state.next_story - state.first_story
    s_lo, a_lo = state.first_story + first, state.first_article + first
    s_hi, a_hi = s_lo + count - 1, a_lo + count - 1
    s_off = pool * round_no
    a_off = pool * round_no
    shift = f"+{shift_seconds} seconds"
    latest = to_db(now)
    stamp = "'%Y-%m-%dT%H:%M:%S+00:00'"
    tag = f"#copy-{round_no}"
    with db.atomic():
        db.execute(
            "INSERT INTO articles (id, source_id, url, canonical_url, title, language, "
            "published_at, fetched_at, content_hash, raw_text) "
            f"SELECT id + ?, source_id, url || ?, canonical_url || ?, title, language, "
            f"MIN(strftime({stamp}, published_at, ?), ?), fetched_at, content_hash || ?, "
            "raw_text FROM articles WHERE id BETWEEN ? AND ?",
            [a_off, tag, tag, shift, latest, tag, a_lo, a_hi],
        )
        db.execute(
            "INSERT INTO stories (id, article_id, position, headline, lead, body, sort_at, "
            "relevant, relevance, search_stems, search_tags, signature, cluster_id, "
            "analysis_version) "
            f"SELECT id + ?, article_id + ?, position, headline, lead, body, "
            f"MIN(strftime({stamp}, sort_at, ?), ?), relevant, relevance, search_stems, "
            "search_tags, signature, cluster_id + ?, analysis_version FROM stories "
            "WHERE id BETWEEN ? AND ?",
            [s_off, a_off, shift, latest, s_off, s_lo, s_hi],
        )
        for table, columns in (
            ("mentions", "actor_key, role_ar, count"),
            ("story_topics", "topic, score"),
            ("meetings", "a, b, place, day, kind"),
        ):
            db.execute(
                f"INSERT INTO {table} (story_id, {columns}) "
                f"SELECT story_id + ?, {columns} FROM {table} WHERE story_id BETWEEN ? AND ?",
                [s_off, s_lo, s_hi],
            )
    return count


async def bulk_load(
    store: Store,
    source_ids: dict[int, int],
    stories: Iterable[Story],
    total: int,
    now: datetime,
    seeds_dir: Path,
    workers: int,
    budget: float,
    progress: Progress,
    days: float = DAYS,
) -> BulkFigures:
    """`total` more stories: analyzed ones while `budget` seconds last, then copies of them."""
    await store.run(analysis.upsert_actors, known_actors(load_knowledge(seeds_dir)))
    state = await store.run(_start)
    context = multiprocessing.get_context("spawn")
    started = last_print = time.perf_counter()
    analyzed = 0
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(str(seeds_dir),)
    ) as pool:
        inflight: deque[tuple[list[tuple[Story, NewArticle]], asyncio.Future[list[StoryAnalysis]]]]
        inflight = deque()

        async def drain_one() -> None:
            nonlocal analyzed, last_print
            built, future = inflight.popleft()
            results = await future
            items = [(s, a, r) for (s, a), r in zip(built, results, strict=True)]
            analyzed += await store.run(_insert, items, source_ids, now, state)
            at = time.perf_counter()
            if at - last_print > 15:
                last_print = at
                rate = analyzed / (at - started)
                progress(f"  analyzed and stored {analyzed}/{total} ({rate:.0f} stories/s)")

        for chunk in batched(stories, CHUNK):
            if time.perf_counter() - started > budget:
                break
            built = [(s, a) for s in chunk if (a := _feed(s)) is not None]
            payload = [
                (a.stories[0].headline, a.stories[0].body, s.published.date()) for s, a in built
            ]
            future = asyncio.wrap_future(pool.submit(_analyze_chunk, payload))
            inflight.append((built, future))
            if len(inflight) > workers:
                await drain_one()
        while inflight:
            await drain_one()
    analyzed_seconds = time.perf_counter() - started
    remaining = total - analyzed
    copied = 0
    started = time.perf_counter()
    if remaining > 0 and analyzed:
        progress(f"  {remaining} more as copies of the {analyzed} analyzed stories")
    # The analyzed stories span this share of the period: each round of copies follows on.
    span = int(timedelta(days=days).total_seconds() * analyzed / max(1, total))
    round_no = 1
    while remaining > 0 and analyzed:
        for first in range(0, analyzed, COPY_CHUNK):
            count = min(COPY_CHUNK, analyzed - first, remaining)
            if count <= 0:
                break
            copied += await store.run(_copy, state, first, count, round_no, span * round_no, now)
            remaining -= count
        round_no += 1
    return BulkFigures(analyzed, analyzed_seconds, copied, time.perf_counter() - started)


def _feed(story: Story) -> NewArticle | None:
    return _article(story.url, story.title, story.text, story.published, False)
