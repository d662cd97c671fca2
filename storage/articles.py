"""Articles and the stories cut out of them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlite_utils

from bot.models import StoryDraft, StoryPage
from storage import views
from storage.rows import last_id
from storage.timefmt import to_db

SeedOutcome = Literal["added", "updated", "unchanged"]


def upsert_seed_article(
    db: sqlite_utils.Database,
    *,
    seed_key: str,
    source_id: int,
    url: str | None,
    language: str,
    published_at: datetime | None,
    content_hash: str,
    raw_text: str,
    stories: list[StoryDraft],
    now: datetime,
) -> SeedOutcome:
    """Store a seed article and its stories; an edited seed replaces its stories in place."""
    with db.atomic():
        row = db.execute(
            "SELECT id, content_hash FROM articles WHERE seed_key = ?", [seed_key]
        ).fetchone()
        if row is not None and row[1] == content_hash:
            return "unchanged"
        record = {
            "source_id": source_id,
            "url": url,
            "canonical_url": url,
            "seed_key": seed_key,
            "title": stories[0].headline if stories else "",
            "language": language,
            "published_at": to_db(published_at),
            "fetched_at": to_db(now),
            "content_hash": content_hash,
            "raw_text": raw_text,
        }
        if row is None:
            table = db.table("articles")
            table.insert(record)
            article_id = last_id(table)
        else:
            article_id = int(row[0])
            db.table("articles").update(article_id, record)
            db.execute("DELETE FROM stories WHERE article_id = ?", [article_id])
        _insert_stories(db, article_id, stories, published_at or now)
    return "added" if row is None else "updated"


def _insert_stories(
    db: sqlite_utils.Database, article_id: int, stories: list[StoryDraft], sort_at: datetime
) -> None:
    db.table("stories").insert_all(
        {
            "article_id": article_id,
            "position": story.position,
            "headline": story.headline,
            "lead": story.lead,
            "body": story.body,
            "published_at": None,
            "sort_at": to_db(sort_at),
        }
        for story in stories
    )


def latest_stories(db: sqlite_utils.Database, *, limit: int, offset: int) -> StoryPage:
    """The newest relevant stories, `limit` of them, skipping `offset`; with the total count."""
    total = int(db.execute(f"SELECT COUNT(*) FROM stories s WHERE {views.SHOWN}").fetchone()[0])
    rows = db.execute(
        f"SELECT {views.COLUMNS} FROM stories s {views.JOINS} WHERE {views.SHOWN} "
        f"{views.ORDER} LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    stories = tuple(views.story_view(row) for row in rows)
    return StoryPage(stories=stories, offset=offset, limit=limit, total=total)


def count_stories(db: sqlite_utils.Database) -> int:
    """How many stories are stored."""
    return int(db.execute("SELECT COUNT(*) FROM stories").fetchone()[0])
