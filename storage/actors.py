"""Reading actors: who is in the news, profiles, and the names to look people up by."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlite_utils

from bot.models import ActorCount, ActorProfile, ActorRecord, MeetingView
from storage import views
from storage.timefmt import to_db

# "Appears with" counts co-mentions in this many of an actor's latest stories.
CO_MENTION_WINDOW = 1000

_ACTOR = (
    "act.key, act.kind, act.name_ar, act.name_en, act.role_ar, act.role_en, act.known, "
    "act.country, act.names, act.rowid"
)


def _record(row: Sequence[Any]) -> ActorRecord:
    return ActorRecord(
        key=row[0],
        kind=row[1],
        name_ar=row[2],
        name_en=row[3],
        role_ar=row[4],
        role_en=row[5],
        known=bool(row[6]),
        country=row[7],
        names=tuple(n for n in (row[8] or "").split("|") if n),
        ref=int(row[9]),
    )


def actor_names(db: sqlite_utils.Database, kinds: Sequence[str]) -> list[ActorRecord]:
    """Every actor of these kinds, with the spellings to look them up by."""
    marks = ",".join("?" for _ in kinds)
    rows = db.execute(f"SELECT {_ACTOR} FROM actors act WHERE act.kind IN ({marks})", list(kinds))
    return [_record(row) for row in rows.fetchall()]


def get_actor(db: sqlite_utils.Database, key: str) -> ActorRecord | None:
    """One actor by key."""
    row = db.execute(f"SELECT {_ACTOR} FROM actors act WHERE act.key = ?", [key]).fetchone()
    return _record(row) if row else None


def actor_by_ref(db: sqlite_utils.Database, ref: int) -> ActorRecord | None:
    """One actor by its short number."""
    row = db.execute(f"SELECT {_ACTOR} FROM actors act WHERE act.rowid = ?", [ref]).fetchone()
    return _record(row) if row else None


def people_in_news(
    db: sqlite_utils.Database, since: datetime, limit: int, kind: str = "person"
) -> list[ActorCount]:
    """Actors of a kind ranked by the distinct shown stories naming them since a time."""
    rows = db.execute(
        f"""
        SELECT {_ACTOR}, COUNT(DISTINCT COALESCE(s.cluster_id, s.id)) AS n
        FROM mentions m
        JOIN stories s {views.BY_ID} ON s.id = m.story_id
        JOIN actors act ON act.key = m.actor_key
        WHERE act.kind = ? AND s.relevant = 1 AND s.sort_at >= ?
        GROUP BY act.key ORDER BY n DESC, act.known DESC, act.name_en LIMIT ?
        """,
        [kind, to_db(since), limit],
    ).fetchall()
    return [ActorCount(actor=_record(row), stories=int(row[10])) for row in rows]


def actor_profile(db: sqlite_utils.Database, key: str, latest: int = 3) -> ActorProfile | None:
    """An actor with their story count, latest stories, meetings and co-mentioned people."""
    actor = get_actor(db, key)
    if actor is None:
        return None
    # Stories are reached through the covering index: their rows are large (body, stems)
    # and reading one per mention made a well-known name's profile take hundreds of ms.
    count = int(
        db.execute(
            f"""
            SELECT COUNT(DISTINCT COALESCE(s.cluster_id, s.id)) FROM mentions m
            JOIN stories s {views.BY_ID} ON s.id = m.story_id
            WHERE m.actor_key = ? AND s.relevant = 1
            """,
            [key],
        ).fetchone()[0]
    )
    # The newest group heads naming them (directly or through a retelling), with room for
    # ties on sort_at, then their rows in display order.
    stories = db.execute(
        f"""
        WITH heads AS MATERIALIZED (
            SELECT DISTINCT h.id, h.sort_at FROM mentions m3
            JOIN stories s3 {views.BY_ID} ON s3.id = m3.story_id
            JOIN stories h {views.BY_ID} ON h.id = COALESCE(s3.cluster_id, s3.id)
            WHERE m3.actor_key = ? AND h.relevant = 1
                AND (h.cluster_id IS NULL OR h.cluster_id = h.id)
            ORDER BY h.sort_at DESC LIMIT ?
        )
        SELECT {views.COLUMNS} FROM heads JOIN stories s ON s.id = heads.id {views.JOINS}
        {views.ORDER} LIMIT ?
        """,
        [key, latest * 4, latest],
    ).fetchall()
    met = db.execute(
        f"""
        SELECT {_ACTOR}, mt.place, mt.day, mt.kind, mt.story_id
        FROM meetings mt
        JOIN stories s ON s.id = mt.story_id
        JOIN actors act ON act.key = CASE WHEN mt.a = ? THEN mt.b ELSE mt.a END
        WHERE (mt.a = ? OR mt.b = ?) AND s.relevant = 1
        ORDER BY mt.day DESC, mt.id DESC LIMIT 10
        """,
        [key, key, key],
    ).fetchall()
    # Counted over their latest CO_MENTION_WINDOW stories: over all of them, a name in
    # tens of thousands of stories took half a second.
    with_rows = db.execute(
        f"""
        WITH recent AS MATERIALIZED (
            SELECT m1.story_id FROM mentions m1
            JOIN stories s {views.BY_ID} ON s.id = m1.story_id
            WHERE m1.actor_key = ? AND s.relevant = 1
            ORDER BY m1.story_id DESC LIMIT ?
        )
        SELECT {_ACTOR}, COUNT(DISTINCT m2.story_id) AS n
        FROM recent
        JOIN mentions m2 ON m2.story_id = recent.story_id AND m2.actor_key != ?
        JOIN actors act ON act.key = m2.actor_key
        WHERE act.kind = 'person'
        GROUP BY act.key ORDER BY n DESC, act.name_en LIMIT 5
        """,
        [key, CO_MENTION_WINDOW, key],
    ).fetchall()
    return ActorProfile(
        actor=actor,
        story_count=count,
        latest=tuple(views.story_view(row) for row in stories),
        met=tuple(
            MeetingView(
                other=_record(row),
                place=row[10],
                day=date.fromisoformat(row[11]) if row[11] else None,
                kind=row[12],
                story_id=row[13],
            )
            for row in met
        ),
        appears_with=tuple(
            ActorCount(actor=_record(row), stories=int(row[10])) for row in with_rows
        ),
        appears_with_window=CO_MENTION_WINDOW,
    )
