"""Which days "in the news" and the topic counts look at."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from bot.models import NewsPeriod
from storage.timefmt import from_db


def newest_story_at(db: sqlite_utils.Database) -> datetime | None:
    """The sort date of the newest relevant story, None when there is none."""
    # The last entry of the (relevant, sort_at, id) index: one step, at any size.
    row = db.execute(
        "SELECT sort_at FROM stories INDEXED BY stories_relevant_sort WHERE relevant = 1 "
        "ORDER BY sort_at DESC LIMIT 1"
    ).fetchone()
    return from_db(row[0]) if row else None


def news_period(db: sqlite_utils.Database, now: datetime, length: timedelta) -> NewsPeriod:
    """The last `length` to now when it has stories; else the `length` to the newest story.

    An empty database gets the last `length`: there is nothing older to show either.
    """
    newest = newest_story_at(db)
    if newest is None or newest >= now - length:
        return NewsPeriod(start=now - length, end=now, current=True)
    return NewsPeriod(start=newest - length, end=newest, current=False)
