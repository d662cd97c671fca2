"""Trends and meetings as pictures: the data behind each, the cache, the time limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils

from bot import charts
from bot.analysis.knowledge import Knowledge
from bot.charts import Charts, DrawingFailed, Words
from storage import Store, analysis
from tests.conftest import FIXED_NOW
from tests.test_story_order import PERSON, add
from tests.test_trends_storage import OTHER

DAY = timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n"
WORDS = Words(
    topics_title="Stories a week by topic", unit="stories a week",
    meetings_week="Who met whom this week", meetings_month="Who met whom this month",
    meeting="meeting", call="call", omitted="{n} more in the list",
)  # fmt: skip


def fill(db: sqlite_utils.Database) -> None:
    """Mangoush in elections stories each week; Salame rising this week; one meeting."""
    analysis.upsert_actors(db, [PERSON, OTHER])
    for week in range(4):
        when = FIXED_NOW - (week * 7 + 1) * DAY
        add(db, f"m{week}", published=when, stored=when)
    for n in range(3):
        when = FIXED_NOW - (2 + n) * DAY
        story_id = add(db, f"s{n}", published=when, stored=when, topic="migration", person=False)
        db.execute("INSERT INTO mentions VALUES (?, 'ghassan_salame', NULL, 1)", [story_id])
        if n == 0:
            db.execute(
                "INSERT INTO meetings (story_id, a, b, place, day, kind) "
                "VALUES (?, 'mangoush', 'ghassan_salame', 'tripoli', '2026-11-27', 'meeting')",
                [story_id],
            )
    db.conn.commit()


@pytest.fixture
def pictures(store: Store, knowledge: Knowledge) -> Charts:
    store.run_sync(fill)
    return Charts(store, knowledge, lambda: FIXED_NOW)


async def test_trends_count_every_topic_each_week_and_who_is_rising(pictures: Charts) -> None:
    answer = await pictures.trends("en", WORDS)
    assert answer.png.startswith(PNG)
    assert len(answer.weeks) == 12 and answer.current
    by_name = {s.name: s.counts for s in answer.series}
    assert len(by_name) == 8
    assert by_name["Elections"][-4:] == (1, 1, 1, 1)
    assert by_name["Migration"][-1] == 3
    assert [(s.name, s.counts[-1]) for s in answer.rising] == [("Ghassan Salame", 3)]


async def test_trends_in_arabic_name_topics_and_people_in_arabic(pictures: Charts) -> None:
    answer = await pictures.trends("ar", WORDS, ("migration",))
    assert [s.name for s in answer.series] == ["الهجرة"]
    assert [s.name for s in answer.rising] == ["غسان سلامة"]


async def test_a_picture_asked_again_is_not_drawn_again(
    pictures: Charts, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await pictures.trends("en", WORDS)
    drawn: list[object] = []
    monkeypatch.setattr(charts, "trends_png", lambda chart: drawn.append(chart) or b"")
    again = await pictures.trends("en", WORDS)
    assert again.png is first.png and drawn == []


async def test_meetings_of_the_week_named_with_their_place(pictures: Charts) -> None:
    answer = await pictures.meetings("week", "en", WORDS)
    assert answer.png is not None and answer.png.startswith(PNG)
    assert answer.meetings == (
        ("Ghassan Salame", "Najla Mangoush", "meeting", "Tripoli", "2026-11-27"),
    )
    arabic = await pictures.meetings("week", "ar", WORDS)
    assert arabic.meetings[0][:4] == ("غسان سلامة", "نجلاء المنقوش", "meeting", "طرابلس")


async def test_no_meetings_no_picture(store: Store, knowledge: Knowledge) -> None:
    answer = await Charts(store, knowledge, lambda: FIXED_NOW).meetings("month", "en", WORDS)
    assert answer.png is None and answer.meetings == ()


async def test_a_picture_that_takes_too_long_is_refused(
    pictures: Charts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "DRAW_LIMIT", 0.0)
    with pytest.raises(DrawingFailed):
        await pictures.meetings("week", "en", WORDS)


async def test_a_busy_period_lists_the_most_told_and_counts_the_rest(
    pictures: Charts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "LISTED", 0)
    answer = await pictures.meetings("week", "en", WORDS)
    assert answer.meetings == () and answer.more == 1
