"""Lists go newest first by a story's own date, else by when it was stored; and which week
"in the news" and the topic counts cover. At the storage level, with undated, future-dated
and backfilled stories.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.models import ActorRecord, NewArticle, NewsPeriod, StoryDraft, StoryView
from storage import (
    actors,
    analysis,
    articles,
    candidates,
    periods,
    search,
    sources,
    topics,
    trends,
)
from storage import subscriptions as subs
from storage.db import MIGRATIONS, connect, migrate
from storage.timefmt import FUTURE_SLACK, believed_date, from_db, sort_date, to_db

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
PERSON = ActorRecord(
    key="mangoush", kind="person", name_ar="نجلاء المنقوش", name_en="Najla Mangoush",
    role_ar=None, role_en=None, known=True, country="libya", names=("mangoush",),
)  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = connect(tmp_path / "order.db")
    analysis.upsert_actors(database, [PERSON])
    return database


def add(
    db: sqlite_utils.Database,
    name: str,
    *,
    published: datetime | None,
    stored: datetime,
    kind: str = "feed",
    topic: str | None = "elections",
    person: bool = True,
) -> int:
    """A shown story about `topic` naming Mangoush (unless not `person`), as ingest stores it."""
    source = sources.ensure_source(
        db, url=f"https://{kind}.example/{name}", name=f"Outlet {name}", name_ar=f"منفذ {name}",
        kind=kind, language="ar", now=stored,
    )  # fmt: skip
    article = NewArticle(
        url=None if kind == "seed" else f"https://{kind}.example/{name}/1",
        canonical_url=None if kind == "seed" else f"https://{kind}.example/{name}/1",
        title=name, language="ar", published_at=published, content_hash=name,
        raw_text=f"{name} text", stories=(StoryDraft(0, name, f"{name} body", f"{name} lead"),),
    )  # fmt: skip
    article_id = articles.store_article(db, source, article, stored)
    assert article_id is not None
    [story_id] = [
        row[0] for row in db.execute("SELECT id FROM stories WHERE article_id = ?", [article_id])
    ]
    db.execute(
        "UPDATE stories SET relevant = 1, search_stems = 'ليب', analysis_version = 99 WHERE id = ?",
        [story_id],
    )
    if topic is not None:
        db.execute("INSERT INTO story_topics VALUES (?, ?, 1.0)", [story_id, topic])
    if person:
        db.execute("INSERT INTO mentions VALUES (?, 'mangoush', NULL, 1)", [story_id])
    db.conn.commit()
    return int(story_id)


def names(stories: tuple[StoryView, ...] | list[StoryView]) -> list[str]:
    return [story.headline for story in stories]


@pytest.fixture
def mixed(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Stories of every kind of date, stored in an order unlike their dates."""
    # Backfilled: published in March 2025, stored today.
    add(db, "backfilled", published=at("2025-03-10T09:00"), stored=NOW)
    # Undated, stored on 20 Nov: sorts by that.
    add(db, "undated", published=None, stored=at("2026-11-20T12:00"))
    add(db, "dated", published=at("2026-11-28T08:00"), stored=at("2026-11-28T09:00"))
    # A feed dated a month ahead: not believed, it counts as stored, on 25 Nov.
    add(db, "future", published=at("2026-12-29T08:00"), stored=at("2026-11-25T12:00"))
    # A few hours ahead of when it was stored (a time zone off): believed.
    add(db, "early", published=at("2026-11-29T10:00"), stored=at("2026-11-29T06:00"))
    # An undated seed page, stored on 22 Nov.
    add(db, "seed", published=None, stored=at("2026-11-22T07:00"), kind="seed")
    return db


NEWEST_FIRST = ["early", "dated", "future", "seed", "undated", "backfilled"]


def test_latest_is_newest_first_by_own_date_else_stored(mixed: sqlite_utils.Database) -> None:
    page = articles.latest_stories(mixed, limit=10, offset=0)
    assert names(page.stories) == NEWEST_FIRST
    # Paged, the order holds across pages.
    pages = [articles.latest_stories(mixed, limit=2, offset=n).stories for n in (0, 2, 4)]
    assert [name for page in pages for name in names(page)] == NEWEST_FIRST


