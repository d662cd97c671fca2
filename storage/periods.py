"""Which days "in the news" and the topic counts look at."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

import sqlite_utils

from bot.models import NewsPeriod
from storage import views
from storage.timefmt import from_db

Counting = Literal["people", "topics"]

# The newest story that has something to count, walking the (relevant, sort_at, id) index
# from its end: the first story usually has, so this is a step or a few at any size.
_NEWEST: dict[Counting, str] = {
    # What people_in_news counts: relevant stories naming a person.
    "people": """
        SELECT r.sort_at FROM stories r INDEXED BY stories_relevant_sort
        WHERE r.relevant = 1 AND EXISTS (
            SELECT 1 FROM mentions m JOIN actors act ON act.key = m.actor_key
            WHERE m.story_id = r.id AND act.kind = 'person'
        )
        ORDER BY r.sort_at DESC LIMIT 1
    """,
    # What topic_counts counts: shown stories with a topic.
    "topics": f"""
        SELECT r.sort_at FROM stories r INDEXED BY stories_relevant_sort
        JOIN stories s {views.BY_ID} ON s.id = r.id
        WHERE r.relevant = 1 AND {views.SHOWN}
        AND EXISTS (SELECT 1 FROM story_topics st WHERE st.story_id = r.id)
        ORDER BY r.sort_at DESC LIMIT 1
    """,
}


def newest_story_at(db: sqlite_utils.Database, counting: Counting) -> datetime | None:
    """The sort date of the newest story naming a person ("people") or with a topic."""
    row = db.execute(_NEWEST[counting]).fetchone()
    return from_db(row[0]) if row else None


def news_period(
    db: sqlite_utils.Database, now: datetime, length: timedelta, counting: Counting
) -> NewsPeriod:
    """The last `length` to now when it has stories to count; else the `length` to the newest.

    "In the news" counts the people named, the topic list the topics: a week whose only
    stories name no one would show an empty "in the news", so each looks for its own.
    A database with nothing to count gets the last `length`: nothing older shows either.
    """
    newest = newest_story_at(db, counting)
    if newest is None or newest >= now - length:
        return NewsPeriod(start=now - length, end=now, current=True)
    return NewsPeriod(start=newest - length, end=newest, current=False)
