"""Week-by-week counts and the meetings of a period, for /trends and /meetings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.models import ActorRecord
from storage import views
from storage.actors import get_actor
from storage.timefmt import to_db

WEEK = timedelta(days=7)
CANDIDATES = 20  # people named most in the last week, among whom the rise is weighed

# The shown stories of the weeks asked for, each with the number of its week: 0 is the week
# that ends at `end`, 1 the one before, and so on. Walks the date index over the period only.
# `end` is in: stored times have whole seconds, so a story stored in the second a question
# is asked, or the newest story a past period ends at, is at `end`. `start` is out: a story
# there would be in week `weeks`, one past the oldest.
_WEEKS = f"""
    WITH recent AS MATERIALIZED (
        SELECT s.id, CAST((julianday(:end) - julianday(s.sort_at)) / 7 AS INTEGER) AS week
        FROM stories r INDEXED BY stories_relevant_sort
        JOIN stories s {views.BY_ID} ON s.id = r.id
        WHERE r.relevant = 1 AND r.sort_at > :start AND r.sort_at <= :end AND {views.SHOWN}
    )
"""


@dataclass(frozen=True, slots=True)
class PersonWeeks:
    """A person's shown stories week by week, oldest week first."""

    key: str
    name_ar: str
    name_en: str
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MeetingEdge:
    """Two sides that met in the period, as often as stories told it, and the latest word."""

    a: str
    b: str
    kind: str
    place: str | None
    day: str | None
    stories: int


def topic_weeks(db: sqlite_utils.Database, end: datetime, weeks: int) -> dict[str, list[int]]:
    """Shown stories per topic in each of the `weeks` weeks to `end`, oldest week first."""
    found = db.execute(
        _WEEKS + "SELECT st.topic, recent.week, COUNT(*) FROM recent "
        "JOIN story_topics st ON st.story_id = recent.id GROUP BY st.topic, recent.week",
        _bounds(end, weeks),
    ).fetchall()
    out: dict[str, list[int]] = {}
    for topic, week, count in found:
        out.setdefault(topic, [0] * weeks)[weeks - 1 - int(week)] = int(count)
    return out


def people_weeks(
    db: sqlite_utils.Database, end: datetime, weeks: int, keys: list[str]
) -> list[PersonWeeks]:
    """Shown stories naming each of these people in each week, oldest week first."""
    # From each person's mentions (their index) to the stories: a few people's rows, where
    # starting from the weeks' stories read every mention of everyone.
    found = db.execute(
        f"""
        SELECT a.key, a.name_ar, a.name_en,
               CAST((julianday(:end) - julianday(s.sort_at)) / 7 AS INTEGER) AS week,
               COUNT(DISTINCT s.id)
        FROM mentions m INDEXED BY mentions_actor
        CROSS JOIN stories s {views.BY_ID}
        JOIN actors a ON a.key = m.actor_key
        WHERE m.actor_key IN (SELECT value FROM json_each(:keys)) AND s.id = m.story_id
          AND s.relevant = 1 AND s.sort_at > :start AND s.sort_at <= :end AND {views.SHOWN}
          AND a.kind = 'person'
        GROUP BY a.key, week
        """,
        {**_bounds(end, weeks), "keys": json.dumps(keys)},
    ).fetchall()
    counts: dict[str, list[int]] = {}
    names: dict[str, tuple[str, str]] = {}
    for key, name_ar, name_en, week, count in found:
        counts.setdefault(key, [0] * weeks)[weeks - 1 - int(week)] = int(count)
        names[key] = (name_ar, name_en)
    return [PersonWeeks(k, names[k][0], names[k][1], tuple(c)) for k, c in counts.items()]


def rising_people(
    db: sqlite_utils.Database, end: datetime, weeks: int, limit: int, least: int = 2
) -> list[PersonWeeks]:
    """The people whose stories in the last week rose most above their weekly mean before.

    A person needs `least` stories in the last week: one story is not a rise. The rise is
    weighed for the CANDIDATES people named most in the last week: who rises most is among
    them, and the weeks before are read for them alone.
    """
    candidates = [
        row[0]
        for row in db.execute(
            f"""
            SELECT m.actor_key, COUNT(DISTINCT r.id) AS recent
            FROM stories r INDEXED BY stories_relevant_sort
            JOIN stories s {views.BY_ID} ON s.id = r.id
            JOIN mentions m ON m.story_id = r.id
            JOIN actors a ON a.key = m.actor_key
            WHERE r.relevant = 1 AND r.sort_at >= ? AND r.sort_at <= ? AND {views.SHOWN}
              AND a.kind = 'person'
            GROUP BY m.actor_key HAVING recent >= ? ORDER BY recent DESC, m.actor_key LIMIT ?
            """,
            [to_db(end - WEEK), to_db(end), least, max(limit, CANDIDATES)],
        ).fetchall()
    ]
    everyone = people_weeks(db, end, weeks, candidates)

    def rise(person: PersonWeeks) -> float:
        before = person.counts[:-1]
        return person.counts[-1] - (sum(before) / len(before) if before else 0.0)

    risen = [p for p in everyone if p.counts[-1] >= least and rise(p) > 0]
    risen.sort(key=lambda p: (-rise(p), -p.counts[-1], p.name_en))
    return risen[:limit]


def meeting_edges(db: sqlite_utils.Database, start: datetime, end: datetime) -> list[MeetingEdge]:
    """Who met whom in shown stories of the period, each pair and kind once, most told first."""
    found = db.execute(
        f"""
        SELECT m.a, m.b, m.kind, m.place, m.day, s.sort_at
        FROM stories r INDEXED BY stories_relevant_sort
        JOIN stories s {views.BY_ID} ON s.id = r.id
        JOIN meetings m ON m.story_id = s.id
        WHERE r.relevant = 1 AND r.sort_at >= ? AND r.sort_at <= ? AND {views.SHOWN}
        ORDER BY s.sort_at
        """,
        [to_db(start), to_db(end)],
    ).fetchall()
    edges: dict[tuple[str, str, str], MeetingEdge] = {}
    for a, b, kind, place, day, _ in found:
        pair = (min(a, b), max(a, b), kind)
        seen = edges.get(pair)
        edges[pair] = MeetingEdge(
            a=pair[0],
            b=pair[1],
            kind=kind,
            place=place or (seen.place if seen else None),
            day=day or (seen.day if seen else None),
            stories=(seen.stories if seen else 0) + 1,
        )
    return sorted(edges.values(), key=lambda e: (-e.stories, e.a, e.b, e.kind))


def _bounds(end: datetime, weeks: int) -> dict[str, str | None]:
    return {"start": to_db(end - weeks * WEEK), "end": to_db(end)}


def actors_by_key(db: sqlite_utils.Database, keys: list[str]) -> dict[str, ActorRecord]:
    """The stored actors among `keys`, by key."""
    found = {}
    for key in keys:
        actor = get_actor(db, key)
        if actor is not None:
            found[key] = actor
    return found


def data_version(db: sqlite_utils.Database) -> tuple[int, int, int]:
    """What changes when stories are stored or analyzed again, for keeping pictures meanwhile.

    The newest story and meeting ids, and how many stories are shown.
    """
    row = db.execute(
        "SELECT (SELECT MAX(id) FROM stories), (SELECT MAX(id) FROM meetings), "
        "(SELECT COUNT(*) FROM stories WHERE relevant = 1)"
    ).fetchone()
    return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