def test_views_carry_the_date_shown_and_when_stored(mixed: sqlite_utils.Database) -> None:
    by_name = {s.headline: s for s in articles.latest_stories(mixed, limit=10, offset=0).stories}
    assert by_name["backfilled"].published_at == at("2025-03-10T09:00")
    assert by_name["backfilled"].stored_at == NOW
    assert by_name["undated"].published_at is None
    assert by_name["undated"].stored_at == at("2026-11-20T12:00")
    # The future date is not shown either: the story shows when it was stored.
    assert by_name["future"].published_at is None
    assert by_name["future"].stored_at == at("2026-11-25T12:00")
    assert by_name["early"].published_at == at("2026-11-29T10:00")
    assert by_name["seed"].source_kind == "seed" and by_name["seed"].url is None
    assert by_name["dated"].source_kind == "feed" and by_name["dated"].url


@pytest.mark.parametrize("common", [False, True])
def test_a_topic_lists_newest_first(
    mixed: sqlite_utils.Database, common: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both of the topic page's queries: walking all stories, or the topic's own.
    monkeypatch.setattr(topics, "COMMON_TOPIC", 0 if common else 10**9)
    page = topics.stories_by_topic(mixed, "elections", limit=10, offset=0)
    assert names(page.stories) == NEWEST_FIRST


def test_a_profile_lists_its_latest_newest_first(mixed: sqlite_utils.Database) -> None:
    profile = actors.actor_profile(mixed, "mangoush", latest=4)
    assert profile is not None
    assert names(profile.latest) == NEWEST_FIRST[:4]


def test_alerts_and_digest_candidates_come_newest_first(mixed: sqlite_utils.Database) -> None:
    ids = [row[0] for row in mixed.execute("SELECT id FROM stories ORDER BY id")]
    for story_id in ids:
        mixed.execute(
            "INSERT INTO alerts (chat_id, story_id, reason, created_at) VALUES (1, ?, 'x', ?)",
            [story_id, to_db(NOW)],
        )
    alert_ids = [row[0] for row in mixed.execute("SELECT id FROM alerts")]
    assert names(subs.alert_stories(mixed, alert_ids)) == NEWEST_FIRST
    period = (at("2026-11-01T00:00"), NOW + timedelta(seconds=1))
    found = candidates.period_candidates(mixed, [period])[period]
    assert names([c.story for c in found]) == NEWEST_FIRST
    # A digest ranks by freshness from the same date: the future-dated story is 4 days old.
    future = next(c for c in found if c.story.headline == "future")
    assert future.sort_at == at("2026-11-25T12:00")


def test_many_periods_read_together_are_each_as_read_alone(mixed: sqlite_utils.Database) -> None:
    stored = sorted(
        from_db(row[0]) for row in mixed.execute("SELECT fetched_at FROM articles")
    )  # fmt: skip
    end = NOW + timedelta(seconds=1)
    periods = [(at("2026-11-01T00:00"), end), (stored[2], end), (stored[-1], end), (end, end)]
    together = candidates.period_candidates(mixed, periods)
    assert list(together) == periods
    for since, until in periods:
        alone = candidates.period_candidates(mixed, [(since, until)])[(since, until)]
        assert together[(since, until)] == alone
    # The periods differ, so the test compares something.
    assert len({len(found) for found in together.values()}) == len(periods)


def test_search_breaks_ties_newest_first(mixed: sqlite_utils.Database) -> None:
    # Every story has the same text to match, so bm25 ties and the date decides.
    hits, total = search.search_stories(mixed, [["ليب"]], limit=10, offset=0)
    assert total == 6
    assert names([hit.story for hit in hits]) == NEWEST_FIRST


@pytest.mark.parametrize("copies", [6, 45])  # a tie within the read margin, and past it
def test_search_pages_through_a_long_tie_newest_first(
    db: sqlite_utils.Database, copies: int
) -> None:
    for n in range(copies):
        stored = NOW - timedelta(hours=n)
        add(db, f"copy{n:02d}", published=stored, stored=stored)
    # One better hit (the word twice) comes first whatever its date.
    best = add(db, "best", published=NOW - WEEK, stored=NOW - WEEK)
    db.execute("UPDATE stories SET search_stems = 'ليب ليب' WHERE id = ?", [best])
    seen: list[str] = []
    for offset in range(0, copies + 1, 5):
        hits, total = search.search_stories(db, [["ليب"]], limit=5, offset=offset)
        assert total == copies + 1
        seen += [hit.story.headline for hit in hits]
    assert seen == ["best"] + [f"copy{n:02d}" for n in range(copies)]


def test_the_weeks_hold_a_story_stored_at_their_end_and_none_at_their_start(
    db: sqlite_utils.Database,
) -> None:
    # Stored times have whole seconds: a story stored in the second /trends is asked, or the
    # newest story a past period ends at, is at the end itself.
    now = add(db, "now", published=None, stored=NOW)
    add(db, "edge", published=None, stored=NOW - 12 * WEEK)  # exactly 12 weeks back: out
    assert trends.topic_weeks(db, NOW, 12) == {"elections": [0] * 11 + [1]}
    [weeks] = trends.people_weeks(db, NOW, 12, ["mangoush"])
    assert weeks.counts == (0,) * 11 + (1,)
    analysis.upsert_actors(db, [replace(PERSON, key="other", name_en="Other")])
    db.execute(
        "INSERT INTO meetings (story_id, a, b, place, day, kind) "
        "VALUES (?, 'mangoush', 'other', NULL, NULL, 'call')",
        [now],
    )
    assert [(e.a, e.b) for e in trends.meeting_edges(db, NOW - WEEK, NOW)] == [
        ("mangoush", "other")
    ]


def test_the_future_rule() -> None:
    stored = at("2026-11-25T12:00")
    assert believed_date(stored + FUTURE_SLACK, stored) == stored + FUTURE_SLACK
    assert believed_date(stored + FUTURE_SLACK + timedelta(seconds=1), stored) is None
    assert believed_date(None, stored) is None
    assert sort_date(stored + timedelta(days=30), stored) == stored
    assert sort_date(at("2020-01-01T00:00"), stored) == at("2020-01-01T00:00")


def test_a_migration_moves_stories_stored_with_a_future_date(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrate(old, MIGRATIONS[:9])
    old.execute(
        "INSERT INTO sources (id, url, name, kind, added_at) "
        "VALUES (1, 'https://a.example/', 'A', 'feed', '2026-11-01T00:00:00+00:00')"
    )
    for n, published, fetched in (
        (1, "2027-05-01T00:00:00+00:00", "2026-11-20T10:00:00+00:00"),  # months ahead
        (2, "2026-11-21T09:00:00+00:00", "2026-11-20T10:00:00+00:00"),  # within a day
        (3, "2025-01-01T00:00:00+00:00", "2026-11-20T10:00:00+00:00"),  # backfilled
    ):
        old.execute(
            "INSERT INTO articles (id, source_id, published_at, fetched_at, content_hash, "
            "raw_text) VALUES (?, 1, ?, ?, ?, 'x')",
            [n, published, fetched, str(n)],
        )
        # As the older version stored them: sorted by the date the feed gave.
        old.execute(
            "INSERT INTO stories (article_id, position, headline, body, sort_at) "
            "VALUES (?, 0, 'h', 'b', ?)",
            [n, published],
        )
    old.conn.commit()
    old.conn.close()
    db = connect(path)
    sorted_at = [row[0] for row in db.execute("SELECT sort_at FROM stories ORDER BY article_id")]
    assert sorted_at == [
        "2026-11-20T10:00:00+00:00",
        "2026-11-21T09:00:00+00:00",
        "2025-01-01T00:00:00+00:00",
    ]


# ---- the latest period with news -------------------------------------------------------


@pytest.mark.parametrize("counting", ["people", "topics"])
def test_an_empty_database_looks_at_the_last_week(
    db: sqlite_utils.Database, counting: periods.Counting
) -> None:
    assert periods.news_period(db, NOW, WEEK, counting) == NewsPeriod(NOW - WEEK, NOW, True)


def test_a_week_with_news_is_the_last_week(mixed: sqlite_utils.Database) -> None:
    period = periods.news_period(mixed, NOW, WEEK, "people")
    assert (period.start, period.end, period.current) == (NOW - WEEK, NOW, True)
    assert periods.news_period(mixed, NOW, WEEK, "topics") == period
    counts = topics.topic_counts(mixed, period.start)
    # From 22 Nov 07:00: not the backfilled story (March 2025), nor the one stored on 20 Nov.
    assert [(c.topic, c.stories) for c in counts] == [("elections", 4)]
    [person] = actors.people_in_news(mixed, period.start, 10)
    assert (person.actor.key, person.stories) == ("mangoush", 4)


def test_a_database_with_only_old_news_looks_at_its_latest_week(
    db: sqlite_utils.Database,
) -> None:
    # The newest story is months old; a future-dated one stored then counts as stored then.
    add(db, "march", published=at("2025-03-14T09:00"), stored=at("2025-03-15T09:00"))
    add(db, "march-8", published=at("2025-03-08T09:00"), stored=at("2025-03-15T09:00"))
    add(db, "skewed", published=at("2031-01-01T00:00"), stored=at("2025-03-13T09:00"))
    add(db, "february", published=at("2025-02-01T09:00"), stored=at("2025-03-15T09:00"))
    period = periods.news_period(db, NOW, WEEK, "topics")
    assert period.current is False
    assert period.end == at("2025-03-14T09:00")
    assert period.start == period.end - WEEK
    assert periods.news_period(db, NOW, WEEK, "people") == period
    # The week to 14 March holds three of the four stories.
    assert [(c.topic, c.stories) for c in topics.topic_counts(db, period.start)] == [
        ("elections", 3)
    ]
    [person] = actors.people_in_news(db, period.start, 10)
    assert person.stories == 3


def test_an_undated_story_stored_this_week_is_this_week_s_news(
    db: sqlite_utils.Database,
) -> None:
    add(db, "old", published=at("2025-03-14T09:00"), stored=at("2025-03-15T09:00"))
    add(db, "undated", published=None, stored=NOW - timedelta(days=2))
    assert periods.news_period(db, NOW, WEEK, "people").current is True
    assert periods.news_period(db, NOW, WEEK, "topics").current is True


def test_each_count_looks_for_the_latest_week_it_has_something_in(
    db: sqlite_utils.Database,
) -> None:
    # This week's stories: one with a topic that names no one, one with neither.
    add(db, "march", published=at("2025-03-14T09:00"), stored=at("2025-03-15T09:00"))
    add(db, "topic only", published=NOW - timedelta(days=1), stored=NOW, person=False)
    add(db, "bare", published=NOW, stored=NOW, person=False, topic=None)
    people = periods.news_period(db, NOW, WEEK, "people")
    assert (people.end, people.current) == (at("2025-03-14T09:00"), False)
    [person] = actors.people_in_news(db, people.start, 10)
    assert person.stories == 1
    counted = periods.news_period(db, NOW, WEEK, "topics")
    assert counted.current is True
    assert [(c.topic, c.stories) for c in topics.topic_counts(db, counted.start)] == [
        ("elections", 1)
    ]
    # Only the bare story this week: the topics too look back to March.
    db.execute(
        "DELETE FROM story_topics WHERE story_id IN "
        "(SELECT id FROM stories WHERE headline = 'topic only')"
    )
    assert periods.news_period(db, NOW, WEEK, "topics").end == at("2025-03-14T09:00")


def test_a_story_told_by_several_outlets_counts_once(db: sqlite_utils.Database) -> None:
    first = add(db, "told", published=NOW - timedelta(days=1), stored=NOW)
    again = add(db, "retold", published=NOW - timedelta(hours=20), stored=NOW)
    add(db, "other", published=NOW - timedelta(days=2), stored=NOW)
    db.execute("UPDATE stories SET cluster_id = ? WHERE id IN (?, ?)", [first, first, again])
    db.conn.commit()
    [person] = actors.people_in_news(db, NOW - WEEK, 10)
    assert person.stories == 2
    assert [(c.topic, c.stories) for c in topics.topic_counts(db, NOW - WEEK)] == [("elections", 2)]


# ---- how much each bearer of a name is in the news ---------------------------------------


def test_story_counts_are_the_period_s_stories_and_all_of_them(
    db: sqlite_utils.Database,
) -> None:
    other = ActorRecord(
        key="williams", kind="person", name_ar="ستيفاني ويليامز", name_en="Stephanie Williams",
        role_ar=None, role_en=None, known=True, country=None, names=("williams",),
    )  # fmt: skip
    analysis.upsert_actors(db, [other])
    add(db, "march", published=at("2025-03-14T09:00"), stored=at("2025-03-15T09:00"))
    told = add(db, "told", published=NOW - timedelta(days=1), stored=NOW)
    retold = add(db, "retold", published=NOW - timedelta(hours=20), stored=NOW)
    db.execute("UPDATE stories SET cluster_id = ? WHERE id IN (?, ?)", [told, told, retold])
    hidden = add(db, "not about Libya", published=NOW, stored=NOW)
    db.execute("UPDATE stories SET relevant = 0 WHERE id = ?", [hidden])
    db.execute("INSERT INTO mentions VALUES (?, 'williams', NULL, 1)", [told])
    db.conn.commit()
    counts = actors.story_counts(db, ["mangoush", "williams", "nobody"], NOW - WEEK)
    # This week: one story told twice; at all, every story of Libya; never a hidden one.
    assert counts == {"mangoush": (1, 3), "williams": (1, 1)}
    assert actors.story_counts(db, [], NOW - WEEK) == {}
    # The same count as "in the news" gives for the period.
    [person, *_] = actors.people_in_news(db, NOW - WEEK, 10)
    assert person.stories == counts[person.actor.key][0]
