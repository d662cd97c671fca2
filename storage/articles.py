"""Articles and the stories cut out of them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlite_utils

from bot.models import NewArticle, StoryDraft, StoryPage
from storage import views
from storage.db import writing
from storage.rows import Totals, cached_count, last_id
from storage.timefmt import sort_date, to_db

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
    with writing(db):
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
        _insert_stories(db, article_id, stories, sort_date(published_at, now))
    return "added" if row is None else "updated"


def known_article(db: sqlite_utils.Database, canonical_url: str | None, content_hash: str) -> bool:
    """Whether this article is stored already, by canonical URL or by the hash of its text."""
    row = db.execute(
        "SELECT 1 FROM articles WHERE canonical_url = ? OR content_hash = ? LIMIT 1",
        [canonical_url, content_hash],
    ).fetchone()
    return row is not None


def known_urls(db: sqlite_utils.Database, canonical_urls: list[str]) -> set[str]:
    """Which of these canonical URLs are stored already."""
    found: set[str] = set()
    for start in range(0, len(canonical_urls), 500):
        chunk = canonical_urls[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        rows = db.execute(
            f"SELECT canonical_url FROM articles WHERE canonical_url IN ({marks})", chunk
        )
        found.update(row[0] for row in rows)
    return found


def store_article(
    db: sqlite_utils.Database, source_id: int, article: NewArticle, fetched_at: datetime
) -> int | None:
    """Store an article and its stories whole, or nothing; its id, None when known already."""
    with writing(db):
        if known_article(db, article.canonical_url, article.content_hash):
            return None
        table = db.table("articles")
        table.insert(
            {
                "source_id": source_id,
                "url": article.url,
                "canonical_url": article.canonical_url,
                "title": article.title,
                "language": article.language,
                "published_at": to_db(article.published_at),
                "fetched_at": to_db(fetched_at),
                "content_hash": article.content_hash,
                "raw_text": article.raw_text,
            }
        )
        article_id = last_id(table)
        _insert_stories(
            db, article_id, list(article.stories), sort_date(article.published_at, fetched_at)
        )
    return article_id


def relevant_stories(db: sqlite_utils.Database, article_ids: list[int]) -> int:
    """How many stories of these articles the analysis found relevant."""
    if not article_ids:
        return 0
    marks = ",".join("?" for _ in article_ids)
    row = db.execute(
        f"SELECT COUNT(*) FROM stories WHERE relevant = 1 AND article_id IN ({marks})",
        article_ids,
    ).fetchone()
    return int(row[0])


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


def latest_stories(
    db: sqlite_utils.Database, *, limit: int, offset: int, totals: Totals | None = None
) -> StoryPage:
    """The newest relevant stories, `limit` of them, skipping `offset`; with the total count.

    `totals` keeps the count while nothing changes.
    """
    total = cached_count(
        db, totals, "latest", f"SELECT COUNT(*) FROM stories s WHERE {views.SHOWN}", []
    )
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


def story_text(db: sqlite_utils.Database, story_id: int) -> tuple[str, str] | None:
    """A shown story's headline and lead; None for one not about Libya or not analyzed."""
    # Button data can be forged: only what the bot itself lists may be read back through it.
    # A story grouped under another one stays readable: a digest may have listed it first.
    row = db.execute(
        "SELECT headline, lead FROM stories WHERE id = ? AND relevant = 1", [story_id]
    ).fetchone()
    return (row[0], row[1] or "") if row else None
