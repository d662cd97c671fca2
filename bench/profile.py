"""python -m bench.profile DB: where the time goes, on a database `python -m bench --workdir` kept.

Works on a copy of DB (the original is left alone) and prints:
- each step of Services._analyze_one for new stories (analyze_story, the signature index,
  save_analysis) and store_article;
- each storage call the /latest, /topic, /who and /search handlers make, then each SQL
  statement it ran (captured with a trace callback, so it follows the product's SQL), with
  its plan;
- the digest run for the subscribers in the copy, made due again: time in build_digest
  against time in each storage call.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

import bot.digest_run
from bench.corpus import SEEDS_DIR, CorpusGenerator
from bench.digest_run import run_digests
from bench.ingest import _feed_article
from bench.queries import FTS_FLOOR_SQL
from bot.analysis.knowledge import load_knowledge
from bot.analysis.pipeline import ANALYSIS_VERSION, analyze_story, discovered_actors, known_actors
from bot.analysis.text.grouping import SignatureIndex
from bot.analysis.text.stem import query_terms
from bot.tg.digest_render import digest_renderer
from storage import Store, actors, analysis, articles, search, sources, topics
from storage.db import connect
from storage.timefmt import from_db, to_db


def _copy(db_path: Path, into: Path) -> Path:
    target = into / "profile.db"
    shutil.copy(db_path, target)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{db_path}{suffix}")
        if extra.exists():
            shutil.copy(extra, Path(f"{target}{suffix}"))
    return target


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return f"p50 {ordered[len(ordered) // 2] * 1000:8.1f} ms   max {ordered[-1] * 1000:8.1f} ms"


def _time(label: str, fn: Callable[[], Any], n: int = 5) -> None:
    fn()
    seconds = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    print(f"  {label:58s} {_ms(seconds)}")


def _plan(db: sqlite_utils.Database, sql: str, params: list[Any]) -> None:
    for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall():
        print(f"      {row[3]}")


def ingest_steps(db: sqlite_utils.Database, n: int) -> None:
    """Store n new stories, then run each step of the analysis separately, timed."""
    knowledge = load_knowledge(SEEDS_DIR)
    now = datetime.now(UTC)
    source = sources.ensure_source(
        db, url="https://profile.example/feed", name="profile", name_ar="", kind="feed",
        language="ar", now=now,
    )  # fmt: skip
    steps: defaultdict[str, float] = defaultdict(float)
    started = time.perf_counter()
    for story in CorpusGenerator(now, seed=4242, days=0.5).stories(n, start_index=80_000_000):
        article = _feed_article(story)
        if article is not None:
            articles.store_article(db, source, article, now)
    steps["store_article"] += time.perf_counter() - started
    analysis.upsert_actors(db, known_actors(knowledge))
    batch = analysis.stories_to_analyze(db, ANALYSIS_VERSION, n)
    t0 = time.perf_counter()
    index = SignatureIndex(now - timedelta(days=5))
    index.extend(analysis.recent_signatures(db, index.horizon))
    steps["loading the signature index (once)"] += time.perf_counter() - t0
    window = [len(index)]
    for story_id, headline, body, published, sort_at in batch:
        at = from_db(published) or now
        t0 = time.perf_counter()
        result = analyze_story(headline, body, knowledge, at.date())
        t1 = time.perf_counter()
        steps["analyze_story"] += t1 - t0
        same_as = None
        if result.relevance.relevant:
            same_as = index.same_story(result.signature, at - timedelta(days=4), story_id)
            t2 = time.perf_counter()
            steps["SignatureIndex.same_story"] += t2 - t1
            t1 = t2
        analysis.save_analysis(
            db, story_id, result, discovered_actors(result), ANALYSIS_VERSION, same_as
        )
        when = from_db(sort_at)
        if result.relevance.relevant and when is not None:
            index.add(story_id, when, result.signature)
        steps["save_analysis"] += time.perf_counter() - t1
    count = max(1, len(batch))
    mean = sum(window) / max(1, len(window))
    print(f"ingest of {len(batch)} new stories (signatures indexed at the start: {mean:.0f})")
    for name, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  {name:34s} {seconds * 1000 / count:8.2f} ms/story")
    total = sum(steps.values())
    print(f"  {'total':34s} {total * 1000 / count:8.2f} ms/story ({count / total:.0f}/s)")


def _traced(db: sqlite_utils.Database, label: str, fn: Callable[[], Any]) -> None:
    """Time a storage function, then each SQL statement it ran, with its query plan."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        started = time.perf_counter()
        fn()
        first = time.perf_counter() - started
    finally:
        db.conn.set_trace_callback(None)
    repeat = 5 if first < 1.0 else 1
    _time(label, fn, repeat)
    for sql in dict.fromkeys(statements):
        if sql.split(None, 1)[0].upper() not in ("SELECT", "WITH"):
            continue
        short = " ".join(sql.split())
        short = short if len(short) <= 54 else short[:51] + "..."

        def run(sql: str = sql) -> object:
            return db.execute(sql).fetchall()

        _time(f"  {short}", run, repeat)
        _plan(db, sql, [])


