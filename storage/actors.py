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
CO_MENTION_WINDOW = 500
# How many of an actor's meetings a profile shows, newest first.
MET = 10

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
    # From the period's stories (the date index, then each one's group from the covering
    # index) to their mentions, counted per actor before actors are read: starting from the
    # actors read every mention ever stored, 300 ms at 100k stories against 100 ms.
    rows = db.execute(
        f"""
        WITH recent AS MATERIALIZED (
            SELECT s.id, COALESCE(g.cluster_id, g.id) AS head
            FROM stories s INDEXED BY stories_relevant_sort
            JOIN stories g {views.BY_ID} ON g.id = s.id
            WHERE s.relevant = 1 AND s.sort_at >= ?
        ),
        counts AS MATERIALIZED (
            SELECT m.actor_key, COUNT(DISTINCT recent.head) AS n
            FROM recent JOIN mentions m ON m.story_id = recent.id GROUP BY m.actor_key
        )
        SELECT {_ACTOR}, counts.n FROM counts JOIN actors act ON act.key = counts.actor_key
        WHERE act.kind = ? ORDER BY counts.n DESC, act.known DESC, act.name_en LIMIT ?
        """,
        [to_db(since), kind, limit],
    ).fetchall()
    return [ActorCount(actor=_record(row), stories=int(row[10])) for row in rows]


def story_counts(
    db: sqlite_utils.Database, keys: Sequence[str], since: datetime
) -> dict[str, tuple[int, int]]:
    """Per actor, the shown stories naming them since a time, and all stories of Libya naming them.

    The first counts as people_in_news does (a story told by several outlets once), so "most
    in the news" agrees with /who's list. Actors named in none are left out.
    """
    if not keys:
        return {}
    marks = ",".join("?" for _ in keys)
    # From these few actors' mentions, not from the period's stories as people_in_news: a
    # busy week holds 20,000 stories at 100k, 35 ms for the Haftars against 4 ms.
    rows = db.execute(
        f"""
        SELECT m.actor_key,
            COUNT(DISTINCT CASE WHEN s.sort_at >= ? THEN COALESCE(s.cluster_id, s.id) END),
            COUNT(*)
        FROM mentions m INDEXED BY mentions_actor
        JOIN stories s {views.BY_ID} ON s.id = m.story_id
        WHERE m.actor_key IN ({marks}) AND s.relevant = 1
        GROUP BY m.actor_key
        """,
        [to_db(since), *keys],
    ).fetchall()
    return {key: (int(recent), int(overall)) for key, recent, overall in rows}


def actor_profile(db: sqlite_utils.Database, key: str, latest: int = 3) -> ActorProfile | None:
    """An actor with their story count, latest stories, meetings and co-mentioned people."""
    actor = get_actor(db, key)
    if actor is None:
        return None
    # One pass over their mentions gives both the count and the newest stories. Stories are
    # reached through the covering index: their rows are large (body, stems), and reading
    # one per mention made a well-known name's profile take hundreds of ms.
    rows = db.execute(
        f"""
        WITH heads AS MATERIALIZED (
            SELECT DISTINCT COALESCE(s3.cluster_id, s3.id) AS id FROM mentions m3
            JOIN stories s3 {views.BY_ID} ON s3.id = m3.story_id
            WHERE m3.actor_key = ? AND s3.relevant = 1
        ),
        newest AS MATERIALIZED (
            SELECT h.id FROM heads JOIN stories h {views.BY_ID} ON h.id = heads.id
            WHERE h.relevant = 1 AND (h.cluster_id IS NULL OR h.cluster_id = h.id)
            ORDER BY h.sort_at DESC LIMIT ?
        )
        SELECT {views.COLUMNS}, (SELECT COUNT(*) FROM heads)
        FROM newest JOIN stories s ON s.id = newest.id {views.JOINS}
        {views.ORDER} LIMIT ?
        """,
        # Room for ties on the date at the edge, then the display order decides.
        [key, latest * 4, latest],
    ).fetchall()
    count = int(rows[0][-1]) if rows else _story_count(db, key)
    # Newest first from each side's (actor, day) index, then merged: with OR, SQLite sorted
    # all of a much-met person's meetings (3,500) for these ten.
    met = db.execute(
        f"""
        WITH theirs AS MATERIALIZED (
            SELECT * FROM (
                SELECT id, story_id, b AS other, place, day, kind FROM meetings
                WHERE a = ? ORDER BY day DESC, id DESC LIMIT ?
            )
            UNION ALL
            SELECT * FROM (
                SELECT id, story_id, a AS other, place, day, kind FROM meetings
                WHERE b = ? ORDER BY day DESC, id DESC LIMIT ?
            )
        )
        SELECT {_ACTOR}, mt.place, mt.day, mt.kind, mt.story_id
        FROM theirs mt
        JOIN stories s {views.BY_ID} ON s.id = mt.story_id
        JOIN actors act ON act.key = mt.other
        WHERE s.relevant = 1
        ORDER BY mt.day DESC, mt.id DESC LIMIT ?
        """,
        # Room for meetings in stories not shown, which the join drops.
        [key, 4 * MET, key, 4 * MET, MET],
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
        latest=tuple(views.story_view(row) for row in rows),
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


def _story_count(db: sqlite_utils.Database, key: str) -> int:
    """How many shown stories (a group counting once) name an actor."""
    return int(
        db.execute(
            f"""
            SELECT COUNT(DISTINCT COALESCE(s.cluster_id, s.id)) FROM mentions m
            JOIN stories s {views.BY_ID} ON s.id = m.story_id
            WHERE m.actor_key = ? AND s.relevant = 1
            """,
            [key],
        ).fetchone()[0]
    )
