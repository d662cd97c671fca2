"""What a digest or weekly brief may carry: shown stories stored in its period, and their people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlite_utils

from bot.models import DigestCandidate
from storage import views
from storage.timefmt import from_db, to_db

Period = tuple[datetime, datetime]
# The most stories one period is ranked over: the newest, as the lists show them.
PER_PERIOD = 2000
# Ids per IN (...) list, well under SQLite's limit on variables.
_CHUNK = 2000


def period_candidates(
    db: sqlite_utils.Database, periods: Iterable[Period]
) -> dict[Period, list[DigestCandidate]]:
    """Each period's shown stories (the newest PER_PERIOD), with topics and people, read once.

    A digest run has a handful of periods (one per time a subscriber's last digest ended)
    that mostly overlap: reading each story's columns, topics and people once for all of
    them is what makes the run's reads cheap.
    """
    ids_of: dict[Period, list[int]] = {}
    for since, until in dict.fromkeys(periods):
        ids_of[(since, until)] = [
            row[0]
            for row in db.execute(
                f"SELECT s.id FROM stories s {views.JOINS} WHERE {views.SHOWN} "
                f"AND a.fetched_at >= ? AND a.fetched_at < ? {views.ORDER} LIMIT ?",
                [to_db(since), to_db(until), PER_PERIOD],
            )
        ]
    wanted = sorted({story_id for ids in ids_of.values() for story_id in ids})
    found = _candidates(db, wanted)
    return {period: [found[i] for i in ids if i in found] for period, ids in ids_of.items()}


def _candidates(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, DigestCandidate]:
    out: dict[int, DigestCandidate] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" for _ in part)
        topics: dict[int, list[str]] = {}
        for story_id, topic in db.execute(
            f"SELECT story_id, topic FROM story_topics WHERE story_id IN ({marks}) "
            "ORDER BY score DESC",
            part,
        ):
            topics.setdefault(story_id, []).append(topic)
        people: dict[int, list[tuple[str, str, str]]] = {}
        for story_id, key, name_ar, name_en in db.execute(
            "SELECT m.story_id, a.key, a.name_ar, a.name_en FROM mentions m "
            "JOIN actors a ON a.key = m.actor_key WHERE a.kind = 'person' "
            f"AND m.story_id IN ({marks}) ORDER BY m.count DESC",
            part,
        ):
            people.setdefault(story_id, []).append((key, name_ar, name_en))
        for row in db.execute(
            f"SELECT {views.COLUMNS}, s.sort_at, a.fetched_at FROM stories s {views.JOINS} "
            f"WHERE s.id IN ({marks})",
            part,
        ):
            sort_at = from_db(row[views.WIDTH])
            assert sort_at is not None
            out[row[0]] = DigestCandidate(
                story=views.story_view(row),
                sort_at=sort_at,
                arrived_at=from_db(row[views.WIDTH + 1]),
                topics=tuple(topics.get(row[0], ())),
                people=tuple(people.get(row[0], ())),
            )
    return out
