"""The signature index finds exactly what comparing every signature one by one finds."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analysis.text.cluster import PERMUTATIONS, same_story, signature
from bot.analysis.text.grouping import LARGE_BUCKET, SignatureIndex
from bot.services import Services
from tests.conftest import FIXED_NOW
from tests.test_search import add_stories

START = datetime(2026, 11, 20, tzinfo=UTC)


def brute_force(
    entries: list[tuple[int, datetime, tuple[int, ...]]],
    new: tuple[int, ...],
    since: datetime,
    exclude: int,
) -> int | None:
    """What the bot did before the index: the newest story since then that matches."""
    ordered = sorted(entries, key=lambda e: (e[1], e[0]), reverse=True)
    return next(
        (
            sid
            for sid, when, sig in ordered
            if when >= since and sid != exclude and same_story(new, sig)
        ),
        None,
    )


def near(base: tuple[int, ...], keep: int, rng: random.Random) -> tuple[int, ...]:
    """A signature sharing about `keep` of its values with `base`."""
    positions = set(rng.sample(range(PERMUTATIONS), keep))
    return tuple(v if i in positions else rng.randrange(1 << 32) for i, v in enumerate(base))


def test_the_index_agrees_with_brute_force_on_random_signatures() -> None:
    rng = random.Random(7)
    bases = [tuple(rng.randrange(1 << 32) for _ in range(PERMUTATIONS)) for _ in range(40)]
    entries = []
    for story_id in range(1, 600):
        base = rng.choice(bases)
        # Around the threshold (14-15 of 64 equal), and far from it on both sides.
        keep = rng.choice([0, 3, 10, 13, 14, 15, 16, 30, 64])
        entries.append(
            (story_id, START + timedelta(minutes=rng.randrange(8000)), near(base, keep, rng))
        )
    index = SignatureIndex(START)
    index.extend(entries)
    assert len(index) == len(entries)
    checked = matched = 0
    for _ in range(300):
        new = near(rng.choice(bases), rng.choice([5, 14, 15, 20, 64]), rng)
        since = START + timedelta(minutes=rng.randrange(8000))
        exclude = rng.randrange(1, 600)
        expected = brute_force(entries, new, since, exclude)
        assert index.same_story(new, since, exclude) == expected
        checked += 1
        matched += expected is not None
    assert checked == 300 and 50 < matched < 290  # both outcomes were exercised


def test_real_retellings_group_and_an_empty_or_short_signature_never_does() -> None:
    text = "بحث المنفي مع السفير الإيطالي ملف الانتخابات والهجرة غير النظامية في طرابلس"
    index = SignatureIndex(START)
    index.add(1, START, signature(text))
    index.add(2, START, ())  # a text without words
    index.add(3, START, (1, 2, 3))  # not a full signature: ignored
    assert len(index) == 1
    retold = signature(text + " وأكد الجانبان أهمية التعاون")
    assert index.same_story(retold, START, exclude=99) == 1
    assert index.same_story(retold, START, exclude=1) is None  # never itself
    assert index.same_story(retold, START + timedelta(seconds=1), exclude=99) is None  # too old
    assert index.same_story((), START, exclude=99) is None


def test_the_newest_match_wins_and_the_horizon_says_what_is_covered() -> None:
    sig = tuple(range(PERMUTATIONS))
    index = SignatureIndex(START)
    index.add(5, START + timedelta(hours=1), sig)
    index.add(4, START + timedelta(hours=3), sig)
    index.add(6, START + timedelta(hours=2), sig)
    index.add(4, START, sig)  # added twice: the first stays
    assert index.same_story(sig, START, exclude=0) == 4
    assert index.same_story(sig, START, exclude=0, until=START + timedelta(hours=2)) == 6
    assert index.covers(START) and not index.covers(START - timedelta(seconds=1))


async def test_backfilled_stories_older_than_the_index_still_find_their_group(
    services: Services,
) -> None:
    """The index loads recent days first; older stories make it reach back, gap only."""
    text = "بحث المنفي مع السفير الإيطالي ملف الانتخابات والهجرة غير النظامية في طرابلس اليوم"

    def story(key: str, days_ago: float, outlet: str) -> dict[str, Any]:
        published = FIXED_NOW - timedelta(days=days_ago)
        return {
            "key": key, "headline": "المنفي يبحث مع السفير الإيطالي ملف الانتخابات",
            "body": text, "outlet": outlet, "outlet_ar": outlet,
            "url": f"https://news.test/{key}", "published": published.isoformat(),
        }  # fmt: skip

    await add_stories(services, [story("today", 0, "A")])
    await services.analyze_pending()  # the index now starts 4 days back
    await add_stories(services, [story("old", 20, "B"), story("old-retold", 19.5, "C")])
    await services.analyze_pending()
    rows = await services.store.run(
        lambda db: db.execute(
            "SELECT a.url, s.cluster_id, s.id FROM stories s JOIN articles a "
            "ON a.id = s.article_id WHERE a.url LIKE 'https://news.test/%' ORDER BY s.id"
        ).fetchall()
    )
    by_url = {url.rsplit("/", 1)[1]: (cluster, sid) for url, cluster, sid in rows}
    assert by_url["old-retold"][0] == by_url["old"][1]  # grouped, 20 days back
    assert by_url["today"][0] is None  # 20 days apart: not the same story


# --- hostile input: floods of near-copies -------------------------------------------------


def test_values_many_stories_share_leave_the_answer_exact() -> None:
    """Boilerplate: a few positions hold one value in thousands of stories (large buckets)."""
    rng = random.Random(11)
    common = {position: rng.randrange(1 << 32) for position in rng.sample(range(PERMUTATIONS), 9)}

    def boilerplate(sig: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(common.get(i, v) for i, v in enumerate(sig))

    bases = [tuple(rng.randrange(1 << 32) for _ in range(PERMUTATIONS)) for _ in range(60)]
    entries = []
    for story_id in range(1, 2000):
        keep = rng.choice([0, 3, 5, 6, 7, 10, 20, 64])
        sig = near(rng.choice(bases), keep, rng)
        entries.append((story_id, START + timedelta(minutes=rng.randrange(8000)), boilerplate(sig)))
    assert len(entries) > LARGE_BUCKET
    index = SignatureIndex(START)
    index.extend(entries)
    matched = 0
    for _ in range(200):
        new = boilerplate(near(rng.choice(bases), rng.choice([2, 5, 6, 8, 64]), rng))
        since = START + timedelta(minutes=rng.randrange(8000))
        exclude = rng.randrange(1, 2000)
        expected = brute_force(entries, new, since, exclude)
        assert index.same_story(new, since, exclude) == expected
        matched += expected is not None
    assert 40 < matched < 190


def test_a_flood_of_near_copies_is_grouped_in_linear_time() -> None:
    """100,000 near-identical feed items once took over 45 minutes here: it was quadratic."""
    rng = random.Random(3)
    base = tuple(rng.randrange(1 << 32) for _ in range(PERMUTATIONS))
    index = SignatureIndex(START)
    grouped = 0
    started = time.monotonic()
    for story_id in range(1, 5_001):
        sig = near(base, PERMUTATIONS - 8, rng)  # each copy differs in 8 of 64 values
        at = START + timedelta(seconds=story_id)
        found = index.same_story(sig, START, exclude=story_id)
        grouped += found == story_id - 1  # the newest copy before it
        index.add(story_id, at, sig)
        if story_id % 500 == 0:
            # Counting them all, 3,000 took 5 s and 5,000 would take 14.
            assert time.monotonic() - started < 8.0, f"only {story_id} copies in 8 s"
    assert grouped == 5_000 - 1


async def test_grouping_a_flood_leaves_the_event_loop_free(services: Services) -> None:
    """The grouping of a batch runs in a thread: the bot answers while a flood is grouped."""
    text = "بحث المنفي مع السفير الإيطالي ملف الانتخابات والهجرة غير النظامية في طرابلس"
    sig = signature(text)
    # 20,000 copies already indexed, as a flood fed in over the last hours would leave them.
    flood = SignatureIndex(FIXED_NOW - timedelta(days=5))
    flood.extend((-n, FIXED_NOW - timedelta(seconds=n), sig) for n in range(1, 20_001))

    def copy(n: int) -> dict[str, Any]:
        return {
            "key": f"copy-{n}", "headline": f"المنفي يبحث مع السفير الإيطالي {n}", "body": text,
            "outlet": "A", "outlet_ar": "A", "url": f"https://news.test/{n}",
            "published": FIXED_NOW.isoformat(),
        }  # fmt: skip

    await add_stories(services, [copy(n) for n in range(100)])
    services._index, services._index_loaded = flood, time.monotonic()
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            lags.append(time.monotonic() - before - 0.01)

    ticking = asyncio.create_task(ticker())
    try:
        assert await services.analyze_pending() == 100
    finally:
        ticking.cancel()
    assert max(lags) < 0.25, f"the event loop stalled {max(lags):.2f} s"
