"""What the analysis stores per story, and the actors it knows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.models import ActorRecord, StoryAnalysis
from storage.db import writing
from storage.timefmt import believed_date, from_db, to_db


def upsert_actors(db: sqlite_utils.Database, actors: Iterable[ActorRecord]) -> int:
    """Insert or refresh actors by key; returns how many were written."""
    rows = [_actor_row(actor) for actor in actors]
    with writing(db):
        db.conn.executemany(
            """
            INSERT INTO actors (key, kind, name_ar, name_en, role_ar, role_en, known, country,
                                names)
            VALUES (:key, :kind, :name_ar, :name_en, :role_ar, :role_en, :known, :country,
                    :names)
            ON CONFLICT(key) DO UPDATE SET
                kind = excluded.kind, name_ar = excluded.name_ar, name_en = excluded.name_en,
                role_ar = excluded.role_ar, role_en = excluded.role_en, known = excluded.known,
                country = excluded.country, names = excluded.names
            """,
            rows,
        )
    return len(rows)


def _actor_row(actor: ActorRecord) -> dict[str, Any]:
    return {
        "key": actor.key,
        "kind": actor.kind,
        "name_ar": actor.name_ar,
        "name_en": actor.name_en,
        "role_ar": actor.role_ar,
        "role_en": actor.role_en,
        "known": int(actor.known),
        "country": actor.country,
        "names": "|".join(actor.names),
    }


def stories_to_analyze(
    db: sqlite_utils.Database, version: int, limit: int
) -> list[tuple[int, str, str, str | None, str]]:
    """(id, headline, body, published time, sort time) of stories an older analysis saw."""
    # Through its index: SQLite would rather walk every story in id order.
    # A date too far past when the story was stored is not believed (see believed_date):
    # relative dates (اليوم, أمس) are not counted from it, nor is it grouped by it.
    return [
        (row[0], row[1], row[2], to_db(believed_date(from_db(row[3]), from_db(row[5]))), row[4])
        for row in db.execute(
            """
            SELECT s.id, s.headline, s.body, COALESCE(s.published_at, a.published_at), s.sort_at,
                a.fetched_at
            FROM stories s INDEXED BY stories_analysis JOIN articles a ON a.id = s.article_id
            WHERE s.analysis_version < ? ORDER BY s.id LIMIT ?
            """,
            [version, limit],
        ).fetchall()
    ]


def recent_signatures(
    db: sqlite_utils.Database, since: datetime, until: datetime | None = None
) -> list[tuple[int, datetime, tuple[int, ...]]]:
    """(id, date, signature) of relevant stories dated from `since` (to before `until`)."""
    before, args = (
        ("AND sort_at < ?", [to_db(since), to_db(until)]) if until else ("", [to_db(since)])
    )
    rows = db.execute(
        "SELECT id, sort_at, signature FROM stories "
        f"WHERE relevant = 1 AND signature IS NOT NULL AND sort_at >= ? {before}",
        args,
    ).fetchall()
    found = []
    for story_id, sort_at, signature in rows:
        when = from_db(sort_at)
        if when is not None:
            found.append((story_id, when, tuple(json.loads(signature))))
    return found


def save_analyses(
    db: sqlite_utils.Database,
    items: Sequence[tuple[int, StoryAnalysis, Sequence[ActorRecord], int, int | None]],
) -> None:
    """Store several stories' analyses (save_analysis's arguments) in one transaction."""
    with writing(db):
        for story_id, result, discovered, version, same_as in items:
            save_analysis(db, story_id, result, discovered, version, same_as)


def save_analysis(
    db: sqlite_utils.Database,
    story_id: int,
    analysis: StoryAnalysis,
    discovered: Sequence[ActorRecord],
    version: int,
    same_as: int | None,
) -> None:
    """Store one story's analysis whole, replacing any earlier one, in one transaction.

    `same_as` is a story this one retells: it joins that story's group, made on the spot.
    """
    with writing(db):
        for actor in discovered:
            # A discovered person keeps the English form first given to them.
            db.conn.execute(
                """
                INSERT INTO actors (key, kind, name_ar, name_en, role_ar, role_en, known,
                                    country, names)
                VALUES (:key, :kind, :name_ar, :name_en, :role_ar, :role_en, :known, :country,
                        :names)
                ON CONFLICT(key) DO UPDATE SET role_ar = COALESCE(excluded.role_ar, role_ar)
                """,
                _actor_row(actor),
            )
        for table in ("mentions", "story_topics", "meetings"):
            db.conn.execute(f"DELETE FROM {table} WHERE story_id = ?", [story_id])
        db.conn.executemany(
            "INSERT INTO mentions (story_id, actor_key, role_ar, count) VALUES (?, ?, ?, ?)",
            [(story_id, m.key, m.role_ar, m.count) for m in analysis.mentions],
        )
        db.conn.executemany(
            "INSERT INTO story_topics (story_id, topic, score) VALUES (?, ?, ?)",
            [(story_id, t.topic, t.score) for t in analysis.topics],
        )
        db.conn.executemany(
            "INSERT INTO meetings (story_id, a, b, place, day, kind) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (story_id, m.a, m.b, m.place, m.day.isoformat() if m.day else None, m.kind)
                for m in analysis.meetings
            ],
        )
        cluster_id = None
        # The other story's group is read here, in the transaction, not trusted from the
        # caller: the caller's index may be minutes old.
        other = None
        if same_as is not None:
            other = db.conn.execute(
                "SELECT id, cluster_id FROM stories WHERE id = ? AND relevant = 1", [same_as]
            ).fetchone()
        if other is not None:
            cluster_id = other[1] or other[0]
            if other[1] is None:
                db.conn.execute(
                    "UPDATE stories SET cluster_id = ? WHERE id = ?", [other[0], other[0]]
                )
        db.conn.execute(
            """
            UPDATE stories SET relevant = ?, relevance = ?, search_stems = ?, search_tags = ?,
                signature = ?, cluster_id = ?, analysis_version = ?
            WHERE id = ?
            """,
            [
                int(analysis.relevance.relevant),
                analysis.relevance.score,
                analysis.search_stems,
                analysis.search_tags,
                json.dumps(list(analysis.signature)),
                cluster_id,
                version,
                story_id,
            ],
        )
