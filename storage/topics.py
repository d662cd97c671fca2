"""Reading stories by topic."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.models import StoryPage, TopicCount
from storage import views
from storage.timefmt import to_db


def topic_counts(db: sqlite_utils.Database, since: datetime) -> list[TopicCount]:
    """Shown stories per topic since a time, most first."""
    rows = db.execute(
        f"""
        SELECT st.topic, COUNT(*) FROM story_topics st JOIN stories s ON s.id = st.story_id
        WHERE {views.SHOWN} AND s.sort_at >= ? GROUP BY st.topic ORDER BY COUNT(*) DESC
        """,
        [to_db(since)],
    ).fetchall()
    return [TopicCount(topic=row[0], stories=int(row[1])) for row in rows]


def stories_by_topic(
    db: sqlite_utils.Database, topic: str, *, limit: int, offset: int
) -> StoryPage:
    """The newest shown stories of a topic."""
    where = f"{views.SHOWN} AND s.id IN (SELECT story_id FROM story_topics WHERE topic = ?)"
    total = int(db.execute(f"SELECT COUNT(*) FROM stories s WHERE {where}", [topic]).fetchone()[0])
    rows = db.execute(
        f"SELECT {views.COLUMNS} FROM stories s {views.JOINS} WHERE {where} {views.ORDER} "
        "LIMIT ? OFFSET ?",
        [topic, limit, offset],
    ).fetchall()
    return StoryPage(
        stories=tuple(views.story_view(row) for row in rows),
        offset=offset,
        limit=limit,
        total=total,
    )
