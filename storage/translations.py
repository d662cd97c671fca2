"""Cached machine translations: stories' headlines and leads, and discovered people's names."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.models import Translation
from storage.db import writing
from storage.timefmt import to_db

# SQLite allows 999 bound parameters in older builds; stay well under it.
_CHUNK = 500


def cached_translations(
    db: sqlite_utils.Database, story_ids: list[int], lang: str
) -> dict[int, Translation]:
    """The stored translations into `lang` of these stories, by story id."""
    found: dict[int, Translation] = {}
    unique = list(dict.fromkeys(story_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        marks = ",".join("?" for _ in chunk)
        rows = db.execute(
            "SELECT story_id, lang, headline, lead FROM translations "
            f"WHERE lang = ? AND story_id IN ({marks})",
            [lang, *chunk],
        )
        for story_id, row_lang, headline, lead in rows:
            found[int(story_id)] = Translation(
                story_id=int(story_id), lang=str(row_lang), headline=headline, lead=lead
            )
    return found


def save_translations(
    db: sqlite_utils.Database, items: list[Translation], provider: str, now: datetime
) -> None:
    """Store these translations, replacing any earlier one of the same story and language."""
    if not items:
        return
    created_at = to_db(now)
    with writing(db):
        db.conn.executemany(
            "INSERT INTO translations (story_id, lang, headline, lead, provider, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (story_id, lang) DO UPDATE SET headline = excluded.headline, "
            "lead = excluded.lead, provider = excluded.provider, "
            "created_at = excluded.created_at",
            [(t.story_id, t.lang, t.headline, t.lead, provider, created_at) for t in items],
        )


def cached_name(db: sqlite_utils.Database, text: str, lang: str) -> str | None:
    """The stored translation of a name into `lang`, None when there is none."""
    row = db.execute(
        "SELECT translated FROM name_translations WHERE source_text = ? AND lang = ?",
        [text, lang],
    ).fetchone()
    return None if row is None else str(row[0])


def save_name(
    db: sqlite_utils.Database,
    text: str,
    lang: str,
    translated: str,
    provider: str,
    now: datetime,
) -> None:
    """Store a name's translation into `lang`, replacing any earlier one."""
    with writing(db):
        db.execute(
            "INSERT INTO name_translations (source_text, lang, translated, provider, created_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source_text, lang) DO UPDATE SET translated = excluded.translated, "
            "provider = excluded.provider, created_at = excluded.created_at",
            [text, lang, translated, provider, to_db(now)],
        )
