"""Week-by-week counts and a period's meetings, as /trends and /meetings draw them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.models import ActorRecord
from storage import analysis, trends
from storage.db import connect
from tests.test_story_order import NOW, PERSON, add

DAY = timedelta(days=1)
OTHER = ActorRecord(
    key="ghassan_salame", kind="person", name_ar="غسان سلامة", name_en="Ghassan Salame",
    role_ar=None, role_en=None, known=True, country="lb", names=("salame",),
)  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = connect(tmp_path / "trends.db")
    analysis.upsert_actors(database, [PERSON, OTHER])
    return database


def story(db: sqlite_utils.Database, name: str, days_ago: float, **kw: object) -> int:
    when = NOW - days_ago * DAY
    return add(db, name, published=when, stored=when, **kw)  # type: ignore[arg-type]


def names_salame(db: sqlite_utils.Database, story_id: int) -> None:
    db.execute("INSERT INTO mentions VALUES (?, 'ghassan_salame', NULL, 1)", [story_id])
    db.conn.commit()


def test_topic_weeks_count_each_week_oldest_first(db: sqlite_utils.Database) -> None:
    story(db, "a", 1)  # this week
    story(db, "b", 2)
    story(db, "c", 8, topic="migration")  # the week before
    story(db, "d", 20)  # three weeks back
    story(db, "e", 30)  # outside four weeks
    hidden = story(db, "f", 1)
    db.execute("UPDATE stories SET relevant = 0 WHERE id = ?", [hidden])
    db.conn.commit()
    assert trends.topic_weeks(db, NOW, 4) == {"elections": [0, 1, 0, 2], "migration": [0, 0, 1, 0]}


def test_people_weeks_of_the_people_asked(db: sqlite_utils.Database) -> None:
    story(db, "a", 1)
    names_salame(db, story(db, "b", 9))
    both = ["mangoush", "ghassan_salame"]
    every = {p.key: p.counts for p in trends.people_weeks(db, NOW, 3, both)}
    assert every == {"mangoush": (0, 1, 1), "ghassan_salame": (0, 1, 0)}
    only = trends.people_weeks(db, NOW, 3, ["ghassan_salame"])
    assert [(p.key, p.name_en, p.counts) for p in only] == [
        ("ghassan_salame", "Ghassan Salame", (0, 1, 0))
    ]
    assert trends.people_weeks(db, NOW, 3, []) == []


def test_rising_people_rose_against_their_own_weeks_before(db: sqlite_utils.Database) -> None:
    # Mangoush: two a week for three weeks, two this week: no rise. Salame: none before,
    # three this week.
    for week in range(4):
        story(db, f"m{week}a", week * 7 + 1)
        story(db, f"m{week}b", week * 7 + 2)
    for n in range(3):
        names_salame(db, story(db, f"s{n}", 3 + n * 0.1, person=False))
    risen = trends.rising_people(db, NOW, 4, limit=5)
    assert [(p.key, p.counts) for p in risen] == [("ghassan_salame", (0, 0, 0, 3))]


def test_meeting_edges_once_a_pair_with_the_latest_place_and_day(
    db: sqlite_utils.Database,
) -> None:
    first = story(db, "a", 3)
    second = story(db, "b", 2)
    old = story(db, "c", 40)
    rows = [
        (first, "mangoush", "ghassan_salame", None, None, "meeting"),
        (second, "ghassan_salame", "mangoush", "tripoli", "2026-11-27", "meeting"),
        (second, "mangoush", "ghassan_salame", None, None, "call"),
        (old, "mangoush", "ghassan_salame", "rome", None, "meeting"),
    ]
    for story_id, a, b, place, day, kind in rows:
        db.execute(
            "INSERT INTO meetings (story_id, a, b, place, day, kind) VALUES (?, ?, ?, ?, ?, ?)",
            [story_id, a, b, place, day, kind],
        )
    db.conn.commit()
    edges = trends.meeting_edges(db, NOW - 7 * DAY, NOW)
    assert edges == [
        trends.MeetingEdge("ghassan_salame", "mangoush", "meeting", "tripoli", "2026-11-27", 2),
        trends.MeetingEdge("ghassan_salame", "mangoush", "call", None, None, 1),
    ]