def queries(db: sqlite_utils.Database) -> None:
    """The storage calls of the four commands, each SQL statement timed, with its plan."""
    print("queries (each storage function, then the statements it ran)")
    _traced(db, "/latest: latest_stories", lambda: articles.latest_stories(db, limit=5, offset=0))
    _traced(
        db,
        "/topic government: stories_by_topic",
        lambda: topics.stories_by_topic(db, "government", limit=5, offset=0),
    )
    key = db.execute(
        "SELECT m.actor_key FROM mentions m JOIN actors a ON a.key = m.actor_key "
        "WHERE a.kind = 'person' GROUP BY m.actor_key ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    _time(
        "/who: actor_names (persons and bodies)", lambda: actors.actor_names(db, ("person", "body"))
    )
    _traced(db, f"/who: actor_profile({key})", lambda: actors.actor_profile(db, key))
    for phrase in ("الدبيبة الانتخابات", "وزير الخارجية"):
        groups = query_terms(phrase)
        match = search.fts_query(groups)

        def searched(groups: list[tuple[str, ...]] = groups) -> object:
            return search.search_stories(db, groups, limit=5, offset=0)

        def floor(match: str = match) -> object:
            return db.execute(FTS_FLOOR_SQL, [match]).fetchall()

        _traced(db, f"/search {phrase}: search_stories", searched)
        _time(f"/search {phrase}: FTS5 floor", floor)


async def digests(db_path: Path) -> None:
    """The digest run over the copy's subscribers, made due again, with its breakdown."""
    store = Store(db_path, timeout=60)
    store.open_sync()

    def reset(db: sqlite_utils.Database) -> int:
        now = datetime.now(UTC)
        db.execute("DELETE FROM deliveries")
        db.execute(
            "UPDATE subscriptions SET active = 1, next_due = ?, last_period_end = "
            "CASE WHEN chat_id % 5 = 0 THEN NULL ELSE ? END",
            [to_db(now - timedelta(minutes=5)), to_db(now - timedelta(days=1))],
        )
        return int(db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0])

    subscribers = await store.run(reset)
    if not subscribers:
        print("digests: no subscribers in this database")
        store.close()
        return
    calls: Counter[str] = Counter()
    seconds: defaultdict[str, float] = defaultdict(float)
    run = store.run

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def timed(db: sqlite_utils.Database, *a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(db, *a, **k)
            finally:
                calls[fn.__name__] += 1
                seconds[fn.__name__] += time.perf_counter() - started

        return await run(timed, *args, **kwargs)

    store.run = counted  # type: ignore[method-assign]
    # Swapped in the module that calls it, so the service's own calls are timed.
    build = getattr(bot.digest_run, "build_digest")  # noqa: B009

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            calls["build_digest (event loop)"] += 1
            seconds["build_digest (event loop)"] += time.perf_counter() - started

    setattr(bot.digest_run, "build_digest", timed_build)  # noqa: B010
    knowledge = load_knowledge(SEEDS_DIR)
    topics = [t.id for t in knowledge.topics]
    names = {t.id: (t.name_ar, t.name_en) for t in knowledge.topics}

    async def no_pause(seconds: float) -> None:
        await asyncio.sleep(0)

    service = bot.digest_run.DigestService(
        store, None, lambda: datetime.now(UTC), topics, sleep=no_pause
    )
    try:
        fig = await run_digests(
            service, subscribers, digest_renderer(names, offer_translation=False)
        )
    finally:
        setattr(bot.digest_run, "build_digest", build)  # noqa: B010
        store.close()
    print(f"digests: {fig.subscribers} subscribers, {fig.variants} variants, {fig.seconds:.1f} s")
    for name, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        each = spent / calls[name] * 1000
        print(f"  {name:30s} {calls[name]:6d} calls {spent:7.2f} s {each:7.2f} ms/call")


def main(argv: list[str] | None = None) -> int:
    """Profile a kept bench database."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("db", type=Path, help="bench.db from python -m bench --workdir DIR")
    parser.add_argument("--stories", type=int, default=300, help="new stories to ingest")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="libya-profile-") as tmp:
        path = _copy(args.db, Path(tmp))
        db = connect(path)
        queries(db)
        ingest_steps(db, args.stories)
        db.conn.close()
        asyncio.run(digests(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
